"""Demo: 福湖社区 as its village assistant finds it on first login — applications at every step,
a household change waiting for the county, all through the platform's own actions.

The district-sized city has a few thousand villages and the replayed history takes two
applications a month, so the demo village (`assistant_fuhu`'s 330203001001) was left with empty
pages; its warnings and 复核任务 come from the verification demo, which enrols its households
first (`verification.demo.DEMO_VILLAGE`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from minzheng.core import clock

if TYPE_CHECKING:
    from minzheng.accounts.models import User
    from minzheng.registry.models import Household

from minzheng.verification.demo import DEMO_VILLAGE  # 福湖社区, 南门街道, 海曙区

ASSISTANT = "assistant_fuhu"
CASEWORKER = "caseworker_nanmen"
APPROVER = "approver_haishu"

# The step each application is left at, in turn over the village's households.
PLANS: tuple[str, ...] = ("approved", "public_notice", "verification", "visit", "refused")
# A demo county's (鄞州's): one waits for its approver, who has no step in the village's plans.
COUNTY_PLANS: tuple[str, ...] = (
    "approved",
    "county_approval",
    "public_notice",
    "verification",
    "refused",
)
REASONS = {
    "approved": "户主因病失业，家庭收入明显下降",
    "county_approval": "老伴去世后独居，仅靠少量养老金生活",
    "public_notice": "配偶重病住院，家庭支出骤增",
    "verification": "独自抚养未成年子女，收入不稳定",
    "visit": "家庭成员残疾，无劳动能力",
    "refused": "家庭生活困难，申请低保",
}
DECLARED = {"refused": Decimal("2600")}  # above the line: refused at the township review


@dataclass
class VillageReport:
    applications: int = 0
    change_requests: int = 0


def seed_demo() -> VillageReport:
    """The demo village's own cases, then the other demo counties' (`seed_county`); the village's
    report."""
    from minzheng.registry.demo import DEMO_COUNTIES

    report = _seed_village()
    for county in DEMO_COUNTIES:
        seed_county(county)
    return report


def _seed_village() -> VillageReport:
    """The demo village's own cases; nothing on a second demo start (or without its staff)."""
    from minzheng.accounts.models import User
    from minzheng.applications.models import Application

    report = VillageReport()
    staff = {
        u.username: u for u in User.objects.filter(username__in=(ASSISTANT, CASEWORKER, APPROVER))
    }
    if len(staff) < 3:
        return report
    if Application.objects.filter(
        household__region_id=DEMO_VILLAGE, reason__in=REASONS.values()
    ).exists():
        return report
    return _apply_plans(DEMO_VILLAGE, PLANS, staff, report)


def seed_county(county_code: str) -> VillageReport:
    """The same for a county of `registry.demo.DEMO_COUNTIES` (鄞州): `COUNTY_PLANS` in its busiest
    village, taken in by that village's assistant, carried by its township's caseworker and
    decided by the county's approver, and a household change waiting for the approver. The
    village's staff are the replay's accounts (`registry.year.staff`: they cannot sign in).
    Nothing when the county has the demo's applications already."""
    from minzheng.accounts.scope import region_q
    from minzheng.applications.models import Application
    from minzheng.core.regioncode import RegionCode
    from minzheng.registry.demo import county_approver, county_village
    from minzheng.registry.year import _caseworker, staff

    report = VillageReport()
    if Application.objects.filter(
        region_q(RegionCode.of(county_code)), reason__in=REASONS.values()
    ).exists():
        return report
    approver = county_approver(county_code)
    village = county_village(county_code)
    if approver is None or village is None:
        return report
    people = {
        ASSISTANT: staff("village_assistant", village.code, f"{village.name}协理员"),
        CASEWORKER: _caseworker(village.code),
        APPROVER: approver,
    }
    return _apply_plans(village.code, COUNTY_PLANS, people, report)


def _apply_plans(
    village: str, plans: tuple[str, ...], staff: dict[str, User], report: VillageReport
) -> VillageReport:
    """`plans` for the village's first households with no 低保 and no application, one each
    (`_apply`), then a household change asked for the next one; counted in `report`."""
    from minzheng.registry.models import Household

    households = list(
        Household.objects.filter(region_id=village, closed_on__isnull=True, head__isnull=False)
        .exclude(enrolments__programme="dibao")
        .exclude(applications__isnull=False)
        .select_related("head")
        .order_by("id")
    )
    today = clock.today()
    for plan, household in zip(plans, households, strict=False):
        _apply(plan, household, staff, today)
        report.applications += 1
    rest = households[len(plans) :]
    if rest and _ask_for_change(rest[0], staff[ASSISTANT]):
        report.change_requests += 1
    return report


