"""Demo data for 社会组织 and 慈善: a realistic set of organisations worked through the actions
(registration, annual reports, ratings, credit listings, fee inspections), and a bulk register
of community organisations so that the city's density is the article's ≥ 38 per 10,000 residents.

The charity figures of 2025 are built to reproduce the article's totals (received 53,782.2 万元:
cash 43,052.89 万, goods 10,729.31 万; spent 53,702.89 万; 慈善一日捐 1,199.57 万, +29.87 %).
Every name is invented; this is demo data, not a record of real organisations.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.charity import actions as charity
from minzheng.charity.models import Campaign, Disclosure, Donation, Expenditure, Project
from minzheng.core import clock
from minzheng.core.creditcode import build
from minzheng.core.regioncode import county_of
from minzheng.organisations import actions
from minzheng.organisations.models import (
    AnnualReport,
    FeeInspection,
    Organisation,
)
from minzheng.regions.models import Region

YEAR = 2025  # the last completed year of the demo
MIGRATED_BEFORE = date(2020, 1, 1)  # registered before the system: taken over as records
DENSITY_ORGANISATIONS = 35_740  # 38.0 per 10,000 of 9,404,283 residents
FEE_INSPECTED = 656
D = Decimal

# name, kind, region, founded, trade association, supervising unit, capital
DETAILED: tuple[tuple[str, str, str, date, bool, str, str], ...] = (
    (
        "宁波市慈善总会",
        "social_group",
        "330200",
        date(1995, 7, 18),
        False,
        "宁波市民政局",
        "3000000",
    ),
    (
        "宁波市青少年发展基金会",
        "foundation",
        "330200",
        date(2003, 5, 20),
        False,
        "共青团宁波市委",
        "8000000",
    ),
    (
        "宁波市物流协会",
        "social_group",
        "330200",
        date(2006, 9, 1),
        True,
        "宁波市交通运输局",
        "100000",
    ),
    (
        "宁波市模具行业协会",
        "social_group",
        "330200",
        date(2002, 3, 12),
        True,
        "宁波市经济和信息化局",
        "50000",
    ),
    (
        "宁波市海曙区慈善总会",
        "social_group",
        "330203",
        date(2001, 11, 8),
        False,
        "海曙区民政局",
        "500000",
    ),
    (
        "宁波市海曙区科普志愿者协会",
        "social_group",
        "330203",
        date(2012, 4, 16),
        False,
        "海曙区科学技术协会",
        "30000",
    ),
    (
        "宁波市海曙区阳光居家养老服务中心",
        "social_service",
        "330203",
        date(2015, 6, 3),
        False,
        "海曙区民政局",
        "100000",
    ),
    (
        "宁波市海曙区餐饮行业协会",
        "social_group",
        "330203",
        date(2009, 8, 25),
        True,
        "海曙区商务局",
        "50000",
    ),
    (
        "宁波市海曙区关爱困境儿童基金会",
        "foundation",
        "330203",
        date(2018, 12, 6),
        False,
        "海曙区民政局",
        "2000000",
    ),
    (
        "宁波市海曙区南门社区书画协会",
        "social_group",
        "330203",
        date(2025, 8, 18),
        False,
        "海曙区文化和广电旅游体育局",
        "30000",
    ),
    (
        "宁波市鄞州区慈善总会",
        "social_group",
        "330212",
        date(2000, 10, 12),
        False,
        "鄞州区民政局",
        "500000",
    ),
    (
        "宁波市鄞州区星光社会工作服务中心",
        "social_service",
        "330212",
        date(2016, 3, 28),
        False,
        "鄞州区民政局",
        "100000",
    ),
    (
        "宁波市鄞州区建筑业协会",
        "social_group",
        "330212",
        date(2004, 5, 9),
        True,
        "鄞州区住房和城乡建设局",
        "80000",
    ),
    (
        "宁波市鄞州区助学基金会",
        "foundation",
        "330212",
        date(2014, 9, 10),
        False,
        "鄞州区教育局",
        "4000000",
    ),
    (
        "宁波市北仑区港口文化研究会",
        "social_group",
        "330206",
        date(2011, 7, 7),
        False,
        "北仑区社会科学界联合会",
        "30000",
    ),
    (
        "宁波市江北区乐龄学堂",
        "social_service",
        "330205",
        date(2019, 1, 15),
        False,
        "江北区教育局",
        "50000",
    ),
)
KIND_TYPE = {"social_group": "1", "social_service": "2", "foundation": "3"}
REPORT = {"activities": "按章程开展业务活动，召开理事会2次，举办公益活动若干场"}


def _code(kind: str, region: str, serial: int) -> str:
    return build("5", KIND_TYPE[kind], region, f"MJ{serial:06d}")


def seed_demo(*, community_organisations: int = DENSITY_ORGANISATIONS) -> None:
    """Idempotent: does nothing when the demo organisations are already there.

    `community_organisations` is the city's total the bulk register fills up to (tests use fewer).
    """
    if Organisation.objects.filter(name=DETAILED[0][0]).exists():
        seed_county_campaigns()
        seed_haishu_trust()
        return
    admin = User.objects.get(username="city_admin")
    haishu = User.objects.get(username="approver_haishu")
    yinzhou = User.objects.get(username="approver_yinzhou")
    actor_for = {"330203": haishu, "330212": yinzhou}
    with transaction.atomic():
        orgs = _detailed(admin, actor_for)
        _filler(len(orgs), community_organisations)
        _annual_and_credit(admin, actor_for, orgs)
        _pending_applications(actor_for)
        _charity(admin, actor_for, orgs)
    seed_county_campaigns()
    seed_haishu_trust()


#: This year's county 慈善一日捐, each by the county's 慈善总会: (county, organiser, gifts as
#: (day, donor, amount)). Outside the article's 2025 totals: the city's campaigns are 2024's and
#: 2025's.
COUNTY_CAMPAIGNS = (
    (
        "330203",
        "宁波市海曙区慈善总会",
        (
            ((4, 25), "海曙区机关事业单位干部职工", "1062300.00"),
            ((5, 12), "海曙区辖区企业职工", "486150.00"),
        ),
    ),
    (
        "330212",
        "宁波市鄞州区慈善总会",
        (
            ((4, 25), "鄞州区机关事业单位干部职工", "1735600.00"),
            ((5, 18), "鄞州区辖区企业职工", "912480.00"),
        ),
    ),
)


def seed_haishu_trust() -> int:
    """慈善信托 for 海曙 (the city's and 鄞州's are filed by `_disclosures_plans_trusts`): the
    county's 慈善总会 is trustee of a trust for children in difficulty, filed by 海曙's approver a
    week after the contract. Returns the trusts filed; idempotent: nothing when 海曙 has one."""
    from minzheng.charity.models import CharitableTrust

    trustee = Organisation.objects.filter(name="宁波市海曙区慈善总会").first()
    actor = User.objects.filter(username="approver_haishu").first()
    if trustee is None or actor is None:
        return 0
    if CharitableTrust.objects.filter(trustee__region_id=trustee.region_id).exists():
        return 0
    with clock.dated(date(2026, 7, 8)):
        charity.do_register_trust(
            actor,
            trustee.pk,
            data={
                "name": "海曙区关爱困境儿童慈善信托",
                "settlor": "宁波某电器股份有限公司",
                "property_amount": "1500000",
                "established_on": "2026-07-01",
                "filed_on": "2026-07-08",
            },
        )
    return 1


def seed_county_campaigns() -> int:
    """This year's 慈善一日捐 of 海曙 and 鄞州 (`COUNTY_CAMPAIGNS`), opened by the county approver
    for the county's 慈善总会 and its gifts booked on the days they came in — so a county approver's
    慈善一日捐 is not empty (the city's campaigns are the city's rows). The year is the platform's
    (last year's before June, when this year's gifts are not all in). Returns the campaigns opened;
    idempotent: a county with its campaign of the year is left alone."""
    today = clock.today()
    year = today.year if today >= date(today.year, 6, 1) else today.year - 1
    made = 0
    for county, organiser_name, gifts in COUNTY_CAMPAIGNS:
        region = county + "000000"
        organiser = Organisation.objects.filter(name=organiser_name, region_id=region).first()
        actor = User.objects.filter(role="county_approver", region_id=region).order_by("id").first()
        if organiser is None or actor is None:
            continue
        if Campaign.objects.filter(region_id=region, year=year).exists():
            continue
        with clock.dated(date(year, 4, 1)):
            campaign = charity.do_open_campaign(
                actor,
                organiser.pk,
                data={"year": year, "name": f"{year}年{organiser.region.name}“慈善一日捐”"},
            )
        for (month, day), donor, amount in gifts:
            with clock.dated(date(year, month, day)):
                charity.do_record_donation(
                    actor,
                    organiser.pk,
                    data={
                        "form": "cash",
                        "received_on": date(year, month, day).isoformat(),
                        "donor": donor,
                        "amount": amount,
                        "campaign": campaign.pk,
                    },
                )
        made += 1
    return made


def _detailed(admin: User, actor_for: dict[str, User]) -> dict[str, Organisation]:
    orgs: dict[str, Organisation] = {}
    for serial, (name, kind, region, founded, trade, unit, capital) in enumerate(DETAILED, 1):
        actor = actor_for.get(region, admin)
        code = _code(kind, region, serial)
        data = {
            "name": name,
            "kind": kind,
            "supervising_unit": unit,
            "legal_rep_name": ["王建国", "陈晓红", "李明华", "张丽萍", "周志强"][serial % 5],
            "registered_capital": capital,
            "scope": "按章程开展公益服务、行业自律与交流培训",
            "address": f"宁波市{Region.objects.get(code=region + '000000').name}中山路{serial * 11}号",
            "credit_code": _code(kind, region, serial),
            "founded_on": founded,
            "certificate_valid_until": date(2030, 1, 1),
            "is_trade_association": trade,
        }
        if founded < MIGRATED_BEFORE:
            org = actions.do_import_organisation(actor, region_code=region + "000000", data=data)
        else:
            app = actions.do_accept_registration(
                actor,
                type="establish",
                region_code=region + "000000",
                data=data,
                accepted_on=founded,
            )
            actions.do_review_registration(actor, app.pk, passed=True, note="材料齐全", on=founded)
            app = actions.do_decide_registration(
                actor, app.pk, approve=True, on=founded, credit_code=code
            )
            assert app.organisation is not None
            org = app.organisation
        # Certificates are renewed on each change; the demo staggers them so some fall due soon.
        org.certificate_valid_until = date(2026, 12, 20) + timedelta(days=45 * (serial - 1))
        org.is_trade_association = trade
        org.save(update_fields=["certificate_valid_until", "is_trade_association"])
        orgs[name] = org
    return orgs


def _filler(start: int, total: int) -> None:
    """Community organisations in bulk, by county in proportion to residents, then their 2025
    annual reports and the trade associations' fee inspections. The rows are written with one
    prepared INSERT each table (`_insert_rows`): `bulk_create` spent some 10 s preparing 35,740
    model rows value by value."""
    from minzheng.registry.seed import COUNTY_RESIDENTS

    total_people = sum(COUNTY_RESIDENTS.values())
    counties = sorted(COUNTY_RESIDENTS)
    targets = {c: (total - start) * COUNTY_RESIDENTS[c] // total_people for c in counties}
    targets[counties[0]] += total - start - sum(targets.values())
    names = dict(
        Region.objects.filter(code__in=[c + "000000" for c in counties]).values_list("code", "name")
    )
    topics = (
        "文体团队",
        "志愿服务队",
        "邻里互助会",
        "老年协会",
        "书画社",
        "健身队",
        "调解队",
        "读书会",
    )
    capital = D("30000.00")
    # The trade associations to fee-inspect, the first `FEE_INSPECTED - 4` written: (their place in
    # the register as written — the order of their ids —, credit code).
    trade: list[tuple[int, str]] = []

    def rows() -> Iterator[tuple[Any, ...]]:
        """Made as they are written, a batch at a time: 35,740 rows kept at once would wake the
        garbage collector to walk the whole demo's objects."""
        serial = start + 1
        for county in counties:
            region = county + "000000"
            name = names[region]
            authority = f"{name}民政局"
            for i in range(targets[county]):
                kind = "social_service" if i % 7 == 0 else "social_group"
                code = _code(kind, county, serial)
                if i % 50 == 0 and len(trade) < FEE_INSPECTED - 4:
                    trade.append((serial - start - 1, code))
                yield (
                    f"宁波市{name}第{i + 1:05d}号社区{topics[i % len(topics)]}",
                    kind,
                    code,
                    region,
                    authority,
                    "",
                    FILLER_REP,
                    capital,
                    "社区文体、志愿与互助服务",
                    date(2008 + i % 16, 1 + i % 12, 1),
                    date(2027 + i % 4, 1 + i % 12, 1 + i % 28),
                    i % 50 == 0,
                )
                serial += 1

    _insert_rows(
        Organisation,
        (
            "name",
            "kind",
            "credit_code",
            "region",
            "authority",
            "supervising_unit",
            "legal_rep_name",
            "registered_capital",
            "scope",
            "founded_on",
            "certificate_valid_until",
            "is_trade_association",
        ),
        rows(),
    )
    _file_filler_reports()
    ids = dict(
        Organisation.objects.filter(credit_code__in=[code for _, code in trade]).values_list(
            "credit_code", "id"
        )
    )
    compliant = FeeInspection.Finding.COMPLIANT
    _insert_rows(
        FeeInspection,
        ("organisation", "year", "inspected_on", "finding", "irregular_amount", "refunded_amount"),
        [
            (ids[code], YEAR, date(YEAR, 9, 1) + timedelta(days=i % 60), compliant, D(0), D(0))
            for i, code in trade
        ],
    )


