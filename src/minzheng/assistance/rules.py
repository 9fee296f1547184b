"""Rules for 低保, 低边, 单人户 and 特困: pure functions, no Django, no I/O, no clock.

Every threshold comes from the ParameterSet (read once through `load_policy`); every decision
carries its criteria, the parameter versions it used, and the arithmetic, so it can be replayed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from minzheng.assistance.decisions import (
    CARE_LEVEL_NAMES,
    AmountLine,
    CareLevel,
    Criterion,
    Decision,
    IncomeLine,
    MembershipLine,
    ParameterUse,
    Route,
    money_text,
)
from minzheng.assistance.errors import (
    DuplicateMember,
    InvalidHouseholdFacts,
    NegativeIncome,
    ParameterInvalid,
    ParameterRegionMismatch,
    ProgrammeNotRuleBased,
)
from minzheng.assistance.facts import (
    DISABILITY_NAMES,
    INCOME_NAMES,
    AdlAssessment,
    Assets,
    AwayReason,
    Disability,
    DisabilityCategory,
    Enrolment,
    Home,
    HouseholdFacts,
    Income,
    IncomeKind,
    IncomeRiseReason,
    Member,
    NonResidentialKind,
    NonResidentialProperty,
    Relationship,
    StudentStatus,
    Supporter,
    Vehicle,
    VehicleKind,
    WorkCapacity,
)
from minzheng.assistance.parameters import ParameterSet, ResolvedParameter, region_chain
from minzheng.assistance.policy import Policy, Setting, load_policy
from minzheng.assistance.programmes import ProgrammeCode, get_programme
from minzheng.core.money import FEN, ZERO, round_money

__all__ = [
    "AdlAssessment",
    "Assets",
    "AwayReason",
    "CareLevel",
    "CoResidence",
    "CountedIncome",
    "Criterion",
    "Decision",
    "Disability",
    "DisabilityCategory",
    "Enrolment",
    "Home",
    "HouseholdFacts",
    "Income",
    "IncomeKind",
    "IncomeRiseReason",
    "Member",
    "NonResidentialKind",
    "NonResidentialProperty",
    "ParameterSet",
    "Relationship",
    "ResolvedParameter",
    "Route",
    "StudentStatus",
    "Supporter",
    "Vehicle",
    "VehicleKind",
    "WorkCapacity",
    "asset_test",
    "co_resident_members",
    "counted_income",
    "evaluate_dibao",
    "evaluate_dibian",
    "evaluate_household",
    "evaluate_single_person_dibao",
    "evaluate_tekun",
    "validate_facts",
]

RULE_PROGRAMMES: tuple[ProgrammeCode, ...] = (
    ProgrammeCode.DIBAO,
    ProgrammeCode.DIBIAN,
    ProgrammeCode.TEKUN,
)
EXTRA_EXPENSE_ITEM = "extra_expense_deduction"


# ── input checks ─────────────────────────────────────────────────────────────────────────────


def validate_facts(facts: HouseholdFacts, params: ParameterSet) -> None:
    """Refuse bad input as a whole, before any rule runs, so no partial decision can exist."""
    region_chain(facts.region_code)
    if params.region_code != facts.region_code:
        raise ParameterRegionMismatch(facts.region_code, params.region_code)
    if params.as_of != facts.as_of:
        raise ParameterInvalid(
            f"参数取值日期 {params.as_of.isoformat()} 与认定日期 {facts.as_of.isoformat()} 不一致"
        )
    seen: set[str] = set()
    for m in facts.members:
        if m.id in seen:
            raise DuplicateMember(m.id)
        seen.add(m.id)
        if m.age_on(facts.as_of) < 0:
            raise InvalidHouseholdFacts(f"成员 {m.id} 的出生日期晚于认定日期")
        for income in m.incomes:
            if income.monthly_amount < 0:
                raise NegativeIncome(m.id, INCOME_NAMES[income.kind], income.monthly_amount)
        if m.extra_expenses_monthly < 0:
            raise InvalidHouseholdFacts(f"成员 {m.id} 的因残因病支出不能为负数")
        if m.away_years < 0:
            raise InvalidHouseholdFacts(f"成员 {m.id} 的离家年数不能为负数")
        for s in m.supporters:
            if s.monthly_income < 0:
                raise NegativeIncome(s.id, "义务人收入", s.monthly_income)
    if facts.assets.money < 0:
        raise InvalidHouseholdFacts("货币财产不能为负数")
    if any(h.floor_area < 0 for h in facts.assets.homes):
        raise InvalidHouseholdFacts("住房面积不能为负数")
    if facts.enrolment is not None:
        e = facts.enrolment
        if e.monthly_amount < 0 or (
            e.months_since_income_rose is not None and e.months_since_income_rose < 0
        ):
            raise InvalidHouseholdFacts("在保信息中的金额或月数不能为负数")
    facts.applicant()


# ── who counts: MCA 2021 art 7 ───────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class CoResidence:
    members: tuple[Member, ...]  # included members, sorted by id
    lines: tuple[MembershipLine, ...]
    parameters: tuple[ParameterUse, ...]

    @property
    def count(self) -> int:
        return len(self.members)


def _membership_reason(m: Member, as_of: date, policy: Policy) -> tuple[bool, str]:
    # 民发〔2021〕57号第7条: the excluded groups first, then the four included groups.
    if m.away_reason in (AwayReason.PRISON, AwayReason.COMPULSORY_REHAB, AwayReason.MISSING):
        return False, {
            "prison": "在监狱服刑",
            "compulsory_rehab": "强制隔离戒毒",
            "missing": "宣告失踪",
        }[m.away_reason.value] + "，不计入"
    if m.away_reason is AwayReason.CLERGY and m.away_years >= policy.clergy_away_min_years.value:
        return False, f"宗教教职人员脱离家庭{m.away_years}年，不计入"
    if m.relationship is Relationship.APPLICANT:
        return True, "申请人"
    if m.relationship is Relationship.SPOUSE:
        return True, "配偶"
    if m.relationship is Relationship.CHILD:
        if m.age_on(as_of) < policy.adult_age.value:
            return True, "未成年子女"
        if m.unable_to_live_independently or m.student is StudentStatus.FULL_TIME_UP_TO_BACHELOR:
            return True, "已成年但不能独立生活的子女（含全日制本科及以下在校生）"
    if m.has_legal_support_duty and m.lives_together:
        return True, "有法定赡养、扶养、抚养义务且长期共同居住"
    return False, "无法定义务关系或未长期共同居住，不计入"


def co_resident_members(members: Iterable[Member], as_of: date, policy: Policy) -> CoResidence:
    included: list[Member] = []
    lines: list[MembershipLine] = []
    for m in sorted(members, key=lambda x: x.id):
        ok, reason = _membership_reason(m, as_of, policy)
        lines.append(MembershipLine(m.id, ok, reason))
        if ok:
            included.append(m)
    uses = (policy.adult_age.use, policy.clergy_away_min_years.use)
    return CoResidence(tuple(included), tuple(lines), uses)


# ── income: MCA 2021 art 13 ──────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class CountedIncome:
    total: Decimal  # gross − deductions, never below zero
    gross: Decimal
    deductions: Decimal
    lines: tuple[IncomeLine, ...]
    parameters: tuple[ParameterUse, ...]


def counted_income(
    members: Sequence[Member], excluded: Setting[frozenset[str]], deduct: Setting[bool] | None
) -> CountedIncome:
    """Monthly household income as counted for a programme, item by item with reasons.

    `excluded` lists kinds that are not income (2021 art 13 for 低保, 43号 art 6 for 特困);
    `deduct` allows disability/illness spending to be deducted (2021 art 13), None where it is not.
    """
    lines: list[IncomeLine] = []
    gross = deductions = ZERO
    for m in sorted(members, key=lambda x: x.id):
        for income in sorted(m.incomes, key=lambda i: i.kind.value):
            name = INCOME_NAMES[income.kind]
            if income.kind.value in excluded.value:
                lines.append(
                    IncomeLine(
                        m.id, income.kind.value, name, income.monthly_amount, ZERO, "不计入家庭收入"
                    )
                )
                continue
            gross += income.monthly_amount
            lines.append(
                IncomeLine(
                    m.id,
                    income.kind.value,
                    name,
                    income.monthly_amount,
                    income.monthly_amount,
                    "计入",
                )
            )
        if deduct is not None and deduct.value and m.extra_expenses_monthly > 0:
            deductions += m.extra_expenses_monthly
            lines.append(
                IncomeLine(
                    m.id,
                    EXTRA_EXPENSE_ITEM,
                    "因残因病刚性支出",
                    m.extra_expenses_monthly,
                    -m.extra_expenses_monthly,
                    "从家庭收入中扣减",
                )
            )
    uses = (excluded.use,) + ((deduct.use,) if deduct is not None else ())
    return CountedIncome(max(ZERO, gross - deductions), gross, deductions, tuple(lines), uses)


# ── assets: 浙民助〔2015〕13号 items 2–5 ─────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class AssetTest:
    passed: bool
    criteria: tuple[Criterion, ...]


def _per_capita(amount: Decimal, n: int) -> str:
    return (
        money_text((amount / n).quantize(FEN, rounding=ROUND_HALF_UP))
        if n
        else "—（无共同生活成员）"
    )


def asset_test(
    assets: Assets, member_count: int, policy: Policy, money_years: Setting[int]
) -> AssetTest:
    n, standard = member_count, policy.standard
    # Compare totals, not per-capita quotients, so a third of a fen cannot flip the result.
    money_cap = money_years.value * 12 * standard.value
    money = Criterion(
        "人均货币财产低于规定年数的低保标准之和",
        f"{_per_capita(assets.money, n)} 元/人",
        f"低于 {money_years.value} 年 × 12 月 × {money_text(standard.value)}"
        f" = {money_text(money_cap)} 元/人",
        n > 0 and assets.money < money_cap * n,
        (money_years.use, standard.use),
    )
    counted_vehicles = [
        v for v in assets.vehicles if v.kind.value not in policy.vehicle_exempt.value
    ]
    vehicles = Criterion(
        "无自用机动车辆、船舶",
        f"{len(counted_vehicles)} 辆（豁免车型 {len(assets.vehicles) - len(counted_vehicles)} 辆）",
        "允许拥有" if policy.vehicle_allowed.value else "不得拥有（豁免车型除外）",
        policy.vehicle_allowed.value or not counted_vehicles,
        (policy.vehicle_allowed.use, policy.vehicle_exempt.use),
    )
    counted_nonres = [
        p
        for p in assets.nonresidential
        if not (p.is_only_home and policy.nonresidential_only_home_exempt.value)
    ]
    nonres = Criterion(
        "无商铺、办公楼、厂房、酒店式公寓等非居住类房产",
        f"{len(counted_nonres)} 处",
        "允许拥有" if policy.nonresidential_allowed.value else "不得拥有（改作唯一住房的除外）",
        policy.nonresidential_allowed.value or not counted_nonres,
        (policy.nonresidential_allowed.use, policy.nonresidential_only_home_exempt.use),
    )
    criteria = [money, vehicles, nonres]
    if assets.urban:
        homes = len(assets.homes)
        area = sum((h.floor_area for h in assets.homes), ZERO)
        avg = policy.urban_average_area.value
        small_enough = n > 0 and area < avg * n
        criteria.append(
            Criterion(
                "城镇家庭住房符合规定",
                f"{homes} 套，人均 {_per_capita(area, n)} 平方米",
                f"不超过 {policy.urban_max_homes.value} 套；"
                f"或 {policy.urban_max_homes_if_small.value} 套且人均低于 {avg} 平方米",
                homes <= policy.urban_max_homes.value
                or (homes <= policy.urban_max_homes_if_small.value and small_enough),
                (
                    policy.urban_max_homes.use,
                    policy.urban_max_homes_if_small.use,
                    policy.urban_average_area.use,
                ),
            )
        )
    return AssetTest(all(c.passed for c in criteria), tuple(criteria))


# ── 分类施保 (暂行办法 art 12; rates are local and illustrative) ──────────────────────────────


def _supplement(
    m: Member, as_of: date, policy: Policy
) -> tuple[Decimal, str, tuple[ParameterUse, ...]]:
    """The member's extra share of the standard, the categories behind it, their parameters."""
    age = m.age_on(as_of)
    found: list[tuple[str, Setting[Decimal], tuple[ParameterUse, ...]]] = []
    if age >= policy.elderly_min_age.value:
        found.append(
            (
                f"{policy.elderly_min_age.value}岁以上老人",
                policy.elderly_rate,
                (policy.elderly_min_age.use,),
            )
        )
    if age < policy.adult_age.value:
        found.append(("未成年人", policy.minor_rate, (policy.adult_age.use,)))
    if m.disability is not None and m.disability.grade <= policy.severe_disability_max_grade.value:
        found.append(
            ("重度残疾人", policy.severe_disability_rate, (policy.severe_disability_max_grade.use,))
        )
    if m.serious_illness:
        found.append(("重病患者", policy.serious_illness_rate, ()))
    if not found:
        return ZERO, "", ()
    if policy.supplements_cumulative.value:
        chosen = found
    else:
        chosen = [max(found, key=lambda f: f[1].value)]
    rate = sum((f[1].value for f in chosen), ZERO)
    uses = (*(u for f in chosen for u in (f[1].use, *f[2])), policy.supplements_cumulative.use)
    return rate, "、".join(f[0] for f in chosen), uses


