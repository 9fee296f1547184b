"""Synthetic households as columns (seeded numpy), and the bridge back to `HouseholdFacts`.

Used by the batch agreement test and `benchmarks/rules_batch.py`: the batch evaluator reads the
columns, the pure rules read the facts rebuilt from the same rows, and `outcomes_*` reduce both
to comparable tuples. Generated data, never real people.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from minzheng.assistance.batch import (
    AWAY_REASONS,
    CARE_LEVELS,
    DISABILITIES,
    INCOME_KINDS,
    RELATIONSHIPS,
    RISE_REASONS,
    ROUTE_GRADUAL_EXIT,
    ROUTE_HOUSEHOLD,
    ROUTE_NONE,
    STUDENT_STATUSES,
    VEHICLE_KINDS,
    BatchResult,
    HouseholdColumns,
    MemberColumns,
    SupporterColumns,
)
from minzheng.assistance.decisions import Decision, Route
from minzheng.assistance.facts import (
    AdlAssessment,
    Assets,
    Disability,
    Enrolment,
    Home,
    HouseholdFacts,
    Income,
    Member,
    NonResidentialKind,
    NonResidentialProperty,
    Relationship,
    Supporter,
    Vehicle,
)
from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.programmes import ProgrammeCode
from minzheng.assistance.rules import evaluate_household
from minzheng.core.money import ZERO

NINGBO_COUNTIES = (
    "330203",
    "330205",
    "330206",
    "330211",
    "330212",
    "330213",
    "330225",
    "330226",
    "330281",
    "330282",
)

# (route, amount fen) 低保; 低边; (eligible, care index, amount fen) 特困; {member row: (eligible, amount fen)} 单人户
type Outcome = tuple[tuple[int, int], bool, tuple[bool, int, int], dict[int, tuple[bool, int]]]


def _fen_to_yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def synthetic_columns(
    households: int,
    *,
    seed: int = 20200601,
    as_of: date = date(2021, 3, 1),
    regions: Sequence[str] = NINGBO_COUNTIES,
) -> tuple[HouseholdColumns, MemberColumns, SupporterColumns]:
    rng = np.random.default_rng(seed)
    H = households
    sizes = rng.choice(np.arange(1, 6), size=H, p=[0.30, 0.30, 0.20, 0.15, 0.05])
    M = int(sizes.sum())
    household = np.repeat(np.arange(H, dtype=np.int64), sizes)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    position = np.arange(M) - starts[household]

    others = [
        RELATIONSHIPS.index(r)
        for r in (
            Relationship.SPOUSE,
            Relationship.CHILD,
            Relationship.PARENT,
            Relationship.SIBLING,
            Relationship.OTHER,
        )
    ]
    relationship = np.where(
        position == 0,
        RELATIONSHIPS.index(Relationship.APPLICANT),
        rng.choice(others, size=M, p=[0.3, 0.4, 0.15, 0.1, 0.05]),
    ).astype(np.int8)
    age = rng.integers(0, 96, size=M).astype(np.int16)
    away = np.where(rng.random(M) < 0.06, rng.integers(1, len(AWAY_REASONS), size=M), 0).astype(
        np.int8
    )
    disability = np.where(
        rng.random(M) < 0.15, rng.integers(1, len(DISABILITIES) + 1, size=M), 0
    ).astype(np.int8)
    grade = np.where(disability > 0, rng.integers(1, 5, size=M), 0).astype(np.int8)
    income = np.zeros((M, len(INCOME_KINDS)), np.int64)
    income[:, 0] = np.where(rng.random(M) < 0.5, rng.integers(0, 300_000, size=M), 0)  # wage, fen
    for k in range(1, len(INCOME_KINDS)):
        income[:, k] = np.where(rng.random(M) < 0.06, rng.integers(0, 80_000, size=M), 0)
    members = MemberColumns(
        household=household,
        relationship=relationship,
        age=age,
        lives_together=rng.random(M) < 0.8,
        support_duty=rng.random(M) < 0.7,
        unable_independent=rng.random(M) < 0.1,
        away=away,
        away_years=rng.integers(0, 6, size=M).astype(np.int16),
        student=rng.choice(len(STUDENT_STATUSES), size=M, p=[0.8, 0.1, 0.05, 0.05]).astype(np.int8),
        disability=disability,
        grade=grade,
        serious_illness=rng.random(M) < 0.05,
        income_fen=income,
        extra_expense_fen=np.where(rng.random(M) < 0.05, rng.integers(0, 60_000, size=M), 0).astype(
            np.int64
        ),
        adl_failed=np.where(rng.random(M) < 0.3, rng.integers(0, 7, size=M), -1).astype(np.int8),
    )

    owed = np.nonzero((position == 0) & (rng.random(M) < 0.4))[0]
    S = len(owed)
    s_dis = np.where(rng.random(S) < 0.1, rng.integers(1, len(DISABILITIES) + 1, size=S), 0).astype(
        np.int8
    )
    supporters = SupporterColumns(
        member=owed.astype(np.int64),
        age=rng.integers(18, 96, size=S).astype(np.int16),
        income_fen=rng.integers(0, 1_000_000, size=S).astype(np.int64),
        is_tekun=rng.random(S) < 0.05,
        is_dibao=rng.random(S) < 0.15,
        disability=s_dis,
        grade=np.where(s_dis > 0, rng.integers(1, 5, size=S), 0).astype(np.int8),
        incapacitated=rng.random(S) < 0.03,
        missing=rng.random(S) < 0.02,
        in_prison=rng.random(S) < 0.02,
    )

    homes = rng.choice(4, size=H, p=[0.2, 0.6, 0.15, 0.05]).astype(np.int8)
    enrolled = rng.random(H) < 0.15
    households_cols = HouseholdColumns(
        regions=tuple(regions),
        as_of=as_of,
        region=rng.integers(0, len(regions), size=H).astype(np.int16),
        applicant=starts,
        money_fen=np.where(
            rng.random(H) < 0.7,
            rng.integers(0, 8_000_000, size=H),
            rng.integers(0, 30_000_000, size=H),
        ).astype(np.int64),
        vehicles=(rng.random((H, len(VEHICLE_KINDS))) < 0.03).astype(np.int8),
        nonresidential=(rng.random(H) < 0.03).astype(np.int8),
        nonresidential_only_home=(rng.random(H) < 0.03).astype(np.int8),
        homes=homes,
        floor_area_centi=(homes * rng.integers(2_000, 12_000, size=H)).astype(np.int64),
        urban=rng.random(H) < 0.6,
        enrolled=enrolled,
        enrolled_amount_fen=np.where(enrolled, rng.integers(0, 300_000, size=H), 0).astype(
            np.int64
        ),
        months_since_income_rose=np.where(enrolled, rng.integers(-1, 9, size=H), -1).astype(
            np.int8
        ),
        rise_reason=np.where(enrolled, rng.integers(0, len(RISE_REASONS), size=H), 0).astype(
            np.int8
        ),
    )
    # Drawn last, so the columns above stay what they were for a given seed: some households not
    # on 低保 are on 低边, with the month and reason their income rose (低边 渐退).
    on_dibian = ~enrolled & (rng.random(H) < 0.1)
    households_cols = replace(
        households_cols,
        enrolled_dibian=on_dibian,
        months_since_income_rose=np.where(
            on_dibian, rng.integers(-1, 9, size=H), households_cols.months_since_income_rose
        ).astype(np.int8),
        rise_reason=np.where(
            on_dibian, rng.integers(0, len(RISE_REASONS), size=H), households_cols.rise_reason
        ).astype(np.int8),
    )
    return households_cols, members, supporters


def _disability(code: int, grade: int) -> Disability | None:
    return None if code == 0 else Disability(DISABILITIES[code - 1], grade)


def _adl(failed: int) -> AdlAssessment | None:
    return None if failed < 0 else AdlAssessment(*([False] * failed + [True] * (6 - failed)))


def facts_from_columns(
    hc: HouseholdColumns, mc: MemberColumns, sc: SupporterColumns, rows: npt.ArrayLike
) -> list[HouseholdFacts]:
    """Rebuild `HouseholdFacts` for some household rows; member ids are `m<row>`."""
    wanted = np.asarray(rows, dtype=np.int64)
    order = np.argsort(mc.household, kind="stable")
    bounds = np.searchsorted(mc.household[order], [wanted, wanted + 1])
    s_order = np.argsort(sc.member, kind="stable")
    s_sorted = sc.member[s_order]
    result = []
    for i, h in enumerate(wanted):
        people = []
        for m in order[bounds[0][i] : bounds[1][i]]:
            lo, hi = np.searchsorted(s_sorted, [m, m + 1])
            supporters = tuple(
                Supporter(
                    id=f"s{s}",
                    age=int(sc.age[s]),
                    monthly_income=_fen_to_yuan(int(sc.income_fen[s])),
                    is_tekun=bool(sc.is_tekun[s]),
                    is_dibao_recipient=bool(sc.is_dibao[s]),
                    disability=_disability(int(sc.disability[s]), int(sc.grade[s])),
                    legally_incapacitated=bool(sc.incapacitated[s]),
                    missing=bool(sc.missing[s]),
                    in_prison=bool(sc.in_prison[s]),
                )
                for s in s_order[lo:hi]
            )
            people.append(
                Member(
                    id=f"m{m}",
                    relationship=RELATIONSHIPS[int(mc.relationship[m])],
                    age=int(mc.age[m]),
                    lives_together=bool(mc.lives_together[m]),
                    has_legal_support_duty=bool(mc.support_duty[m]),
                    unable_to_live_independently=bool(mc.unable_independent[m]),
                    away_reason=AWAY_REASONS[int(mc.away[m])],
                    away_years=int(mc.away_years[m]),
                    student=STUDENT_STATUSES[int(mc.student[m])],
                    disability=_disability(int(mc.disability[m]), int(mc.grade[m])),
                    serious_illness=bool(mc.serious_illness[m]),
                    incomes=tuple(
                        Income(kind, _fen_to_yuan(int(mc.income_fen[m, k])))
                        for k, kind in enumerate(INCOME_KINDS)
                        if mc.income_fen[m, k]
                    ),
                    extra_expenses_monthly=_fen_to_yuan(int(mc.extra_expense_fen[m])),
                    adl=_adl(int(mc.adl_failed[m])),
                    supporters=supporters,
                )
            )
        assets = Assets(
            money=_fen_to_yuan(int(hc.money_fen[h])),
            vehicles=tuple(
                Vehicle(kind)
                for k, kind in enumerate(VEHICLE_KINDS)
                for _ in range(int(hc.vehicles[h, k]))
            ),
            nonresidential=(NonResidentialProperty(NonResidentialKind.SHOP),)
            * int(hc.nonresidential[h])
            + (NonResidentialProperty(NonResidentialKind.SHOP, is_only_home=True),)
            * int(hc.nonresidential_only_home[h]),
            homes=_homes(int(hc.homes[h]), int(hc.floor_area_centi[h])),
            urban=bool(hc.urban[h]),
        )
        enrolment = None
        months = int(hc.months_since_income_rose[h])
        if hc.enrolled[h]:
            enrolment = Enrolment(
                _fen_to_yuan(int(hc.enrolled_amount_fen[h])),
                months_since_income_rose=None if months < 0 else months,
                income_rise_reason=RISE_REASONS[int(hc.rise_reason[h])],
            )
        elif hc.enrolled_dibian is not None and hc.enrolled_dibian[h]:
            enrolment = Enrolment(
                ZERO,
                months_since_income_rose=None if months < 0 else months,
                income_rise_reason=RISE_REASONS[int(hc.rise_reason[h])],
                programme=ProgrammeCode.DIBIAN.value,
            )
        result.append(
            HouseholdFacts(
                tuple(people), assets, hc.regions[int(hc.region[h])], hc.as_of, enrolment
            )
        )
    return result


def _homes(count: int, area_centi: int) -> tuple[Home, ...]:
    if count == 0:
        return ()
    # the whole area on the first home: only the total and the count matter to the rules
    return (Home(Decimal(area_centi) / 100),) + (Home(Decimal(0)),) * (count - 1)


_ROUTES = {
    Route.NONE: ROUTE_NONE,
    Route.HOUSEHOLD: ROUTE_HOUSEHOLD,
    Route.GRADUAL_EXIT: ROUTE_GRADUAL_EXIT,
}


def _fen(amount: Decimal) -> int:
    return int(amount * 100)


def outcome_from_rules(decisions: Sequence[Decision]) -> Outcome:
    dibao = next(d for d in decisions if d.programme == ProgrammeCode.DIBAO and d.member_id is None)
    dibian = next(d for d in decisions if d.programme == ProgrammeCode.DIBIAN)
    tekun = next(d for d in decisions if d.programme == ProgrammeCode.TEKUN)
    assert tekun.care_level is not None
    singles = {
        int(d.member_id[1:]): (d.eligible, _fen(d.monthly_amount))
        for d in decisions
        if d.programme == ProgrammeCode.DIBAO and d.member_id is not None
    }
    return (
        (_ROUTES[dibao.route], _fen(dibao.monthly_amount)),
        dibian.eligible,
        (tekun.eligible, CARE_LEVELS.index(tekun.care_level), _fen(tekun.monthly_amount)),
        singles,
    )


def outcome_from_batch(
    result: BatchResult, row: int, household_members: npt.NDArray[np.int64]
) -> Outcome:
    member_rows = household_members[result.single_person_candidate[household_members]]
    return (
        (int(result.dibao_route[row]), int(result.dibao_amount_fen[row])),
        bool(result.dibian_eligible[row]),
        (
            bool(result.tekun_eligible[row]),
            int(result.tekun_care[row]),
            int(result.tekun_amount_fen[row]),
        ),
        {
            int(m): (
                bool(result.single_person_eligible[m]),
                int(result.single_person_amount_fen[m]),
            )
            for m in member_rows
        },
    )


def disagreements(
    result: BatchResult,
    hc: HouseholdColumns,
    mc: MemberColumns,
    sc: SupporterColumns,
    rows: npt.ArrayLike,
    params_by_region: Mapping[str, ParameterSet],
) -> list[tuple[int, Outcome, Outcome]]:
    """Rows where the batch and the pure rules differ, with both outcomes (empty when they agree)."""
    wanted = np.asarray(rows, dtype=np.int64)
    order = np.argsort(mc.household, kind="stable")
    lo, hi = np.searchsorted(mc.household[order], [wanted, wanted + 1])
    found = []
    for i, facts in enumerate(facts_from_columns(hc, mc, sc, wanted)):
        row = int(wanted[i])
        params = params_by_region[facts.region_code]
        expected = outcome_from_rules(evaluate_household(facts, params))
        got = outcome_from_batch(result, row, order[lo[i] : hi[i]])
        if got != expected:
            found.append((row, got, expected))
    return found
