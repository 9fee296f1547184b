"""Reads of the institution registry, always through the region scope, and the indicators by
county (beds per 100 elderly, nursing-bed share) counted from the registry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from minzheng.accounts.scope import ScopedActor, region_q, scope_q
from minzheng.core.regioncode import RegionCode
from minzheng.institutions.models import (
    Bed,
    Claim,
    Inspection,
    Institution,
    InstitutionQuerySet,
    InsurancePolicy,
    Residency,
)
from minzheng.institutions.rules import Indicator, elderly_born_by
from minzheng.regions.models import Level, Region
from minzheng.registry.models import Person


def institutions_visible(actor: ScopedActor) -> InstitutionQuerySet:
    return Institution.objects.visible_to(actor).select_related("region")


def with_bed_counts(rows: QuerySet[Institution]) -> QuerySet[Institution]:
    return rows.annotate(
        bed_total=Count("beds", filter=Q(beds__active=True), distinct=True),
        nursing_total=Count(
            "beds", filter=Q(beds__active=True, beds__kind="nursing"), distinct=True
        ),
        resident_total=Count(
            "residencies", filter=Q(residencies__discharged_on__isnull=True), distinct=True
        ),
    ).order_by("region_id", "name", "id")


def bed_counts(institution: Institution) -> dict[str, dict[str, int]]:
    """kind → {beds, occupied, free} of the institution's beds in use."""
    beds = Bed.objects.filter(institution=institution, active=True)
    occupied = set(
        Residency.objects.filter(institution=institution, discharged_on__isnull=True).values_list(
            "bed_id", flat=True
        )
    )
    counts: dict[str, dict[str, int]] = {}
    for bed_id, kind in beds.values_list("id", "kind"):
        row = counts.setdefault(kind, {"beds": 0, "occupied": 0, "free": 0})
        row["beds"] += 1
        row["occupied" if bed_id in occupied else "free"] += 1
    return counts


def free_beds(institution: Institution) -> QuerySet[Bed]:
    return (
        Bed.objects.filter(institution=institution, active=True)
        .exclude(
            pk__in=Residency.objects.filter(
                institution=institution, discharged_on__isnull=True
            ).values("bed_id")
        )
        .order_by("kind", "id")
    )


def residents_visible(actor: ScopedActor) -> QuerySet[Residency]:
    return Residency.objects.visible_to(actor).select_related("person", "institution", "bed")


def inspections_visible(actor: ScopedActor) -> QuerySet[Inspection]:
    return Inspection.objects.visible_to(actor).select_related("institution", "inspector")


def overdue_rectifications(actor: ScopedActor, today: date) -> QuerySet[Inspection]:
    return inspections_visible(actor).filter(rectify_by__lt=today, rectified_on__isnull=True)


def policies_visible(actor: ScopedActor) -> QuerySet[InsurancePolicy]:
    return InsurancePolicy.objects.visible_to(actor).select_related("institution")


def claims_visible(actor: ScopedActor) -> QuerySet[Claim]:
    return Claim.objects.visible_to(actor).select_related("policy__institution", "person")


@dataclass(frozen=True)
class InsuranceTotals:
    policies: int
    institutions: int
    elderly: int
    premium: Decimal
    cover: Decimal
    claims: int
    filed: int
    paid_count: int
    refused: int
    claimed: Decimal
    paid: Decimal


def insurance_totals(actor: ScopedActor, day: date) -> InsuranceTotals:
    """Policies in force on `day`: institutions, elderly insured, premiums and cover; claims of
    every policy: counts by status and the amounts claimed and paid."""
    live = policies_visible(actor).filter(starts_on__lte=day, ends_on__gte=day)
    p = live.aggregate(
        n=Count("id"),
        inst=Count("institution", distinct=True),
        elderly=Sum("insured_elderly"),
        premium=Sum("premium"),
        cover=Sum("cover"),
    )
    c = claims_visible(actor).aggregate(
        n=Count("id"),
        filed=Count("id", filter=Q(status="filed")),
        paid_n=Count("id", filter=Q(status="paid")),
        refused=Count("id", filter=Q(status="refused")),
        claimed=Sum("claimed"),
        paid=Sum("paid", filter=Q(status="paid")),
    )
    zero = Decimal("0.00")
    return InsuranceTotals(
        policies=p["n"],
        institutions=p["inst"],
        elderly=int(p["elderly"] or 0),
        premium=p["premium"] or zero,
        cover=p["cover"] or zero,
        claims=c["n"],
        filed=c["filed"],
        paid_count=c["paid_n"],
        refused=c["refused"],
        claimed=c["claimed"] or zero,
        paid=c["paid"] or zero,
    )


def elderly_count(unit: RegionCode, day: date) -> int:
    """Registry persons of the unit aged 60 or more on `day` and alive on it."""
    return (
        Person.objects.filter(region_q(unit), birth_date__lte=elderly_born_by(day))
        .filter(Q(date_of_death__isnull=True) | Q(date_of_death__gt=day))
        .count()
    )


def indicators(actor: ScopedActor, day: date) -> tuple[list[Indicator], Indicator]:
    """Per county in the actor's scope, and the total: institutions in operation, their beds in
    use, nursing beds, occupied beds and the registry's elderly on `day`."""
    counties = Region.objects.filter(scope_q(actor, "code"), level=Level.COUNTY).order_by("code")
    scope = actor.scope_code()
    if not counties and scope.level in ("township", "village"):
        counties = Region.objects.filter(pk=scope.county.code)
    rows: list[Indicator] = []
    for county in counties:
        unit = RegionCode.of(county.code, county.level)
        # Narrower staff (a township) count their own scope inside the county.
        within = unit if scope.encloses(unit) else scope
        inst = Institution.objects.visible_to(actor).filter(region_q(within), active=True)
        beds = Bed.objects.visible_to(actor).filter(
            region_q(within), active=True, institution__active=True
        )
        rows.append(
            Indicator(
                name=county.name if within == unit else f"{county.name}（辖区）",
                code=county.code,
                institutions=inst.count(),
                beds=beds.count(),
                nursing_beds=beds.filter(kind="nursing").count(),
                occupied=Residency.objects.visible_to(actor)
                .filter(region_q(within), discharged_on__isnull=True)
                .count(),
                elderly=elderly_count(within, day),
            )
        )
    total = Indicator(
        name="合计",
        code="",
        institutions=sum(r.institutions for r in rows),
        beds=sum(r.beds for r in rows),
        nursing_beds=sum(r.nursing_beds for r in rows),
        occupied=sum(r.occupied for r in rows),
        elderly=sum(r.elderly for r in rows),
    )
    return rows, total
