"""Reads for children's welfare, always through the region scope."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Max, Q, QuerySet

from minzheng.accounts.scope import RegionScopedQuerySet, ScopedActor
from minzheng.assistance.queries import parameter_set
from minzheng.children.models import (
    Category,
    ChildCase,
    ChildCaseQuerySet,
    ChildDirector,
    ChildVisit,
)
from minzheng.regions.models import Level, Region


class _RegionByCode(RegionScopedQuerySet[Region]):
    scope_field = "code"


def villages_visible(actor: ScopedActor) -> QuerySet[Region]:
    return _RegionByCode(model=Region).visible_to(actor).filter(level=Level.VILLAGE)


def cases_visible(actor: ScopedActor) -> ChildCaseQuerySet:
    return ChildCase.objects.visible_to(actor).select_related("child", "region", "enrolment")


def directors_visible(actor: ScopedActor) -> QuerySet[ChildDirector]:
    return ChildDirector.objects.visible_to(actor).select_related("region")


def visits_of(actor: ScopedActor, case: ChildCase) -> QuerySet[ChildVisit]:
    return ChildVisit.objects.visible_to(actor).filter(case=case).select_related("director")


def visits_due(actor: ScopedActor, county_code: str, day: date) -> list[ChildCase]:
    """Enrolled children not visited within the visit interval (never visited counts as due)."""
    interval, _ = parameter_set(county_code, day).integer("children.visit_interval_days")
    since = day - timedelta(days=interval)
    return list(
        cases_visible(actor)
        .filter(status=ChildCase.Status.ENROLLED)
        .annotate(last_visit=Max("visits__visited_on"))
        .filter(Q(last_visit__isnull=True) | Q(last_visit__lt=since))
        .order_by("region_id", "id")[:200]
    )


def counts_by_category(actor: ScopedActor) -> list[tuple[str, int, int, int, int]]:
    """Per category: (name, to apply, in review, enrolled, ended), for the statistics panel."""
    by: dict[tuple[str, str], int] = {}
    for row in (
        ChildCase.objects.visible_to(actor)
        .values("category", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by[(row["category"], row["status"])] = row["n"]
    return [
        (
            name,
            by.get((code, "identified"), 0),
            by.get((code, "applied"), 0) + by.get((code, "reviewed"), 0),
            by.get((code, "enrolled"), 0),
            by.get((code, "ended"), 0),
        )
        for code, name in Category.choices
    ]
