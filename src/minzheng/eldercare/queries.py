"""Reads for elderly care, always through the region scope: assessments, the reassessment queue,
the 高龄津贴 enrolments, and the parameters (through the one resolver)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum

from minzheng.accounts.scope import ScopedActor, scope_q
from minzheng.assistance.errors import ParameterMissing
from minzheng.assistance.models import Enrolment, EnrolmentAmount
from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.queries import parameter_set
from minzheng.core.errors import ValidationFailed
from minzheng.core.regioncode import county_of
from minzheng.eldercare.models import Assessment, MealPoint, MealRecord, MealStatement
from minzheng.eldercare.rules import BAND_CODES, AbilityPolicy, load_policy
from minzheng.regions.models import Level, Region
from minzheng.registry.models import IdentityTag, Membership, Person

GAOLING = "gaoling"


def parameters(region_code: str, day: date) -> ParameterSet:
    """The county's parameters on `day` (region_code: any code inside the county)."""
    try:
        return parameter_set(county_of(region_code), day)
    except ParameterMissing as exc:
        raise ValidationFailed(
            f"{day.isoformat()} 没有适用的养老服务政策参数：{exc}", code="parameters_missing"
        ) from None


def ability_policy(region_code: str, day: date) -> AbilityPolicy:
    try:
        return load_policy(parameters(region_code, day))
    except ParameterMissing:
        raise ValidationFailed(
            f"{day.isoformat()} 早于 GB/T 42195-2022 施行日期或缺少评估参数，无法按该标准评估",
            code="standard_not_in_force",
        ) from None


def assessments_visible(actor: ScopedActor) -> QuerySet[Assessment]:
    return Assessment.objects.visible_to(actor).select_related("person", "assessor")


def latest_assessments(actor: ScopedActor) -> QuerySet[Assessment]:
    """Each person's most recent assessment (the one that is in force)."""
    newest = (
        Assessment.objects.filter(person_id=OuterRef("person_id"))
        .order_by("-assessed_on", "-id")
        .values("id")[:1]
    )
    return assessments_visible(actor).filter(id=Subquery(newest))


def due_for_reassessment(
    actor: ScopedActor, today: date, within_days: int = 30
) -> QuerySet[Assessment]:
    return (
        latest_assessments(actor)
        .filter(
            next_due__lte=today + timedelta(days=within_days),
            person__date_of_death__isnull=True,
        )
        .order_by("next_due")
    )


def person_history(actor: ScopedActor, person_id: int) -> QuerySet[Assessment]:
    return assessments_visible(actor).filter(person_id=person_id)


def find_elderly(actor: ScopedActor, text: str, born_before: date) -> QuerySet[Person]:
    """Living people in scope aged at least the elderly age, by name (contains) or ID number."""
    from minzheng.core.idnumber import normalize
    from minzheng.core.pii import ID_NUMBER, blind_index

    people = Person.objects.visible_to(actor).filter(
        date_of_death__isnull=True, birth_date__lte=born_before
    )
    text = text.strip()
    if not text:
        return people.none()
    if len(text) == 18 and text[:17].isdigit():
        return people.filter(id_number_index=blind_index(ID_NUMBER, normalize(text)))
    return people.filter(name__contains=text).order_by("name")[:30]


def level_counts(actor: ScopedActor) -> dict[str, int]:
    rows = latest_assessments(actor).values("level").annotate(n=Count("id"))
    return {r["level"]: r["n"] for r in rows}


# ── 高龄津贴 ────────────────────────────────────────────────────────────────────────────────


def allowance_enrolments(actor: ScopedActor) -> QuerySet[Enrolment]:
    latest_amount = (
        EnrolmentAmount.objects.filter(enrolment_id=OuterRef("pk"))
        .order_by("-effective_month", "-id")
        .values("amount")[:1]
    )
    latest_band = (
        EnrolmentAmount.objects.filter(enrolment_id=OuterRef("pk"))
        .order_by("-effective_month", "-id")
        .values("components__band")[:1]
    )
    return (
        Enrolment.objects.visible_to(actor)
        .filter(programme=GAOLING)
        .select_related("person", "region")
        .annotate(monthly=Subquery(latest_amount), band=Subquery(latest_band))
        .order_by("status", "-start_month", "person__name")
    )


@dataclass(frozen=True)
class AllowanceSummary:
    band: str
    people: int
    monthly_total: Decimal


def allowance_summary(actor: ScopedActor) -> list[AllowanceSummary]:
    """People in pay and the monthly total, by band."""
    people: dict[str, int] = {}
    totals: dict[str, Decimal] = {}
    rows = allowance_enrolments(actor).filter(status=Enrolment.Status.ACTIVE)
    for band, monthly in rows.values_list("band", "monthly"):  # type: ignore[misc]
        key = str(band)
        people[key] = people.get(key, 0) + 1
        totals[key] = totals.get(key, Decimal(0)) + Decimal(monthly or 0)
    order = {code: i for i, code in enumerate(BAND_CODES)}
    return [
        AllowanceSummary(b, people[b], totals[b])
        for b in sorted(people, key=lambda b: order.get(b, len(order)))
    ]