def _file_filler_reports() -> None:
    """The bulk register's 2025 annual reports, filed and passed: every organisation's but each
    40th's in the order of their ids (the reminder list). One INSERT … SELECT: the database
    writes the 34,830 rows from the organisations' own, none of them goes through Python."""
    report, org = AnnualReport._meta, Organisation._meta
    values = {
        "report_year": YEAR,
        "status": AnnualReport.Status.REVIEWED,
        "filed_on": date(YEAR + 1, 3, 15),
        "supervisor_approved_on": date(YEAR + 1, 3, 25),
        "reviewed_on": date(YEAR + 1, 5, 20),
        "outcome": AnnualReport.Outcome.QUALIFIED,
        "income": D("20000.00"),
        "expenditure": D("18000.00"),
        "net_assets": D("32000.00"),
        "activities": "社区活动",
    }
    params = {
        name: _field(AnnualReport, name).get_db_prep_save(value, connection)
        for name, value in values.items()
    } | _defaults(AnnualReport, ("organisation", *values))
    q = connection.ops.quote_name
    columns = [q(_column(AnnualReport, name)) for name in ("organisation", *params)]
    sql = (
        f"INSERT INTO {q(report.db_table)} ({', '.join(columns)}) "
        f"SELECT numbered.id, {', '.join(['%s'] * len(params))} FROM ("
        f"SELECT {q('id')} AS id, ROW_NUMBER() OVER (ORDER BY {q('id')}) - 1 AS i "
        f"FROM {q(org.db_table)} WHERE {q(_column(Organisation, 'legal_rep_name'))} = %s"
        ") numbered WHERE numbered.i %% 40 <> 0"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params.values(), FILLER_REP])


