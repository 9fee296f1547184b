"""Reads of the organisation registry, always through the region scope: the public register
(the organisations, their credit lists, annual inspection results and ratings) through
`published_to`, everything else and every edit through `visible_to`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet

from minzheng.accounts.scope import ScopedActor, region_q
from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.queries import parameter_set
from minzheng.core.regioncode import PREFIX_LENGTH, RegionCode, county_of
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
    return parameter_set(county_of(region_code), day)


def search_organisations(
    actor: ScopedActor,
    q: str = "",
    kind: str = "",
    status: str = "",
    region: RegionCode | None = None,
) -> QuerySet[Organisation]:
    """The register of social organisations, public (民政部令第60号): every staff role reads the
    city's, `region` narrows it to the organisations registered in one unit."""
    rows = Organisation.objects.published_to(actor).select_related("region")
    if region is not None:
        rows = rows.filter(region_q(region))
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
    """The credit lists, public (民政部令第60号): the city's published entries for every staff role,
    and the registering authority's own unpublished ones too."""
    own = CreditListing.objects.visible_to(actor).values("pk")
    rows = (
        CreditListing.objects.published_to(actor)
        .filter(Q(published=True) | Q(pk__in=own))
        .select_related("organisation")
    )
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


@dataclass(frozen=True)
class AnnualOverview:
    """One year's inspection over the visible organisations, as a query the page can slice."""

    report_year: int
    today: date
    organisations: QuerySet[Organisation]  # ordered; only the missing ones if asked
    cycles: dict[str, tuple[rules.AnnualCycle, ParameterSet]]  # by registration region code
    filed: int
    required: int

    def rows(self, organisations: Iterable[Organisation]) -> list[AnnualRow]:
        orgs = list(organisations)
        reports = {
            r.organisation_id: r
            for r in AnnualReport.objects.filter(
                organisation__in=orgs, report_year=self.report_year
            )
        }
        result = []
        for org in orgs:
            cycle, params = self.cycles[org.region_id]
            required = rules.annual_report_required(org.founded_on, cycle).required
            report = reports.get(org.pk)
            reminder = None
            if required and report is None:
                reminder = rules.annual_reminder(self.today, cycle.authority_due, params)
            result.append(AnnualRow(org, report, required, reminder))
        return result


def _region_params(orgs: QuerySet[Organisation], day: date) -> dict[str, ParameterSet]:
    """The parameters of each registration region among `orgs` (a city and its counties: few)."""
    regions = orgs.order_by().values_list("region_id", flat=True).distinct()
    return {code: params_for(code, day) for code in regions}


def annual_overview(
    actor: ScopedActor, report_year: int, today: date, *, only_missing: bool = False
) -> AnnualOverview:
    """Set-based: who must report is a date filter per region, who has reported an EXISTS."""
    orgs = Organisation.objects.visible_to(actor).filter(status=Organisation.Status.ACTIVE)
    params = _region_params(orgs, today)
    cycles = {code: (rules.annual_cycle(report_year, p), p) for code, p in params.items()}
    required = Q(pk__in=[])
    for code, (cycle, _p) in cycles.items():
        required |= Q(region_id=code, founded_on__lte=cycle.exempt_founded_after)
    filed = Exists(
        AnnualReport.objects.filter(organisation=OuterRef("pk"), report_year=report_year)
    )
    rows = orgs.select_related("region").order_by("region_id", "name")
    if only_missing:
        rows = rows.filter(required).exclude(filed)
    return AnnualOverview(
        report_year,
        today,
        rows,
        cycles,
        filed=orgs.filter(filed).count(),
        required=orgs.filter(required).count(),
    )


def annual_status(actor: ScopedActor, report_year: int, today: date) -> list[AnnualRow]:
    """Every visible organisation's standing in one year's inspection, with its reminder."""
    overview = annual_overview(actor, report_year, today)
    return overview.rows(overview.organisations)


@dataclass(frozen=True)
class ExpiryRow:
    organisation: Organisation
    what: str  # 登记证书 / 评估等级nA
    valid_until: date
    reminder: rules.Reminder


def expiry_queue(
    actor: ScopedActor, today: date, *, org: Organisation | None = None
) -> list[ExpiryRow]:
    """证书到期提醒办: certificates and current ratings expiring within the window, or expired.

    Set-based: the window is a date filter per registration region (its own parameter)."""
    orgs = Organisation.objects.visible_to(actor).filter(status=Organisation.Status.ACTIVE)
    if org is not None:
        orgs = orgs.filter(pk=org.pk)
    params = _region_params(orgs, today)
    windows = {
        code: today + timedelta(days=p.integer("organisations.expiry.reminder_days_before")[0])
        for code, p in params.items()
    }
    due_certificates = Q(pk__in=[])
    due_ratings = Q(pk__in=[])
    for code, until in windows.items():
        due_certificates |= Q(region_id=code, certificate_valid_until__lte=until)
        due_ratings |= Q(organisation__region_id=code, valid_until__lte=until)
    later = Rating.objects.filter(
        organisation=OuterRef("organisation"), awarded_on__gt=OuterRef("awarded_on")
    )
    rows: list[ExpiryRow] = []
    for o in orgs.filter(due_certificates).select_related("region"):
        reminder = rules.expiry_reminder(today, o.certificate_valid_until, params[o.region_id])
        rows.append(ExpiryRow(o, "登记证书", o.certificate_valid_until, reminder))
    ratings = (
        Rating.objects.filter(organisation__in=orgs)
        .filter(due_ratings)
        .exclude(Exists(later))
        .select_related("organisation__region")
    )
    for rating in ratings:
        o = rating.organisation
        reminder = rules.expiry_reminder(today, rating.valid_until, params[o.region_id])
        rows.append(
            ExpiryRow(o, f"评估等级{rating.get_grade_display()}", rating.valid_until, reminder)
        )
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
    scope = actor.scope_code()
    population, source, density = None, "", None
    # Populations are known for the city and each county; organisations register at those levels.
    if scope.depth <= PREFIX_LENGTH["county"]:
        try:
            population, p = params_for(scope.county_prefix, day).integer(
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
