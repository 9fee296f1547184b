"""A household's eligibility: from the registry (or a JSON description) to `HouseholdFacts`,
the decisions of the pure rules, and the decisions as JSON.

One household at a time, through the ORM: the household page, the API and the CLI. The batch
path in `columnar.py` reads the same tables set-based and must agree with this module (tested).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from minzheng.assistance import queries
from minzheng.assistance.decisions import Decision, Route
from minzheng.assistance.errors import InvalidHouseholdFacts
from minzheng.assistance.facts import (
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
from minzheng.assistance.models import (
    AdlAssessmentRecord,
    AssetKind,
    EnrolmentAmount,
    ExtraExpense,
    HouseholdAsset,
    IncomeRecord,
    IncomeSource,
    MemberCircumstance,
    SupporterRecord,
)
from minzheng.assistance.models import (
    Enrolment as EnrolmentRow,
)
from minzheng.assistance.programmes import ProgrammeCode
from minzheng.assistance.rules import evaluate_household
from minzheng.core.inputs import Area, CleanText, Money
from minzheng.core.money import ZERO
from minzheng.core.regioncode import county_of
from minzheng.registry.models import Household, HukouType, Membership, Person
from minzheng.registry.models import Relationship as Kinship

# The registry records kinship to the head of household; the head is the applicant.
RELATIONSHIP_TO_APPLICANT: dict[str, Relationship] = {
    Kinship.HEAD: Relationship.APPLICANT,
    Kinship.SPOUSE: Relationship.SPOUSE,
    Kinship.CHILD: Relationship.CHILD,
    Kinship.PARENT: Relationship.PARENT,
    Kinship.GRANDCHILD: Relationship.GRANDCHILD,
    Kinship.GRANDPARENT: Relationship.GRANDPARENT,
    Kinship.SIBLING: Relationship.SIBLING,
    Kinship.CHILD_IN_LAW: Relationship.OTHER,
    Kinship.OTHER: Relationship.OTHER,
}
# Adult children owe the applicant (their parent) support (民法典第26条第2款); other kin owe it
# only in conditions the caseworker records in MemberCircumstance.has_legal_support_duty.
# 民法典: spouses (art 1059), parents and children (art 1067) owe each other support by law;
# grandparents, grandchildren and siblings only in the cases of arts 1074–1075 (record it).
DUTY_BY_DEFAULT = frozenset({Relationship.SPOUSE, Relationship.PARENT, Relationship.CHILD})
SOURCE_RANK = {IncomeSource.DECLARED: 0, IncomeSource.VERIFIED: 1}


def covering(day: date, start: str = "valid_from", end: str = "valid_to") -> Q:
    """Rows in force on `day` over [start, end)."""
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


def age_on(born: date, day: date) -> int:
    return day.year - born.year - int((day.month, day.day) < (born.month, born.day))


def member_ids(names: Iterable[tuple[int, str]]) -> dict[int, str]:
    """A readable id per person: the name, with the person number only when a name repeats."""
    pairs = list(names)
    counts: dict[str, int] = {}
    for _, name in pairs:
        counts[name] = counts.get(name, 0) + 1
    return {pk: name if counts[name] == 1 else f"{name}#{pk}" for pk, name in pairs}


def _disability(category: str, grade: int | None) -> Disability | None:
    if not category or grade is None:
        return None
    return Disability(DisabilityCategory(category), grade)


def household_facts(household: Household, as_of: date) -> HouseholdFacts:
    """The facts of a registered household on one day, from the registry and the records above."""
    memberships = list(
        Membership.objects.filter(covering(as_of), household=household)
        .exclude(person__date_of_death__lte=as_of)
        .select_related("person")
        .order_by("id")
    )
    people = [m.person for m in memberships]
    ids = member_ids((p.pk, p.name) for p in people)
    person_ids = [p.pk for p in people]

    chosen: dict[tuple[int, str], IncomeRecord] = {}
    for r in IncomeRecord.objects.filter(covering(as_of), person_id__in=person_ids):
        k = (r.person_id, r.kind)
        rank = (SOURCE_RANK[IncomeSource(r.source)], r.valid_from, r.pk)
        old = chosen.get(k)
        if old is None or rank > (SOURCE_RANK[IncomeSource(old.source)], old.valid_from, old.pk):
            chosen[k] = r
    incomes: dict[int, list[Income]] = {}
    for (pid, kind), r in sorted(chosen.items()):
        incomes.setdefault(pid, []).append(Income(IncomeKind(kind), r.monthly_amount))

    expenses: dict[int, Decimal] = {}
    for e in ExtraExpense.objects.filter(covering(as_of), person_id__in=person_ids):
        expenses[e.person_id] = expenses.get(e.person_id, ZERO) + e.monthly_amount

    adl: dict[int, AdlAssessment] = {}
    for a in AdlAssessmentRecord.objects.filter(
        person_id__in=person_ids, assessed_on__lte=as_of
    ).order_by("assessed_on", "id"):
        adl[a.person_id] = AdlAssessment(
            a.eating, a.dressing, a.transfer, a.toileting, a.walking_indoors, a.bathing
        )

    supporters: dict[int, list[Supporter]] = {}
    for s in SupporterRecord.objects.filter(covering(as_of), person_id__in=person_ids).order_by(
        "id"
    ):
        supporters.setdefault(s.person_id, []).append(
            Supporter(
                id=f"{s.name}#{s.pk}",
                age=age_on(s.birth_date, as_of),
                monthly_income=s.monthly_income,
                is_tekun=s.is_tekun,
                is_dibao_recipient=s.is_dibao_recipient,
                disability=_disability(s.disability_category, s.disability_grade),
                legally_incapacitated=s.legally_incapacitated,
                missing=s.missing,
                in_prison=s.in_prison,
            )
        )
    circumstances = {
        c.person_id: c for c in MemberCircumstance.objects.filter(person_id__in=person_ids)
    }

    members = []
    for m in memberships:
        p = m.person
        if p.birth_date is None:
            raise InvalidHouseholdFacts(f"成员 {ids[p.pk]} 缺少出生日期，无法认定")
        relationship = RELATIONSHIP_TO_APPLICANT[m.relationship]
        c = circumstances.get(p.pk)
        duty = (
            c.has_legal_support_duty
            if c is not None and c.has_legal_support_duty is not None
            else relationship in DUTY_BY_DEFAULT
        )
        members.append(
            Member(
                id=ids[p.pk],
                relationship=relationship,
                birth_date=p.birth_date,
                lives_together=m.lives_together,
                has_legal_support_duty=duty,
                unable_to_live_independently=c.unable_to_live_independently if c else False,
                away_reason=AwayReason(c.away_reason) if c else AwayReason.NONE,
                away_years=c.away_years if c else 0,
                student=StudentStatus(c.student) if c else StudentStatus.NONE,
                disability=_disability(p.disability_category, p.disability_grade),
                serious_illness=bool(p.serious_illnesses),
                work_capacity=WorkCapacity(p.labour_capacity or WorkCapacity.FULL),
                incomes=tuple(incomes.get(p.pk, ())),
                extra_expenses_monthly=expenses.get(p.pk, ZERO),
                adl=adl.get(p.pk),
                supporters=tuple(supporters.get(p.pk, ())),
            )
        )

    # Urban or rural follows the hukou of the household's registered head (浙民助〔2015〕13号 item 5).
    hukou = (
        Person.objects.filter(pk=household.head_id).values_list("hukou_type", flat=True).first()
        if household.head_id is not None
        else None
    )
    return HouseholdFacts(
        members=tuple(members),
        assets=_assets(household, as_of, urban=hukou != HukouType.RURAL),
        region_code=county_of(household.region_id),
        as_of=as_of,
        enrolment=_enrolment(household, as_of),
    )


def _assets(household: Household, as_of: date, *, urban: bool) -> Assets:
    money = ZERO
    vehicles: list[Vehicle] = []
    nonresidential: list[NonResidentialProperty] = []
    homes: list[Home] = []
    for a in HouseholdAsset.objects.filter(covering(as_of), household=household).order_by("id"):
        if a.kind == AssetKind.MONEY:
            money += a.amount or ZERO
        elif a.kind == AssetKind.VEHICLE:
            vehicles.append(Vehicle(VehicleKind(a.vehicle_kind)))
        elif a.kind == AssetKind.NONRESIDENTIAL:
            nonresidential.append(
                NonResidentialProperty(NonResidentialKind(a.nonresidential_kind), a.is_only_home)
            )
        else:
            homes.append(Home(a.floor_area or ZERO))
    return Assets(money, tuple(vehicles), tuple(nonresidential), tuple(homes), urban)


def _enrolment(household: Household, as_of: date) -> Enrolment | None:
    """The open household 低保 (else 低边) enrolment in force on the day, as far as 渐退 needs it."""
    rows = EnrolmentRow.objects.filter(
        covering(as_of, "start_month", "end_month"), household=household, person__isnull=True
    ).order_by("-start_month")
    row = rows.filter(programme=ProgrammeCode.DIBAO).first()
    if row is None:
        dibian = rows.filter(programme=ProgrammeCode.DIBIAN).exists()
        return Enrolment(ZERO, programme=ProgrammeCode.DIBIAN.value) if dibian else None
    amount = (
        EnrolmentAmount.objects.filter(enrolment=row, effective_month__lte=as_of)
        .order_by("-effective_month")
        .values_list("amount", flat=True)
        .first()
    )
    # The month income rose and why are not recorded yet, so 渐退 is not granted from the registry.
    return Enrolment(amount if amount is not None else ZERO)


# ── the JSON description (docs/api.md "Eligibility") ─────────────────────────────────────────


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IncomeIn(_Strict):
    kind: IncomeKind
    monthly_amount: Money


class DisabilityIn(_Strict):
    category: DisabilityCategory
    grade: int = Field(ge=1, le=4)


class AdlIn(_Strict):
    eating: bool
    dressing: bool
    transfer: bool
    toileting: bool
    walking_indoors: bool
    bathing: bool


class SupporterIn(_Strict):
    id: CleanText = Field(max_length=100)
    age: int = Field(ge=0, le=150)
    monthly_income: Money = ZERO
    is_tekun: bool = False
    is_dibao_recipient: bool = False
    disability: DisabilityIn | None = None
    legally_incapacitated: bool = False
    missing: bool = False
    in_prison: bool = False


class MemberIn(_Strict):
    id: CleanText = Field(min_length=1, max_length=100)
    relationship: Relationship
    birth_date: date | None = None
    age: int | None = Field(default=None, ge=0, le=150)
    lives_together: bool = True
    has_legal_support_duty: bool | None = Field(
        default=None,
        description="与申请人有法定赡养、扶养、抚养义务；不填则按关系（配偶、父母、子女为是）",
    )
    unable_to_live_independently: bool = False
    away_reason: AwayReason = AwayReason.NONE
    away_years: int = Field(default=0, ge=0, le=150)
    student: StudentStatus = StudentStatus.NONE
    disability: DisabilityIn | None = None
    serious_illness: bool = False
    work_capacity: WorkCapacity = WorkCapacity.FULL
    incomes: list[IncomeIn] = []
    extra_expenses_monthly: Money = ZERO
    adl: AdlIn | None = None
    supporters: list[SupporterIn] = []


class VehicleIn(_Strict):
    kind: VehicleKind


class NonResidentialIn(_Strict):
    kind: NonResidentialKind
    is_only_home: bool = False


class HomeIn(_Strict):
    floor_area: Area


class AssetsIn(_Strict):
    money: Money = ZERO
    vehicles: list[VehicleIn] = []
    nonresidential: list[NonResidentialIn] = []
    homes: list[HomeIn] = []
    urban: bool = True


class EnrolmentIn(_Strict):
    monthly_amount: Money
    months_since_income_rose: int | None = Field(default=None, ge=0, le=1200)
    income_rise_reason: IncomeRiseReason | None = None
    programme: Literal["dibao", "dibian"] = Field(
        default="dibao", description="所在救助项目：dibao（低保）或 dibian（低边，无月保障金）"
    )


class HouseholdIn(_Strict):
    """A household described in JSON: what `minzheng evaluate FILE` and the API accept."""

    region: str = Field(description="县级行政区划代码（6位），如 330203")
    as_of: date = Field(description="认定日期")
    programmes: list[str] | None = Field(
        default=None, description="要认定的项目，默认 dibao、dibian、tekun"
    )
    members: list[MemberIn] = Field(min_length=1)
    assets: AssetsIn = AssetsIn()
    enrolment: EnrolmentIn | None = None


def _supporter(s: SupporterIn) -> Supporter:
    d = s.disability
    return Supporter(
        id=s.id,
        age=s.age,
        monthly_income=s.monthly_income,
        is_tekun=s.is_tekun,
        is_dibao_recipient=s.is_dibao_recipient,
        disability=Disability(d.category, d.grade) if d else None,
        legally_incapacitated=s.legally_incapacitated,
        missing=s.missing,
        in_prison=s.in_prison,
    )


def facts_from_input(data: HouseholdIn) -> HouseholdFacts:
    members = tuple(
        Member(
            id=m.id,
            relationship=m.relationship,
            birth_date=m.birth_date,
            age=m.age,
            lives_together=m.lives_together,
            has_legal_support_duty=(
                m.has_legal_support_duty
                if m.has_legal_support_duty is not None
                else m.relationship in DUTY_BY_DEFAULT
            ),
            unable_to_live_independently=m.unable_to_live_independently,
            away_reason=m.away_reason,
            away_years=m.away_years,
            student=m.student,
            disability=Disability(m.disability.category, m.disability.grade)
            if m.disability
            else None,
            serious_illness=m.serious_illness,
            work_capacity=m.work_capacity,
            incomes=tuple(Income(i.kind, i.monthly_amount) for i in m.incomes),
            extra_expenses_monthly=m.extra_expenses_monthly,
            adl=AdlAssessment(**m.adl.model_dump()) if m.adl else None,
            supporters=tuple(_supporter(s) for s in m.supporters),
        )
        for m in data.members
    )
    a = data.assets
    assets = Assets(
        a.money,
        tuple(Vehicle(v.kind) for v in a.vehicles),
        tuple(NonResidentialProperty(n.kind, n.is_only_home) for n in a.nonresidential),
        tuple(Home(h.floor_area) for h in a.homes),
        a.urban,
    )
    e = data.enrolment
    enrolment = (
        Enrolment(e.monthly_amount, e.months_since_income_rose, e.income_rise_reason, e.programme)
        if e
        else None
    )
    return HouseholdFacts(members, assets, data.region, data.as_of, enrolment)


def parse_household(raw: Any) -> HouseholdIn:
    """Validate a JSON document; every problem is listed in one Chinese message."""
    try:
        return HouseholdIn.model_validate(raw)
    except ValidationError as exc:
        problems = "；".join(
            f"{'.'.join(str(p) for p in e['loc']) or '文档'}：{e['msg']}" for e in exc.errors()
        )
        raise InvalidHouseholdFacts(f"家庭情况格式有误：{problems}") from None


def facts_to_json(facts: HouseholdFacts) -> dict[str, Any]:
    """The JSON description of facts (the same schema `parse_household` reads): stored for replay."""
    data = HouseholdIn(
        region=facts.region_code,
        as_of=facts.as_of,
        members=[
            MemberIn(
                id=m.id,
                relationship=m.relationship,
                birth_date=m.birth_date,
                age=m.age,
                lives_together=m.lives_together,
                has_legal_support_duty=m.has_legal_support_duty,
                unable_to_live_independently=m.unable_to_live_independently,
                away_reason=m.away_reason,
                away_years=m.away_years,
                student=m.student,
                disability=DisabilityIn(category=m.disability.category, grade=m.disability.grade)
                if m.disability
                else None,
                serious_illness=m.serious_illness,
                work_capacity=m.work_capacity,
                incomes=[IncomeIn(kind=i.kind, monthly_amount=i.monthly_amount) for i in m.incomes],
                extra_expenses_monthly=m.extra_expenses_monthly,
                adl=AdlIn(
                    eating=m.adl.eating,
                    dressing=m.adl.dressing,
                    transfer=m.adl.transfer,
                    toileting=m.adl.toileting,
                    walking_indoors=m.adl.walking_indoors,
                    bathing=m.adl.bathing,
                )
                if m.adl
                else None,
                supporters=[
                    SupporterIn(
                        id=s.id,
                        age=s.age,
                        monthly_income=s.monthly_income,
                        is_tekun=s.is_tekun,
                        is_dibao_recipient=s.is_dibao_recipient,
                        disability=DisabilityIn(
                            category=s.disability.category, grade=s.disability.grade
                        )
                        if s.disability
                        else None,
                        legally_incapacitated=s.legally_incapacitated,
                        missing=s.missing,
                        in_prison=s.in_prison,
                    )
                    for s in m.supporters
                ],
            )
            for m in facts.members
        ],
        assets=AssetsIn(
            money=facts.assets.money,
            vehicles=[VehicleIn(kind=v.kind) for v in facts.assets.vehicles],
            nonresidential=[
                NonResidentialIn(kind=n.kind, is_only_home=n.is_only_home)
                for n in facts.assets.nonresidential
            ],
            homes=[HomeIn(floor_area=h.floor_area) for h in facts.assets.homes],
            urban=facts.assets.urban,
        ),
        enrolment=EnrolmentIn(
            monthly_amount=facts.enrolment.monthly_amount,
            months_since_income_rose=facts.enrolment.months_since_income_rose,
            income_rise_reason=facts.enrolment.income_rise_reason,
            programme="dibian" if facts.enrolment.programme == "dibian" else "dibao",
        )
        if facts.enrolment
        else None,
    )
    result: dict[str, Any] = data.model_dump(mode="json", exclude_none=True)
    return result


# ── evaluate and explain ─────────────────────────────────────────────────────────────────────


def evaluate(facts: HouseholdFacts, programmes: Iterable[str] | None = None) -> list[Decision]:
    """Decisions with the parameters in the database for the household's region and day."""
    params = queries.parameter_set(facts.region_code, facts.as_of)
    return evaluate_household(facts, params, programmes)


