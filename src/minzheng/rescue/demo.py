"""Demo data for 流浪乞讨人员救助: 海曙区救助管理站 (in 福湖社区) with four stays — one found in the
registry and still in care with meals, one unknown person past the stay limit, one escorted home
and one placed in a welfare home — so the list, the overdue flag and the statistics have data.
Idempotent."""

from __future__ import annotations

from datetime import timedelta

from minzheng.accounts.models import User
from minzheng.accounts.scope import region_q
from minzheng.core import clock
from minzheng.core.regioncode import RegionCode
from minzheng.registry.models import Person
from minzheng.rescue import actions
from minzheng.rescue.models import Station, Stay

VILLAGE = "330203001001"
YINZHOU = "330212000000"  # the person found in the registry comes from another county
HAISHU = "330203000000"  # and 鄞州's station's, from 海曙


def seed_demo() -> int:
    """海曙's station, then one in each of `registry.demo.DEMO_COUNTIES` (`seed_county`);
    returns the number of 海曙's stays."""
    from minzheng.registry.demo import DEMO_COUNTIES

    made = _seed_haishu()
    for county in DEMO_COUNTIES:
        seed_county(county)
    return made


def seed_county(county_code: str) -> int:
    """A demo county's 救助管理站 (鄞州区救助管理站) in its busiest village, run by that township's
    caseworker (the replay's account): a man from 海曙 found in the registry, in care with his
    meals, and a woman escorted home after her son was traced. Returns the stays made; 0 when the
    county has a station (there is no station action: stations are set up by the bureau)."""
    from minzheng.regions.models import Region
    from minzheng.registry.demo import county_village
    from minzheng.registry.year import _caseworker

    if Station.objects.unscoped_within(RegionCode.of(county_code)).exists():
        return 0
    village = county_village(county_code)
    if village is None:
        return 0
    staff = _caseworker(village.code)
    county = Region.objects.get(pk=county_code)
    station = Station.objects.create(
        name=f"{county.name}救助管理站",
        region=village,
        address=f"{county.name}{village.parent.name if village.parent else ''}{village.name}",
        beds=40,
    )
    today = clock.today()
    common = {"sex": "", "id_number": "", "brought_by_note": "", "description": ""}
    made = 0
    known = (
        Person.objects.filter(region_q(RegionCode.of(HAISHU)))
        .filter(date_of_death__isnull=True, birth_date__isnull=False, sex="男")
        .order_by("id")
        .first()
    )
    if known is not None:
        with clock.dated(today - timedelta(days=5)):
            stay = actions.do_admit(
                staff,
                station,
                **{**common, "sex": known.sex},
                name=known.name,
                birth_date=known.birth_date,
                found_at="宁波南站东广场",
                brought_by="police",
                admitted_on=today - timedelta(days=5),
            ).stay
        for day in (4, 3, 2, 1):
            with clock.dated(today - timedelta(days=day)):
                actions.do_record_care(
                    staff, stay, kind="meal", day=today - timedelta(days=day), note="三餐"
                )
        made += 1
    with clock.dated(today - timedelta(days=16)):
        home = actions.do_admit(
            staff,
            station,
            **{**common, "sex": "女"},
            name="张桂兰",
            birth_date=None,
            found_at="鄞州万达广场",
            brought_by="citizen",
            admitted_on=today - timedelta(days=16),
        ).stay
    with clock.dated(today - timedelta(days=14)):
        actions.do_record_care(
            staff, home, kind="tracing", day=today - timedelta(days=14), note="联系到其儿子"
        )
    with clock.dated(today - timedelta(days=12)):
        actions.do_return_home(
            staff,
            home,
            destination="江西省上饶市广丰区",
            handed_over_to="其子张伟",
            day=today - timedelta(days=12),
        )
    return made + 1


def _seed_haishu() -> int:
    """Returns the number of stays made (0 when the demo already has a station)."""
    if Station.objects.exists():
        return 0
    staff = User.objects.filter(username="caseworker_nanmen").first()
    if staff is None:
        return 0
    station = Station.objects.create(
        name="海曙区救助管理站", region_id=VILLAGE, address="海曙区南门街道福湖路1号", beds=60
    )
    today = clock.today()
    known = (
        Person.objects.filter(region_q(RegionCode.of(YINZHOU)))
        .filter(date_of_death__isnull=True, birth_date__isnull=False)
        .order_by("id")
        .first()
    )
    common = {"sex": "", "id_number": "", "brought_by_note": "", "description": ""}
    made = 0
    if known is not None:
        intake = actions.do_admit(
            staff,
            station,
            **{**common, "sex": known.sex},
            name=known.name,
            birth_date=known.birth_date,
            found_at="宁波火车站南广场",
            brought_by="police",
            admitted_on=today - timedelta(days=3),
        )
        for day in (3, 2, 1):
            actions.do_record_care(
                staff, intake.stay, kind="meal", day=today - timedelta(days=day), note="三餐"
            )
        made += 1
    unknown = actions.do_admit(
        staff,
        station,
        **{**common, "description": "男，约60岁，身高约170厘米，言语不清，左手有疤痕"},
        name="",
        birth_date=None,
        found_at="鼓楼公交站",
        brought_by="urban",
        admitted_on=today - timedelta(days=14),
    ).stay
    actions.do_record_care(
        staff,
        unknown,
        kind="medical_referral",
        day=today - timedelta(days=13),
        note="送市第一医院检查",
    )
    actions.do_record_care(
        staff,
        unknown,
        kind="tracing",
        day=today - timedelta(days=10),
        note="在全国救助寻亲网发布寻亲公告，采集DNA比对",
    )
    made += 1
    home = actions.do_admit(
        staff,
        station,
        **{**common, "sex": "女"},
        name="刘秀英",
        birth_date=None,
        found_at="天一广场",
        brought_by="self",
        admitted_on=today - timedelta(days=20),
    ).stay
    actions.do_record_care(
        staff, home, kind="tracing", day=today - timedelta(days=18), note="联系到其儿子"
    )
    actions.do_return_home(
        staff,
        home,
        destination="安徽省阜阳市颍州区",
        handed_over_to="其子刘强",
        day=today - timedelta(days=15),
    )
    made += 1
    long_stay = actions.do_admit(
        staff,
        station,
        **{**common, "description": "女，约75岁，认知障碍，无法说明身份"},
        name="",
        birth_date=None,
        found_at="南门街道菜市场",
        brought_by="citizen",
        admitted_on=today - timedelta(days=40),
    ).stay
    actions.do_extend(staff, long_stay, days=10, reason="寻亲未果，已报海曙区民政局备案")
    actions.do_place(staff, long_stay, placement="海曙区社会福利院", day=today - timedelta(days=5))
    made += 1
    return Stay.objects.filter(station=station).count() if made else 0
