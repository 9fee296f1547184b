"""Demo data of home adaptation, home care and the time bank, made through the actions: in 南门街道
(the demo caseworker's township) adaptations at every step, providers, service orders with a
month of visits, volunteers whose hours go into the time bank and two orders paid from it; in every
other county of Ningbo a provider with a few orders and visits, and in 鄞州 adaptations paid and one
waiting for its approver — so the county statistics and every role's pages show rows.
Idempotent: nothing is made when adaptations already exist."""

from __future__ import annotations

import io
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.scope import region_q
from minzheng.core import clock
from minzheng.core.regioncode import RegionCode
from minzheng.core.yearmonth import YearMonth
from minzheng.eldercare import adaptation, homecare
from minzheng.eldercare.models import Adaptation
from minzheng.regions.models import Level, Region
from minzheng.registry.models import Person

SEED = 2020810
NANMEN = "330203001000"
FUHU = "330203001001"  # 福湖社区, the demo village assistant's: its elderly are served first
YINZHOU = "330212000000"

#: (code, quantity, unit price) — a typical plan, and a large one that reaches the cap.
PLAN_SMALL = (("grab_bar", 3, "280"), ("shower_chair", 1, "260"), ("night_light", 4, "45"))
PLAN_LARGE = (
    ("anti_slip_floor", 1, "6800"),
    ("wheelchair_ramp", 1, "3200"),
    ("bedside_rail", 2, "650"),
    ("grab_bar", 4, "280"),
    ("anti_wandering", 1, "900"),
    ("smart_alarm", 1, "1200"),
)


def _photo(rng: random.Random) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    Image.new("RGB", (96, 64), colour).save(out, format="PNG")
    return out.getvalue()


def _within(code: str, level: str) -> Q:
    return region_q(RegionCode.of(code, level))


def _elderly(code: str, level: str, today: date, n: int, *, skip: int = 0) -> list[Person]:
    return list(
        Person.objects.filter(
            _within(code, level),
            birth_date__lte=date(today.year - 66, 1, 1),
            date_of_death__isnull=True,
        ).order_by("-id")[skip : skip + n]
    )


def _adapt(
    person: Person, plan: tuple[tuple[str, int, str], ...], upto: str, rng: random.Random
) -> None:
    today = clock.today()
    row = adaptation.do_apply(
        None, person.pk, applied_by=rng.choice(("self", "staff")), applied_on=today - timedelta(40)
    )
    if upto == "applied":
        return
    adaptation.do_record_visit(
        None,
        row.pk,
        visited_on=today - timedelta(30),
        notes="卫生间无扶手、地面湿滑，老人夜间如厕有跌倒风险",
        contractor="宁波安居适老化工程有限公司",
    )
    for code, quantity, price in plan:
        adaptation.do_add_item(
            None, row.pk, code=code, quantity=quantity, unit_price=Decimal(price)
        )
    if upto == "visited":
        return
    adaptation.do_decide(None, row.pk, approve=True, reason="")
    if upto == "approved":
        return
    adaptation.do_complete(
        None,
        row.pk,
        completed_on=today,
        notes="扶手安装牢固，防滑处理到位，老人试用满意",
        photos=[_photo(rng), _photo(rng)],
    )
    if upto == "completed":
        return
    adaptation.do_pay(None, row.pk)


def _visits(
    order_id: int,
    days: list[date],
    volunteer: Person | None,
    rng: random.Random,
    actor: User | None = None,
) -> int:
    """Each day's visit, recorded the next morning (`clock.dated`): the visit, its time-bank lines
    and its audit event carry that day, not the demo start's."""
    made = 0
    for day in days:
        start = timezone.make_aware(datetime.combine(day, time(rng.choice((8, 9, 14, 15)), 0)))
        minutes = rng.choice((45, 60, 90, 120))
        with clock.dated(day + timedelta(days=1)):
            homecare.do_record_visit(
                actor,
                order_id,
                check_in=start,
                check_out=start + timedelta(minutes=minutes),
                caregiver=(
                    volunteer.name if volunteer else rng.choice(("张阿姨", "李师傅", "王护理员"))
                ),
                volunteer_id=volunteer.pk if volunteer else None,
                note="上门服务完成",
            )
        made += 1
    return made


