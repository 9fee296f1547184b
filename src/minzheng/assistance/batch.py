"""The 低保 / 低边 / 单人户 / 特困 rules, set-based over columns, for re-evaluating a whole region at once.

Same decisions and amounts as `rules.evaluate_household`, computed with numpy over three column
sets (households, members, supporters) that the shell extracts with SQL or DuckDB. Money is
integer arithmetic in units of 0.0001 yuan so every amount matches the Decimal rules exactly;
parameters with more than two decimals are refused rather than approximated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from minzheng.assistance.decisions import CareLevel
from minzheng.assistance.errors import NegativeIncome, ParameterInvalid
from minzheng.assistance.facts import (
    AwayReason,
    DisabilityCategory,
    IncomeKind,
    IncomeRiseReason,
    Relationship,
    StudentStatus,
    VehicleKind,
)
from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.policy import Policy, Setting, load_policy
from minzheng.core.money import Rounding

type IntArray = npt.NDArray[np.int64]
type BoolArray = npt.NDArray[np.bool_]
type Array = npt.NDArray[np.integer[Any]]

Q = 10_000  # units per yuan
FEN_Q = 100  # units per fen

# Column codes: the position in these tuples. Disability 0 means none, so categories start at 1.
RELATIONSHIPS = tuple(Relationship)
AWAY_REASONS = tuple(AwayReason)
STUDENT_STATUSES = tuple(StudentStatus)
DISABILITIES = tuple(DisabilityCategory)
INCOME_KINDS = tuple(IncomeKind)
VEHICLE_KINDS = tuple(VehicleKind)
RISE_REASONS = (None, *IncomeRiseReason)
CARE_LEVELS = tuple(CareLevel)

ROUTE_NONE, ROUTE_HOUSEHOLD, ROUTE_GRADUAL_EXIT = 0, 1, 2


def disability_code(category: DisabilityCategory | None) -> int:
    return 0 if category is None else DISABILITIES.index(category) + 1


@dataclass(frozen=True)
class MemberColumns:
    household: IntArray  # row of the household
    relationship: Array  # index into RELATIONSHIPS
    age: Array  # whole years on the evaluation day
    lives_together: BoolArray
    support_duty: BoolArray
    unable_independent: BoolArray
    away: Array  # index into AWAY_REASONS
    away_years: Array
    student: Array  # index into STUDENT_STATUSES
    disability: Array  # 0 none, else DISABILITIES index + 1
    grade: Array  # 0 none, 1–4
    serious_illness: BoolArray
    income_fen: IntArray  # (members, len(INCOME_KINDS)), monthly, in fen
    extra_expense_fen: IntArray
    adl_failed: Array  # −1 not assessed, else 0–6

    def __len__(self) -> int:
        return len(self.household)


@dataclass(frozen=True)
class SupporterColumns:
    member: IntArray  # row of the member they owe support to
    age: Array
    income_fen: IntArray
    is_tekun: BoolArray
    is_dibao: BoolArray
    disability: Array
    grade: Array
    incapacitated: BoolArray
    missing: BoolArray
    in_prison: BoolArray

    def __len__(self) -> int:
        return len(self.member)


@dataclass(frozen=True)
class HouseholdColumns:
    regions: tuple[str, ...]  # region codes; `region` indexes into it
    as_of: date
    region: Array
    applicant: IntArray  # member row of the applicant
    money_fen: IntArray
    vehicles: Array  # (households, len(VEHICLE_KINDS)) counts
    nonresidential: Array  # non-residential properties that are not the only home
    nonresidential_only_home: Array
    homes: Array
    floor_area_centi: IntArray  # total floor area in 0.01 m²
    urban: BoolArray
    enrolled: BoolArray
    enrolled_amount_fen: IntArray
    months_since_income_rose: Array  # −1 not recorded
    rise_reason: Array  # index into RISE_REASONS
    # Enrolled in 低边 (not 低保): `months_since_income_rose`/`rise_reason` then describe it.
    enrolled_dibian: BoolArray | None = None

    def __len__(self) -> int:
        return len(self.region)


@dataclass(frozen=True)
class BatchResult:
    members: IntArray  # co-resident members per household
    dibao_route: Array  # ROUTE_* per household
    dibao_amount_fen: IntArray
    dibian_eligible: BoolArray
    tekun_eligible: BoolArray
    tekun_care: Array  # index into CARE_LEVELS
    tekun_amount_fen: IntArray
    single_person_candidate: BoolArray  # per member: a 单人户 decision exists
    single_person_eligible: BoolArray
    single_person_amount_fen: IntArray


def _q(value: Decimal, key: str, per_unit: int = Q) -> int:
    scaled = value * per_unit
    if scaled != scaled.to_integral_value():
        raise ParameterInvalid(f"批量计算要求参数 {key} 不超过两位小数，实际为 {value}")
    return int(scaled)


def _product_q(rate: Setting[Decimal], standard_q: int) -> int:
    """rate × standard in units, exactly (both carry at most two decimals)."""
    numerator = _q(rate.value, rate.parameter.key) * standard_q
    if numerator % Q:
        raise ParameterInvalid(f"批量计算无法精确表示 {rate.parameter.key} × 低保标准")
    return numerator // Q


def _round(x: IntArray, rule: Rounding) -> IntArray:
    quantum = {
        Rounding.HALF_UP_FEN: FEN_Q,
        Rounding.HALF_UP_JIAO: 10 * FEN_Q,
        Rounding.HALF_UP_YUAN: Q,
        Rounding.UP_YUAN: Q,
        Rounding.DOWN_YUAN: Q,
    }[rule]
    if rule is Rounding.UP_YUAN:
        return -((-x) // quantum) * quantum
    if rule is Rounding.DOWN_YUAN:
        return (x // quantum) * quantum
    # ROUND_HALF_UP in Decimal rounds ties away from zero.
    rounded: IntArray = np.sign(x) * ((np.abs(x) + quantum // 2) // quantum) * quantum
    return rounded


def _sum_by(index: IntArray, values: IntArray, size: int) -> IntArray:
    # float64 bincount is exact while sums stay below 2**53 units (≈ 900 billion yuan).
    return np.rint(np.bincount(index, weights=values.astype(np.float64), minlength=size)).astype(
        np.int64
    )


def _kind_mask(excluded: frozenset[str]) -> BoolArray:
    return np.array([kind.value not in excluded for kind in INCOME_KINDS])


def _severe(disability: Array, grade: Array, severe_max: int, im_max: int) -> BoolArray:
    im = np.isin(
        disability,
        [
            disability_code(DisabilityCategory.INTELLECTUAL),
            disability_code(DisabilityCategory.MENTAL),
        ],
    )
    has = disability > 0
    result: BoolArray = has & ((grade <= severe_max) | (im & (grade <= im_max)))
    return result


def evaluate_batch(
    households: HouseholdColumns,
    members: MemberColumns,
    supporters: SupporterColumns,
    params_by_region: Mapping[str, ParameterSet],
) -> BatchResult:
    """Evaluate every household; `params_by_region` holds one resolved set per region code."""
    if (members.income_fen < 0).any():
        row = int(np.argmax((members.income_fen < 0).any(axis=1)))
        raise NegativeIncome(f"第{row}行", "批量收入", int(members.income_fen[row].min()) / 100)
    if (supporters.income_fen < 0).any():
        raise NegativeIncome("义务人", "批量收入", int(supporters.income_fen.min()) / 100)
    H, M = len(households), len(members)
    out = _empty_result(H, M)
    member_region = households.region[members.household]
    for code_index, code in enumerate(households.regions):
        h_rows = np.nonzero(households.region == code_index)[0]
        if len(h_rows) == 0:
            continue
        params = params_by_region[code]
        if params.as_of != households.as_of:
            raise ParameterInvalid(f"区划 {code} 的参数日期与批量认定日期不一致")
        _evaluate_region(
            households,
            members,
            supporters,
            h_rows,
            member_region == code_index,
            load_policy(params),
            out,
        )
    return out


def _empty_result(H: int, M: int) -> BatchResult:
    return BatchResult(
        members=np.zeros(H, np.int64),
        dibao_route=np.zeros(H, np.int8),
        dibao_amount_fen=np.zeros(H, np.int64),
        dibian_eligible=np.zeros(H, bool),
        tekun_eligible=np.zeros(H, bool),
        tekun_care=np.zeros(H, np.int8),
        tekun_amount_fen=np.zeros(H, np.int64),
        single_person_candidate=np.zeros(M, bool),
        single_person_eligible=np.zeros(M, bool),
        single_person_amount_fen=np.zeros(M, np.int64),
    )


def _evaluate_region(
    hc: HouseholdColumns,
    mc: MemberColumns,
    sc: SupporterColumns,
    h_rows: IntArray,
    member_in_region: BoolArray,
    p: Policy,
    out: BatchResult,
) -> None:
    n_h = len(h_rows)
    local = np.full(len(hc), -1, np.int64)
    local[h_rows] = np.arange(n_h)
    m_rows = np.nonzero(member_in_region)[0]
    mh = local[mc.household[m_rows]]
    age = mc.age[m_rows].astype(np.int64)
    rel = mc.relationship[m_rows]
    disability, grade = mc.disability[m_rows], mc.grade[m_rows]
    S = _q(p.standard.value, p.standard.parameter.key)

    # 民发〔2021〕57号 art 7: exclusions first, then spouse, minor or dependent children, co-resident supporters.
    away = mc.away[m_rows]
    excluded = np.isin(
        away,
        [
            AWAY_REASONS.index(r)
            for r in (AwayReason.PRISON, AwayReason.COMPULSORY_REHAB, AwayReason.MISSING)
        ],
    ) | (
        (away == AWAY_REASONS.index(AwayReason.CLERGY))
        & (mc.away_years[m_rows] >= p.clergy_away_min_years.value)
    )
    child = rel == RELATIONSHIPS.index(Relationship.CHILD)
    dependent_child = child & (
        (age < p.adult_age.value)
        | mc.unable_independent[m_rows]
        | (mc.student[m_rows] == STUDENT_STATUSES.index(StudentStatus.FULL_TIME_UP_TO_BACHELOR))
    )
    core = np.isin(
        rel, [RELATIONSHIPS.index(Relationship.APPLICANT), RELATIONSHIPS.index(Relationship.SPOUSE)]
    )
    included = ~excluded & (
        core | dependent_child | (mc.support_duty[m_rows] & mc.lives_together[m_rows])
    )

    # Income (art 13): counted kinds, minus disability/illness spending when the parameter allows.
    income = mc.income_fen[m_rows]
    counted_m = income[:, _kind_mask(p.income_excluded.value)].sum(axis=1) * FEN_Q
    deduction_m = (
        mc.extra_expense_fen[m_rows] * FEN_Q
        if p.deduct_extra_expenses.value
        else np.zeros(len(m_rows), np.int64)
    )
    inc_rows = mh[included]
    n = np.bincount(inc_rows, minlength=n_h).astype(np.int64)
    total = np.maximum(
        0,
        _sum_by(inc_rows, counted_m[included], n_h) - _sum_by(inc_rows, deduction_m[included], n_h),
    )

    # Assets (浙民助〔2015〕13号).
    money = hc.money_fen[h_rows] * FEN_Q
    exempt = np.array([k.value in p.vehicle_exempt.value for k in VEHICLE_KINDS])
    vehicles_ok = p.vehicle_allowed.value | (hc.vehicles[h_rows][:, ~exempt].sum(axis=1) == 0)
    nonres = hc.nonresidential[h_rows] + (
        0 if p.nonresidential_only_home_exempt.value else hc.nonresidential_only_home[h_rows]
    )
    nonres_ok = p.nonresidential_allowed.value | (nonres == 0)
    homes = hc.homes[h_rows]
    avg_c = _q(p.urban_average_area.value, p.urban_average_area.parameter.key, 100)
    small = (n > 0) & (hc.floor_area_centi[h_rows] < avg_c * n)
    housing_ok = (
        ~hc.urban[h_rows]
        | (homes <= p.urban_max_homes.value)
        | ((homes <= p.urban_max_homes_if_small.value) & small)
    )
    other_assets_ok = vehicles_ok & nonres_ok & housing_ok

    def assets_ok(years: int) -> BoolArray:
        result: BoolArray = (n > 0) & (money < years * 12 * S * n) & other_assets_ok
        return result

    dibao_assets, dibian_assets = (
        assets_ok(p.dibao_money_years.value),
        assets_ok(p.dibian_money_years.value),
    )

    # 分类施保 per member: the highest rate, or all of them when cumulative.
    categories = [
        (age >= p.elderly_min_age.value, _q(p.elderly_rate.value, "supplement.elderly.rate")),
        (age < p.adult_age.value, _q(p.minor_rate.value, "supplement.minor.rate")),
        (
            (grade > 0) & (grade <= p.severe_disability_max_grade.value),
            _q(p.severe_disability_rate.value, "supplement.severe_disability.rate"),
        ),
        (
            mc.serious_illness[m_rows],
            _q(p.serious_illness_rate.value, "supplement.serious_illness.rate"),
        ),
    ]
    rate_m = np.zeros(len(m_rows), np.int64)
    for applies, rate in categories:
        rate_m = (
            rate_m + applies * rate
            if p.supplements_cumulative.value
            else np.maximum(rate_m, applies * rate)
        )
    supplement_m = rate_m * S
    if (supplement_m % Q).any():
        raise ParameterInvalid("批量计算无法精确表示分类施保金额")
    supplement_m //= Q
    floor = _q(p.floor.value, p.floor.parameter.key)

    def dibao_for(members: BoolArray) -> tuple[IntArray, Array, IntArray]:
        """低保 by household over the counted members, then 渐退 (民发〔2021〕57号 art 33)."""
        rows = mh[members]
        n_d = np.bincount(rows, minlength=n_h).astype(np.int64)
        total_d = np.maximum(
            0,
            _sum_by(rows, counted_m[members], n_h) - _sum_by(rows, deduction_m[members], n_h),
        )
        small_d = (n_d > 0) & (hc.floor_area_centi[h_rows] < avg_c * n_d)
        housing_d = (
            ~hc.urban[h_rows]
            | (homes <= p.urban_max_homes.value)
            | ((homes <= p.urban_max_homes_if_small.value) & small_d)
        )
        assets_d = (
            (n_d > 0)
            & (money < p.dibao_money_years.value * 12 * S * n_d)
            & vehicles_ok
            & nonres_ok
            & housing_d
        )
        income_ok = (n_d > 0) & (total_d < S * n_d)
        household_ok = income_ok & assets_d
        household_amount = np.maximum(
            _round(S * n_d - total_d + _sum_by(rows, supplement_m[members], n_h), p.rounding.value),
            floor,
        )
        months = hc.months_since_income_rose[h_rows]
        gradual = (
            ~income_ok
            & assets_d
            & hc.enrolled[h_rows]
            & (hc.rise_reason[h_rows] == RISE_REASONS.index(IncomeRiseReason.MEMBER_FOUND_WORK))
            & (months >= 0)
            & (months < p.grace_months.value)
        )
        route_d = np.where(
            household_ok, ROUTE_HOUSEHOLD, np.where(gradual, ROUTE_GRADUAL_EXIT, ROUTE_NONE)
        )
        amount_d = np.where(
            household_ok,
            household_amount,
            np.where(gradual, hc.enrolled_amount_fen[h_rows] * FEN_Q, 0),
        )
        return n_d, route_d, amount_d

    # 特困 for the applicant (民发〔2021〕43号 arts 5–8, 21–22).
    a = hc.applicant[h_rows]
    a_age, a_dis, a_grade = mc.age[a].astype(np.int64), mc.disability[a], mc.grade[a]
    limit = np.zeros(len(DISABILITIES) + 1, np.int64)
    limit[disability_code(DisabilityCategory.INTELLECTUAL)] = (
        p.incapacity_intellectual_mental_max_grade.value
    )
    limit[disability_code(DisabilityCategory.MENTAL)] = (
        p.incapacity_intellectual_mental_max_grade.value
    )
    limit[disability_code(DisabilityCategory.PHYSICAL)] = p.incapacity_physical_max_grade.value
    limit[disability_code(DisabilityCategory.VISUAL)] = p.incapacity_visual_max_grade.value
    incapable = (
        (a_age >= p.incapacity_min_age.value)
        | (a_age < p.incapacity_under_age.value)
        | (a_age < p.minor_until_age.value)
        | ((a_dis > 0) & (a_grade <= limit[a_dis]))
    )
    own_tekun = mc.income_fen[a][:, _kind_mask(p.tekun_excluded.value)].sum(axis=1) * FEN_Q
    s_rows = np.nonzero(member_in_region[sc.member])[0]
    poor = sc.income_fen[s_rows] * FEN_Q < _q(
        p.supporter_income_line.value, "tekun.supporter.income_line_monthly"
    )
    s_age = sc.age[s_rows]
    unable = (
        sc.is_tekun[s_rows]
        | (sc.is_dibao[s_rows] & (s_age >= p.supporter_dibao_min_age.value))
        | ((s_age >= p.supporter_elderly_min_age.value) & poor)
        | (
            _severe(
                sc.disability[s_rows],
                sc.grade[s_rows],
                p.supporter_severe_max_grade.value,
                p.supporter_intellectual_mental_max_grade.value,
            )
            & poor
        )
        | sc.incapacitated[s_rows]
        | sc.missing[s_rows]
        | sc.in_prison[s_rows]
    )
    able_supporters = np.bincount(sc.member[s_rows][~unable], minlength=len(mc))
    # Legal supporters registered in the household (民法典 arts 1059, 1067; 1074–1075 when recorded):
    # spouse, parents, adult children, and others with a recorded duty; their counted income.
    applicant_row = rel == RELATIONSHIPS.index(Relationship.APPLICANT)
    by_relationship = np.isin(
        rel,
        [
            RELATIONSHIPS.index(Relationship.SPOUSE),
            RELATIONSHIPS.index(Relationship.PARENT),
            RELATIONSHIPS.index(Relationship.CHILD),
        ],
    )
    in_household = (
        ~applicant_row
        & (by_relationship | mc.support_duty[m_rows])
        & ~(child & (age < p.adult_age.value))
    )
    line_q = _q(p.supporter_income_line.value, "tekun.supporter.income_line_monthly")
    m_poor = counted_m < line_q
    m_unable = (
        ((age >= p.supporter_elderly_min_age.value) & m_poor)
        | (
            _severe(
                disability,
                grade,
                p.supporter_severe_max_grade.value,
                p.supporter_intellectual_mental_max_grade.value,
            )
            & m_poor
        )
        | (away == AWAY_REASONS.index(AwayReason.MISSING))
        | (away == AWAY_REASONS.index(AwayReason.PRISON))
    )
    able_in_household = np.bincount(mh[in_household & ~m_unable], minlength=n_h)
    tekun = (
        incapable
        & (own_tekun < S)
        & dibao_assets
        & (able_supporters[a] == 0)
        & (able_in_household == 0)
    )
    failed = np.maximum(mc.adl_failed[a].astype(np.int64), 0)
    care = np.where(failed == 0, 0, np.where(failed <= p.care_partial_max_failed.value, 1, 2))
    care_q = np.array(
        [
            _q(p.care_amounts[level].value, f"tekun.care_amount.{level.value}")
            for level in CARE_LEVELS
        ]
    )
    tekun_amount = _round(_product_q(p.tekun_multiplier, S) + care_q[care], p.rounding.value)
    out.tekun_eligible[h_rows] = tekun
    out.tekun_care[h_rows] = care
    out.tekun_amount_fen[h_rows] = np.where(tekun, tekun_amount // FEN_Q, 0)

    # 特困 takes precedence: the 特困 applicant is not counted in the household's 低保 as well.
    counted = included & ~(applicant_row & tekun[mh])
    n_dibao, route, amount = dibao_for(counted)
    dibao = route != ROUTE_NONE
    out.members[h_rows] = n_dibao
    out.dibao_route[h_rows] = route
    out.dibao_amount_fen[h_rows] = amount // FEN_Q

    # 低边 (浙江省社会救助条例 art 13).
    dibian_line = _product_q(p.dibian_multiplier, S)
    dibian_income = (n > 0) & (total <= dibian_line * n)
    dibian_gradual = np.zeros(len(h_rows), bool)
    if hc.enrolled_dibian is not None:
        # 低边 渐退, as for 低保 with its own period (dibian.gradual_exit.grace_months).
        months = hc.months_since_income_rose[h_rows]
        dibian_gradual = (
            hc.enrolled_dibian[h_rows]
            & ~dibian_income
            & dibian_assets
            & (hc.rise_reason[h_rows] == RISE_REASONS.index(IncomeRiseReason.MEMBER_FOUND_WORK))
            & (months >= 0)
            & (months < p.dibian_grace_months.value)
        )
    out.dibian_eligible[h_rows] = ~dibao & ((dibian_income & dibian_assets) | dibian_gradual)

    # 单人户 (2021 art 8): severe disability, grade-3 intellectual/mental, or serious illness.
    category = _severe(
        disability,
        grade,
        p.single_severe_max_grade.value,
        p.single_intellectual_mental_max_grade.value,
    ) | (mc.serious_illness[m_rows] & p.single_serious_illness_allowed.value)
    candidate = included & category & ~dibao[mh] & ~(applicant_row & tekun[mh])
    single_line = _product_q(p.single_multiplier, S)
    household_low = (n > 0) & (total <= single_line * n) & dibian_assets
    own = np.maximum(0, counted_m - deduction_m)
    single_ok = candidate & household_low[mh] & (own < S)
    single_amount = np.maximum(_round(S - own + supplement_m, p.rounding.value), floor)
    out.single_person_candidate[m_rows] = candidate
    out.single_person_eligible[m_rows] = single_ok
    out.single_person_amount_fen[m_rows] = np.where(single_ok, single_amount // FEN_Q, 0)
