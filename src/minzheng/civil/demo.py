"""Demo data for the civil pages: registry offices, funeral homes and cemeteries, and, in 南门街道,
marriages, divorces in every stage, appointments, cremations and burials, Qingming reservations,
memorial requests and the 一件事 cases — all made through the actions, so they are audited.

Idempotent: does nothing when an office already exists. Facility names are generic demo names.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.applications.rules import day_kind
from minzheng.assistance.actions import do_enrol
from minzheng.civil import funeral, joint, marriage
from minzheng.civil.models import (
    BurialMethod,
    Cemetery,
    FuneralHome,
    MarriageRegistration,
    PersonMaritalStatus,
    QingmingSlot,
    RegistryOffice,
)
from minzheng.core import clock
from minzheng.core.regioncode import RegionCode
from minzheng.core.yearmonth import YearMonth
from minzheng.regions.models import Region
from minzheng.registry.actions import do_add_identity_tag
from minzheng.registry.models import Household, Membership, Person

NANMEN = RegionCode.of("330203001000")  # 海曙 南门街道
DOCS: dict[str, Any] = {"id_cards_checked": True, "declaration_signed": True}


def _working_day_before(day: date) -> date:
    while not day_kind(day).working:
        day -= timedelta(days=1)
    return day


def _next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not day_kind(day).working:
        day += timedelta(days=1)
    return day


def _people(sex: str, born_from: date, born_to: date, n: int, exclude: set[int]) -> list[Person]:
    rows = (
        Person.objects.unscoped_within(NANMEN)
        .filter(
            sex=sex,
            birth_date__gte=born_from,
            birth_date__lte=born_to,
            date_of_death__isnull=True,
        )
        .exclude(pk__in=exclude)
        .order_by("pk")
    )
    return list(rows[:n])


def seed_demo() -> None:
    _seed_nanmen()
    seed_fuhu_funerals()
    from minzheng.registry.demo import DEMO_COUNTIES

    for county_code in DEMO_COUNTIES:
        seed_county_civil(county_code)


def _seed_nanmen() -> None:
    if RegistryOffice.objects.exists():
        return
    caseworker = User.objects.filter(username="caseworker_nanmen").first()
    registrar = User.objects.filter(username="approver_haishu").first()
    if (
        caseworker is None
        or registrar is None
        or not Person.objects.unscoped_within(NANMEN).exists()
    ):
        return
    today = timezone.localdate()
    counties = Region.objects.filter(
        level="county", code__gte="330200000000", code__lte="330299999999"
    ).order_by("code")
    for i, county in enumerate(counties):
        RegistryOffice.objects.create(
            name=f"{county.name}婚姻登记处",
            region=county,
            address=f"{county.name}民政局一楼",
            rating="国家4A" if i % 2 == 0 else "国家3A",
        )
        Cemetery.objects.create(
            name=f"{county.name}公益性公墓", region_id=county.code, address=f"{county.name}"
        )
    FuneralHome.objects.create(
        name="宁波市殡仪馆（演示）",
        region_id="330203000000",
        address="海曙区",
        basic_fee=Decimal("1800.00"),
    )
    office = RegistryOffice.objects.get(region_id="330203000000")
    used: set[int] = set()
    _marriages(registrar, caseworker, office, today, used)
    _appointments(office, today, used)
    _funeral(caseworker, today, used)
    _qingming(today)
    seed_addresses()
    from minzheng.registry.demo import DEMO_COUNTIES

    for county_code in DEMO_COUNTIES:
        seed_county_addresses(county_code)


def _marriages(
    registrar: User, caseworker: User, office: RegistryOffice, today: date, used: set[int]
) -> None:
    men = _people("男", date(1986, 1, 1), date(2000, 1, 1), 10, used)
    women = _people("女", date(1988, 1, 1), date(2002, 1, 1), 10, used)
    couples = list(zip(men, women, strict=False))
    used.update(p.pk for pair in couples for p in pair)
    regs: list[MarriageRegistration] = []
    for i, (a, b) in enumerate(couples):
        on = _working_day_before(today - timedelta(days=200 - 15 * i))
        regs.append(
            marriage.do_register_marriage(
                registrar, office=office, party_a=a, party_b=b, on=on, **DOCS
            )
        )
    if len(regs) < 6:
        return
    # Divorce applications in every stage of art. 1077.
    cooling = marriage.do_receive_divorce_application(
        registrar,
        office=office,
        marriage=regs[0],
        on=_working_day_before(today - timedelta(days=5)),
        **DOCS,
    )
    del cooling
    window_day = _working_day_before(today - timedelta(days=40))
    marriage.do_receive_divorce_application(
        registrar, office=office, marriage=regs[1], on=window_day, **DOCS
    )
    withdrawn = marriage.do_receive_divorce_application(
        registrar,
        office=office,
        marriage=regs[2],
        on=_working_day_before(today - timedelta(days=20)),
        **DOCS,
    )
    marriage.do_withdraw_divorce(registrar, withdrawn, party=regs[2].party_b, on=today)
    done = marriage.do_receive_divorce_application(
        registrar,
        office=office,
        marriage=regs[3],
        on=_working_day_before(today - timedelta(days=60)),
        **DOCS,
    )
    marriage.do_issue_divorce_certificate(
        registrar, done, on=_next_working_day(done.cooling_off_last_day), both_present=True, **DOCS
    )
    marriage.do_receive_divorce_application(
        registrar,
        office=office,
        marriage=regs[4],
        on=_working_day_before(today - timedelta(days=100)),
        **DOCS,
    )
    marriage.do_close_expired_divorces(today)
    marriage.do_send_divorce_reminders(today)
    marriage.do_reissue_certificate(
        registrar, regs[5], on=_working_day_before(today), reason="结婚证遗失", **DOCS
    )
    # 婚育户一件事: the wife of a couple moves into her husband's household.
    for reg in regs[6:]:
        wife, husband = reg.party_b, reg.party_a
        wife_home = Membership.objects.filter(person=wife, valid_to__isnull=True).first()
        husband_home = Membership.objects.filter(person=husband, valid_to__isnull=True).first()
        if wife_home is None or husband_home is None:
            continue
        size = Membership.objects.filter(
            household_id=wife_home.household_id, valid_to__isnull=True
        ).aggregate(n=Count("id"))["n"]
        if size >= 2 and wife_home.household_id != husband_home.household_id:
            joint.do_open_marriage_household_case(
                caseworker,
                moving=wife,
                to_household=husband_home.household,
                marriage_on=reg.registered_on,
                registration_number=reg.certificate_number or "",
            )
            break


def _appointments(office: RegistryOffice, today: date, used: set[int]) -> None:
    bookers = _people("男", date(1990, 1, 1), date(2001, 1, 1), 6, used)
    used.update(p.pk for p in bookers)
    day = today
    for i, booker in enumerate(bookers):
        if i % 2 == 0:
            day = _next_working_day(day)
        marriage.do_book_appointment(
            office=office,
            day=day,
            period="am" if i % 2 == 0 else "pm",
            kind="marriage",
            booker=booker,
            partner_name="（演示）",
            today=today,
        )


def _funeral(caseworker: User, today: date, used: set[int]) -> None:
    elders = _people("男", date(1925, 1, 1), date(1945, 1, 1), 5, used) + _people(
        "女", date(1925, 1, 1), date(1945, 1, 1), 5, used
    )
    used.update(p.pk for p in elders)
    if not elders:
        return
    home = FuneralHome.objects.get()
    cemetery = Cemetery.objects.get(region_id="330203000000")
    # The first is a 特困 person living alone: benefits stop, the fee is waived.
    first = elders[0]
    household = Household.objects.create(region_id=first.region_id, address=first.address or "演示")
    Membership.objects.filter(person=first, valid_to__isnull=True).update(
        valid_to=date(2025, 12, 31)
    )
    Membership.objects.create(
        household=household, person=first, relationship="head", valid_from=date(2026, 1, 1)
    )
    household.head = first
    household.save(update_fields=["head"])
    with clock.dated(date(2026, 1, 1)):  # the 特困 identity through its action, on its day
        do_add_identity_tag(
            caseworker, first.pk, tag="tekun", source="演示数据", valid_from=date(2026, 1, 1)
        )
    do_enrol(
        None,
        household=household,
        programme="tekun",
        start=YearMonth(2026, 1),
        amount=Decimal("1325.00"),
        person=first,
    )
    methods = [
        BurialMethod.TREE,
        BurialMethod.SEA,
        BurialMethod.FLOWER,
        BurialMethod.TREE,
        BurialMethod.TOMB,
        BurialMethod.SEA,
        BurialMethod.TOMB,
        BurialMethod.FLOWER,
        BurialMethod.TOMB,
        BurialMethod.TOMB,
    ]
    for i, person in enumerate(elders):
        died = today - timedelta(days=60 - 5 * i)
        funeral.do_record_cremation(
            caseworker,
            deceased=person,
            funeral_home=home,
            date_of_death=died,
            cremated_on=died + timedelta(days=3),
        )
        method = methods[i % len(methods)]
        funeral.do_record_burial(
            caseworker,
            deceased=person,
            method=method,
            buried_on=died + timedelta(days=7),
            cemetery=None if method == BurialMethod.SEA else cemetery,
            bank_name="宁波银行",
            account_number=f"622202000000{1000 + i:04d}",
        )


def _qingming(today: date) -> None:
    visitors = list(PersonMaritalStatus.objects.select_related("person").order_by("pk")[:6])
    cemeteries = list(Cemetery.objects.order_by("pk")[:2])
    qingming = date(today.year + (1 if today.month > 4 else 0), 4, 5)
    slots = list(QingmingSlot)
    for i, status in enumerate(visitors):
        cemetery = cemeteries[i % len(cemeteries)]
        funeral.do_reserve_qingming(
            cemetery=cemetery,
            day=qingming,
            slot=slots[i % len(slots)].value,
            visitor=status.person,
            party_size=1 + i % 4,
            today=today,
        )
    if visitors:
        funeral.do_request_memorial(
            requester=visitors[0].person,
            cemetery=cemeteries[0],
            deceased_name="（演示）先人",
            message="清明时节，寄托哀思。",
        )


def seed_addresses() -> None:
    """The 南门街道 register built from its households' addresses, each household linked, and
    a few place names in every state."""
    from minzheng.civil import placenames
    from minzheng.civil.models import StandardAddress

    if StandardAddress.objects.exists():
        return
    households = list(Household.objects.unscoped_within(NANMEN).order_by("pk"))
    regions = {r.code: r for r in Region.objects.filter(code__in={h.region_id for h in households})}
    placenames.register_addresses([(regions[h.region_id], h.address) for h in households])
    placenames.do_link_household_addresses(None, households)
    caseworker = User.objects.filter(username="caseworker_nanmen").first()
    approver = User.objects.filter(username="approver_haishu").first()
    if caseworker is None or approver is None or not regions:
        return
    village = next(iter(regions.values()))
    _place_names(caseworker, approver, village, NANMEN_PLACE_NAMES, "海曙区人民政府")


# (name, location): proposed by the township, the first two approved, the first announced
NANMEN_PLACE_NAMES = (
    ("福明路", "东起江东路，西至人民路"),
    ("和山路", "南起世纪大道，北至四明路"),
    ("南门桥", "跨南塘河，连接人民路"),
)
COUNTY_PLACE_NAMES = {
    "330212000000": (
        ("惠风东路", "西起天童南路，东至宁东路"),
        ("福晖路", "南起鄞县大道，北至惠风东路"),
        ("下应桥", "跨后塘河，连接福晖路"),
    ),
}


def _place_names(
    caseworker: User,
    approver: User,
    village: Region,
    names: tuple[tuple[str, str], ...],
    approving_body: str,
) -> None:
    from minzheng.civil import placenames
    from minzheng.civil.models import PlaceName

    today = timezone.localdate()
    for i, (name, location) in enumerate(names):
        place = placenames.do_propose_place_name(
            caseworker,
            name=name,
            category=PlaceName.Category.BRIDGE if name.endswith("桥") else PlaceName.Category.ROAD,
            region=village,
            location=location,
            meaning="演示数据：沿用历史地名",
        )
        if i < 2:
            placenames.do_review_place_name(
                approver, place, approve=True, approving_body=approving_body, on=today
            )
        if i == 0:
            placenames.do_announce_place_name(caseworker, place, on=today)


FUHU = RegionCode.of("330203001001")  # 福湖社区, the demo village assistant's
#: (days ago the person died, burial method): a tree burial last month, a sea burial this month.
FUHU_DEATHS = ((38, BurialMethod.TREE), (12, BurialMethod.SEA))


def seed_fuhu_funerals() -> int:
    """The oldest resident of each of two 福湖社区 families (none on 低保, 低边 or 特困) died this
    autumn, recorded by 南门街道's caseworker (`seed_village_funerals`) — so the village
    assistant's 殡葬服务 lists them and 婚姻殡葬统计 counts the village's burials. (A village never
    sees marriage registrations: they are the county registry office's rows.) Returns the burials
    made; idempotent."""
    caseworker = User.objects.filter(username="caseworker_nanmen").first()
    cemetery = Cemetery.objects.filter(region_id="330203000000").first()
    if caseworker is None:
        return 0
    return seed_village_funerals(FUHU, caseworker, cemetery, FUHU_DEATHS, first_account=2001)


def seed_village_funerals(
    village: RegionCode,
    caseworker: User,
    cemetery: Cemetery | None,
    deaths: tuple[tuple[int, str], ...],
    *,
    first_account: int,
) -> int:
    """The oldest resident of each of `len(deaths)` families of the village (none on 低保, 低边 or
    特困) died `deaths[i][0]` days ago: the funeral home's cremation two days later and the
    family's burial a week later (`deaths[i][1]`), recorded by the township's caseworker on the
    days they happened (`clock.dated`); each cremation opens the 身后一件事. Returns the burials
    made; idempotent: nothing when a cremation of the village is recorded already."""
    from minzheng.assistance.models import OPEN_STATUSES, Enrolment
    from minzheng.civil.models import CremationRecord

    if CremationRecord.objects.filter(region_id=village.code).exists():
        return 0
    home = FuneralHome.objects.order_by("pk").first()
    if home is None:
        return 0
    assisted = Enrolment.objects.filter(
        status__in=OPEN_STATUSES, programme__in=("dibao", "dibian", "tekun")
    ).values("household_id")
    oldest: list[Person] = []
    for person in (
        Person.objects.unscoped_within(village)
        .filter(date_of_death__isnull=True, birth_date__lte=date(1946, 1, 1))
        .exclude(memberships__household_id__in=assisted)
        .prefetch_related("memberships")
        .order_by("birth_date", "pk")
    ):
        homes = {m.household_id for m in person.memberships.all()}
        if not any(homes & {m.household_id for m in p.memberships.all()} for p in oldest):
            oldest.append(person)  # one death a family
        if len(oldest) == len(deaths):
            break
    today = clock.today()
    for n, (person, (days_ago, method)) in enumerate(zip(oldest, deaths, strict=False)):
        died = today - timedelta(days=days_ago)
        with clock.dated(died + timedelta(days=2)):
            funeral.do_record_cremation(
                caseworker,
                deceased=person,
                funeral_home=home,
                date_of_death=died,
                cremated_on=died + timedelta(days=2),
            )
        with clock.dated(died + timedelta(days=7)):
            funeral.do_record_burial(
                caseworker,
                deceased=person,
                method=method,
                buried_on=died + timedelta(days=7),
                cemetery=None if method == BurialMethod.SEA else cemetery,
                bank_name="宁波银行",
                account_number=f"62220200000{first_account + n:05d}",
            )
    return len(oldest)


#: A demo county's village: (days ago the person died, burial method) — a tomb in the county's
#: cemetery, a flower burial.
COUNTY_DEATHS = ((52, BurialMethod.TOMB), (19, BurialMethod.FLOWER))
#: Days ago each of a demo county's couples married (working days on or before).
COUNTY_MARRIAGES = (160, 120, 75, 33)


def seed_county_civil(county_code: str) -> int:
    """婚姻登记, 离婚冷静期, 殡葬服务, 清明祭扫, 一件事联办 and 婚姻殡葬统计 for a demo county
    (鄞州): the county's registry office (its approver) registers the marriages of unmarried adult
    children of its busiest village's township (`COUNTY_MARRIAGES`), one couple is in its
    cooling-off period and one in the window to collect the certificate; two of the village's
    oldest die (`COUNTY_DEATHS`, recorded by the township's caseworker, opening the 身后一件事);
    villagers book next Qingming at the county's cemetery. Each on its day (`clock.dated`).
    Returns the registrations made; 0 when the county has one already."""
    from minzheng.registry.demo import county_approver, county_village
    from minzheng.registry.year import _caseworker

    unit = RegionCode.of(county_code)
    if MarriageRegistration.objects.unscoped_within(unit).exists():
        return 0
    registrar = county_approver(county_code)
    village = county_village(county_code)
    office = RegistryOffice.objects.filter(region_id=county_code).first()
    cemetery = Cemetery.objects.filter(region_id=county_code).first()
    if registrar is None or village is None or office is None:
        return 0
    today = clock.today()
    township = RegionCode.of(village.code).township
    regs = _county_marriages(registrar, office, township, today)
    for reg, days_ago in zip(regs, (10, 40), strict=False):
        on = _working_day_before(today - timedelta(days=days_ago))
        with clock.dated(on):
            marriage.do_receive_divorce_application(
                registrar, office=office, marriage=reg, on=on, **DOCS
            )
    seed_village_funerals(
        RegionCode.of(village.code),
        _caseworker(village.code),
        cemetery,
        COUNTY_DEATHS,
        first_account=3001,
    )
    if cemetery is not None:
        _county_qingming(cemetery, RegionCode.of(village.code), today)
    return len(regs)


def _county_marriages(
    registrar: User, office: RegistryOffice, township: RegionCode, today: date
) -> list[MarriageRegistration]:
    """`COUNTY_MARRIAGES`: a son and a daughter of two of the township's families (children of
    their households, none married), registered on the day, oldest first."""
    unmarried = (
        Person.objects.unscoped_within(township)
        .filter(
            date_of_death__isnull=True,
            memberships__relationship="child",
            memberships__valid_to__isnull=True,
        )
        .exclude(pk__in=PersonMaritalStatus.objects.values("person_id"))
        .order_by("pk")
    )
    n = len(COUNTY_MARRIAGES)
    men = list(
        unmarried.filter(sex="男", birth_date__range=(date(1988, 1, 1), date(2000, 1, 1)))[:n]
    )
    women = list(
        unmarried.filter(sex="女", birth_date__range=(date(1990, 1, 1), date(2002, 1, 1)))[:n]
    )
    regs: list[MarriageRegistration] = []
    for (a, b), days_ago in zip(zip(men, women, strict=False), COUNTY_MARRIAGES, strict=False):
        on = _working_day_before(today - timedelta(days=days_ago))
        with clock.dated(on):
            regs.append(
                marriage.do_register_marriage(
                    registrar, office=office, party_a=a, party_b=b, on=on, **DOCS
                )
            )
    return regs


def _county_qingming(cemetery: Cemetery, village: RegionCode, today: date) -> None:
    """Four of the village's families book next Qingming at the county's cemetery (reserved a few
    days ago), and one asks for an online memorial."""
    qingming = date(today.year + (1 if today.month > 4 else 0), 4, 5)
    visitors = list(
        Person.objects.unscoped_within(village)
        .filter(
            date_of_death__isnull=True,
            memberships__relationship="head",
            memberships__valid_to__isnull=True,
        )
        .order_by("pk")[:4]
    )
    slots = list(QingmingSlot)
    for i, visitor in enumerate(visitors):
        booked = today - timedelta(days=6 - i)
        with clock.dated(booked):
            funeral.do_reserve_qingming(
                cemetery=cemetery,
                day=qingming,
                slot=slots[i % len(slots)].value,
                visitor=visitor,
                party_size=2 + i % 3,
                today=booked,
            )
    if visitors:
        funeral.do_request_memorial(
            requester=visitors[0],
            cemetery=cemetery,
            deceased_name="（演示）先父",
            message="清明时节，寄托哀思。",
        )


def seed_county_addresses(county_code: str) -> int:
    """标准地址 and 地名管理 for a demo county (鄞州): the register of the county's first township
    (in code order) whose households' addresses name a road — a 街道's, not a village's
    横溪镇高埠村19号 — each such household linked, and `COUNTY_PLACE_NAMES` in its first village,
    proposed by that township's caseworker (the replay's account) and reviewed by the county
    approver. Returns the households linked; 0 when the county has an address or a name."""
    from minzheng.civil import placenames
    from minzheng.civil.models import PlaceName, StandardAddress
    from minzheng.registry.year import _caseworker

    unit = RegionCode.of(county_code)
    if (
        StandardAddress.objects.unscoped_within(unit).exists()
        or PlaceName.objects.unscoped_within(unit).exists()
    ):
        return 0
    from minzheng.registry.demo import county_approver

    approver = county_approver(county_code)
    if approver is None:
        return 0
    registered: list[Household] = []
    households = Household.objects.unscoped_within(unit).select_related("region")
    for household in households.order_by("region_id", "pk").iterator():
        if registered and (
            RegionCode.of(household.region_id).township
            != RegionCode.of(registered[0].region_id).township
        ):
            break
        if not placenames.names_a_road(household.address):
            continue  # no road in the address: not in the register
        registered.append(household)
    if not registered:
        return 0
    placenames.register_addresses([(h.region, h.address) for h in registered])
    placenames.do_link_household_addresses(None, registered)
    village = registered[0].region
    county = Region.objects.get(pk=county_code)
    _place_names(
        _caseworker(village.code),
        approver,
        village,
        COUNTY_PLACE_NAMES.get(county_code, ()),
        f"{county.name}人民政府",
    )
    return len(registered)
