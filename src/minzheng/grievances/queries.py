"""Reads for grievances, always through the region scope."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q

from minzheng.accounts.scope import ScopedActor
from minzheng.grievances.models import Appeal, AppealQuerySet, Grievance, GrievanceQuerySet, Kind


def grievances_visible(actor: ScopedActor) -> GrievanceQuerySet:
    return Grievance.objects.visible_to(actor).select_related(
        "region", "subject_person", "assigned_to"
    )


def appeals_visible(actor: ScopedActor) -> AppealQuerySet:
    return Appeal.objects.visible_to(actor).select_related("person", "region")


def summary(actor: ScopedActor, day: date) -> list[tuple[str, int, int, int, int]]:
    """Per kind: (name, open, overdue, answered, closed)."""
    rows = (
        Grievance.objects.visible_to(actor)
        .values("kind")
        .annotate(
            open=Count("id", filter=Q(status="open")),
            overdue=Count("id", filter=Q(status="open", due_on__lt=day)),
            answered=Count("id", filter=Q(status="answered")),
            closed=Count("id", filter=Q(status="closed")),
        )
        .order_by()
    )
    by: dict[str, tuple[int, int, int, int]] = {
        r["kind"]: (r["open"], r["overdue"], r["answered"], r["closed"]) for r in rows
    }
    return [(name, *by.get(code, (0, 0, 0, 0))) for code, name in Kind.choices]
