"""Demo data for policy: a proposed 海曙 standard waiting for a second person on 政策参数, and
this month's 低保抽查 of 海曙 and 鄞州.

海曙's approver proposes a higher 低保 standard from the first day of next month; it stays
pending, with its preview, until another person with the role and scope (the city administrator)
confirms it — so the maker-checker step is visible on first login. Each county approver has drawn
this month's spot check, so 低保抽查 and 复核任务 show households drawn; and the replayed months'
draws too, each concluded by the townships' caseworkers within its month — so a township and a
village the draws reached (南门街道, 福湖社区) see their own 低保抽查, not an empty page.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.assistance.actions import do_propose_parameter
from minzheng.assistance.models import PolicyParameter
from minzheng.assistance.parameters import Confidence
from minzheng.core import clock
from minzheng.core.errors import ValidationFailed
from minzheng.core.yearmonth import YearMonth

HAISHU = "330203"
PROPOSER = "approver_haishu"
SPOT_CHECKERS = ("approver_haishu", "approver_yinzhou")
BACK_PAY_PROPOSER = "caseworker_nanmen"
KEY = "dibao.standard_monthly"
DEMO_STANDARD = Decimal("800")
DEMO_SOURCE = (
    "演示数据：海曙区拟提高低保标准，非真实文件（发文机关、文号及条款原文未见），"
    "确认前须换成区政府的正式文件"
)


def seed_demo() -> None:
    """Idempotent: nothing is added twice."""
    from minzheng.registry.demo import DEMO_COUNTIES

    _seed_proposal()
    _seed_past_spot_checks()
    _seed_spot_checks()
    _seed_back_pay()
    seed_fuhu_back_pay()
    for county in DEMO_COUNTIES:
        seed_county_back_pay(county)


def _seed_back_pay() -> None:
    """A pending 补发 for a 海曙 household: last month's correction, waiting for a second person."""
    from minzheng.assistance.models import Enrolment
    from minzheng.payments.backpay import do_propose_back_pay
    from minzheng.payments.models import BackPay

    if BackPay.objects.exists():
        return
    caseworker = User.objects.filter(username=BACK_PAY_PROPOSER).first()
    if caseworker is None:
        return
    last_month = YearMonth.of(clock.today()) - 1
    enrolment = (
        Enrolment.objects.visible_to(caseworker)  # a household of the caseworker's township
        .filter(
            programme="dibao",
            status=Enrolment.Status.ACTIVE,
            person__isnull=True,
            start_month__lte=last_month.first_day(),
        )
        .order_by("id")
        .first()
    )
    if enrolment is None:
        return
    do_propose_back_pay(
        caseworker,
        enrolment,
        from_month=str(last_month),
        to_month=str(last_month),
        monthly_amount="30",
        reason="演示：上月按旧金额发放，少发30元，按复核结论补发",
    )


# (months back the correction covers, amount a month, reason, approved by the county approver)
COUNTY_BACK_PAYS: tuple[tuple[int, str, str, bool], ...] = (
    (2, "45", "演示：复核发现家庭成员残疾等级提高，按分类施保补发两个月差额", True),
    (1, "30", "演示：上月按旧金额发放，少发30元，按复核结论补发", False),
)


def seed_county_back_pay(county_code: str) -> int:
    """补发 in a demo county (鄞州): `COUNTY_BACK_PAYS` for its first two households enrolled in
    低保 since before the months they cover, proposed by their township's caseworker; the first
    approved by the county approver (the second person), the second waiting for them. Returns
    how many it proposed; 0 when the county has a back pay already."""
    from datetime import timedelta

    from minzheng.assistance.models import Enrolment
    from minzheng.core.regioncode import RegionCode
    from minzheng.payments.backpay import do_approve_back_pay, do_propose_back_pay
    from minzheng.payments.models import BackPay
    from minzheng.registry.year import _caseworker

    unit = RegionCode.of(county_code)
    if BackPay.objects.unscoped_within(unit).exists():
        return 0
    from minzheng.registry.demo import county_approver

    approver = county_approver(county_code)
    oldest = max(back for back, *_ in COUNTY_BACK_PAYS)
    since = (YearMonth.of(clock.today()) - oldest - 1).first_day()
    enrolments = list(
        Enrolment.objects.unscoped_within(unit)
        .filter(
            programme="dibao",
            status=Enrolment.Status.ACTIVE,
            person__isnull=True,
            start_month__lte=since,
        )
        .order_by("id")[: len(COUNTY_BACK_PAYS)]
    )
    if approver is None:
        return 0
    made = 0
    for enrolment, (back, amount, reason, approved) in zip(
        enrolments, COUNTY_BACK_PAYS, strict=False
    ):
        proposed_on = clock.today() - timedelta(days=3 + 10 * back)
        proposed_month = YearMonth.of(proposed_on)
        with clock.dated(proposed_on):
            back_pay = do_propose_back_pay(
                _caseworker(enrolment.region_id),
                enrolment,
                from_month=str(proposed_month - back),
                to_month=str(proposed_month - 1),
                monthly_amount=amount,
                reason=reason,
            )
        if approved:
            with clock.dated(proposed_on + timedelta(days=2)):
                do_approve_back_pay(approver, back_pay)
        made += 1
    return made