FILLER_REP = "（演示）"  # the bulk register's legal representative: how its rows are told apart


def _insert_rows(
    model: type[Model], fields: tuple[str, ...], rows: Iterable[tuple[Any, ...]]
) -> None:
    """Rows of `model` with one prepared INSERT (`executemany`), on either database: no model
    instance and no per-value preparation. Each row gives `fields` as the driver takes them (str,
    int, bool, date, Decimal); every other column gets what `bulk_create` would give it
    (`_defaults`)."""
    rest = _defaults(model, fields)
    q = connection.ops.quote_name
    columns = ", ".join(q(_column(model, name)) for name in (*fields, *rest))
    sql = (
        f"INSERT INTO {q(model._meta.db_table)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * (len(fields) + len(rest)))})"
    )
    tail = tuple(rest.values())
    batches = iter(rows)
    with connection.cursor() as cursor:
        while batch := [row + tail for row in islice(batches, INSERT_BATCH)]:
            cursor.executemany(sql, batch)


def _defaults(model: type[Model], named: tuple[str, ...]) -> dict[str, Any]:
    """What `bulk_create` writes in each column of `model` not `named` (the id aside): its
    default, "" or NULL, now for `auto_now(_add)` — as this database takes it."""
    now = timezone.now()
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in named:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value: Any = now
        elif field.has_default() or field.null or field.blank:
            value = field.get_default()
        else:
            raise ValueError(f"{model._meta.label}.{field.name} has no default: name it")
        values[field.name] = field.get_db_prep_save(value, connection)
    return values


