"""Economic facts for the synthetic Ningbo, and the platform's own rules deciding who is assisted.

Pure numpy (no Django, no clock). `draw_facts` gives every household of a `SyntheticRegistry`
incomes (wages, pensions, business and transfer income), deposits, vehicles, second homes and
shops, and the support relations and ADL assessments that 特困 needs. The distribution is
calibrated: a latent economic position per household (`Band`) is drawn so that the rules produce
the article's counts (policy.md §11). Nothing here says who is 低保: `evaluate` hands the facts to
`assistance.batch.evaluate_batch` and `tally` counts what the rules decided.
The calibration and which values are illustrative: docs/synthetic_city.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from minzheng.assistance.batch import (
    AWAY_REASONS,
    DISABILITIES,
    INCOME_KINDS,
    RELATIONSHIPS,
    RISE_REASONS,
    ROUTE_GRADUAL_EXIT,
    ROUTE_HOUSEHOLD,
    STUDENT_STATUSES,
    VEHICLE_KINDS,
    BatchResult,
    HouseholdColumns,
    MemberColumns,
    SupporterColumns,
    evaluate_batch,
)
from minzheng.assistance.facts import (
    AwayReason,
    IncomeKind,
    IncomeRiseReason,
    Relationship,
    StudentStatus,
    VehicleKind,
)
from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.policy import Policy

if TYPE_CHECKING:
    from minzheng.registry.seed import SyntheticRegistry

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
StrArray = npt.NDArray[np.str_]

# The article's figures (市民政局 2020 work article, policy.md §11) and the census population.
NINGBO_RESIDENTS = 9_404_283
ARTICLE_PERSONS: dict[str, int] = {
    "dibao": 59_337,
    "dibian": 16_520,
    "tekun": 3_476,
    "single_person": 13_151,
    "gradual_exit": 1_906,
}
# 低保金 "超过4.77亿元" and 特困保障金 7,038.09 万元 paid in 2020, in yuan.
ARTICLE_SPENDING_YUAN: dict[str, int] = {"dibao": 477_000_000, "tekun": 70_380_900}
# The day the synthetic city is decided on: the end of the article's year, before its December roll.
DECISION_DAY = date(2020, 12, 1)


class Band(IntEnum):
    """A household's latent economic position: what its incomes and assets are drawn from."""

    ABOVE = 0  # incomes and assets above every line
    BELOW_STANDARD = 1  # per-capita income below the 低保 standard
    MARGIN = 2  # between the standard and the 低边 line, no severely disabled or ill member
    SINGLE = 3  # a working family in the margin with a severely disabled or ill member
    ROSE = 4  # on 低保 until a member found work a few months ago
    ALONE = 5  # living alone, unable to work, no able supporter: the 特困 situation


# Calibration (illustrative; each value says what it was derived from).
CALIBRATION = {
    # Mean per-capita counted income of a BELOW_STANDARD household as a share of the standard:
    # chosen so that the rule amounts × 12 give the article's 低保金 (> 4.77 亿元 for 59,337
    # persons, i.e. ≈ 670 元 a person a month against the catalogue's 2020 standard). 0.24 since
    # the 59,337 include the 1,906 in 渐退 (fewer households below the standard): at 100,000 and
    # 1,000,000 persons the year's 低保金 is then +0.3 % and +0.5 % (tests/registry/test_city_rates.py).
    "below_income_mean_share": 0.24,
    "below_income_beta_a": 0.5,
    # ALONE persons unable to care for themselves: the article's 特困 7,038.09 万元 for 3,476
    # persons is ≈ 1,687 元 a month; the catalogue's 1.3 × standard plus care amounts reaches at
    # most 1,675, so most of them are drawn as fully dependent (4–6 ADL items failed).
    "alone_full_care_share": 0.95,
    # Above the lines: median per-capita income (Ningbo 2020 per-capita disposable income was
    # about 5,000 元 a month; not checked, illustrative), spread and floor (× the 低边 line).
    "above_income_median": 2_600.0,
    "above_income_sigma": 0.55,
    "above_income_floor_share": 1.15,
    # Deposits above the lines (illustrative), cars, second homes and shops among them.
    "above_deposit_median": 80_000.0,
    "above_car_share": 0.45,
    "above_motorcycle_share": 0.10,
    "above_second_home_share": 0.10,
    "above_shop_share": 0.06,
    # Late-recorded deaths among those living alone: share of the ALONE band (illustrative).
    "late_death_share": 0.01,
    # Collective households (集体户, working-age residents of dormitories: registry/seed.py) are
    # drawn above the lines: the article's counts are all placed in family households. No
    # figure says how many assisted persons live in collective households (illustrative).
    "collective_above": True,
}


