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
from minzheng.verification.synthetic import EnrolledHousehold, Member, SyntheticFeeds, emit

DEMO_MONTH = YearMonth(2020, 9)


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
        batch = do_load_feed(None, source, data, filename=f"{source}-{feeds.month}.csv")
        accepted[source] = batch.rows_accepted
    return accepted


def seed_demo(households: int = 36) -> SyntheticFeeds | None:
    """Demo: enrolled households (half in 南门街道, where the demo caseworker works), a month of
    feeds with planted truths, one monitor run, and a batch 核对 of 海曙 (a job)."""
    from minzheng.monitoring.actions import do_run_monitor
    from minzheng.monitoring.models import MonitoringRun

    if MonitoringRun.objects.filter(month=DEMO_MONTH.first_day()).exists():
        return None
    if not Person.objects.exists():
        return None
    enrol_sample(households // 2, DEMO_MONTH - 6, within="330203001000")
    enrol_sample(households - households // 2, DEMO_MONTH - 6)
    feeds = plant(DEMO_MONTH, seed=2020)
    load_all(feeds)
    do_run_monitor(None, DEMO_MONTH)
    from minzheng.jobs.actions import run_system_job

    # 批量核对 of 海曙's enrolled households, through the job, so its results page has rows
    run_system_job("verification_batch", {"county": "330203000000"})
    return feeds


def seed_recent_monitoring(households: int = 36) -> int:
    """Last month's feeds for the first `households` enrolled 低保 households, loaded, and the
    month's monitor run, so the warnings queue and the dashboard's 新增预警 have the demo's own
    months (DEMO_MONTH's run above is the fixed example). Returns the warnings it raised; 0 when
    the month has its run already."""
    from minzheng.core import clock
    from minzheng.monitoring.actions import do_run_monitor
    from minzheng.monitoring.models import MonitoringRun

    month = YearMonth.of(clock.today()) - 1
    if MonitoringRun.objects.filter(month=month.first_day()).exists():
        return 0
    enrolled = enrolled_households(month)[:households]
    if not enrolled:
        return 0
    policy = policies({"330200"}, month.first_day())["330200"]
    feeds = emit(
        enrolled,
        month,
        standard=policy.standard.value,
        money_years=policy.dibao_money_years.value,
        residents=residents_outside(2, {h.household_id for h in enrolled}),
        seed=month.year * 100 + month.month,
    )
    load_all(feeds)
    return do_run_monitor(None, month).created


def month_of(day: date) -> YearMonth:
    return YearMonth.of(day)
