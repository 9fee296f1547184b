"""State changes of 大排摸: start a campaign (its target list picked by rules and assigned to the
village assistants, one bulk insert), record a visit's outcome."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability, Role
from minzheng.assistance.models import OPEN_STATUSES, Enrolment
from minzheng.assistance.queries import parameter_set
from minzheng.core import audit, clock
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.regioncode import county_of
from minzheng.core.yearmonth import YearMonth
from minzheng.outreach.models import Campaign, Outcome, Reason, Target
from minzheng.registry.models import IdentityTag, Membership, Person

COVERED = ("dibao", "tekun")
EXIT_PROGRAMMES = ("dibao", "dibian", "tekun")  # 近期退出保障: the programmes whose exit counts


def _years_before(day: date, years: int) -> date:
    return day.replace(year=day.year - years, day=min(day.day, 28))


def pick_targets(actor: User, rules: list[str], day: date) -> dict[int, set[str]]:
    """person id → reasons, for living people in the actor's scope not already in 低保 or 特困."""
    params = parameter_set(county_of(actor.region_id), day)
    people = Person.objects.visible_to(actor).filter(date_of_death__isnull=True)
    found: dict[int, set[str]] = defaultdict(set)

    def add(reason: str, ids: QuerySet[Any, Any]) -> None:
        for pid in people.filter(pk__in=ids).values_list("pk", flat=True):
            found[pid].add(reason)

    if Reason.DIBIAN in rules:
        add(
            Reason.DIBIAN,
            IdentityTag.objects.filter(tag="dibian", valid_to__isnull=True).values("person_id"),
        )
    if Reason.SEVERE_DISABILITY in rules:
        grade, _ = params.integer("outreach.severe_disability_max_grade")
        add(Reason.SEVERE_DISABILITY, people.filter(disability_grade__lte=grade).values("pk"))
    if Reason.HIGH_MEDICAL in rules:
        from minzheng.monitoring.models import Warning

        add(
            Reason.HIGH_MEDICAL,
            Warning.objects.filter(kind="high_medical_cost", person__isnull=False).values(
                "person_id"
            ),
        )
    if Reason.ELDERLY_ALONE in rules:
        age, _ = params.integer("outreach.elderly_alone_min_age")
        alone = (  # households with one living member: a late spouse does not keep company
            Membership.objects.filter(valid_to__isnull=True, person__date_of_death__isnull=True)
            .values("household_id")
            .annotate(n=Count("id"))
            .filter(n=1)
            .values("household_id")
        )
        add(
            Reason.ELDERLY_ALONE,
            Membership.objects.filter(
                valid_to__isnull=True,
                household_id__in=alone,
                person__birth_date__lte=_years_before(day, age),
            ).values("person_id"),
        )
    if Reason.RECENT_EXIT in rules:
        months, _ = params.integer("outreach.recent_exit_months")
        since = (YearMonth.of(day) - months).first_day()
        # an exit from social assistance (低保, 低边, 特困), not an allowance ended at its holder's
        # death (高龄津贴 …)
        exited = Enrolment.objects.filter(
            status="ended", end_month__gte=since, programme__in=EXIT_PROGRAMMES
        )
        add(
            Reason.RECENT_EXIT,
            Membership.objects.filter(
                valid_to__isnull=True,
                relationship="head",
                household_id__in=exited.values("household_id"),
            ).values("person_id"),
        )
    covered = Membership.objects.filter(
        valid_to__isnull=True,
        household_id__in=Enrolment.objects.filter(
            status__in=OPEN_STATUSES, programme__in=COVERED
        ).values("household_id"),
    ).values_list("person_id", flat=True)
    for pid in set(covered) & set(found):
        del found[pid]
    return found


def do_start_campaign(actor: User, *, name: str, rules: list[str]) -> Campaign:
    """A campaign over the actor's region; each target goes to its village's assistant."""
    if not (actor.can(Capability.EDIT_CASES) or actor.can(Capability.APPROVE)):
        raise PermissionDenied("您的角色无权发起大排摸")
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationFailed("请填写排摸名称（不超过100字）", code="name_missing")
    rules = [r for r in rules if r in Reason.values]
    if not rules:
        raise ValidationFailed("请至少选择一类排摸对象", code="rules_missing")
    day = clock.today()
    found = pick_targets(actor, rules, day)
    households = dict(
        Membership.objects.filter(valid_to__isnull=True, person_id__in=found)
        .order_by("person_id", "-valid_from")
        .values_list("person_id", "household_id")
    )
    regions = dict(Person.objects.filter(pk__in=found).values_list("pk", "region_id"))
    assistants: dict[str, User] = {}
    for u in User.objects.filter(role=Role.VILLAGE_ASSISTANT, is_active=True):
        assistants.setdefault(u.region_id, u)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name, region_id=actor.region_id, rules=rules, started_on=day, created_by=actor
        )
        Target.objects.bulk_create(
            [
                Target(
                    campaign=campaign,
                    person_id=pid,
                    household_id=households[pid],
                    region_id=regions[pid],
                    reasons=sorted(reasons),
                    assigned_to=assistants.get(regions[pid]),
                )
                for pid, reasons in sorted(found.items())
                if pid in households
            ],
            batch_size=1000,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "outreach_campaign",
            campaign.pk,
            summary=f"{name}：排摸对象 {campaign.targets.count()} 人",
            region_code=actor.region_id,
        )
    return campaign


def do_record_visit(
    actor: User, target: Target, *, outcome: str, note: str, visited_on: date
) -> Target:
    if not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("您的角色无权记录走访")
    if outcome not in Outcome.values:
        raise ValidationFailed("请选择走访结果", code="bad_outcome")
    if visited_on > clock.today():
        raise ValidationFailed("走访日期不能晚于今天", code="future_visit")
    with transaction.atomic():
        locked = Target.objects.select_for_update().get_visible(actor, pk=target.pk)
        before = {"status": locked.outcome}
        locked.outcome, locked.note, locked.visited_on = outcome, note.strip()[:300], visited_on
        locked.save(update_fields=["outcome", "note", "visited_on"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "outreach_target",
            locked.pk,
            summary=f"排摸走访：{Outcome(outcome).label}",
            before=before,
            after={"status": outcome},
            person_id=locked.person_id,
            region_code=locked.region_id,
        )
    return locked