def targets(persons: int) -> dict[str, int]:
    """The article's counts, in proportion to `persons` (the whole city at 9,404,283)."""
    return {k: round(v * persons / NINGBO_RESIDENTS) for k, v in ARTICLE_PERSONS.items()}


@dataclass(frozen=True)
class EconomicFacts:
    band: IntArray  # per household, a Band
    income_kind: StrArray  # per person, "" for none: the IncomeKind of their one income
    income_yuan: IntArray  # per person, monthly
    income_from: IntArray  # per person, ordinal of the first month of that income
    money_yuan: IntArray  # per household: deposits
    vehicle_household: IntArray
    vehicle_kind: StrArray
    home_household: IntArray  # one row per home (only households with two homes carry them)
    home_area: IntArray  # m²
    shop_household: IntArray
    supporter_person: IntArray  # the head they owe support to (lives elsewhere)
    supporter_age: IntArray
    supporter_income_yuan: IntArray
    adl_person: IntArray
    adl_failed: IntArray  # 0–6 of the six items
    enrolled_from: IntArray  # per household: ordinal of the first 低保 month, 0 when never
    enrolled_amount_yuan: IntArray  # per household: the 低保 amount before the rise
    months_since_rise: IntArray  # per household: −1 when no recorded rise
    late_death: IntArray  # persons who died before DECISION_DAY, recorded later
    death_ordinal: IntArray


def age_on(birth_ordinal: IntArray, day: date) -> IntArray:
    born = (birth_ordinal - date(1970, 1, 1).toordinal()).astype("datetime64[D]")
    year = born.astype("datetime64[Y]").astype(np.int64) + 1970
    month = born.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (born - born.astype("datetime64[M]")).astype(np.int64) + 1
    before = (month > day.month) | ((month == day.month) & (dom > day.day))
    return np.asarray(day.year - year - before, dtype=np.int64)


def counted(relationship: StrArray) -> BoolArray:
    """Members the rules count by default: head, spouse, children and parents (民发〔2021〕57号 art 7)."""
    return np.asarray(~np.isin(relationship, ["grandchild", "child_in_law"]))


def _severe(category: StrArray, grade: IntArray, severe_max: int, im_max: int) -> BoolArray:
    im = np.isin(category, ["intellectual", "mental"])
    return np.asarray((grade > 0) & ((grade <= severe_max) | (im & (grade <= im_max))))


def _pick(order: IntArray, contribution: IntArray, target: int) -> IntArray:
    """The first households of `order` whose contributions add up to `target` (or just under)."""
    if target <= 0 or len(order) == 0:
        return np.zeros(0, np.int64)
    order = order[contribution[order] > 0]
    cumulative = np.cumsum(contribution[order])
    count = int(np.searchsorted(cumulative, target, side="right"))
    chosen = list(order[:count].tolist())
    missing = target - (int(cumulative[count - 1]) if count else 0)
    rest = order[count:]
    while missing > 0 and len(rest):
        fits = rest[contribution[rest] <= missing]
        if not len(fits):
            break
        best = fits[np.argmax(contribution[fits])] if missing < 4 else fits[0]
        chosen.append(int(best))
        missing -= int(contribution[best])
        rest = rest[rest != best]
    return np.array(sorted(chosen), dtype=np.int64)


def _weighted_order(rng: np.random.Generator, weight: npt.NDArray[np.float64]) -> IntArray:
    # Weighted sampling without replacement (Efraimidis–Spirakis keys); zero weight never drawn.
    keys = np.where(
        weight > 0, -np.log(rng.random(len(weight))) / np.maximum(weight, 1e-12), np.inf
    )
    order = np.argsort(keys, kind="stable")
    return np.asarray(order[np.isfinite(keys[order])], dtype=np.int64)


