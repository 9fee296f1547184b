"""居家养老服务 and the time bank through the actions: visits with check-in/out, hours deposited by
volunteers and withdrawn for service received, never below zero, exact decimals, by county."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from minzheng.core.errors import DomainError, NotFound, PermissionDenied
from minzheng.eldercare import homecare
from minzheng.eldercare.home_queries import service_figures, timebank_accounts
from minzheng.eldercare.models import CareVisit, TimeBankEntry
from minzheng.registry.models import Person

D = Decimal


def at(days_ago: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def setting(
    elders_fuhu: dict[str, Any], household_li_three_members: Any, caseworker_nanmen: Any
) -> dict[str, Any]:
    provider = homecare.do_add_provider(
        caseworker_nanmen, name="福湖志愿服务队", kind="volunteer_team", region_code="330203001001"
    )
    return {
        "provider": provider,
        "client": elders_fuhu["钱阿婆"],
        "volunteer": Person.objects.get(name="李明"),
        "elder": elders_fuhu["钱永福"],
    }


def test_a_volunteers_visit_deposits_and_a_timebank_order_withdraws(
    setting: dict[str, Any], caseworker_nanmen: Any
) -> None:
    order = homecare.do_open_order(
        caseworker_nanmen,
        person_id=setting["client"].pk,
        provider_id=setting["provider"].pk,
        service="companionship",
    )
    visit = homecare.do_record_visit(
        caseworker_nanmen,
        order.pk,
        check_in=at(2, 9, 0),
        check_out=at(2, 10, 50),  # 110 minutes: 7 whole quarter hours
        caregiver="李明",
        volunteer_id=setting["volunteer"].pk,
    )
    assert visit.minutes == 110
    entry = TimeBankEntry.objects.get(person=setting["volunteer"])
    assert entry.note == "为钱阿婆提供精神慰藉服务"
    assert (entry.kind, entry.hours, entry.balance, entry.visit_id) == (
        "deposit",
        D("1.75"),
        D("1.75"),
        visit.pk,
    )
    # 钱永福 received service paid from his own hours: he had 1.00, a 45-minute visit takes 0.75.
    homecare.do_timebank_entry(
        caseworker_nanmen, person_id=setting["elder"].pk, kind="deposit", hours=D("1"), note="结存"
    )
    paid_order = homecare.do_open_order(
        caseworker_nanmen,
        person_id=setting["elder"].pk,
        provider_id=setting["provider"].pk,
        service="errand_help",
        timebank=True,
    )
    homecare.do_record_visit(
        caseworker_nanmen,
        paid_order.pk,
        check_in=at(1, 14),
        check_out=at(1, 14, 45),
        caregiver="志愿者",
    )
    withdrawal = TimeBankEntry.objects.filter(person=setting["elder"]).first()
    assert (withdrawal.balance, withdrawal.note) == (D("0.25"), "兑换代办服务")  # not 代办服务服务
    # The next visit would need 0.50: refused, and neither the visit nor a line is saved.
    with pytest.raises(DomainError, match=r"时间银行余额不足：余额 0\.25 小时，需支取 0\.50 小时"):
        homecare.do_record_visit(
            caseworker_nanmen,
            paid_order.pk,
            check_in=at(1, 16),
            check_out=at(1, 16, 30),
            caregiver="志愿者",
        )
    assert CareVisit.objects.filter(order=paid_order).count() == 1
    assert TimeBankEntry.objects.filter(person=setting["elder"]).count() == 2
    accounts = {
        a.name: (a.deposited, a.withdrawn, a.balance) for a in timebank_accounts(caseworker_nanmen)
    }
    assert accounts == {
        "李明": (D("1.75"), D("0.00"), D("1.75")),
        "钱永福": (D("1.00"), D("0.75"), D("0.25")),
    }
    [figures] = service_figures(caseworker_nanmen)
    assert (figures.county, figures.orders, figures.visits, figures.minutes) == (
        "海曙区",
        2,
        2,
        155,
    )
    assert (figures.hours, figures.volunteer_hours) == (D("2.58"), D("1.83"))


def test_bad_visits_are_refused_and_change_nothing(
    setting: dict[str, Any], caseworker_nanmen: Any
) -> None:
    order = homecare.do_open_order(
        caseworker_nanmen,
        person_id=setting["client"].pk,
        provider_id=setting["provider"].pk,
        service="home_cleaning",
    )
    homecare.do_record_visit(
        caseworker_nanmen, order.pk, check_in=at(3, 9), check_out=at(3, 10), caregiver="张阿姨"
    )
    cases = [
        (at(2, 10), at(2, 9), "张阿姨", None, "签出时间应晚于签到时间"),
        (at(2, 23), at(1, 1), "张阿姨", None, "同一天"),
        (
            at(0, 0) + timedelta(days=1),
            at(0, 1) + timedelta(days=1),
            "张阿姨",
            None,
            "不能晚于当前时间",
        ),
        (at(3, 9, 30), at(3, 10, 30), "张阿姨", None, "已有服务记录"),
        (at(2, 9), at(2, 10), " ", None, "请填写服务人员"),
        (at(2, 9), at(2, 9, 10), "李明", setting["volunteer"].pk, "不足15分钟"),
        (at(2, 9), at(2, 10), "钱阿婆", setting["client"].pk, "志愿者不能是服务对象本人"),
    ]
    for check_in, check_out, caregiver, volunteer, message in cases:
        with pytest.raises(DomainError, match=message):
            homecare.do_record_visit(
                caseworker_nanmen,
                order.pk,
                check_in=check_in,
                check_out=check_out,
                caregiver=caregiver,
                volunteer_id=volunteer,
            )
    assert CareVisit.objects.count() == 1 and not TimeBankEntry.objects.exists()
    with pytest.raises(DomainError, match="余额不足"):
        homecare.do_timebank_entry(
            caseworker_nanmen,
            person_id=setting["client"].pk,
            kind="withdrawal",
            hours=D("0.5"),
            note="兑换",
        )
    homecare.do_close_order(caseworker_nanmen, order.pk, reason="老人入住养老机构")
    with pytest.raises(DomainError, match="该工单已结束"):
        homecare.do_record_visit(
            caseworker_nanmen, order.pk, check_in=at(1, 9), check_out=at(1, 10), caregiver="张阿姨"
        )
    assert not TimeBankEntry.objects.exists()


def test_orders_and_providers_are_kept_to_their_area(
    setting: dict[str, Any],
    caseworker_nanmen: Any,
    caseworker_xiaying: Any,
    approver_haishu: Any,
    approver_yinzhou: Any,
) -> None:
    with pytest.raises(DomainError, match="不在您的管辖范围内"):
        homecare.do_add_provider(
            caseworker_nanmen, name="下应服务站", kind="care_company", region_code="330212003000"
        )
    with pytest.raises(
        PermissionDenied, match="只有乡镇经办员、村社协理员可以派发居家养老服务工单"
    ):
        homecare.do_open_order(
            approver_haishu,
            person_id=setting["client"].pk,
            provider_id=setting["provider"].pk,
            service="home_cleaning",
        )
    with pytest.raises(NotFound, match="人员不存在或不在您的管辖范围内"):
        homecare.do_open_order(
            caseworker_xiaying,
            person_id=setting["client"].pk,
            provider_id=setting["provider"].pk,
            service="home_cleaning",
        )
    with pytest.raises(DomainError, match="未满60周岁"):
        homecare.do_open_order(
            caseworker_nanmen,
            person_id=setting["volunteer"].pk,
            provider_id=setting["provider"].pk,
            service="home_cleaning",
        )
    with pytest.raises(DomainError, match="请选择服务项目"):
        homecare.do_open_order(
            caseworker_nanmen,
            person_id=setting["client"].pk,
            provider_id=setting["provider"].pk,
            service="massage",
        )
    order = homecare.do_open_order(
        caseworker_nanmen,
        person_id=setting["client"].pk,
        provider_id=setting["provider"].pk,
        service="home_bathing",
    )
    with pytest.raises(NotFound, match="服务工单不存在或不在您的管辖范围内"):
        homecare.do_record_visit(
            caseworker_xiaying, order.pk, check_in=at(1, 9), check_out=at(1, 10), caregiver="某"
        )
    assert service_figures(approver_yinzhou) == []
    assert [f.orders for f in service_figures(approver_haishu)] == [1]
