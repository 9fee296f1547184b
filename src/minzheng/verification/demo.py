"""The synthetic city's feeds, loaded: enrol a sample of households, emit, load, and run the monitor.

Used by the demo (`seed_demo`), the tests and the benchmark, so that all three see the same thing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q

from minzheng.accounts.scope import region_q
from minzheng.assistance.actions import do_enrol
from minzheng.assistance.models import Enrolment
from minzheng.core.yearmonth import YearMonth
from minzheng.monitoring.jobs import policies
from minzheng.regions.models import Region
from minzheng.registry.models import Household, Membership, Person
from minzheng.verification.actions import do_load_feed
from minzheng.verification.feeds import SOURCE_LABELS
from minzheng.verification.synthetic import EnrolledHousehold, Member, SyntheticFeeds, emit

# The fixed month of the tests' planted truths; the demo plants relative to its own today instead.
DEMO_MONTH = YearMonth(2020, 9)
DEMO_VILLAGE = "330203001001"  # 福湖社区, where the demo's village assistant works
DEMO_VILLAGE_ENROLLED = 3
DEMO_TOWNSHIP = "330203001000"  # 南门街道, where the demo's township caseworker works


def enrol_sample(
    count: int, start: YearMonth, amount: Decimal = Decimal("300"), *, within: str = ""
) -> int:
    """Enrol the first `count` open households with a head in 低保 from `start` (if not already),
    optionally only inside one region (a 12-digit code)."""
    households = Household.objects.filter(closed_on__isnull=True, head__isnull=False)
    if within:
        region = Region.objects.get(pk=within)
        households = households.filter(region_q(region.unit))
    households = (
        households.annotate(n=Count("memberships"))
        .filter(n__gte=1)
        .exclude(enrolments__programme="dibao")
        .order_by("id")[:count]
    )
    made = 0
    for household in households:
        do_enrol(None, household=household, programme="dibao", start=start, amount=amount)
        made += 1
    return made


def enrolled_households(month: YearMonth) -> list[EnrolledHousehold]:
    first = month.first_day()
    ids = list(
        Enrolment.objects.filter(
            programme="dibao",
            status__in=(Enrolment.Status.ACTIVE, Enrolment.Status.GRADUAL_EXIT),
            start_month__lte=first,
        )
        .filter(Q(end_month__isnull=True) | Q(end_month__gt=first))
        .values_list("household_id", flat=True)
        .order_by("household_id")
    )
    memberships = (
        Membership.objects.filter(
            household_id__in=ids, lives_together=True, valid_from__lte=month.last_day()
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=month.last_day()))
        .filter(Q(person__date_of_death__isnull=True))
        .select_related("person", "household")
        .order_by("household_id", "person_id")
    )
    by_household: dict[int, list[Member]] = {}
    for ms in memberships:
        member = Member(
            ms.person_id, ms.person.id_number_plain(), ms.person_id == ms.household.head_id
        )
        by_household.setdefault(ms.household_id, []).append(member)
    result = []
    for household_id in ids:
        members = sorted(by_household.get(household_id, []), key=lambda m: not m.is_head)
        if members and members[0].is_head:
            result.append(EnrolledHousehold(household_id, tuple(members)))
    return result


def residents_outside(count: int, exclude: set[int]) -> list[tuple[str, int | None]]:
    """Registry residents of households not in `exclude`, with their household."""
    rows = (
        Membership.objects.filter(
            valid_to__isnull=True,
            lives_together=True,
            person__date_of_death__isnull=True,
            household__closed_on__isnull=True,
        )
        .exclude(household_id__in=exclude)
        .exclude(household__enrolments__isnull=False)
        .select_related("person")
        .order_by("household_id", "person_id")
    )
    picked: dict[int, str] = {}  # one resident a household: their incomes are not pooled
    for ms in rows.iterator():
        if ms.household_id not in picked:
            picked[ms.household_id] = ms.person.id_number_plain()
            if len(picked) == count:
                break
    return [(id_number, household_id) for household_id, id_number in picked.items()]


def plant(month: YearMonth, *, seed: int = 0, residents: int = 2) -> SyntheticFeeds:
    """Emit the month's feeds for every enrolled 低保 household (without loading them)."""
    households = enrolled_households(month)
    policy = policies({"330200"}, month.first_day())["330200"]
    return emit(
        households,
        month,
        standard=policy.standard.value,
        money_years=policy.dibao_money_years.value,
        residents=residents_outside(residents, {h.household_id for h in households}),
        seed=seed,
    )


def load_all(feeds: SyntheticFeeds, encoding: str = "utf-8") -> dict[str, int]:
    accepted = {}
    for source, data in feeds.files(encoding).items():
        # The name a department's file would carry: its Chinese label, the source code stays in
        # the batch (an API contract) and never reaches the page.
        name = f"{SOURCE_LABELS.get(source, source)}-{feeds.month}.csv"
        batch = do_load_feed(None, source, data, filename=name)
        accepted[source] = batch.rows_accepted
    return accepted


def planted_month() -> YearMonth:
    """The month the demo plants its truths in: the month before last, so that its review
    deadlines (month end + 30 days) have passed on the demo's today and last month's run
    (`seed_recent_monitoring`) brings the open ones."""
    from minzheng.core import clock

    return YearMonth.of(clock.today()) - 2