def explanation(decisions: Iterable[Decision], facts: HouseholdFacts) -> dict[str, Any]:
    """The one JSON shape every channel returns (API, CLI, the household page's fragment)."""
    return {
        "region_code": facts.region_code,
        "as_of": facts.as_of.isoformat(),
        "decisions": [d.to_dict() for d in decisions],
    }


def explain_json(raw: Any) -> dict[str, Any]:
    """Evaluate a JSON description; bad input raises a DomainError and nothing is stored."""
    data = parse_household(raw)
    facts = facts_from_input(data)
    return explanation(evaluate(facts, data.programmes), facts)


def explain_household(household: Household, as_of: date) -> dict[str, Any]:
    facts = household_facts(household, as_of)
    result = explanation(evaluate(facts), facts)
    result["household_id"] = household.pk
    return result


def single_person_due(enrolment: EnrolmentRow, day: date) -> Decimal | None:
    """The monthly amount a 单人户低保 enrolment is due on `day` under the parameters in force,
    or None when the person no longer qualifies by that route (a review decides the exit).

    The household is evaluated on its recorded facts, as the household page does; the person's
    decision is the 单人户 one naming them.
    """
    person = enrolment.person
    if person is None:
        raise InvalidHouseholdFacts("不是单人户救助对象")
    names = {person.name, f"{person.name}#{person.pk}"}
    for decision in evaluate(household_facts(enrolment.household, day), ["dibao"]):
        if decision.member_id in names and decision.route is Route.SINGLE_PERSON:
            return decision.monthly_amount
    return None