def draw_facts(
    *,
    rng: np.random.Generator,
    household: IntArray,
    head: IntArray,
    relationship: StrArray,
    birth_ordinal: IntArray,
    hukou_type: StrArray,
    disability_category: StrArray,
    disability_grade: IntArray,
    illness: StrArray,
    labour_capacity: StrArray,
    policy: Policy,
    wanted: Mapping[str, int] | None = None,
    collective: BoolArray | None = None,
) -> EconomicFacts:
    """Facts for every household, drawn so that the rules give `wanted` (default: the article's
    counts in proportion to the persons given). `collective` households (集体户) stay above the
    lines (CALIBRATION["collective_above"])."""
    P, H = len(household), len(head)
    S = int(policy.standard.value)
    dibian_line = float(policy.dibian_multiplier.value) * S
    age = age_on(birth_ordinal, DECISION_DAY)
    size = np.bincount(household, minlength=H)
    is_counted = counted(relationship)
    n_counted = np.bincount(household, weights=is_counted, minlength=H).astype(np.int64)
    category = _severe(
        disability_category,
        disability_grade,
        policy.single_severe_max_grade.value,
        policy.single_intellectual_mental_max_grade.value,
    ) | ((illness != "") & policy.single_serious_illness_allowed.value)
    category &= is_counted
    n_category = np.bincount(household, weights=category, minlength=H).astype(np.int64)
    earner = (age >= 18) & (age < 60) & (labour_capacity != "none")
    n_earner = np.bincount(household, weights=earner, minlength=H).astype(np.int64)
    elder = age >= 60
    limits = {
        "intellectual": policy.incapacity_intellectual_mental_max_grade.value,
        "mental": policy.incapacity_intellectual_mental_max_grade.value,
        "physical": policy.incapacity_physical_max_grade.value,
        "visual": policy.incapacity_visual_max_grade.value,
    }
    limit = np.zeros(P, np.int64)
    for name, value in limits.items():
        limit[disability_category == name] = value
    incapable = (
        (age >= policy.incapacity_min_age.value)
        | (age < policy.minor_until_age.value)
        | ((disability_grade > 0) & (disability_grade <= limit))
    )
    frail = np.zeros(H, bool)
    frail[household[(disability_grade > 0) | (illness != "")]] = True
    rural = hukou_type[head] == "rural"
    t = dict(wanted) if wanted is not None else targets(P)
    band = np.zeros(H, np.int64)
    free = np.ones(H, bool)
    if collective is not None and CALIBRATION["collective_above"]:
        free[collective] = False

    def choose(weight: npt.NDArray[np.float64], contribution: IntArray, target: int) -> IntArray:
        chosen = _pick(_weighted_order(rng, np.where(free, weight, 0.0)), contribution, target)
        free[chosen] = False
        return chosen

    base = 1.0 + 6.0 * frail + 2.0 * rural + 2.0 * elder[head]
    alone_ok = (size == 1) & incapable[head]
    deaths = round(t["tekun"] * CALIBRATION["late_death_share"])
    # The article's 3,476 are the persons the bureau's records held: those whose death was not
    # yet recorded are among them (the platform enrols and pays them until it learns of it).
    alone = choose(
        np.where(alone_ok, 1.0 + 4.0 * elder[head] + 6.0 * frail, 0.0),
        np.ones(H, np.int64),
        t["tekun"],
    )
    band[alone] = Band.ALONE
    provider = (earner | elder) & is_counted & ~category
    n_provider = np.bincount(household, weights=provider, minlength=H).astype(np.int64)
    single_ok = (size >= 2) & (n_category >= 1) & (n_provider >= 1)
    single = choose(
        np.where(single_ok, base / size.astype(float) ** 3, 0.0), n_category, t["single_person"]
    )
    band[single] = Band.SINGLE
    others_in_single = int((n_counted[single] - n_category[single]).sum())
    rose = choose(np.where(n_earner >= 1, base, 0.0), n_counted, t["gradual_exit"])
    band[rose] = Band.ROSE
    # The article's 低保 persons include those in 渐退 (still 低保对象, paid 低保金) and 单人户.
    below = choose(base, n_counted, t["dibao"] - t["single_person"] - t["gradual_exit"])
    band[below] = Band.BELOW_STANDARD
    margin = choose(np.where(n_category == 0, base, 0.0), n_counted, t["dibian"] - others_in_single)
    band[margin] = Band.MARGIN

    # Per-capita counted income by band, in yuan a month.
    u = rng.random(H)
    share = CALIBRATION["below_income_mean_share"]
    a = CALIBRATION["below_income_beta_a"]
    below_pc = np.minimum(np.floor(S * rng.beta(a, a * (1 - share) / share, H)), S - 1)
    margin_pc = np.floor(S + 1 + (dibian_line - S - 2) * u)
    above_pc = np.maximum(
        rng.lognormal(
            np.log(CALIBRATION["above_income_median"]), CALIBRATION["above_income_sigma"], H
        ),
        CALIBRATION["above_income_floor_share"] * dibian_line,
    )
    per_capita = np.select(
        [band == Band.BELOW_STANDARD, np.isin(band, [Band.MARGIN, Band.SINGLE, Band.ROSE])],
        [below_pc, margin_pc],
        np.floor(above_pc),
    )
    per_capita[band == Band.ALONE] = 0
    total = (per_capita * n_counted).astype(np.int64)

    # Split each household's total over earners (wages) and elders (pensions); the severely
    # disabled or ill member of a SINGLE family earns nothing; nobody else → a transfer to the head.
    weight = np.where(earner, 1.0, np.where(elder, 0.5, 0.0)) * is_counted
    weight[category & (band[household] == Band.SINGLE)] = 0.0
    weight_sum = np.bincount(household, weights=weight, minlength=H)
    nobody = weight_sum[household] == 0
    weight = np.where(nobody & (np.arange(P) == head[household]), 1.0, weight)
    weight_sum = np.bincount(household, weights=weight, minlength=H)
    own = np.floor(total[household] * weight / np.maximum(weight_sum[household], 1e-9)).astype(
        np.int64
    )
    # Flooring may leave a few yuan: the first earning member takes them, so sums are exact.
    first = np.full(H, -1, np.int64)
    earning = np.flatnonzero(weight > 0)[::-1]
    first[household[earning]] = earning
    leftover = total - np.bincount(household, weights=own, minlength=H).astype(np.int64)
    has = first >= 0
    own[first[has]] += leftover[has]
    if collective is not None:
        # No one in a collective household shares another's income (the rules count each alone):
        # every member has the household's per-capita income of their own — a transfer for one
        # who cannot work.
        on_own = collective[household]
        own[on_own] = per_capita[household[on_own]].astype(np.int64)
    kind = np.where(
        earner,
        IncomeKind.WAGE.value,
        np.where(
            elder,
            np.where(
                hukou_type == "rural",
                IncomeKind.CENTRAL_BASIC_PENSION.value,
                IncomeKind.BASIC_PENSION.value,
            ),
            IncomeKind.TRANSFER.value,
        ),
    )
    shop = np.flatnonzero((band == Band.ABOVE) & (rng.random(H) < CALIBRATION["above_shop_share"]))
    business_head = np.zeros(H, bool)
    business_head[shop] = True
    kind = np.where(
        business_head[household] & (np.arange(P) == head[household]) & earner,
        IncomeKind.BUSINESS.value,
        kind,
    )
    # Those living alone: a small basic pension (not counted for 特困), nothing else.
    alone_person = head[band == Band.ALONE]
    own[alone_person] = np.floor(rng.random(len(alone_person)) * 0.6 * S).astype(np.int64)
    kind[alone_person] = IncomeKind.BASIC_PENSION.value
    kind = np.where(own > 0, kind, "")

    rise_month = np.where(band == Band.ROSE, rng.integers(0, policy.grace_months.value, H), -1)
    decision_month = DECISION_DAY.year * 12 + DECISION_DAY.month - 1
    income_from = np.full(P, date(2019, 1, 1).toordinal(), np.int64)
    rose_earner = (band[household] == Band.ROSE) & earner & (own > 0)
    months = decision_month - rise_month[household[rose_earner]]
    income_from[rose_earner] = [date(m // 12, m % 12 + 1, 1).toordinal() for m in months.tolist()]

    # Deposits: below every asset line for the poor bands; above them for heads the 特困 rule
    # would otherwise take (able supporters are recorded for the poor bands instead).
    line_years = policy.dibao_money_years.value
    poor = band != Band.ABOVE
    money = np.where(
        poor,
        np.floor(rng.random(H) * 1.2 * 12 * S * n_counted),
        np.floor(
            rng.lognormal(np.log(CALIBRATION["above_deposit_median"]), 1.0, H) * np.sqrt(size)
        ),
    ).astype(np.int64)
    guard = (band == Band.ABOVE) & incapable[head]
    money[guard] = np.maximum(
        money[guard], (policy.dibian_money_years.value + 1) * 12 * S * size[guard]
    )
    del line_years

    above = np.flatnonzero(band == Band.ABOVE)
    car = above[rng.random(len(above)) < CALIBRATION["above_car_share"]]
    moto = above[rng.random(len(above)) < CALIBRATION["above_motorcycle_share"]]
    mobility = np.flatnonzero(poor & frail & (rng.random(H) < 0.05))
    vehicle_household = np.concatenate([car, moto, mobility]).astype(np.int64)
    vehicle_kind = np.array(
        [VehicleKind.CAR.value] * len(car)
        + [VehicleKind.TWO_WHEEL_MOTORCYCLE.value] * len(moto)
        + [VehicleKind.DISABILITY_MOBILITY.value] * len(mobility)
    )
    urban_above = above[hukou_type[head[above]] == "urban"]
    two_homes = urban_above[rng.random(len(urban_above)) < CALIBRATION["above_second_home_share"]]
    home_household = np.repeat(two_homes, 2).astype(np.int64)
    home_area = rng.integers(45, 140, len(home_household)).astype(np.int64)

    # An able supporter living elsewhere for every poor-band head the 特困 rule could take.
    line = int(policy.supporter_income_line.value)
    needs = np.flatnonzero(poor & (band != Band.ALONE) & incapable[head])
    supporter_person = head[needs]
    supporter_age = np.clip(age[supporter_person] - rng.integers(22, 36, len(needs)), 18, 70)
    supporter_income = line + rng.integers(200, 4000, len(needs))
    # Some of those living alone have a child who cannot support them (old, poor): recorded too.
    alone_heads = head[band == Band.ALONE]
    with_child = alone_heads[(rng.random(len(alone_heads)) < 0.3) & (age[alone_heads] >= 85)]
    supporter_person = np.concatenate([supporter_person, with_child]).astype(np.int64)
    supporter_age = np.concatenate(
        [supporter_age, np.full(len(with_child), policy.supporter_elderly_min_age.value + 2)]
    ).astype(np.int64)
    supporter_income = np.concatenate(
        [supporter_income, rng.integers(0, max(line // 4, 1), len(with_child))]
    ).astype(np.int64)

    full = rng.random(len(alone_heads)) < CALIBRATION["alone_full_care_share"]
    partial_max = policy.care_partial_max_failed.value
    failed = np.where(
        full,
        rng.integers(partial_max + 1, 7, len(alone_heads)),
        rng.integers(1, partial_max + 1, len(alone_heads)),
    )

    enrolled_from = np.zeros(H, np.int64)
    start_months = rng.integers(2015 * 12, 2019 * 12, H)
    enrolled_from[band == Band.ROSE] = [
        date(m // 12, m % 12 + 1, 1).toordinal() for m in start_months[band == Band.ROSE].tolist()
    ]
    before_pc = np.floor(S * rng.random(H) * 0.5)
    enrolled_amount = np.where(band == Band.ROSE, ((S - before_pc) * n_counted), 0).astype(np.int64)

    dead = alone_heads[np.argsort(rng.random(len(alone_heads)))[:deaths]]
    death_ordinal = rng.integers(
        date(2020, 9, 1).toordinal(), date(2020, 11, 1).toordinal(), len(dead)
    )
    return EconomicFacts(
        band=band,
        income_kind=kind,
        income_yuan=own,
        income_from=income_from,
        money_yuan=money,
        vehicle_household=vehicle_household,
        vehicle_kind=vehicle_kind,
        home_household=home_household,
        home_area=home_area,
        shop_household=shop.astype(np.int64),
        supporter_person=supporter_person,
        supporter_age=supporter_age,
        supporter_income_yuan=supporter_income,
        adl_person=alone_heads.astype(np.int64),
        adl_failed=failed.astype(np.int64),
        enrolled_from=enrolled_from,
        enrolled_amount_yuan=enrolled_amount,
        months_since_rise=rise_month.astype(np.int64),
        late_death=np.sort(dead).astype(np.int64),
        death_ordinal=death_ordinal.astype(np.int64),
    )


# -- the rules decide ---------------------------------------------------------------------------

_REGISTRY_TO_RULES = {
    "head": Relationship.APPLICANT,
    "spouse": Relationship.SPOUSE,
    "child": Relationship.CHILD,
    "parent": Relationship.PARENT,
    "grandchild": Relationship.GRANDCHILD,
    "grandparent": Relationship.GRANDPARENT,
    "sibling": Relationship.SIBLING,
}
_DUTY = (Relationship.SPOUSE, Relationship.PARENT, Relationship.CHILD)


def batch_columns(
    *,
    household: IntArray,
    head: IntArray,
    relationship: StrArray,
    birth_ordinal: IntArray,
    household_village: StrArray,
    hukou_type: StrArray,
    disability_category: StrArray,
    disability_grade: IntArray,
    illness: StrArray,
    facts: EconomicFacts,
    as_of: date = DECISION_DAY,
) -> tuple[HouseholdColumns, MemberColumns, SupporterColumns]:
    """The columns `evaluate_batch` reads, built from the generated arrays (no database)."""
    P, H = len(household), len(head)
    rel_codes = {
        code: RELATIONSHIPS.index(_REGISTRY_TO_RULES.get(code, Relationship.OTHER))
        for code in np.unique(relationship).tolist()
    }
    rel = np.zeros(P, np.int64)
    for code, index in rel_codes.items():
        rel[relationship == code] = index
    duty = np.isin(rel, [RELATIONSHIPS.index(r) for r in _DUTY])
    disability = np.zeros(P, np.int64)
    for n, d in enumerate(DISABILITIES):
        disability[disability_category == d.value] = n + 1
    income = np.zeros((P, len(INCOME_KINDS)), np.int64)
    has = facts.income_kind != ""
    kind_index = {k.value: n for n, k in enumerate(INCOME_KINDS)}
    rows = np.flatnonzero(has)
    income[rows, [kind_index[k] for k in facts.income_kind[rows].tolist()]] = (
        facts.income_yuan[rows] * 100
    )
    adl = np.full(P, -1, np.int64)
    adl[facts.adl_person] = facts.adl_failed
    members = MemberColumns(
        household=household.astype(np.int64),
        relationship=rel,
        age=age_on(birth_ordinal, as_of),
        lives_together=np.ones(P, bool),
        support_duty=duty,
        unable_independent=np.zeros(P, bool),
        away=np.full(P, AWAY_REASONS.index(AwayReason.NONE), np.int64),
        away_years=np.zeros(P, np.int64),
        student=np.full(P, STUDENT_STATUSES.index(StudentStatus.NONE), np.int64),
        disability=disability,
        grade=np.where(disability > 0, disability_grade, 0).astype(np.int64),
        serious_illness=illness != "",
        income_fen=income,
        extra_expense_fen=np.zeros(P, np.int64),
        adl_failed=adl,
    )
    k = len(facts.supporter_person)
    supporters = SupporterColumns(
        member=facts.supporter_person.astype(np.int64),
        age=facts.supporter_age,
        income_fen=facts.supporter_income_yuan * 100,
        is_tekun=np.zeros(k, bool),
        is_dibao=np.zeros(k, bool),
        disability=np.zeros(k, np.int64),
        grade=np.zeros(k, np.int64),
        incapacitated=np.zeros(k, bool),
        missing=np.zeros(k, bool),
        in_prison=np.zeros(k, bool),
    )
    vehicles = np.zeros((H, len(VEHICLE_KINDS)), np.int64)
    v_index = {v.value: n for n, v in enumerate(VEHICLE_KINDS)}
    np.add.at(
        vehicles,
        (
            facts.vehicle_household,
            np.array([v_index[v] for v in facts.vehicle_kind.tolist()], dtype=np.int64),
        ),
        1,
    )
    counties = np.array([v[:6] for v in household_village.tolist()] or [""])[:H]
    regions, region = np.unique(counties, return_inverse=True)
    area = np.zeros(H, np.int64)
    np.add.at(area, facts.home_household, facts.home_area * 100)
    rose = facts.months_since_rise >= 0
    households = HouseholdColumns(
        regions=tuple(str(r) for r in regions.tolist()),
        as_of=as_of,
        region=region.reshape(-1).astype(np.int64),
        applicant=head.astype(np.int64),
        money_fen=facts.money_yuan * 100,
        vehicles=vehicles,
        nonresidential=np.bincount(facts.shop_household, minlength=H),
        nonresidential_only_home=np.zeros(H, np.int64),
        homes=np.bincount(facts.home_household, minlength=H),
        floor_area_centi=area,
        urban=hukou_type[head] != "rural",
        enrolled=rose,
        enrolled_amount_fen=facts.enrolled_amount_yuan * 100,
        months_since_income_rose=facts.months_since_rise,
        rise_reason=np.where(
            rose, RISE_REASONS.index(IncomeRiseReason.MEMBER_FOUND_WORK), 0
        ).astype(np.int64),
    )
    return households, members, supporters


def evaluate(
    columns: tuple[HouseholdColumns, MemberColumns, SupporterColumns],
    params_by_region: Mapping[str, ParameterSet],
) -> BatchResult:
    return evaluate_batch(*columns, params_by_region)


@dataclass(frozen=True)
class Tally:
    """What the rules decided, in the article's terms (persons, and yuan a month)."""

    dibao: int  # persons of 低保 households (household and 渐退 routes) plus 单人户 recipients
    dibian: int  # persons of 低边 households who are not 单人户 recipients
    tekun: int  # 特困 persons the rules enrol, those who died unrecorded included (late_deaths)
    single_person: int
    gradual_exit: int  # persons of households in 渐退
    late_deaths: int  # 特困 persons who died before the decision day, recorded later
    dibao_monthly_fen: int  # 低保金 a month: households, 单人户 and 渐退
    tekun_monthly_fen: int

    def as_dict(self) -> dict[str, int]:
        return {
            "dibao": self.dibao,
            "dibian": self.dibian,
            "tekun": self.tekun,
            "single_person": self.single_person,
            "gradual_exit": self.gradual_exit,
            "late_deaths": self.late_deaths,
            "dibao_monthly_fen": self.dibao_monthly_fen,
            "tekun_monthly_fen": self.tekun_monthly_fen,
        }

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            *(a + b for a, b in zip(self.as_dict().values(), other.as_dict().values(), strict=True))
        )


def facts_for(
    data: SyntheticRegistry,
    *,
    rng: np.random.Generator,
    policy: Policy,
    wanted: Mapping[str, int] | None = None,
) -> EconomicFacts:
    """`draw_facts` over a generated registry's columns."""
    return draw_facts(
        rng=rng,
        household=data.household,
        head=data.household_head,
        relationship=data.relationship,
        birth_ordinal=data.birth_ordinal,
        hukou_type=data.hukou_type,
        disability_category=data.disability_category,
        disability_grade=data.disability_grade,
        illness=data.illness,
        labour_capacity=data.labour_capacity,
        policy=policy,
        wanted=wanted,
        collective=data.household_kind == "collective",
    )


def decide(
    data: SyntheticRegistry,
    *,
    rng: np.random.Generator,
    policy: Policy,
    params: Callable[[str], ParameterSet],
    wanted: Mapping[str, int] | None = None,
) -> tuple[EconomicFacts, BatchResult]:
    """A generated registry's facts, and what the platform's batch rules decide on them."""
    facts = facts_for(data, rng=rng, policy=policy, wanted=wanted)
    columns = batch_columns(
        household=data.household,
        head=data.household_head,
        relationship=data.relationship,
        birth_ordinal=data.birth_ordinal,
        household_village=data.household_village,
        hukou_type=data.hukou_type,
        disability_category=data.disability_category,
        disability_grade=data.disability_grade,
        illness=data.illness,
        facts=facts,
    )
    return facts, evaluate(columns, {code: params(code) for code in columns[0].regions})


def tally(household: IntArray, head: IntArray, facts: EconomicFacts, result: BatchResult) -> Tally:
    H = len(head)
    single = result.single_person_eligible
    single_per_household = np.bincount(household[single], minlength=H)
    dead = np.zeros(len(household), bool)
    dead[facts.late_death] = True
    route = result.dibao_route
    return Tally(
        dibao=int(result.members[(route == ROUTE_HOUSEHOLD) | (route == ROUTE_GRADUAL_EXIT)].sum())
        + int(single.sum()),
        dibian=int((result.members - single_per_household)[result.dibian_eligible].sum()),
        tekun=int(result.tekun_eligible.sum()),
        single_person=int(single.sum()),
        gradual_exit=int(result.members[route == ROUTE_GRADUAL_EXIT].sum()),
        late_deaths=int((result.tekun_eligible & dead[head]).sum()),
        dibao_monthly_fen=int(
            result.dibao_amount_fen.sum() + result.single_person_amount_fen.sum()
        ),
        tekun_monthly_fen=int(result.tekun_amount_fen[result.tekun_eligible].sum()),
    )


def compare(t: Tally, persons: int) -> dict[str, dict[str, float | int]]:
    """Produced against the article (scaled to `persons`), with the relative difference."""
    want = targets(persons)
    produced = t.as_dict()
    out: dict[str, dict[str, float | int]] = {}
    for key, target in want.items():
        out[key] = {
            "produced": produced[key],
            "article": target,
            "diff_pct": round(100 * (produced[key] - target) / target, 2) if target else 0.0,
        }
    scale = persons / NINGBO_RESIDENTS
    for key, fen in (
        ("dibao_yuan_year", t.dibao_monthly_fen),
        ("tekun_yuan_year", t.tekun_monthly_fen),
    ):
        article = ARTICLE_SPENDING_YUAN[key.split("_")[0]] * scale
        year = fen * 12 / 100
        out[key] = {
            "produced": round(year, 2),
            "article": round(article, 2),
            "diff_pct": round(100 * (year - article) / article, 2) if article else 0.0,
        }
    return out


# -- migrants outside the registry ----------------------------------------------------------------

# Where Ningbo's migrant workers come from most (illustrative: provinces commonly named in city
# reports, not a count), as a county code of each: 安徽阜阳临泉, 贵州毕节七星关, 江西上饶鄱阳,
# 河南信阳固始, 四川达州渠县, 湖北黄冈蕲春.
MIGRANT_AREAS = ("341221", "520502", "361128", "411525", "511725", "421126")
MIGRANT_REASONS = (
    "务工受伤，医疗费用支出较大，暂时生活困难",
    "失业滞留，无力返乡",
    "家中遭遇火灾，生活必需品损毁",
    "突发重病，医疗费用自付部分较大",
)
# Illustrative one-off amounts (元): a month's 低保 standard and two and three times it are common
# 临时救助 scales; the catalogue's standard is applied by the caller.
MIGRANT_MULTIPLES = (1, 2, 3)
MIGRANTS_PER_MILLION = 40  # illustrative


@dataclass(frozen=True)
class Migrant:
    name: str
    id_number: str
    reason: str
    standard_multiple: int
    account_number: str


def migrants(rng: np.random.Generator, count: int) -> list[Migrant]:
    """People from outside Ningbo, in no household of the registry, who need 临时救助."""
    from minzheng.core.idnumber import check_digit

    surnames = "王李张刘陈杨黄赵吴周"
    given = ("建国", "春花", "小军", "桂兰", "德明", "红梅", "志刚", "秀英")
    out = []
    for i in range(count):
        area = MIGRANT_AREAS[int(rng.integers(len(MIGRANT_AREAS)))]
        born = date(1965, 1, 1).toordinal() + int(rng.integers(0, 365 * 35))
        day = date.fromordinal(born)
        sequence = int(rng.integers(0, 500)) * 2 + (i % 2)
        first17 = f"{area}{day:%Y%m%d}{sequence:03d}"
        out.append(
            Migrant(
                name=surnames[int(rng.integers(len(surnames)))]
                + given[int(rng.integers(len(given)))],
                id_number=first17 + check_digit(first17),
                reason=MIGRANT_REASONS[int(rng.integers(len(MIGRANT_REASONS)))],
                standard_multiple=MIGRANT_MULTIPLES[int(rng.integers(len(MIGRANT_MULTIPLES)))],
                account_number="6222" + "".join(str(d) for d in rng.integers(0, 10, 15)),
            )
        )
    return out
