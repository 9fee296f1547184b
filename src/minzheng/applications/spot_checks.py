"""低保抽查: the county draws its monthly share of enrolled 低保 households and reviews each.

`do_draw_spot_check` is the one way a draw happens: the county approver's own county, the share
resolved for the month through `assistance.queries.parameter_set`, the households drawn by the
pure `spot_check.draw`, one review (复核) opened per household — or an open one brought forward —
and an audit event with the figures. A second draw for the same county and month is refused
(the unique key holds even under two clicks at once); the page shows the first.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.applications import spot_check
from minzheng.applications.models import ReviewTask, SpotCheck, SpotCheckItem
from minzheng.assistance.models import Enrolment
from minzheng.assistance.programmes import ProgrammeCode
from minzheng.assistance.queries import parameter_set
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.regioncode import county_of
from minzheng.core.yearmonth import YearMonth
from minzheng.regions.models import Level

SHARE_KEY = "dibao.spot_check.monthly_share"
DRAWN_STATUSES = (Enrolment.Status.ACTIVE, Enrolment.Status.GRADUAL_EXIT)


def _county_of(actor: User) -> str:
    if not actor.can(Capability.APPROVE):
        raise PermissionDenied("您的角色无权抽取低保抽查家庭")
    if actor.region.level != Level.COUNTY:
        raise PermissionDenied("低保抽查由县级审核审批员按本县抽取")
    return actor.region_id


def enrolled_in(actor: User, month: YearMonth) -> dict[int, Enrolment]:
    """The 低保 enrolments in force in the month, in the actor's scope: one per household."""
    day = month.first_day()
    rows = (
        Enrolment.objects.visible_to(actor)
        .filter(
            programme=ProgrammeCode.DIBAO.value,
            status__in=DRAWN_STATUSES,
            start_month__lte=day,
        )
        .exclude(end_month__lte=day)
        .order_by("household_id", "person_id", "id")  # the household enrolment before 单人户
    )
    by_household: dict[int, Enrolment] = {}
    for enrolment in rows:
        by_household.setdefault(enrolment.household_id, enrolment)
    return by_household


def visible_spot_checks(actor: User) -> QuerySet[SpotCheck]:
    """A county's draws for the county and above; below it, the draws that reached the actor's
    own households (a township caseworker sees the checks of their township's households)."""
    if actor.region.level in (Level.CITY, Level.COUNTY):
        return SpotCheck.objects.visible_to(actor)
    mine = Enrolment.objects.visible_to(actor)
    return SpotCheck.objects.filter(items__enrolment__in=mine).distinct()


def do_draw_spot_check(actor: User, month: YearMonth) -> SpotCheck:
    county = _county_of(actor)
    if SpotCheck.objects.filter(county_id=county, month=month.first_day()).exists():
        raise ValidationFailed(f"{month} 的低保抽查已抽取，不能重复抽取", code="spot_check_exists")
    share, used = parameter_set(county_of(county), month.first_day()).decimal(SHARE_KEY)
    enrolments = enrolled_in(actor, month)
    drawn = spot_check.draw(county_of(county), month, enrolments, share)
    if not drawn.drawn:
        raise ValidationFailed(f"{month} 本县没有在保的低保家庭，无需抽查", code="nothing_to_draw")
    due_on = (month + 1).first_day()
    note = f"低保抽查{month}（抽查比例{share:%}）"
    try:
        with transaction.atomic():
            check = SpotCheck.objects.create(
                county_id=county,
                month=month.first_day(),
                share=share,
                share_version=used.version_id,
                enrolled=drawn.enrolled,
                drawn=len(drawn.drawn),
                drawn_by=actor,
            )
            for rank, household_id in enumerate(drawn.drawn, start=1):
                enrolment = enrolments[household_id]
                review = _open_review(enrolment, due_on, used.version_id, note)
                SpotCheckItem.objects.create(
                    spot_check=check, enrolment=enrolment, review=review, rank=rank
                )
            audit.record(
                actor,
                AuditEvent.Action.CREATE,
                "spot_check",
                check.pk,
                summary=f"低保抽查{month}：{drawn.explanation}",
                after={
                    "month": str(month),
                    "share": str(share),
                    "share_version": used.version_id,
                    "enrolled": drawn.enrolled,
                    "drawn_households": list(drawn.drawn),
                },
                region_code=county,
            )
    except IntegrityError:  # a second draw for the same county and month, committed meanwhile
        raise ValidationFailed(
            f"{month} 的低保抽查已抽取，不能重复抽取", code="spot_check_exists"
        ) from None
    return check


def _open_review(enrolment: Enrolment, due_on: date, version: str, note: str) -> ReviewTask:
    """The household's open review, brought forward to the draw's deadline, or a new one."""
    task = (
        ReviewTask.objects.select_for_update()
        .filter(enrolment=enrolment, status=ReviewTask.Status.OPEN)
        .first()
    )
    if task is None:
        return ReviewTask.objects.create(
            enrolment=enrolment,
            region_id=enrolment.region_id,
            due_on=due_on,
            interval_key=SHARE_KEY,
            interval_version=version,
            note=note,
        )
    task.due_on = min(task.due_on, due_on)
    task.note = (f"{task.note}；{note}" if task.note else note)[-1000:]
    task.save(update_fields=["due_on", "note"])
    return task
