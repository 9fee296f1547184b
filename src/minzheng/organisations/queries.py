"""Reads of the organisation registry, always through the region scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from minzheng.accounts.scope import ScopedActor
from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.queries import parameter_set
from minzheng.organisations import rules
from minzheng.organisations.models import (
    AnnualReport,
    CreditListing,
    Organisation,
    Rating,
    RegistrationApplication,
)


def params_for(region_code: str, day: date) -> ParameterSet:
    """The dated parameters in force for a registration authority's region on a day."""
    return parameter_set(region_code[:6], day)


def search_organisations(
    actor: ScopedActor, q: str = "", kind: str = "", status: str = ""
) -> QuerySet[Organisation]:
    rows = Organisation.objects.visible_to(actor).select_related("region")
    if q.strip():
        text = q.strip()
        rows = rows.filter(
            Q(name__contains=text) | Q(credit_code=text.upper()) | Q(legal_rep_name=text)
        )
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("region_id", "name")


def applications(actor: ScopedActor, status: str = "") -> QuerySet[RegistrationApplication]:
    rows = RegistrationApplication.objects.visible_to(actor).select_related(
        "region", "organisation"
    )
    return rows.filter(status=status) if status else rows


def open_listings(actor: ScopedActor, list_kind: str = "") -> QuerySet[CreditListing]:
    rows = CreditListing.objects.visible_to(actor).select_related("organisation")
    return rows.filter(list=list_kind) if list_kind else rows


def current_rating(org: Organisation, day: date) -> Rating | None:
    return (
        Rating.objects.filter(organisation=org, awarded_on__lte=day, valid_until__gte=day)
        .order_by("-awarded_on")
        .first()
    )


@dataclass(frozen=True)
class AnnualRow:
    organisation: Organisation
    report: AnnualReport | None
    required: bool
    reminder: rules.Reminder | None


def annual_status(actor: ScopedActor, report_year: int, today: date) -> list[AnnualRow]:
    """Each active organisation's standing in one year's inspection, with its reminder."""
    orgs = list(
        Organisation.objects.visible_to(actor)
        .filter(status=Organisation.Status.ACTIVE)
        .select_related("region")
        .order_by("region_id", "name")
    )
    reports = {
        r.organisation_id: r
        for r in AnnualReport.objects.filter(organisation__in=orgs, report_year=report_year)
    }
    cache: dict[str, ParameterSet] = {}
    result = []
    for org in orgs:
        county = org.region_id[:6]
        params = cache.get(county) or cache.setdefault(county, params_for(county, today))
        cycle = rules.annual_cycle(report_year, params)
        required = rules.annual_report_required(org.founded_on, cycle).required
        report = reports.get(org.pk)
        reminder = None
        if required and report is None:
            reminder = rules.annual_reminder(today, cycle.authority_due, params)
        result.append(AnnualRow(org, report, required, reminder))
    return result


@dataclass(frozen=True)
class ExpiryRow:
    organisation: Organisation
    what: str  # 登记证书 / 评估等级 nA
    valid_until: date
    reminder: rules.Reminder


def expiry_queue(
    actor: ScopedActor, today: date, *, org: Organisation | None = None
) -> list[ExpiryRow]:
    """证书到期提醒办: certificates and ratings expiring within the window, or already expired."""
    orgs = (
        [org]
        if org is not None
        else list(
            Organisation.objects.visible_to(actor)
            .filter(status=Organisation.Status.ACTIVE)
            .select_related("region")
        )
    )
    latest_rating: dict[int, Rating] = {}
    for rating in Rating.objects.filter(organisation__in=orgs).order_by("awarded_on"):
        latest_rating[rating.organisation_id] = rating
    cache: dict[str, ParameterSet] = {}
    rows = []
    for o in orgs:
        county = o.region_id[:6]
        params = cache.get(county) or cache.setdefault(county, params_for(county, today))
        items = [("登记证书", o.certificate_valid_until)]
        latest = latest_rating.get(o.pk)
        if latest is not None:
            items.append((f"评估等级{latest.get_grade_display()}", latest.valid_until))
        for what, until in items:
            reminder = rules.expiry_reminder(today, until, params)
            if reminder.stage is not rules.ReminderStage.NOT_YET:
                rows.append(ExpiryRow(o, what, until, reminder))
    return sorted(rows, key=lambda r: (r.valid_until, r.organisation.name))