def seed_demo(households: int = 36, month: YearMonth | None = None) -> SyntheticFeeds | None:
    """Demo: enrolled households (half in 南门街道, where the demo caseworker works), a month of
    feeds with planted truths (`month`, by default the month before last), one monitor run, and a
    batch 核对 of 海曙 and of `registry.demo.DEMO_COUNTIES` (a job each)."""
    from minzheng.monitoring.actions import do_run_monitor
    from minzheng.monitoring.models import MonitoringRun

    month = month or planted_month()
    if MonitoringRun.objects.filter(month=month.first_day()).exists():
        return None
    if not Person.objects.exists():
        return None
    # The demo village first (its assistant's queue and 复核任务), the rest of 南门街道, the city.
    in_village = enrol_sample(DEMO_VILLAGE_ENROLLED, month - 6, within=DEMO_VILLAGE)
    enrol_sample(households // 2 - in_village, month - 6, within=DEMO_TOWNSHIP)
    enrol_sample(households - households // 2, month - 6)
    # Truths for the sample only: the city's other enrolled households (hundreds, by the seed's
    # rules) would otherwise bury the queue under one month's warnings.
    feeds = emit_for(demo_sample(month, households), month, seed=month.year)
    load_all(feeds)
    do_run_monitor(None, month)
    from minzheng.jobs.actions import run_system_job
    from minzheng.registry.demo import DEMO_COUNTIES

    # 批量核对 of 海曙's (and 鄞州's) enrolled households, through the job, so the results page
    # of each demo county approver has rows
    for county in ("330203000000", *DEMO_COUNTIES):
        run_system_job("verification_batch", {"county": county})
    return feeds


def seed_recent_monitoring(households: int = 36) -> int:
    """Last month's feeds for `households` enrolled 低保 households (`demo_sample`), loaded, and the
    month's monitor run, so the warnings queue and the dashboard's 新增预警 have the demo's
    own last month beside the planted month before. Returns the warnings it raised; 0 when
    the month has its run already."""
    from minzheng.core import clock
    from minzheng.monitoring.actions import do_run_monitor
    from minzheng.monitoring.models import MonitoringRun

    month = YearMonth.of(clock.today()) - 1
    if MonitoringRun.objects.filter(month=month.first_day()).exists():
        return 0
    enrolled = demo_sample(month, households)
    if not enrolled:
        return 0
    load_all(emit_for(enrolled, month, seed=month.year * 100 + month.month))
    return do_run_monitor(None, month).created


def demo_sample(month: YearMonth, count: int) -> list[EnrolledHousehold]:
    """`count` of the month's enrolled 低保 households: the demo village's first (its assistant's
    queue), then 南门街道's (the demo caseworker's), then the city's taking each county in turn, so
    that every county approver (鄞州's too) has warnings of the demo's months."""
    from minzheng.core.regioncode import county_of

    enrolled = enrolled_households(month)
    regions = dict(
        Household.objects.filter(id__in=[h.household_id for h in enrolled]).values_list(
            "id", "region_id"
        )
    )
    township = Region.objects.filter(pk=DEMO_TOWNSHIP).first()
    in_township = set(
        Household.objects.filter(region_q(township.unit) if township else Q(pk__in=[]))
        .filter(id__in=regions)
        .values_list("id", flat=True)
    )
    turn: dict[str, int] = {}

    def rank(h: EnrolledHousehold) -> tuple[int, int, int]:
        region = regions.get(h.household_id, "")
        if region == DEMO_VILLAGE:
            return (0, 0, h.household_id)
        if h.household_id in in_township:
            return (1, 0, h.household_id)
        county = county_of(region)
        turn[county] = turn.get(county, 0) + 1
        return (2, turn[county], h.household_id)

    return sorted(enrolled, key=rank)[:count]


def emit_for(enrolled: list[EnrolledHousehold], month: YearMonth, *, seed: int) -> SyntheticFeeds:
    """The month's feeds for these households, with one planted truth each, and two residents."""
    policy = policies({"330200"}, month.first_day())["330200"]
    return emit(
        enrolled,
        month,
        standard=policy.standard.value,
        money_years=policy.dibao_money_years.value,
        residents=residents_outside(2, {h.household_id for h in enrolled}),
        seed=seed,
    )


def month_of(day: date) -> YearMonth:
    return YearMonth.of(day)


# The findings a county's caseworkers record when they close the demo's warnings, in turn.
HANDLED_NOTES: tuple[tuple[str, str], ...] = (
    ("confirmed", "入户核实属实，已按规定调整保障"),
    ("false_positive", "核实为同名他人，数据有误"),
    ("no_change", "核实属实，家庭收入财产仍在标准以内"),
)


def seed_handled_warnings(month: YearMonth | None = None) -> int:
    """办结 every other open warning of the planted month (`planted_month()`) in the demo
    approvers' counties, through `do_close_warning`, so the queue shows handled warnings beside
    the overdue and the open ones. Returns how many it closed; 0 on a second demo start."""
    from minzheng.accounts.models import User
    from minzheng.monitoring.actions import do_close_warning
    from minzheng.monitoring.models import Warning

    month = month or planted_month()
    warnings = Warning.objects.filter(month=month.first_day())
    if warnings.filter(status=Warning.Status.CLOSED).exists():
        return 0
    closed = 0
    approvers = User.objects.filter(
        username__in=("approver_haishu", "approver_yinzhou")
    ).select_related("region")
    for approver in approvers.order_by("username"):
        own = warnings.visible_to(approver).filter(status=Warning.Status.OPEN).order_by("id")
        for n, warning in enumerate(own[::2]):
            closure, note = HANDLED_NOTES[n % len(HANDLED_NOTES)]
            do_close_warning(approver, warning, closure=closure, note=note)
            closed += 1
    return closed
