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


@dataclass(frozen=True)
class Statistics:
    active: int
    by_kind: list[tuple[str, int]]
    by_authority: list[tuple[str, int]]
    population: int | None
    population_source: str
    density: str | None  # organisations per 10,000 residents, one decimal
    ratings: list[tuple[str, int]]
    abnormal: int
    serious: int
    trade_associations: int
    inspected_trade_associations: int


def statistics(actor: ScopedActor, day: date) -> Statistics:
    from decimal import ROUND_HALF_UP, Decimal

    from django.db.models import Count

    from minzheng.assistance.errors import ParameterMissing
    from minzheng.organisations.models import FeeInspection, Kind

    active = Organisation.objects.visible_to(actor).filter(status=Organisation.Status.ACTIVE)
    n = active.count()
    kinds = dict(Kind.choices)
    by_kind = [
        (kinds[r["kind"]], r["n"])
        for r in active.values("kind").annotate(n=Count("id")).order_by("kind")
    ]
    by_authority = [
        (r["authority"], r["n"])
        for r in active.values("authority").annotate(n=Count("id")).order_by("-n")
    ]
    low = actor.scope_bounds()[0]
    population, source, density = None, "", None
    # Populations are known for the city and each county; organisations register at those levels.
    if low[6:] == "000000":
        try:
            population, p = params_for(low[:6], day).integer(
                "organisations.statistics.resident_population"
            )
            source = p.source
        except ParameterMissing:
            population = None
    if population:
        density = str(
            (Decimal(n) * 10000 / Decimal(population)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        )
    grades = dict(Rating.Grade.choices)
    current = Rating.objects.visible_to(actor).filter(awarded_on__lte=day, valid_until__gte=day)
    ratings = [
        (grades[r["grade"]], r["n"])
        for r in current.values("grade").annotate(n=Count("id")).order_by("-grade")
    ]
    listed = CreditListing.objects.visible_to(actor).filter(status=CreditListing.Status.LISTED)
    trade = active.filter(is_trade_association=True)
    inspected = (
        FeeInspection.objects.visible_to(actor)
        .filter(year=day.year - 1)
        .values("organisation")
        .distinct()
        .count()
    )
    return Statistics(
        active=n,
        by_kind=by_kind,
        by_authority=by_authority,
        population=population,
        population_source=source,
        density=density,
        ratings=ratings,
        abnormal=listed.filter(list=CreditListing.List.ABNORMAL).count(),
        serious=listed.filter(list=CreditListing.List.SERIOUS).count(),
        trade_associations=trade.count(),
        inspected_trade_associations=inspected,
    )