def _seed_spot_checks() -> None:
    from minzheng.applications.models import SpotCheck
    from minzheng.applications.spot_checks import do_draw_spot_check

    month = YearMonth.of(clock.today())
    for username in SPOT_CHECKERS:
        approver = User.objects.filter(username=username).first()
        if (
            approver is None
            or SpotCheck.objects.filter(
                county_id=approver.region_id, month=month.first_day()
            ).exists()
        ):
            continue
        try:
            do_draw_spot_check(approver, month)
        except ValidationFailed:
            continue  # no 低保 household enrolled in that county this month


def _seed_past_spot_checks() -> None:
    """Each replayed month's draw, on its second day, by the county approver; every household's
    review concluded on the 15th by its township's caseworker (`registry.year.staff`: the demo's,
    else the replay's account): 入户核实, 继续保障."""
    from datetime import timedelta

    from minzheng.applications.actions import do_complete_review
    from minzheng.applications.models import ReviewTask, SpotCheck
    from minzheng.applications.spot_checks import do_draw_spot_check
    from minzheng.registry.year import DEMO_HISTORY_MONTHS, _caseworker

    this_month = YearMonth.of(clock.today())
    approvers = list(User.objects.filter(username__in=SPOT_CHECKERS).order_by("username"))
    for back in range(DEMO_HISTORY_MONTHS, 0, -1):
        month = this_month - back
        for approver in approvers:
            if SpotCheck.objects.filter(
                county_id=approver.region_id, month=month.first_day()
            ).exists():
                continue
            try:
                with clock.dated(month.first_day() + timedelta(days=1)):
                    check = do_draw_spot_check(approver, month)
            except ValidationFailed:
                continue  # no 低保 household enrolled in that county that month
            items = check.items.select_related("review", "enrolment").order_by("rank")
            with clock.dated(month.first_day() + timedelta(days=14)):
                for item in items:
                    if item.review.status != ReviewTask.Status.OPEN:
                        continue
                    do_complete_review(
                        _caseworker(item.enrolment.region_id),
                        item.review,
                        outcome=ReviewTask.Outcome.CONTINUE.value,
                        note="低保抽查入户核实：家庭人口、收入和财产无变化，继续保障",
                    )


def _seed_proposal() -> None:
    pending = PolicyParameter.objects.filter(
        key=KEY, region_code=HAISHU, status=PolicyParameter.Status.PENDING
    )
    if pending.exists():
        return
    next_month = YearMonth.of(timezone.localdate()) + 1
    do_propose_parameter(
        User.objects.get(username=PROPOSER),
        key=KEY,
        region_code=HAISHU,
        effective_from=next_month.first_day(),
        value=str(DEMO_STANDARD),
        source=DEMO_SOURCE,
        confidence=Confidence.NF.value,
        illustrative=True,
        note="演示：待市局管理员确认",
    )


FUHU = "330203001001"  # 福湖社区, the demo village assistant's
FUHU_BACK_PAY_REASON = "两个月前该户按旧标准发放，每月少发45元，经入户核实按复核结论补发"


def seed_fuhu_back_pay() -> int:
    """A 补发 in 福湖社区: the village assistant proposes, two days ago, 45 元 owed for the month
    before last to the village's first 低保 family on the roll whose head is living; 海曙's approver (another person)
    approves it today, so this month's roll pays it — the village assistant's 补发 is not empty
    (the township's pending one went to another village's family). Returns 1 when made;
    idempotent: nothing when a 福湖社区 back-pay exists."""
    from datetime import timedelta

    from minzheng.assistance.models import Enrolment
    from minzheng.payments.backpay import do_approve_back_pay, do_propose_back_pay
    from minzheng.payments.models import BackPay

    if BackPay.objects.filter(region_id=FUHU).exists():
        return 0
    assistant = User.objects.filter(role="village_assistant", region_id=FUHU).first()
    approver = User.objects.filter(username=PROPOSER).first()
    if assistant is None or approver is None:
        return 0
    today = clock.today()
    owed = YearMonth.of(today) - 2
    enrolment = (
        Enrolment.objects.visible_to(assistant)
        .filter(
            programme="dibao",
            status=Enrolment.Status.ACTIVE,
            person__isnull=True,
            start_month__lte=owed.first_day(),
            household__head__date_of_death__isnull=True,  # the payee: a living head
        )
        .order_by("id")
        .first()
    )
    if enrolment is None:
        return 0
    with clock.dated(max(today - timedelta(days=2), today.replace(day=1))):
        back_pay = do_propose_back_pay(
            assistant,
            enrolment,
            from_month=str(owed),
            to_month=str(owed),
            monthly_amount="45",
            reason=FUHU_BACK_PAY_REASON,
        )
    with clock.dated(today):
        do_approve_back_pay(approver, back_pay)
    return 1