def _benefit(
    base: Decimal, base_formula: str, members: Sequence[Member], as_of: date, policy: Policy
) -> tuple[Decimal, tuple[AmountLine, ...]]:
    """Gap + 分类施保, rounded once by the named rule, then the floor (MCA 2012 art 27)."""
    standard = policy.standard
    lines = [AmountLine("差额保障金", base, base_formula, (standard.use,))]
    raw = base
    for m in sorted(members, key=lambda x: x.id):
        rate, label, uses = _supplement(m, as_of, policy)
        if rate:
            extra = standard.value * rate
            raw += extra
            lines.append(
                AmountLine(
                    f"分类施保（{m.id}：{label}）",
                    extra,
                    f"{money_text(standard.value)} × {rate}",
                    uses,
                )
            )
    rounded = round_money(raw, policy.rounding.value)
    lines.append(
        AmountLine(
            "舍入",
            rounded,
            f"{money_text(raw)} {policy.rounding.value.label}",
            (policy.rounding.use,),
        )
    )
    amount = max(rounded, policy.floor.value)
    if amount != rounded:
        lines.append(
            AmountLine(
                "保底",
                amount,
                f"不足 {money_text(policy.floor.value)} 元按该数发放",
                (policy.floor.use,),
            )
        )
    return amount, tuple(lines)