def _apply(plan: str, hh: Household, staff: dict[str, User], today: date) -> None:
    """One 低保 application taken in by the assistant and carried to `plan`'s step."""
    from minzheng.applications import actions

    assistant, caseworker, approver = staff[ASSISTANT], staff[CASEWORKER], staff[APPROVER]
    assert hh.head is not None
    # An approved case was taken in last month; the open ones this week.
    start = today - timedelta(
        days={"approved": 40, "county_approval": 20, "public_notice": 6, "refused": 9}.get(plan, 1)
    )
    if plan == "visit":
        start = today
    income = DECLARED.get(plan, Decimal("400"))
    with clock.dated(start):
        app = actions.do_submit_application(
            assistant,
            applicant=hh.head,
            programmes=["dibao"],
            declared_income=income,
            reason=REASONS[plan],
            consents_confirmed=True,
        )
        if plan == "visit":
            return  # waiting for the assistant's 入户调查
        actions.do_record_home_visit(
            assistant, app, visited_on=start, notes="入户核实家庭人口、住房和收入情况，情况属实"
        )
    if plan == "verification":
        return  # waiting for the caseworker's 家庭经济状况核对
    passed = plan != "refused"
    with clock.dated(start + timedelta(days=1)):
        app = actions.do_record_verification(
            caseworker,
            app,
            verified_income=income,
            passed=passed,
            note="部门数据比对无异常" if passed else "公积金缴存基数显示收入超过保障标准",
        )
        app = actions.do_township_review(
            caseworker,
            app,
            passed=passed,
            note="符合条件" if passed else "家庭收入超过低保标准，不予通过",
        )
    if plan not in ("approved", "county_approval"):
        return  # in 公示, or refused
    close_on = max(app.notice_ends_on or start, start + timedelta(days=9))
    with clock.dated(close_on):
        app = actions.do_close_public_notice(caseworker, app)
    if plan == "county_approval":
        return  # waiting for the county approver
    with clock.dated(close_on + timedelta(days=3)):
        actions.do_county_decide(approver, app, approve=True)


def _ask_for_change(hh: Household, assistant: User) -> bool:
    """家庭变更申请: a new head after the former one moved into care, waiting for the county."""
    from minzheng.registry.year import ask_head_change, head_successor

    chosen = head_successor(hh)
    if chosen is None:
        return False
    ask_head_change(assistant, hh, chosen)
    return True


# (county, reason): each county's 三快一缓 over the township of its demo village, for the second
# month of the replayed history — the applications its township takes in that month go through it.
FAST_TRACKS: tuple[tuple[str, str], ...] = (
    ("330203000000", "台风过境，南门街道部分家庭房屋进水、收入中断"),  # 海曙区: 南门街道
    ("330212000000", "暴雨内涝，部分家庭生活暂时困难"),  # 鄞州区: its demo village's township
)


def seed_fast_track() -> int:
    """快速通道 (三快一缓) started by each demo county's approver before the replayed history
    (`registry.year.seed_demo_history`), for the second replayed month over the township of the
    county's demo village (福湖社区's 南门街道 for 海曙): that month's applications there are
    taken in on the fast track and its 复核 exits are held (退出缓). Returns the periods
    started; nothing for a county that has one already."""
    from minzheng.applications.actions import do_start_fast_track
    from minzheng.applications.models import FastTrackPeriod
    from minzheng.core.regioncode import RegionCode
    from minzheng.core.yearmonth import YearMonth
    from minzheng.registry.demo import county_approver, county_village
    from minzheng.registry.year import DEMO_HISTORY_MONTHS

    month = YearMonth.of(clock.today()) - DEMO_HISTORY_MONTHS + 1
    started = 0
    for county, reason in FAST_TRACKS:
        if FastTrackPeriod.objects.unscoped_within(RegionCode.of(county)).exists():
            continue
        approver = county_approver(county)
        if RegionCode.of(county).contains(DEMO_VILLAGE):
            village: str | None = DEMO_VILLAGE
        else:
            busiest = county_village(county)
            village = busiest.code if busiest is not None else None
        if approver is None or village is None:
            continue
        with clock.dated(month.first_day()):
            do_start_fast_track(
                approver,
                region_code=RegionCode.of(village).township.code,
                starts_on=month.first_day(),
                ends_on=month.last_day(),
                reason=reason,
            )
        started += 1
    return started
