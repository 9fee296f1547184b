"""Reads for elderly care, always through the region scope: assessments, the reassessment queue,
the 高龄津贴 enrolments, and the parameters (through the one resolver)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery

from minzheng.accounts.scope import ScopedActor
from minzheng.assistance.errors import ParameterMissing
from minzheng.assistance.models import Enrolment, EnrolmentAmount
from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.queries import parameter_set
from minzheng.core.errors import ValidationFailed
from minzheng.eldercare.models import Assessment
from minzheng.eldercare.rules import BAND_CODES, AbilityPolicy, load_policy
from minzheng.registry.models import Person

GAOLING = "gaoling"


def parameters(region_code: str, day: date) -> ParameterSet:
    """The county's parameters on `day` (region_code: any code inside the county)."""
    try:
        return parameter_set(region_code[:6], day)
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