# ── shared assessment ────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class _Household:
    facts: HouseholdFacts
    policy: Policy
    co: CoResidence
    income: CountedIncome

    @property
    def n(self) -> int:
        return self.co.count


def _assess(facts: HouseholdFacts, policy: Policy) -> _Household:
    co = co_resident_members(facts.members, facts.as_of, policy)
    income = counted_income(co.members, policy.income_excluded, policy.deduct_extra_expenses)
    return _Household(facts, policy, co, income)


def _income_criterion(h: _Household, multiplier: Setting[Decimal] | None) -> Criterion:
    standard = h.policy.standard
    total = money_text(h.income.total)
    per_capita = f"{_per_capita(h.income.total, h.n)} 元/人·月（家庭月收入 {total} 元，{h.n} 人）"
    uses = (standard.use, *h.income.parameters, *h.co.parameters)
    if multiplier is None:
        # 暂行办法 art 9: strictly below the standard; totals compared to avoid dividing.
        return Criterion(
            "家庭人均收入低于低保标准",
            per_capita,
            f"低于 {money_text(standard.value)} 元/人·月",
            h.n > 0 and h.income.total < standard.value * h.n,
            uses,
        )
    line = standard.value * multiplier.value
    # 浙江省社会救助条例 art 13: not above 1.5 × standard.
    return Criterion(
        f"家庭人均收入不高于低保标准的 {multiplier.value} 倍",
        per_capita,
        f"不高于 {money_text(standard.value)} × {multiplier.value} = {money_text(line)} 元/人·月",
        h.n > 0 and h.income.total <= line * h.n,
        (multiplier.use, *uses),
    )


