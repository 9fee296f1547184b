"""Demo data for elderly care: ability assessments of the elderly of 南门街道 (福湖社区's first) by
its caseworker (a year-old first assessment for some, so the history and the reassessment queue show), and this
month's 高龄津贴 found from the registry in every county. Idempotent: a second run adds nothing."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db.models import Case, Value, When

from minzheng.accounts.models import User
from minzheng.accounts.scope import region_q
from minzheng.core import clock
from minzheng.core.regioncode import RegionCode
from minzheng.core.yearmonth import YearMonth
from minzheng.eldercare.actions import (
    MealEntry,
    do_add_meal_point,
    do_enrol_allowances,
    do_record_assessment,
    do_record_meals,
)
from minzheng.eldercare.models import Assessment, MealPoint
from minzheng.eldercare.rules import ITEMS, Conditions, RiskEvent
from minzheng.regions.models import Level, Region
from minzheng.registry.models import Person

SEED = 42195
NANMEN = "330203001000"  # 南门街道, the demo caseworker's township
FUHU = "330203001001"  # 福湖社区 in it, the demo village assistant's
ASSESSED = 40


def _answers(rng: random.Random, frailty: float) -> dict[str, int]:
    """Answers that fall together: the frailer the person, the lower every item tends to be."""
    answers = {}
    for item in ITEMS:
        top = item.max_points
        drop = sum(1 for _ in range(top) if rng.random() < frailty)
        answers[item.code] = top - drop
    return answers


def seed_demo() -> int:
    """Returns the number of assessments made (0 when the demo already has them)."""
    today = clock.today()
    made = 0
    assessor = User.objects.filter(username="caseworker_nanmen").first()
    if assessor is not None and not Assessment.objects.exists():
        rng = random.Random(SEED)
        born_by = date(today.year - 62, 1, 1)
        township = RegionCode.of(assessor.region_id, Level.TOWNSHIP)
        elderly = list(
            Person.objects.filter(
                region_q(township),
                birth_date__lte=born_by,
                date_of_death__isnull=True,
            )
            .annotate(away=Case(When(region_id=FUHU, then=Value(0)), default=Value(1)))
            .order_by("away", "id")[:ASSESSED]  # 福湖社区's first: the demo village's own page
        )
        made += _assess(assessor, elderly, rng, today)
    made += _seed_meals(today)
    from minzheng.registry.demo import DEMO_COUNTIES

    for county_code in DEMO_COUNTIES:
        seed_county(county_code)
    month = YearMonth.of(today)
    for county in Region.objects.filter(level=Level.COUNTY, parent_id="330200000000"):
        enrol_allowances_once(county.code, month)
    from minzheng.eldercare.home_demo import seed_county_home, seed_fuhu_home, seed_home

    made += seed_home()  # 适老化改造, 居家养老服务, 时间银行
    made += seed_fuhu_home()  # 福湖社区's own service station and time-bank volunteers
    for county_code in DEMO_COUNTIES:
        made += seed_county_home(county_code)  # the same in 鄞州's busiest village
    return made


def enrol_allowances_once(county_code: str, month: YearMonth) -> bool:
    """The month's 高龄津贴 run for a county unless the demo ran it already (its audit event
    names the county and month). Run again, it added an audit event a county on every demo
    start — and a past month's run enrolled again the dead whose enrolments a later month's run
    had ended, for that run to end them once more. Returns whether it ran."""
    from minzheng.core.models import AuditEvent

    if AuditEvent.objects.filter(
        object_type="allowance_run", object_id=f"{county_code}-{month}"
    ).exists():
        return False
    do_enrol_allowances(None, county_code, month)
    return True


def _assess(assessor: User, elderly: list[Person], rng: random.Random, today: date) -> int:
    """Each person's assessment by `assessor` over the last 300 days (every third one also a
    year and a half ago: history, and due again); returns the assessments made."""
    made = 0
    for n, person in enumerate(elderly):
        frailty = rng.choice((0.0, 0.05, 0.2, 0.4, 0.6, 0.9))
        if n % 3 == 0:  # assessed a year and a half ago: history, and due again
            do_record_assessment(
                assessor,
                person.pk,
                answers=_answers(rng, max(frailty - 0.1, 0.0)),
                conditions=Conditions(),
                assessed_on=today - timedelta(days=540 + n),
            )
            made += 1
        assessed_on = today - timedelta(days=n * 9 % 300)
        events: tuple[tuple[RiskEvent, date], ...] = ()
        if n % 7 == 3:
            events = (
                (RiskEvent.FALL, assessed_on - timedelta(days=20)),
                (RiskEvent.WANDERING, assessed_on - timedelta(days=4)),
            )
        do_record_assessment(
            assessor,
            person.pk,
            answers=_answers(rng, frailty),
            conditions=Conditions(
                dementia=n % 11 == 5, coma=n == 17 and frailty > 0.5, risk_events=events
            ),
            assessed_on=assessed_on,
            reason="routine",
            second_assessor="社区医生" if n % 2 else "",
        )
        made += 1
    return made


COUNTY_ASSESSED = 12
COUNTY_MEAL_POINTS = 2


def seed_county(county_code: str) -> int:
    """A demo county (鄞州): `COUNTY_ASSESSED` elderly of its busiest village's township assessed
    by that township's caseworker (the replay's account; the village's own first), and the
    weekday meals of the county's first `COUNTY_MEAL_POINTS` meal points, recorded by their
    townships' caseworkers. Returns the assessments and meals; 0 when the county has
    assessments already."""
    from minzheng.registry.demo import county_village
    from minzheng.registry.year import _caseworker

    unit = RegionCode.of(county_code)
    if Assessment.objects.unscoped_within(unit).exists():
        return 0
    village = county_village(county_code)
    if village is None:
        return 0
    today = clock.today()
    elderly = list(
        Person.objects.filter(
            region_q(RegionCode.of(village.code).township),
            birth_date__lte=date(today.year - 62, 1, 1),
            date_of_death__isnull=True,
        )
        .annotate(away=Case(When(region_id=village.code, then=Value(0)), default=Value(1)))
        .order_by("away", "id")[:COUNTY_ASSESSED]
    )
    rng = random.Random(SEED + 2)
    made = _assess(_caseworker(village.code), elderly, rng, today)
    points = MealPoint.objects.unscoped_within(unit).select_related("region").order_by("id")
    for point in points[:COUNTY_MEAL_POINTS]:
        made += _record_meals(_caseworker(point.region_id), [point], today, rng)
    return made


def _seed_meals(today: date) -> int:
    """Meal points in two of every three villages of 南门街道 and one in five elsewhere in the
    city; last month's and this month's weekday meals for the elderly at four of 南门's points."""
    if MealPoint.objects.exists():
        return 0
    rng = random.Random(SEED + 1)
    points = []
    for n, village in enumerate(Region.objects.filter(level=Level.VILLAGE).order_by("code")):
        nanmen = village.parent_id == NANMEN
        if (nanmen and n % 3 != 2) or (not nanmen and n % 5 == 0):
            points.append(
                do_add_meal_point(
                    None,
                    name=f"{village.name}老年食堂",
                    village_code=village.code,
                    operator=f"{village.name}居家养老服务中心",
                )
            )
    worker = User.objects.filter(username="caseworker_nanmen").first()
    if worker is None:
        return 0
    nanmen_points = [p for p in points if p.region.parent_id == NANMEN][:4]
    return _record_meals(worker, nanmen_points, today, rng)


def _record_meals(worker: User, points: list[MealPoint], today: date, rng: random.Random) -> int:
    """Last month's and this month's weekday meals of each point's first eight elderly (65 and
    over) of its village, recorded by `worker`; returns the meals recorded."""
    start = (YearMonth.of(today) - 1).first_day()
    made = 0
    for point in points:
        diners = list(
            Person.objects.filter(
                region_id=point.region_id,
                birth_date__lte=date(today.year - 65, 1, 1),
                date_of_death__isnull=True,
            ).order_by("id")[:8]
        )
        id_numbers = {person.pk: person.id_number_plain() for person in diners}
        entries: list[MealEntry] = []
        day = start
        while day < today:
            for person in diners if day.weekday() < 5 else []:
                if rng.random() < 0.7:
                    entries.append(MealEntry(id_numbers[person.pk], day, rng.choice((1, 1, 2))))
            day += timedelta(days=1)
        # The point's register in one batch: the same records and audit events as one by one.
        made += len(do_record_meals(worker, point_id=point.pk, entries=entries))
    return made