def seed_home() -> int:
    if Adaptation.objects.exists():
        return 0
    rng = random.Random(SEED)
    today = clock.today()
    weekdays = [
        today - timedelta(days=d)
        for d in range(28, 0, -1)
        if (today - timedelta(days=d)).weekday() < 5
    ]
    made = 0
    # 适老化改造 in 南门: two paid (one at the cap), one waiting for payment, one approved, one
    # waiting for approval, one just applied.
    elders = _elderly(NANMEN, Level.TOWNSHIP, today, 12)
    if len(elders) >= 6:
        for person, plan, upto in zip(
            elders,
            (PLAN_LARGE, PLAN_SMALL, PLAN_SMALL, PLAN_LARGE, PLAN_SMALL, PLAN_SMALL),
            ("paid", "paid", "completed", "approved", "visited", "applied"),
            strict=False,
        ):
            _adapt(person, plan, upto, rng)
            made += 1
    yinzhou = _elderly(YINZHOU, Level.COUNTY, today, 3)
    for person, upto in zip(yinzhou, ("paid", "paid", "visited"), strict=False):
        _adapt(person, PLAN_SMALL if upto == "paid" else PLAN_LARGE, upto, rng)
        made += 1

    # 居家养老服务 in 南门, with time-bank volunteers.
    nanmen = Region.objects.filter(pk=NANMEN).first()
    # Up to three of 福湖社区's elderly not adapted above, then the last six (the first six when
    # there are only six).
    fuhu_elders = [p for p in _elderly(FUHU, Level.VILLAGE, today, 6) if p not in elders[:6]][:3]
    served = (fuhu_elders + [p for p in elders[-6:] if p not in fuhu_elders])[:6]
    if nanmen is not None and len(served) == 6:
        centre = homecare.do_add_provider(
            None, name="南门街道居家养老服务中心", kind="service_centre", region_code=NANMEN
        )
        team = homecare.do_add_provider(
            None, name="南门街道时间银行志愿服务队", kind="volunteer_team", region_code=NANMEN
        )
        volunteers = list(
            Person.objects.filter(
                _within(NANMEN, Level.TOWNSHIP),
                birth_date__gt=date(today.year - 60, 1, 1),
                birth_date__lte=date(today.year - 25, 1, 1),
                date_of_death__isnull=True,
            ).order_by("id")[:3]
        )
        for n, person in enumerate(served):
            service = (
                "home_cleaning",
                "home_bathing",
                "medical_help",
                "companionship",
                "meal_delivery",
                "errand_help",
            )[n]
            provider = (
                team if service in ("companionship", "errand_help") and volunteers else centre
            )
            order = homecare.do_open_order(
                None, person_id=person.pk, provider_id=provider.pk, service=service
            )
            volunteer = volunteers[n % len(volunteers)] if provider == team else None
            made += _visits(order.pk, weekdays[n % 3 :: 3], volunteer, rng)
        # Two elderly people with hours saved earlier exchange them for companionship.
        for person in served[4:]:
            with clock.dated(weekdays[0]):
                homecare.do_timebank_entry(
                    None,
                    person_id=person.pk,
                    kind="deposit",
                    hours=Decimal("12.00"),
                    note="转入本人早年志愿服务结存时长",
                )
            order = homecare.do_open_order(
                None,
                person_id=person.pk,
                provider_id=team.pk,
                service="companionship",
                timebank=True,
            )
            made += _visits(order.pk, weekdays[-6::3], volunteers[0] if volunteers else None, rng)

    # One provider with a few orders in every other county.
    for county in Region.objects.filter(level=Level.COUNTY, parent_id="330200000000").exclude(
        pk="330203000000"
    ):
        township = (
            Region.objects.filter(parent=county, level=Level.TOWNSHIP).order_by("code").first()
        )
        if township is None:
            continue
        people = _elderly(township.code, Level.TOWNSHIP, today, 3)
        if not people:
            continue
        provider = homecare.do_add_provider(
            None,
            name=f"{township.name}居家养老服务站",
            kind="care_company",
            region_code=township.code,
        )
        for n, person in enumerate(people):
            order = homecare.do_open_order(
                None,
                person_id=person.pk,
                provider_id=provider.pk,
                service=("home_cleaning", "medical_help", "home_bathing")[n],
            )
            made += _visits(order.pk, weekdays[n::5], None, rng)
    return made