def _failed_labels(criteria: Iterable[Criterion]) -> str:
    return "；".join(c.label for c in criteria if not c.passed)


def _decide(
    h: _Household,
    programme: ProgrammeCode,
    route: Route,
    criteria: Sequence[Criterion],
    summary: str,
    *,
    amount: Decimal = ZERO,
    amount_lines: tuple[AmountLine, ...] = (),
    member_id: str | None = None,
    care: CareLevel | None = None,
    income_lines: tuple[IncomeLine, ...] | None = None,
) -> Decision:
    return Decision(
        programme=programme.value,
        eligible=route is not Route.NONE,
        monthly_amount=amount,
        criteria=tuple(criteria),
        summary=summary,
        route=route,
        region_code=h.facts.region_code,
        as_of=h.facts.as_of.isoformat(),
        member_id=member_id,
        care_level=care,
        amount_lines=amount_lines,
        membership=h.co.lines,
        income_lines=h.income.lines if income_lines is None else income_lines,
    )


# ── 低保 ──────────────────────────────────────────────────────────────────────────────────────


def _dibao(h: _Household) -> Decision:
    p, facts = h.policy, h.facts
    income_ok = _income_criterion(h, None)
    assets = asset_test(facts.assets, h.n, p, p.dibao_money_years)
    criteria: tuple[Criterion, ...] = (income_ok, *assets.criteria)
    if income_ok.passed and assets.passed:
        base = p.standard.value * h.n - h.income.total
        formula = f"{money_text(p.standard.value)} × {h.n} − {money_text(h.income.total)}"
        amount, lines = _benefit(base, formula, h.co.members, facts.as_of, p)
        summary = (
            f"符合低保条件：共同生活{h.n}人，人均收入低于标准 {money_text(p.standard.value)} 元，"
            f"月保障金 {money_text(amount)} 元"
        )
        return _decide(
            h,
            ProgrammeCode.DIBAO,
            Route.HOUSEHOLD,
            criteria,
            summary,
            amount=amount,
            amount_lines=lines,
        )
    enrolment = facts.enrolment
    if (
        enrolment is not None
        and enrolment.programme == ProgrammeCode.DIBAO
        and not income_ok.passed
        and assets.passed
    ):
        grace = _grace_criterion(enrolment, p.grace_months)
        criteria = (*criteria, grace)
        if grace.passed:
            amount = enrolment.monthly_amount
            summary = f"渐退期内继续按原额发放低保金 {money_text(amount)} 元"
            line = AmountLine("渐退期保障金", amount, "按原保障金发放", (p.grace_months.use,))
            return _decide(
                h,
                ProgrammeCode.DIBAO,
                Route.GRADUAL_EXIT,
                criteria,
                summary,
                amount=amount,
                amount_lines=(line,),
            )
    summary = f"不符合低保条件：{_failed_labels(criteria)}"
    return _decide(h, ProgrammeCode.DIBAO, Route.NONE, criteria, summary)


