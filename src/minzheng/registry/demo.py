"""Demo: 临时救助 recorded by the demo caseworker — migrants outside the registry, and two
families of 福湖社区 (the demo village assistant's) and two of 鄞州's busiest village (the other
county approver's, `DEMO_COUNTIES`).

One of the synthetic city's planted cases (docs/synthetic_city.md): people from other provinces,
in no household of the registry, whose one-off payment waits for the county approver. In 福湖社区
a family's head was taken into hospital last month (approved by 海曙's approver) and another
family's kitchen burned this week (waiting for him).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from minzheng.core.regioncode import county_of
from minzheng.registry import economy

if TYPE_CHECKING:
    from minzheng.accounts.models import User
    from minzheng.regions.models import Region

DEMO_MIGRANTS = 4
CASEWORKER = "caseworker_nanmen"
APPROVER = "approver_haishu"
VILLAGE = "330203001001"  # 福湖社区
# The counties whose approver the demo gives a county of their own to open, beside 海曙 (the seeds
# above, around the demo's 南门街道 and 福湖社区): 鄞州, approver_yinzhou's (issue #14).
DEMO_COUNTIES = ("330212000000",)
# (reason, months of the 低保 standard, days ago, approved)
VILLAGE_CASES: tuple[tuple[str, int, int, bool], ...] = (
    ("户主突发脑梗住院，医保报销后自付费用较高", 2, 24, True),
    ("厨房失火，炊具和被褥损毁，生活暂时困难", 1, 3, False),
)


def seed_demo(count: int = DEMO_MIGRANTS, seed: int = 2020) -> int:
    """Record `count` migrants' 临时救助 cases (drafts for 海曙's approver); idempotent."""
    from minzheng.accounts.models import User
    from minzheng.assistance.policy import load_policy
    from minzheng.assistance.queries import parameter_set
    from minzheng.core.clock import today
    from minzheng.payments.actions import do_create_temporary_case
    from minzheng.payments.models import TemporaryCase

    caseworker = User.objects.filter(username=CASEWORKER).select_related("region").first()
    if caseworker is None or caseworker.region is None:
        return 0
    made = seed_village_cases(caseworker)
    for county in DEMO_COUNTIES:
        made += seed_county_cases(county)
    if TemporaryCase.objects.filter(person__isnull=True, made_by=caseworker).exists():
        return made
    region = caseworker.region
    standard = load_policy(parameter_set(county_of(region.code), today())).standard.value
    for migrant in economy.migrants(np.random.default_rng([seed, 7]), count):
        do_create_temporary_case(
            caseworker,
            region=region,
            amount=Decimal(standard * migrant.standard_multiple),
            reason=f"外来务工人员：{migrant.reason}",
            bank_name="中国农业银行宁波分行",
            account_number=migrant.account_number,
            name=migrant.name,
            id_number=migrant.id_number,
        )
        made += 1
    return made


def county_village(county_code: str) -> Region | None:
    """The county's village with the most open households (the lowest code among equals): where
    the demo's county seeds find their families, as 海曙's find them in 福湖社区."""
    from django.db.models import Count

    from minzheng.core.regioncode import RegionCode
    from minzheng.regions.models import Level, Region
    from minzheng.registry.models import Household

    busiest = (
        Household.objects.unscoped_within(RegionCode.of(county_code))
        .filter(closed_on__isnull=True, head__isnull=False, region__level=Level.VILLAGE)
        .values("region_id")
        .annotate(n=Count("id"))
        .order_by("-n", "region_id")
        .first()
    )
    return Region.objects.get(pk=busiest["region_id"]) if busiest else None


def county_approver(county_code: str) -> User | None:
    """The county's first active county approver (the demo's own login, e.g. approver_yinzhou), or
    None: the county seeds act as them and do nothing without one."""
    from minzheng.accounts.models import User

    return (
        User.objects.filter(role="county_approver", region_id=county_code, is_active=True)
        .order_by("id")
        .first()
    )


def seed_county_cases(county_code: str) -> int:
    """临时救助 in a county of `DEMO_COUNTIES`, as `seed_village_cases` does for 福湖社区: two
    families of its busiest village recorded by their township's caseworker, one approved by the
    county approver three weeks ago, one waiting for them. Nothing when the county has a case of a
    registered resident already."""
    from minzheng.core.regioncode import RegionCode
    from minzheng.payments.models import TemporaryCase
    from minzheng.registry.year import _caseworker

    unit = RegionCode.of(county_code)
    if TemporaryCase.objects.unscoped_within(unit).filter(person__isnull=False).exists():
        return 0
    approver = county_approver(county_code)
    village = county_village(county_code)
    if approver is None or village is None:
        return 0
    return _record_family_cases(_caseworker(village.code), approver, village.code, "鄞州银行")


def seed_village_cases(caseworker: User) -> int:
    """福湖社区's two 临时救助 cases, for its first families' heads; nothing when they exist."""
    from minzheng.accounts.models import User
    from minzheng.payments.models import TemporaryCase

    if TemporaryCase.objects.filter(region_id=VILLAGE, person__isnull=False).exists():
        return 0
    approver = User.objects.filter(username=APPROVER).first()
    return _record_family_cases(caseworker, approver, VILLAGE, "宁波银行海曙支行")


def _record_family_cases(caseworker: User, approver: User | None, village: str, bank: str) -> int:
    """`VILLAGE_CASES` for the village's first families' heads, dated days ago: recorded by the
    caseworker, the approved ones decided by the approver two days later."""
    from minzheng.assistance.policy import load_policy
    from minzheng.assistance.queries import parameter_set
    from minzheng.core import clock
    from minzheng.payments.actions import do_create_temporary_case, do_decide_temporary_case
    from minzheng.registry.models import Household

    heads = [
        h.head
        for h in Household.objects.filter(
            region_id=village, closed_on__isnull=True, head__isnull=False
        )
        .select_related("head", "head__region")
        .order_by("pk")[: len(VILLAGE_CASES)]
    ]
    if not heads:
        return 0
    today = clock.today()
    standard = load_policy(parameter_set(county_of(village), today)).standard.value
    rng = np.random.default_rng([2020, 8])
    made = 0
    for head, (reason, months, days_ago, approved) in zip(heads, VILLAGE_CASES, strict=False):
        if head is None or head.region is None:
            continue
        with clock.dated(today - timedelta(days=days_ago)):
            case = do_create_temporary_case(
                caseworker,
                region=head.region,
                amount=Decimal(standard * months),
                reason=reason,
                bank_name=bank,
                account_number="6230" + "".join(str(d) for d in rng.integers(0, 10, 15)),
                person=head,
            )
        if approved and approver is not None:
            with clock.dated(today - timedelta(days=days_ago - 2)):
                do_decide_temporary_case(approver, case, approve=True)
        made += 1
    return made


ASSISTANT = "assistant_fuhu"
# (relationship, name, birth date, serial): a family that moved into 福湖社区, entered by the
# village assistant through 家庭户导入 (the template's columns, `registry.template`).
NEW_FAMILY: tuple[tuple[str, str, str, str], ...] = (
    ("户主", "林志强", "19780412", "357"),
    ("配偶", "郑晓燕", "19800923", "468"),
    ("子女", "林子涵", "20090306", "521"),
)
NEW_FAMILY_ADDRESS = "海曙区南门街道福湖社区柳汀街36号"
NEW_FAMILY_ID_AREA = "330203"  # their ID numbers' address code: 海曙区


def seed_household_import() -> int:
    """后台任务 for the village and its township: 福湖社区's assistant imports a family that moved
    in (`NEW_FAMILY`) through the 家庭户导入 job (`jobs.actions.do_start_job`, run here by the
    worker's own runner). Returns the households imported; nothing when the assistant has started
    an import already."""
    from minzheng.accounts.models import User
    from minzheng.jobs.models import Job

    assistant = User.objects.filter(username=ASSISTANT, is_active=True).first()
    if (
        assistant is None
        or Job.objects.filter(kind="household_import", started_by=assistant).exists()
    ):
        return 0
    import io  # the workbook's modules only when there is one to write (0.7 s under load)

    from openpyxl import Workbook

    from minzheng.core.idnumber import check_digit
    from minzheng.jobs.actions import do_start_job
    from minzheng.jobs.runner import execute
    from minzheng.registry.template import HEADERS

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(HEADERS))
    for relationship, name, born, serial in NEW_FAMILY:
        first17 = f"{NEW_FAMILY_ID_AREA}{born}{serial}"
        row = {
            "户编号": "1",
            "与户主关系": relationship,
            "姓名": name,
            "身份证号": first17 + check_digit(first17),
            "村社区代码": VILLAGE,
            "地址": NEW_FAMILY_ADDRESS,
            "户口性质": "城镇",
        }
        sheet.append([row.get(header, "") for header in HEADERS])
    data = io.BytesIO()
    book.save(data)
    job = do_start_job(
        assistant, "household_import", {}, upload=data.getvalue(), upload_name="新迁入家庭.xlsx"
    )
    execute(job.pk)  # the worker's runner, here and now (the demo waits for no worker)
    job.refresh_from_db()
    return int((job.result or {}).get("households_created", 0) or 0)