def last_assessed(actor: ScopedActor) -> date | None:
    found = assessments_visible(actor).aggregate(d=Max("assessed_on"))["d"]
    return found if isinstance(found, date) else None


# ── 助餐 ────────────────────────────────────────────────────────────────────────────────────


def meal_points_visible(actor: ScopedActor) -> QuerySet[MealPoint]:
    return MealPoint.objects.visible_to(actor).select_related("region")


def meal_records_visible(actor: ScopedActor) -> QuerySet[MealRecord]:
    return MealRecord.objects.visible_to(actor).select_related("point", "person")


def held_statuses_on(wanted: Iterable[tuple[int, date]]) -> dict[tuple[int, date], frozenset[str]]:
    """The identity tags and open programmes (特困, 低保 …) of each (person, day) pair: a person's
    own, and their household's on that day. The persons' tags, households and programmes are
    read in three queries, each day's held set picked out here."""
    pairs = set(wanted)
    if not pairs:
        return {}
    person_ids = {pid for pid, _ in pairs}
    latest = max(day for _, day in pairs)

    def on(start: date | None, end: date | None, day: date) -> bool:
        return start is not None and start <= day and (end is None or end > day)

    tags: dict[int, list[tuple[str, date, date | None]]] = defaultdict(list)
    for pid, tag, start, end in IdentityTag.objects.filter(
        person_id__in=person_ids, valid_from__lte=latest
    ).values_list("person_id", "tag", "valid_from", "valid_to"):
        tags[pid].append((tag, start, end))
    homes: dict[int, list[tuple[int, date, date | None]]] = defaultdict(list)
    for pid, household_id, start, end in Membership.objects.filter(
        person_id__in=person_ids, valid_from__lte=latest
    ).values_list("person_id", "household_id", "valid_from", "valid_to"):
        homes[pid].append((household_id, start, end))
    household_ids = {h for rows in homes.values() for h, _, _ in rows}
    own: dict[int, list[tuple[str, date, date | None]]] = defaultdict(list)
    shared: dict[int, list[tuple[str, date, date | None]]] = defaultdict(list)
    for pid, household_id, programme, start, end in (
        Enrolment.objects.filter(start_month__lte=latest)
        .exclude(status__in=(Enrolment.Status.ENDED, Enrolment.Status.SUSPENDED))
        .filter(
            Q(person_id__in=person_ids) | Q(person__isnull=True, household_id__in=household_ids)
        )
        .values_list("person_id", "household_id", "programme", "start_month", "end_month")
    ):
        if pid is not None:
            own[pid].append((programme, start, end))
        else:
            shared[household_id].append((programme, start, end))
    held: dict[tuple[int, date], frozenset[str]] = {}
    for pid, day in pairs:
        found = {tag for tag, start, end in tags[pid] if on(start, end, day)}
        found |= {programme for programme, start, end in own[pid] if on(start, end, day)}
        for household_id, start, end in homes[pid]:
            if on(start, end, day):
                found |= {p for p, s, e in shared[household_id] if on(s, e, day)}
        held[(pid, day)] = frozenset(found)
    return held


@dataclass(frozen=True)
class MealDue:
    point: MealPoint
    month: date
    meals: int
    diners: int
    total: Decimal
    statement: MealStatement | None


def meal_month_due(point: MealPoint, first: date, last: date) -> MealDue:
    rows = MealRecord.objects.filter(point=point, day__gte=first, day__lte=last)
    figures = rows.aggregate(m=Sum("meals"), t=Sum("subsidy"), d=Count("person", distinct=True))
    return MealDue(
        point,
        first,
        int(figures["m"] or 0),
        int(figures["d"] or 0),
        Decimal(figures["t"] or 0).quantize(Decimal("0.01")),
        MealStatement.objects.filter(point=point, month=first).first(),
    )


@dataclass(frozen=True)
class Coverage:
    name: str
    villages: int
    covered: int

    @property
    def share(self) -> str:
        return f"{self.covered * 100 / self.villages:.1f}%" if self.villages else "—"


def meal_coverage(actor: ScopedActor) -> list[Coverage]:
    """Villages and communities with at least one running meal point, by county in scope."""
    villages = Region.objects.filter(scope_q(actor, "code"), level=Level.VILLAGE)
    covered = set(
        meal_points_visible(actor).filter(active=True).values_list("region_id", flat=True)
    )
    counties = {county_of(r.code): r.name for r in Region.objects.filter(level=Level.COUNTY)}
    by_county: dict[str, list[int]] = {}
    for code in villages.values_list("code", flat=True):
        row = by_county.setdefault(county_of(code), [0, 0])
        row[0] += 1
        row[1] += code in covered
    return [
        Coverage(counties.get(county, county), total, hit)
        for county, (total, hit) in sorted(by_county.items())
    ]


def meal_month_figures(actor: ScopedActor, first: date, last: date) -> dict[str, int]:
    rows = meal_records_visible(actor).filter(day__gte=first, day__lte=last)
    figures = rows.aggregate(
        m=Sum("meals"), d=Count("person", distinct=True), days=Count("day", distinct=True)
    )
    return {k: int(v or 0) for k, v in figures.items()}