def _grace_criterion(enrolment: Enrolment, grace_months: Setting[int]) -> Criterion:
    # 民发〔2021〕57号第33条: income above the line because a member found work → a grace period.
    # 低边 uses its own period (dibian.gradual_exit.grace_months); the rule is the same.
    months = enrolment.months_since_income_rose
    found_work = enrolment.income_rise_reason is IncomeRiseReason.MEMBER_FOUND_WORK
    month_text = f"收入超线第 {months + 1} 个月" if months is not None else "未记录收入超线时间"
    return Criterion(
        "成员就业增收后的渐退期",
        f"{month_text}（{'成员就业' if found_work else '非就业原因'}）",
        f"成员就业且不超过 {grace_months.value} 个月",
        found_work and months is not None and months < grace_months.value,
        (grace_months.use,),
    )


def evaluate_dibao(facts: HouseholdFacts, params: ParameterSet) -> Decision:
    validate_facts(facts, params)
    return _dibao(_assess(facts, load_policy(params)))


# ── 单人户: MCA 2021 art 8 ───────────────────────────────────────────────────────────────────


def _single_person_category(m: Member, p: Policy) -> str | None:
    d = m.disability
    if d is not None and d.grade <= p.single_severe_max_grade.value:
        return f"{DISABILITY_NAMES[d.category]}{d.grade}级"
    if (
        d is not None
        and d.category in (DisabilityCategory.INTELLECTUAL, DisabilityCategory.MENTAL)
        and d.grade <= p.single_intellectual_mental_max_grade.value
    ):
        return f"{DISABILITY_NAMES[d.category]}{d.grade}级"
    if m.serious_illness and p.single_serious_illness_allowed.value:
        return "重特大疾病"
    return None


def _single_person(h: _Household, m: Member, category: str) -> Decision:
    p = h.policy
    household_income = _income_criterion(h, p.single_multiplier)
    assets = asset_test(h.facts.assets, h.n, p, p.dibian_money_years)
    own = counted_income([m], p.income_excluded, p.deduct_extra_expenses)
    who = Criterion(
        "重度残疾、三级智力精神残疾或重病",
        category,
        f"1–{p.single_severe_max_grade.value}级残疾，"
        f"1–{p.single_intellectual_mental_max_grade.value}级智力、精神残疾，或重特大疾病",
        True,
        (
            p.single_severe_max_grade.use,
            p.single_intellectual_mental_max_grade.use,
            p.single_serious_illness_allowed.use,
        ),
    )
    own_ok = Criterion(
        "本人收入低于低保标准",
        f"{money_text(own.total)} 元/月",
        f"低于 {money_text(p.standard.value)} 元/月",
        own.total < p.standard.value,
        (p.standard.use, *own.parameters),
    )
    criteria = (who, household_income, *assets.criteria, own_ok)
    if not all(c.passed for c in criteria):
        summary = f"{m.id} 不能按单人户纳入低保：{_failed_labels(criteria)}"
        return _decide(
            h,
            ProgrammeCode.DIBAO,
            Route.NONE,
            criteria,
            summary,
            member_id=m.id,
            income_lines=own.lines,
        )
    base = p.standard.value - own.total
    formula = f"{money_text(p.standard.value)} − {money_text(own.total)}"
    amount, lines = _benefit(base, formula, [m], h.facts.as_of, p)
    summary = f"{m.id}（{category}）按单人户纳入低保，月保障金 {money_text(amount)} 元"
    return _decide(
        h,
        ProgrammeCode.DIBAO,
        Route.SINGLE_PERSON,
        criteria,
        summary,
        amount=amount,
        amount_lines=lines,
        member_id=m.id,
        income_lines=own.lines,
    )


def _single_persons(
    h: _Household, household_dibao: Decision, tekun_member: str | None = None
) -> tuple[Decision, ...]:
    """One decision per severely disabled or seriously ill member, if the household is not 低保.

    A member found 特困 is not also considered for 单人户低保 (特困 takes precedence).
    """
    if household_dibao.eligible:
        return ()
    decisions = []
    for m in h.co.members:
        if m.id == tekun_member:
            continue
        category = _single_person_category(m, h.policy)
        if category is not None:
            decisions.append(_single_person(h, m, category))
    return tuple(decisions)


def evaluate_single_person_dibao(
    facts: HouseholdFacts, params: ParameterSet
) -> tuple[Decision, ...]:
    validate_facts(facts, params)
    h = _assess(facts, load_policy(params))
    return _single_persons(h, _dibao(h))