def seed_fuhu_home() -> int:
    """福湖社区's own 居家养老服务站 and 时间银行志愿服务队 (`seed_village_home`), registered by the
    village assistant (the demo's, else the system) — so the village assistant's 居家服务组织 and
    时间银行 are not empty (the township's providers are the caseworker's, and its volunteers lived
    elsewhere). Returns the visits made; idempotent."""
    from minzheng.accounts.models import User

    assistant = User.objects.filter(role="village_assistant", region_id=FUHU).first()
    return seed_village_home(FUHU, assistant, phone="0574-87000001")


def seed_county_home(county_code: str) -> int:
    """A demo county (鄞州): the same service station and time-bank team in its busiest village
    (`registry.demo.county_village`), registered by the village's township caseworker (the
    replay's account) — so the county approver's 时间银行 is not empty. Returns the visits made;
    idempotent."""
    from minzheng.registry.demo import county_village
    from minzheng.registry.year import _caseworker

    village = county_village(county_code)
    if village is None:
        return 0
    return seed_village_home(village.code, _caseworker(village.code))


def seed_village_home(village_code: str, actor: User | None, *, phone: str = "") -> int:
    """A village's 居家养老服务站 and 时间银行志愿服务队, registered at the start of the demo's
    replayed months (`registry.year.DEMO_HISTORY_MONTHS`): two of the village's volunteers keep
    one elderly neighbour company every week and earn hours; a second neighbour pays for her
    errands with hours saved earlier. Every line through the home-care actions, on its day
    (`clock.dated`): the time bank's lines run over the replayed months, not all on the demo
    start's. Returns the visits made; idempotent: nothing when the village has a provider."""
    from minzheng.eldercare.models import CareProvider
    from minzheng.registry.year import DEMO_HISTORY_MONTHS

    if CareProvider.objects.filter(region_id=village_code).exists():
        return 0
    today = clock.today()
    elders = _elderly(village_code, Level.VILLAGE, today, 2)
    volunteers = [p for p in _village_volunteers(village_code, today, 4) if p not in elders][:2]
    if len(elders) < 2 or not volunteers:
        return 0
    village = Region.objects.get(pk=village_code)
    rng = random.Random(SEED + 14)
    opened = (YearMonth.of(today) - DEMO_HISTORY_MONTHS).first_day() + timedelta(days=1)
    with clock.dated(opened):
        homecare.do_add_provider(
            actor,
            name=f"{village.name}居家养老服务站",
            kind="service_centre",
            region_code=village_code,
            phone=phone,
        )
        team = homecare.do_add_provider(
            actor,
            name=f"{village.name}时间银行志愿服务队",
            kind="volunteer_team",
            region_code=village_code,
        )
        company = homecare.do_open_order(
            actor, person_id=elders[0].pk, provider_id=team.pk, service="companionship"
        )
        homecare.do_timebank_entry(
            actor,
            person_id=elders[1].pk,
            kind="deposit",
            hours=Decimal(SAVED_HOURS),
            note="转入本人早年社区志愿服务结存时长",
        )
        errands = homecare.do_open_order(
            actor,
            person_id=elders[1].pk,
            provider_id=team.pk,
            service="errand_help",
            timebank=True,
        )
    made = 0
    day = opened + timedelta(days=3)
    while day < today:  # a visit a week to each, the last one this week
        for order_id, volunteer in ((company.pk, volunteers[0]), (errands.pk, volunteers[-1])):
            made += _visits(order_id, [day], volunteer, rng, actor)
        day += timedelta(days=7)
    return made


#: The hours the errands neighbour saved earlier: enough for a visit a week over the replayed
#: months (at most two hours each).
SAVED_HOURS = "40.00"


def _village_volunteers(village_code: str, today: date, n: int) -> list[Person]:
    """The village's residents of working age (25–59), the first registered first."""
    return list(
        Person.objects.filter(
            _within(village_code, Level.VILLAGE),
            birth_date__gt=date(today.year - 60, 1, 1),
            birth_date__lte=date(today.year - 25, 1, 1),
            date_of_death__isnull=True,
        ).order_by("id")[:n]
    )
