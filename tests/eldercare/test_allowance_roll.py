"""高龄津贴: found from the registry without application, banded by age on the month's first day,
paid through the county's monthly roll, moved up a band after a birthday, stopped by a death."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minzheng.assistance.models import Enrolment, EnrolmentAmount
from minzheng.core.errors import PermissionDenied
from minzheng.core.yearmonth import YearMonth
from minzheng.eldercare.actions import do_enrol_allowances
from minzheng.payments.jobs import run_roll
from minzheng.payments.models import PaymentLine
from minzheng.registry.actions import do_record_death

JUNE, JULY, AUGUST = YearMonth(2024, 6), YearMonth(2024, 7), YearMonth(2024, 8)


def _paid(month: YearMonth) -> dict[str, int]:
    lines = PaymentLine.objects.filter(programme="gaoling", kind="benefit", month=month.first_day())
    return dict(lines.values_list("payee__name", "amount_fen"))


def test_the_very_old_are_enrolled_by_band_without_application(
    elders_fuhu: dict[str, Any], household_li_three_members: Any, approver_haishu: Any
) -> None:
    run = do_enrol_allowances(approver_haishu, "330203", JUNE)
    assert (run.enrolled, run.raised, run.ended) == (4, 0, 0)
    amounts = {
        e.person.name: (e.start_month, e.amounts.get().amount, e.amounts.get().components["band"])
        for e in Enrolment.objects.filter(programme="gaoling").select_related("person")
    }
    assert amounts == {
        "钱永福": (date(2024, 6, 1), Decimal("100.00"), "80"),  # 84
        "孙桂兰": (date(2024, 6, 1), Decimal("100.00"), "80"),  # 89 until 15 July
        "钱阿婆": (date(2024, 6, 1), Decimal("500.00"), "90"),  # 91
        "钱老太": (date(2024, 6, 1), Decimal("800.00"), "100"),  # 102 on 31 May
    }
    again = do_enrol_allowances(approver_haishu, "330203", JUNE)
    assert (again.enrolled, again.raised, again.ended) == (0, 0, 0)
    assert Enrolment.objects.filter(programme="gaoling").count() == 4


def test_the_monthly_roll_pays_them(elders_fuhu: dict[str, Any], approver_haishu: Any) -> None:
    do_enrol_allowances(approver_haishu, "330203", JUNE)
    run_roll("330203", JUNE, approver_haishu)
    assert _paid(JUNE) == {"钱永福": 10000, "孙桂兰": 10000, "钱阿婆": 50000, "钱老太": 80000}


def test_a_birthday_moves_the_person_up_a_band_from_the_next_month(
    elders_fuhu: dict[str, Any], approver_haishu: Any
) -> None:
    do_enrol_allowances(approver_haishu, "330203", JUNE)
    assert do_enrol_allowances(approver_haishu, "330203", JULY).raised == 0  # still 89 on 1 July
    assert do_enrol_allowances(approver_haishu, "330203", AUGUST).raised == 1
    sun = Enrolment.objects.get(person=elders_fuhu["孙桂兰"])
    assert [(a.effective_month, a.amount) for a in sun.amounts.order_by("effective_month")] == [
        (date(2024, 6, 1), Decimal("100.00")),
        (date(2024, 8, 1), Decimal("500.00")),
    ]
    run_roll("330203", AUGUST, approver_haishu)  # the first roll: August alone
    assert _paid(AUGUST)["孙桂兰"] == 50000


def test_a_death_from_the_feed_stops_the_allowance(
    elders_fuhu: dict[str, Any], approver_haishu: Any
) -> None:
    do_enrol_allowances(approver_haishu, "330203", JUNE)
    run_roll("330203", JUNE, approver_haishu)
    do_record_death(None, elders_fuhu["钱老太"], date(2024, 6, 10), source="公安死亡数据")
    run = do_enrol_allowances(approver_haishu, "330203", JULY)
    assert (run.enrolled, run.ended) == (0, 1)
    ended = Enrolment.objects.get(person=elders_fuhu["钱老太"])
    assert (ended.status, ended.end_month) == ("ended", date(2024, 7, 1))
    run_roll("330203", JULY, approver_haishu)
    assert "钱老太" not in _paid(JULY) and _paid(JUNE)["钱老太"] == 80000
    assert do_enrol_allowances(approver_haishu, "330203", AUGUST).enrolled == 0  # not re-enrolled
    # June run again after the death ended her enrolment (which paid June): nobody enrolled twice
    assert do_enrol_allowances(approver_haishu, "330203", JUNE).enrolled == 0
    assert Enrolment.objects.filter(person=elders_fuhu["钱老太"]).count() == 1


def test_only_the_countys_approver_may_run_it(
    elders_fuhu: dict[str, Any], approver_yinzhou: Any, caseworker_nanmen: Any
) -> None:
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        do_enrol_allowances(approver_yinzhou, "330203", JUNE)
    with pytest.raises(PermissionDenied, match="县级审核审批员"):
        do_enrol_allowances(caseworker_nanmen, "330203", JUNE)
    assert EnrolmentAmount.objects.count() == 0


def test_the_page_runs_the_month_and_lists_the_allowances(
    elders_fuhu: dict[str, Any], approver_haishu: Any, caseworker_xiaying: Any
) -> None:
    client = Client()
    client.force_login(approver_haishu)
    page = client.post("/eldercare/allowances/", {"month": "2024-06"}).content.decode()
    assert "2024-06：新纳入 4 人" in page
    for text in ("钱老太", "100周岁及以上", "800.00", "80～89周岁", "每月 200.00 元"):
        assert text in page
    bad = client.post("/eldercare/allowances/", {"month": "2024-6月"}).content.decode()
    assert "月份格式应为 YYYY-MM" in bad
    other = Client()
    other.force_login(caseworker_xiaying)
    assert "钱老太" not in other.get("/eldercare/allowances/").content.decode()