# ── 低边 ──────────────────────────────────────────────────────────────────────────────────────


def _dibian(h: _Household, household_dibao: Decision) -> Decision:
    p = h.policy
    not_dibao = Criterion(
        "不属于低保对象",
        "符合低保" if household_dibao.eligible else "不符合低保",
        "不符合低保",
        not household_dibao.eligible,
    )
    income = _income_criterion(h, p.dibian_multiplier)
    assets = asset_test(h.facts.assets, h.n, p, p.dibian_money_years)
    criteria: tuple[Criterion, ...] = (not_dibao, income, *assets.criteria)
    if all(c.passed for c in criteria):
        return _decide(h, ProgrammeCode.DIBIAN, Route.HOUSEHOLD, criteria, "符合低保边缘条件")
    enrolment = h.facts.enrolment
    if (
        enrolment is not None
        and enrolment.programme == ProgrammeCode.DIBIAN
        and not_dibao.passed
        and not income.passed
        and assets.passed
    ):
        grace = _grace_criterion(enrolment, p.dibian_grace_months)
        criteria = (*criteria, grace)
        if grace.passed:
            summary = f"收入超过低边收入线，渐退期内保留低保边缘身份（渐退期 {p.dibian_grace_months.value} 个月）"
            return _decide(h, ProgrammeCode.DIBIAN, Route.GRADUAL_EXIT, criteria, summary)
    summary = f"不符合低保边缘条件：{_failed_labels(criteria)}"
    return _decide(h, ProgrammeCode.DIBIAN, Route.NONE, criteria, summary)


def evaluate_dibian(facts: HouseholdFacts, params: ParameterSet) -> Decision:
    validate_facts(facts, params)
    h = _assess(facts, load_policy(params))
    return _dibian(h, _dibao(h))


# ── 特困: 民发〔2021〕43号 ───────────────────────────────────────────────────────────────────


def _incapacity(m: Member, age: int, p: Policy) -> str | None:
    # art 5: the groups deemed to have no capacity to work.
    if age >= p.incapacity_min_age.value:
        return f"{age}岁，年满{p.incapacity_min_age.value}周岁"
    if age < p.incapacity_under_age.value:
        return f"{age}岁，未满{p.incapacity_under_age.value}周岁"
    if age < p.minor_until_age.value:
        return f"{age}岁，未成年人（未满{p.minor_until_age.value}周岁）"
    d = m.disability
    if d is None:
        return None
    limits = {
        DisabilityCategory.INTELLECTUAL: p.incapacity_intellectual_mental_max_grade.value,
        DisabilityCategory.MENTAL: p.incapacity_intellectual_mental_max_grade.value,
        DisabilityCategory.PHYSICAL: p.incapacity_physical_max_grade.value,
        DisabilityCategory.VISUAL: p.incapacity_visual_max_grade.value,
    }
    if d.category in limits and d.grade <= limits[d.category]:
        return f"{DISABILITY_NAMES[d.category]}{d.grade}级"
    return None


# 民法典: spouses support each other (art 1059); parents their minor or dependent children and adult
# children their parents (art 1067). Grandparents, grandchildren and siblings owe support only in
# the cases of arts 1074–1075: the registry records that as `has_legal_support_duty`.
SUPPORT_DUTY_BY_RELATIONSHIP = frozenset(
    {Relationship.SPOUSE, Relationship.PARENT, Relationship.CHILD}
)
_RELATIONSHIP_NAMES = {
    Relationship.SPOUSE: "配偶",
    Relationship.PARENT: "父母",
    Relationship.CHILD: "子女",
    Relationship.GRANDPARENT: "祖父母、外祖父母",
    Relationship.GRANDCHILD: "孙子女、外孙子女",
    Relationship.SIBLING: "兄弟姐妹",
    Relationship.OTHER: "其他亲属",
}


def _household_supporters(h: _Household, m: Member) -> list[Supporter]:
    """The applicant's legal supporters found among the registered household members.

    Each brings the income recorded for them (counted as for 低保); a minor child owes no support.
    """
    if m.relationship is not Relationship.APPLICANT:
        return []
    p, as_of = h.policy, h.facts.as_of
    found = []
    for o in sorted(h.facts.members, key=lambda x: x.id):
        if o.id == m.id or o.relationship is Relationship.APPLICANT:
            continue
        age = o.age_on(as_of)
        if o.relationship is Relationship.CHILD and age < p.adult_age.value:
            continue
        if o.relationship not in SUPPORT_DUTY_BY_RELATIONSHIP and not o.has_legal_support_duty:
            continue
        income = counted_income([o], p.income_excluded, None).total
        found.append(
            Supporter(
                id=f"{o.id}（{_RELATIONSHIP_NAMES[o.relationship]}，{age}岁，"
                f"月收入{money_text(income)}元）",
                age=age,
                monthly_income=income,
                disability=o.disability,
                missing=o.away_reason is AwayReason.MISSING,
                in_prison=o.away_reason is AwayReason.PRISON,
            )
        )
    return found


