"""Reads for the workflow: work queues, fast-track lookups and the rule suggestions for a form."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.applications import rules
from minzheng.applications.models import Application, FastTrackPeriod, ReviewTask
from minzheng.applications.rules import Step
from minzheng.assistance.decisions import Decision
from minzheng.assistance.errors import AssistanceError
from minzheng.assistance.facts import (
    Assets,
    HouseholdFacts,
    Income,
    IncomeKind,
    Member,
    Relationship,
)
from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.programmes import get_programme
from minzheng.assistance.queries import parameter_set
from minzheng.assistance.rules import evaluate_household
from minzheng.core.regioncode import county_of
from minzheng.regions.models import Region
from minzheng.registry.models import Household, HukouType, Membership, Person

# Programmes one form may ask for (一件事): the rule-based ones, and temporary assistance.
FORM_PROGRAMMES: tuple[str, ...] = ("dibao", "dibian", "tekun", "linshi")

_RELATIONSHIPS = {
    "spouse": Relationship.SPOUSE,
    "child": Relationship.CHILD,
    "parent": Relationship.PARENT,
    "grandchild": Relationship.GRANDCHILD,
    "grandparent": Relationship.GRANDPARENT,
    "sibling": Relationship.SIBLING,
}


def programme_choices() -> list[tuple[str, str]]:
    return [(code, get_programme(code).short_name) for code in FORM_PROGRAMMES]


def parameters_for(region_code: str, as_of: date) -> ParameterSet:
    """The policy parameters of the household's county on a day: the database rows in force,
    through the one resolver every part of the platform uses (a confirmed county value counts)."""
    return parameter_set(county_of(region_code), as_of)


def current_household(person: Person, as_of: date) -> Household | None:
    membership = (
        Membership.objects.filter(person=person, valid_from__lte=as_of)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
        .select_related("household")
        .order_by("-valid_from", "-id")
        .first()
    )
    return membership.household if membership else None


def declared_facts(
    household: Household, applicant: Person, monthly_income: Decimal, as_of: date, *, variable: bool
) -> HouseholdFacts:
    """The household as declared on the form: registry members, the declared income.

    The income is the household's declared total, carried by the applicant; the verification
    step replaces it with the checked figure. Declared assets are none until checked.
    """
    members: list[Member] = []
    rows = (
        Membership.objects.filter(household=household, valid_from__lte=as_of)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
        .select_related("person")
        .order_by("id")
    )
    urban = True
    for m in rows:
        p = m.person
        if p.date_of_death is not None and p.date_of_death <= as_of:
            continue
        is_applicant = p.pk == applicant.pk
        if is_applicant:
            urban = p.hukou_type != HukouType.RURAL
        members.append(
            Member(
                id=str(p.pk),
                relationship=Relationship.APPLICANT
                if is_applicant
                else _RELATIONSHIPS.get(m.relationship, Relationship.OTHER),
                birth_date=p.birth_date,
                age=None if p.birth_date else 40,
                lives_together=m.lives_together,
                has_legal_support_duty=True,
                incomes=(Income(IncomeKind.WAGE, monthly_income),) if is_applicant else (),
            )
        )
    if not any(m.relationship is Relationship.APPLICANT for m in members):
        members.append(
            Member(
                id=str(applicant.pk),
                relationship=Relationship.APPLICANT,
                birth_date=applicant.birth_date,
                age=None if applicant.birth_date else 40,
                incomes=(Income(IncomeKind.WAGE, monthly_income),),
            )
        )
    return HouseholdFacts(
        members=tuple(members),
        assets=Assets(urban=urban),
        region_code=county_of(household.region_id),
        as_of=as_of,
        income_variable=variable,
    )


@dataclass(frozen=True)
class Suggestion:
    programmes: tuple[str, ...]
    decisions: tuple[Decision, ...]
    error: str = ""

    @property
    def names(self) -> list[str]:
        return [get_programme(c).short_name for c in self.programmes]


def suggest_programmes(
    household: Household, applicant: Person, monthly_income: Decimal, as_of: date
) -> Suggestion:
    """The programmes the household may qualify for, by the assistance rules on declared income."""
    try:
        facts = declared_facts(household, applicant, monthly_income, as_of, variable=False)
        decisions = evaluate_household(facts, parameters_for(household.region_id, as_of))
    except AssistanceError as exc:
        return Suggestion((), (), str(exc))
    eligible = tuple(dict.fromkeys(d.programme for d in decisions if d.eligible))
    return Suggestion(eligible, tuple(decisions))


def fast_track_period(region_code: str, day: date) -> FastTrackPeriod | None:
    """The fast-track period covering a region on a day, if any (a county's covers its villages)."""
    for period in FastTrackPeriod.objects.filter(
        starts_on__lte=day, ends_on__gte=day
    ).select_related("region"):
        if period.region.contains(region_code):
            return period
    return None


def fast_track_periods_for(actor: User) -> QuerySet[FastTrackPeriod]:
    """快速通道 as an actor sees it: the periods inside their scope and those over it — a county's
    period covers its townships and villages, so their caseworkers and assistants see it too."""
    above: list[str] = []
    unit = actor.scope_code().parent
    while unit is not None:
        above.append(unit.code)
        unit = unit.parent
    inside = FastTrackPeriod.objects.visible_to(actor)
    if not actor.can(Capability.CASE_DATA):
        return inside
    return inside | FastTrackPeriod.objects.filter(region_id__in=above)


def describe_period(period: FastTrackPeriod | None) -> str | None:
    if period is None:
        return None
    return f"{period.region.name}{period.starts_on.isoformat()}至{period.ends_on.isoformat()}（{period.reason}）"


@dataclass(frozen=True)
class Queue:
    rows: list[Application]
    by_step: list[tuple[str, str, int, int]]  # step, label, open, overdue
    by_region: list[tuple[str, int]]
    overdue: int
    total: int
    spot_checks: int = 0  # 特困 cases drawn for the county's spot check, not yet done
    advance_aid: int = 0  # open cases helped first (先行救助)


def queue_for(
    user: User, today: date, *, step: str = "", overdue_only: bool = False, region: str = ""
) -> Queue:
    """The user's work queue: the open cases at the steps their role acts on, within their scope.
    A role that acts on no step (市级管理员) follows every open case in its scope instead."""
    steps = [s.value for s in rules.steps_for_role(user.role) or rules.OPEN_STEPS]
    base = Application.objects.visible_to(user).filter(step__in=steps)
    all_rows = list(base.values_list("step", "step_due", "region__parent__name"))
    open_counts = Counter(s for s, _, _ in all_rows)
    late_counts = Counter(s for s, due, _ in all_rows if due is not None and due < today)
    region_counts = Counter(r or "—" for _, _, r in all_rows)
    rows_qs: QuerySet[Application] = base
    if step in steps:
        rows_qs = rows_qs.filter(step=step)
    if overdue_only:
        rows_qs = rows_qs.filter(step_due__lt=today)
    if region:
        rows_qs = rows_qs.filter(region_id__startswith=region)
    rows = list(rows_qs.select_related("applicant", "region").order_by("step_due", "id")[:200])
    by_step = [
        (s, rules.STEP_LABELS[Step(s)], open_counts.get(s, 0), late_counts.get(s, 0)) for s in steps
    ]
    return Queue(
        rows,
        by_step,
        sorted(region_counts.items()),
        sum(late_counts.values()),
        len(all_rows),
        spot_checks=base.filter(spot_check=True, spot_check_done_at__isnull=True).count(),
        advance_aid=base.filter(advance_aid=True).count(),
    )


def reviews_for(user: User, today: date, *, due_only: bool = False) -> QuerySet[ReviewTask]:
    qs = ReviewTask.objects.visible_to(user).filter(status=ReviewTask.Status.OPEN)
    if due_only:
        qs = qs.filter(due_on__lte=today)
    return qs.select_related("enrolment__household__head", "region").order_by("due_on", "id")


def region_names(codes: list[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