def _field(model: type[Model], name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def _column(model: type[Model], name: str) -> str:
    return str(_field(model, name).column)


INSERT_BATCH = 2_000


def _annual_and_credit(
    admin: User, actor_for: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    for name, org in orgs.items():
        actor = actor_for.get(county_of(org.region_id), admin)
        skip = name in ("宁波市海曙区科普志愿者协会", "宁波市北仑区港口文化研究会")
        for year in range(2020, YEAR + 1):
            if (skip and year == YEAR) or org.founded_on > date(year, 6, 30):
                continue  # not filed (the reminder list), or founded too recently: exempt
            report = actions.do_file_annual_report(
                actor,
                org.pk,
                report_year=year,
                data={
                    **REPORT,
                    "income": "860000",
                    "expenditure": "790000",
                    "net_assets": "1200000",
                },
                filed_on=date(year + 1, 3, 10),
            )
            actions.do_supervisor_approve(actor, report.pk, on=date(year + 1, 3, 20))
            basic = name == "宁波市江北区乐龄学堂" and year >= YEAR - 1
            actions.do_review_annual_report(
                actor,
                report.pk,
                outcome="basic" if basic else "qualified",
                note="财务制度不健全，已责令整改" if basic else "",
                on=date(year + 1, 5, 10),
            )
    haishu, yinzhou = actor_for["330203"], actor_for["330212"]
    # No 2025 report by the deadline: listed; still listed (the browser test repairs it).
    actions.do_list_abnormal(
        haishu,
        orgs["宁波市海曙区科普志愿者协会"].pk,
        reason="no_annual_report",
        decided_on=date(YEAR + 1, 6, 15),
        entered_on=date(YEAR + 1, 6, 16),
    )
    # Unreachable since mid-2024: two years later it moves to the serious list.
    beilun = orgs["宁波市北仑区港口文化研究会"]
    actions.do_list_abnormal(
        admin,
        beilun.pk,
        reason="unreachable",
        decided_on=date(2024, 6, 3),
        entered_on=date(2024, 6, 4),
    )
    actions.do_escalate_listings(admin, today=date(2026, 6, 3))
    # Listed for an overdue rectification, objected and repaired.
    listing = actions.do_list_abnormal(
        yinzhou,
        orgs["宁波市鄞州区建筑业协会"].pk,
        reason="rectification_overdue",
        decided_on=date(YEAR, 11, 3),
        entered_on=date(YEAR, 11, 4),
    )
    actions.do_file_objection(
        yinzhou, listing.pk, text="整改报告已于期限内邮寄，附邮寄凭证", on=date(YEAR, 11, 10)
    )
    actions.do_remove_listing(
        yinzhou,
        listing.pk,
        reason="核实整改报告按期寄达",
        on=date(YEAR, 11, 20),
        objection_upheld=True,
    )
    for name, grade, score, on in (
        ("宁波市慈善总会", 5, "962", date(2022, 11, 18)),
        ("宁波市海曙区慈善总会", 4, "871", date(2021, 12, 20)),  # expires 2026-12-19: reminder
        ("宁波市鄞州区星光社会工作服务中心", 3, "768", date(2024, 10, 15)),
        ("宁波市物流协会", 4, "885", date(2023, 9, 26)),
    ):
        org = orgs[name]
        actions.do_award_rating(
            actor_for.get(county_of(org.region_id), admin),
            org.pk,
            grade=grade,
            score=score,
            awarded_on=on,
        )
    for name, finding, irregular, refunded, details in (
        (
            "宁波市物流协会",
            "rectified",
            "186000",
            "186000",
            "以培训名义强制会员单位参训收费，已全额清退",
        ),
        ("宁波市模具行业协会", "compliant", "0", "0", ""),
        ("宁波市海曙区餐饮行业协会", "irregular", "42000", "12000", "超标准收取会费，正在清退"),
        ("宁波市鄞州区建筑业协会", "compliant", "0", "0", ""),
    ):
        org = orgs[name]
        actions.do_record_fee_inspection(
            actor_for.get(county_of(org.region_id), admin),
            org.pk,
            data={
                "year": YEAR,
                "inspected_on": f"{YEAR}-09-20",
                "finding": finding,
                "irregular_amount": irregular,
                "refunded_amount": refunded,
                "details": details,
            },
        )


# Registrations accepted at each demo county's window, the first reviewed, the second waiting:
# (county, name, kind, supervising unit, legal representative, capital, scope, accepted, reviewed)
PENDING: tuple[tuple[str, str, str, str, str, str, str, date, date | None], ...] = (
    (
        "330203000000",
        "宁波市海曙区白云社区邻里互助会",
        "social_group",
        "白云街道办事处",
        "孙美玲",
        "30000",
        "邻里互助、志愿服务",
        date(2026, 11, 24),
        date(2026, 11, 26),
    ),
    (
        "330203000000",
        "宁波市海曙区银龄智慧助老服务中心",
        "social_service",
        "海曙区民政局",
        "吴海燕",
        "100000",
        "老年人智能技术培训与助老服务",
        date(2026, 11, 27),
        None,
    ),
    (
        "330212000000",
        "宁波市鄞州区下应社区睦邻服务社",
        "social_service",
        "下应街道办事处",
        "郑丽君",
        "50000",
        "社区睦邻服务、困难家庭探访",
        date(2026, 11, 20),
        date(2026, 11, 23),
    ),
    (
        "330212000000",
        "宁波市鄞州区东湖爱心助学协会",
        "social_group",
        "鄞州区教育局",
        "冯建军",
        "30000",
        "困难家庭子女助学、志愿辅导",
        date(2026, 11, 30),
        None,
    ),
)


def _pending_applications(actor_for: dict[str, User]) -> None:
    """`PENDING`, accepted by each county's approver: 登记申请 of 海曙 and 鄞州 on first login."""
    for county, name, kind, unit, rep, capital, scope, accepted, reviewed in PENDING:
        app = actions.do_accept_registration(
            actor_for[county_of(county)],
            type="establish",
            region_code=county,
            data={
                "name": name,
                "kind": kind,
                "supervising_unit": unit,
                "legal_rep_name": rep,
                "registered_capital": capital,
                "scope": scope,
            },
            accepted_on=accepted,
        )
        if reviewed is not None:
            actions.do_review_registration(
                actor_for[county_of(county)],
                app.pk,
                passed=True,
                note="材料齐全，名称核准",
                on=reviewed,
            )


# ── charity: the article's 2025 totals ──────────────────────────────────────────────────────

CASH_TOTAL = D("430528900.00")
GOODS_TOTAL = D("107293100.00")
SPENT_TOTAL = D("537028900.00")
ONE_DAY = {YEAR - 1: D("9236700.00"), YEAR: D("11995700.00")}


def _charity(admin: User, actor_for: dict[str, User], orgs: dict[str, Organisation]) -> None:
    charities = [
        ("宁波市慈善总会", True, D("0.55")),
        ("宁波市青少年发展基金会", True, D("0.12")),
        ("宁波市海曙区慈善总会", True, D("0.10")),
        ("宁波市鄞州区慈善总会", True, D("0.15")),
        ("宁波市海曙区关爱困境儿童基金会", False, D("0.03")),
        ("宁波市鄞州区助学基金会", False, D("0.05")),
    ]
    projects: dict[str, list[Project]] = {}
    for name, public, _share in charities:
        org = orgs[name]
        actor = actor_for.get(county_of(org.region_id), admin)
        charity.do_recognise_charity(
            actor, org.pk, recognised_on=date(2017, 3, 1), public_fundraising=public
        )
        projects[name] = [
            Project.objects.create(
                organisation=org, name=f"{label}（{org.region.name}）", starts_on=date(YEAR, 1, 1)
            )
            for label in ("困难群众帮扶", "助学助医", "养老助残")
        ]
    city = Region.objects.get(code="330200000000")
    campaigns = {
        year: Campaign.objects.create(
            region=city,
            year=year,
            name=f"{year}年宁波市“慈善一日捐”",
            organiser=orgs["宁波市慈善总会"],
        )
        for year in ONE_DAY
    }
    # Last year's day's-pay campaign, for the growth figure.
    _gift(
        orgs["宁波市慈善总会"],
        projects["宁波市慈善总会"][0],
        campaigns[YEAR - 1],
        date(YEAR - 1, 4, 25),
        "全市机关事业单位干部职工",
        "cash",
        ONE_DAY[YEAR - 1],
        1,
    )
    # This year's: the city total; then the rest of the cash and the goods by share.
    seq = 1
    _gift(
        orgs["宁波市慈善总会"],
        projects["宁波市慈善总会"][0],
        campaigns[YEAR],
        date(YEAR, 4, 25),
        "全市机关事业单位干部职工",
        "cash",
        ONE_DAY[YEAR],
        seq,
    )
    cash_base = CASH_TOTAL - ONE_DAY[YEAR]
    used = {"cash": D("0"), "goods": D("0"), "spent": D("0")}
    donors = (
        "宁波某港口集团有限公司",
        "宁波某银行股份有限公司",
        "爱心人士（匿名）",
        "宁波某电器股份有限公司",
    )
    for n, (name, _public, share) in enumerate(charities):
        org = orgs[name]
        # Each charity its share; the last one the remainder, so the totals are exact to the fen.
        if n < len(charities) - 1:
            cash = (cash_base * share).quantize(D("0.01"))
            goods = (GOODS_TOTAL * share).quantize(D("0.01"))
            spent = (SPENT_TOTAL * share).quantize(D("0.01"))
        else:
            cash = cash_base - used["cash"]
            goods = GOODS_TOTAL - used["goods"]
            spent = SPENT_TOTAL - used["spent"]
        used["cash"] += cash
        used["goods"] += goods
        used["spent"] += spent
        parts = (D("0.5"), D("0.3"), D("0.2"))
        cash_parts = [(cash * p).quantize(D("0.01")) for p in parts[:-1]]
        cash_parts.append(cash - sum(cash_parts))
        for i, amount in enumerate(cash_parts):
            seq += 1
            _gift(
                org,
                projects[name][i],
                None,
                date(YEAR, 3 + i * 3, 10),
                donors[i],
                "cash",
                amount,
                seq,
            )
        seq += 1
        _gift(
            org,
            projects[name][1],
            None,
            date(YEAR, 12, 5),
            donors[3],
            "goods",
            goods,
            seq,
            goods="助学物资（书包、文具、冬衣）",
            basis="采购发票及市场价评估",
        )
        spent_parts = [(spent * p).quantize(D("0.01")) for p in (D("0.86"), D("0.08"))]
        spent_parts.append(spent - sum(spent_parts))
        for category, amount, purpose, project in zip(
            ("charitable", "charitable", "management"),
            spent_parts,
            ("困难群众帮扶款", "助学助医资助", "工作人员工资及办公费用"),
            (projects[name][0], projects[name][1], None),
            strict=True,
        ):
            Expenditure.objects.create(
                organisation=org,
                project=project,
                spent_on=date(YEAR, 11, 20),
                category=category,
                amount=amount,
                purpose=purpose,
            )
    _financials(admin, actor_for, orgs)
    _disclosures_plans_trusts(admin, actor_for, orgs)


def _gift(
    org: Organisation,
    project: Project | None,
    campaign: Campaign | None,
    on: date,
    donor: str,
    form: str,
    amount: Decimal,
    seq: int,
    *,
    goods: str = "",
    basis: str = "",
) -> None:
    Donation.objects.create(
        organisation=org,
        project=project,
        campaign=campaign,
        received_on=on,
        donor=donor,
        form=form,
        goods=goods,
        valuation_basis=basis,
        amount=amount,
        receipt_number=f"JZ{org.credit_code[-6:]}{on.year}{seq:06d}",
    )


def _financials(admin: User, actor_for: dict[str, User], orgs: dict[str, Organisation]) -> None:
    rows = (
        # name, prior income, prior net assets, charitable, management, total
        ("宁波市慈善总会", "280000000", "150000000", "265000000", "9000000", "276000000"),
        (
            "宁波市青少年发展基金会",
            "60000000",
            "45000000",
            "40000000",
            "3200000",
            "44000000",
        ),  # 66.7 % < 70 %
        ("宁波市海曙区慈善总会", "50000000", "20000000", "46000000", "1500000", "48000000"),
        ("宁波市鄞州区慈善总会", "76000000", "30000000", "70000000", "2600000", "73000000"),
        (
            "宁波市海曙区关爱困境儿童基金会",
            "1800000",
            "6500000",
            "420000",
            "150000",
            "600000",
        ),  # 6.46 % < 7 %
        ("宁波市鄞州区助学基金会", "2600000", "9000000", "980000", "120000", "1100000"),
    )
    for name, income, net, charitable, management, total in rows:
        org = orgs[name]
        charity.do_record_financials(
            actor_for.get(county_of(org.region_id), admin),
            org.pk,
            data={
                "year": YEAR,
                "prior_year_income": income,
                "prior_year_net_assets": net,
                "charitable_spending": charitable,
                "management_cost": management,
                "total_spending": total,
            },
        )


def _disclosures_plans_trusts(
    admin: User, actor_for: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    city = orgs["宁波市慈善总会"]
    charity.do_file_fundraising_plan(
        admin,
        city.pk,
        data={
            "title": "2026年“慈善一日捐”公开募捐",
            "target": "12000000",
            "filed_on": "2026-03-20",
            "starts_on": "2026-04-10",
            "ends_on": "2026-06-30",
        },
    )
    haishu = orgs["宁波市海曙区慈善总会"]
    charity.do_file_fundraising_plan(
        actor_for["330203"],
        haishu.pk,
        data={
            "title": "冬日暖心助困募捐",
            "target": "800000",
            "filed_on": "2026-11-25",
            "starts_on": "2026-12-01",
            "ends_on": "2027-01-31",
        },
    )
    charity.do_register_trust(
        admin,
        city.pk,
        data={
            "name": "宁波市慈善总会甬上助学慈善信托",
            "settlor": "宁波某电器股份有限公司",
            "property_amount": "5000000",
            "established_on": "2025-06-18",
            "filed_on": "2025-06-23",
        },
    )
    charity.do_register_trust(
        actor_for["330212"],
        orgs["宁波市鄞州区慈善总会"].pk,
        data={
            "name": "鄞州乡村振兴慈善信托",
            "settlor": "爱心企业家（匿名）",
            "property_amount": "2000000",
            "established_on": "2026-09-01",
            "filed_on": "2026-09-15",
        },
    )
    for name in (
        "宁波市慈善总会",
        "宁波市海曙区慈善总会",
        "宁波市鄞州区慈善总会",
        "宁波市青少年发展基金会",
    ):
        org = orgs[name]
        Disclosure.objects.create(
            organisation=org,
            subject=Disclosure.Subject.ANNUAL_REPORT,
            title=f"{YEAR}年度工作报告和财务会计报告",
            due_on=date(YEAR + 1, 5, 31),
            disclosed_on=date(YEAR + 1, 5, 20) if name != "宁波市青少年发展基金会" else None,
        )
        Disclosure.objects.create(
            organisation=org,
            subject=Disclosure.Subject.RELATED_PARTIES,
            title=f"{YEAR + 1}年关联方名单",
            due_on=date(YEAR + 1, 5, 31),
            disclosed_on=date(YEAR + 1, 5, 28),
        )
    Disclosure.objects.create(
        organisation=city,
        subject=Disclosure.Subject.FUNDRAISING,
        title="2026年“慈善一日捐”募捐情况",
        due_on=date(2026, 12, 31),
    )