def _supporter_unable(s: Supporter, p: Policy) -> str | None:
    # art 8: any one of these means the supporter cannot support.
    if s.is_tekun:
        return "本人为特困人员"
    if s.is_dibao_recipient and s.age >= p.supporter_dibao_min_age.value:
        return f"{p.supporter_dibao_min_age.value}岁以上低保对象"
    poor = s.monthly_income < p.supporter_income_line.value
    if s.age >= p.supporter_elderly_min_age.value and poor:
        return f"{p.supporter_elderly_min_age.value}岁以上且收入低于当地人均可支配收入"
    d = s.disability
    severe = d is not None and (
        d.grade <= p.supporter_severe_max_grade.value
        or (
            d.category in (DisabilityCategory.INTELLECTUAL, DisabilityCategory.MENTAL)
            and d.grade <= p.supporter_intellectual_mental_max_grade.value
        )
    )
    if severe and poor:
        return "重度残疾且收入低于当地人均可支配收入"
    if s.legally_incapacitated:
        return "无民事行为能力或限制民事行为能力"
    if s.missing:
        return "被宣告失踪"
    if s.in_prison:
        return "在监狱服刑"
    return None


def care_level(adl: AdlAssessment | None, p: Policy) -> tuple[CareLevel, Criterion]:
    # 43号 arts 21–22: all six met = self-care; up to N failed = partial; more = full.
    failed = adl.failed_items() if adl is not None else 0
    if failed == 0:
        level = CareLevel.SELF_CARE
    elif failed <= p.care_partial_max_failed.value:
        level = CareLevel.PARTIAL
    else:
        level = CareLevel.FULL
    found = f"{failed} 项不能完成，{CARE_LEVEL_NAMES[level]}" if adl else "未评估，按生活自理计"
    criterion = Criterion(
        "生活自理能力（进食、穿衣、上下床、如厕、室内行走、洗澡）",
        found,
        f"0 项为生活自理；1–{p.care_partial_max_failed.value} 项为部分丧失；更多为完全丧失",
        True,
        (p.care_partial_max_failed.use,),
    )
    return level, criterion


def _tekun_criteria(h: _Household, m: Member) -> tuple[list[Criterion], CountedIncome]:
    p = h.policy
    age = m.age_on(h.facts.as_of)
    why = _incapacity(m, age, p)
    incapacity = Criterion(
        "无劳动能力",
        why or f"{age}岁，无规定的残疾",
        f"年满{p.incapacity_min_age.value}周岁、未满{p.incapacity_under_age.value}周岁、"
        f"未满{p.minor_until_age.value}周岁的未成年人或规定等级的残疾",
        why is not None,
        (
            p.incapacity_min_age.use,
            p.incapacity_under_age.use,
            p.minor_until_age.use,
            p.incapacity_intellectual_mental_max_grade.use,
            p.incapacity_physical_max_grade.use,
            p.incapacity_visual_max_grade.use,
        ),
    )
    own = counted_income([m], p.tekun_excluded, None)  # art 6 names no deduction
    income = Criterion(
        "无生活来源：本人收入低于低保标准",
        f"{money_text(own.total)} 元/月",
        f"低于 {money_text(p.standard.value)} 元/月",
        own.total < p.standard.value,
        (p.standard.use, *own.parameters),
    )
    assets = asset_test(h.facts.assets, h.n, p, p.dibao_money_years)
    found = [*_household_supporters(h, m), *sorted(m.supporters, key=lambda s: s.id)]
    reasons = [(s.id, _supporter_unable(s, p)) for s in found]
    supporters = Criterion(
        "无法定义务人，或义务人无履行能力",
        "；".join(f"{sid}：{r or '有履行能力，应履行赡养、扶养、抚养义务'}" for sid, r in reasons)
        or "无法定义务人",
        "义务人均无履行能力",
        all(r is not None for _, r in reasons),
        (
            p.supporter_dibao_min_age.use,
            p.supporter_elderly_min_age.use,
            p.supporter_severe_max_grade.use,
            p.supporter_intellectual_mental_max_grade.use,
            p.supporter_income_line.use,
        ),
    )
    return [incapacity, income, *assets.criteria, supporters], own


