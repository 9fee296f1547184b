"""Background work: schedule the review (复核) of every open enrolment, and count overdue steps."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef

from minzheng.applications.actions import schedule_review
from minzheng.applications.models import Application, ReviewTask
from minzheng.applications.rules import OPEN_STEPS
from minzheng.assistance.models import OPEN_STATUSES, Enrolment


def schedule_reviews() -> int:
    """A review task for each open enrolment that has none; running it twice creates nothing new."""
    open_task = ReviewTask.objects.filter(enrolment=OuterRef("pk"), status=ReviewTask.Status.OPEN)
    missing = (
        Enrolment.objects.filter(status__in=OPEN_STATUSES)
        .exclude(Exists(open_task))
        .select_related("household__head")
        .order_by("id")
    )
    created = 0
    for enrolment in missing.iterator(chunk_size=1000):
        with transaction.atomic():
            if schedule_review(enrolment) is not None:
                created += 1
    return created


def overdue_counts(today: date) -> dict[str, int]:
    """Open cases past their step deadline, by step — for the daily report."""
    rows = Application.objects.filter(
        step__in=[s.value for s in OPEN_STEPS], step_due__lt=today
    ).values_list("step", flat=True)
    return dict(Counter(rows))