def _tekun(h: _Household, m: Member) -> Decision:
    p = h.policy
    criteria, own = _tekun_criteria(h, m)
    level, care = care_level(m.adl, p)
    criteria.append(care)
    if not all(c.passed for c in criteria):
        summary = f"{m.id} 不符合特困人员条件：{_failed_labels(criteria)}"
        return _decide(
            h,
            ProgrammeCode.TEKUN,
            Route.NONE,
            criteria,
            summary,
            member_id=m.id,
            care=level,
            income_lines=own.lines,
        )
    basic = p.standard.value * p.tekun_multiplier.value
    care_amount = p.care_amounts[level]
    raw = basic + care_amount.value
    amount = round_money(raw, p.rounding.value)
    lines = (
        AmountLine(
            "基本生活标准",
            basic,
            f"{money_text(p.standard.value)} × {p.tekun_multiplier.value}",
            (p.standard.use, p.tekun_multiplier.use),
        ),
        AmountLine(
            f"照料护理标准（{CARE_LEVEL_NAMES[level]}）",
            care_amount.value,
            "按护理等级",
            (care_amount.use,),
        ),
        AmountLine(
            "舍入", amount, f"{money_text(raw)} {p.rounding.value.label}", (p.rounding.use,)
        ),
    )
    summary = f"{m.id} 符合特困条件（{CARE_LEVEL_NAMES[level]}），月供养金 {money_text(amount)} 元"
    return _decide(
        h,
        ProgrammeCode.TEKUN,
        Route.INDIVIDUAL,
        criteria,
        summary,
        amount=amount,
        amount_lines=lines,
        member_id=m.id,
        care=level,
        income_lines=own.lines,
    )


def evaluate_tekun(
    facts: HouseholdFacts, params: ParameterSet, member_id: str | None = None
) -> Decision:
    validate_facts(facts, params)
    member = facts.member(member_id) if member_id is not None else facts.applicant()
    return _tekun(_assess(facts, load_policy(params)), member)


# ── the household as a whole ─────────────────────────────────────────────────────────────────


def _requested(programmes: Iterable[str] | None) -> set[ProgrammeCode]:
    if programmes is None:
        return set(RULE_PROGRAMMES)
    chosen: set[ProgrammeCode] = set()
    for code in programmes:
        programme = get_programme(code)
        if not programme.rule_based:
            raise ProgrammeNotRuleBased(code)
        chosen.add(programme.code)
    return chosen


def evaluate_household(
    facts: HouseholdFacts, params: ParameterSet, programmes: Iterable[str] | None = None
) -> list[Decision]:
    """The requested decisions in catalogue order: 低保 (then 单人户), 低边, 特困 (the applicant).

    Input is checked and every parameter read before the first rule runs, so bad input or a
    missing parameter raises and no partial list is returned.
    """
    wanted = _requested(programmes)
    validate_facts(facts, params)
    h = _assess(facts, load_policy(params))
    tekun = _tekun(h, facts.applicant())
    dibao = _dibao(h) if not tekun.eligible else _dibao_after_tekun(h, tekun)
    decisions: list[Decision] = []
    if ProgrammeCode.DIBAO in wanted:
        decisions.append(dibao)
        decisions.extend(_single_persons(h, dibao, tekun.member_id if tekun.eligible else None))
    if ProgrammeCode.DIBIAN in wanted:
        decisions.append(_dibian(h, dibao))
    if ProgrammeCode.TEKUN in wanted:
        decisions.append(tekun)
    return decisions


def _dibao_after_tekun(h: _Household, tekun: Decision) -> Decision:
    """特困 takes precedence: the 特困 person is not also counted in the household's 低保.

    A person is never paid 低保 and 特困 for the same month (社会救助暂行办法第14条 names 特困
    供养 as separate from 低保; 民发〔2021〕43号第4条 requires no livelihood). The remaining members
    are assessed for 低保 on their own; with nobody left, 低保 is refused and says why.
    """
    rest = tuple(m for m in h.co.members if m.id != tekun.member_id)
    lines = tuple(
        MembershipLine(line.member_id, False, "特困人员，单独救助供养，不计入低保家庭（特困优先）")
        if line.member_id == tekun.member_id
        else line
        for line in h.co.lines
    )
    co = CoResidence(rest, lines, h.co.parameters)
    income = counted_income(rest, h.policy.income_excluded, h.policy.deduct_extra_expenses)
    remaining = _Household(h.facts, h.policy, co, income)
    precedence = Criterion(
        "不与特困供养重复（特困优先）",
        f"{tekun.member_id} 符合特困人员条件",
        "特困人员不同时享受低保",
        bool(rest),
    )
    if not rest:
        summary = f"不纳入低保：{tekun.member_id} 符合特困人员条件，特困优先，不同时享受低保"
        return _decide(remaining, ProgrammeCode.DIBAO, Route.NONE, (precedence,), summary)
    decision = _dibao(remaining)
    note = f"（{tekun.member_id} 属特困人员，特困优先，不计入低保家庭）"
    return replace(
        decision,
        criteria=(precedence, *decision.criteria),
        summary=decision.summary + note,
    )
