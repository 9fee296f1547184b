"""The demo shows a policy proposal waiting for a second person: 海曙's approver proposed it, the
city administrator (another person, with the scope) may confirm it, the proposer may not."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minzheng.assistance import actions
from minzheng.assistance.demo import seed_demo
from minzheng.assistance.models import PolicyParameter
from minzheng.core.errors import PermissionDenied
from tests.conftest import PASSWORD, _household

pytestmark = pytest.mark.django_db


def test_the_demo_leaves_one_pending_haishu_standard_for_a_second_person(
    approver_haishu: Any, city_admin: Any
) -> None:
    actions.do_load_parameter_catalog(None)
    seed_demo()
    seed_demo()  # idempotent
    pending = PolicyParameter.objects.get(status=PolicyParameter.Status.PENDING)
    assert (pending.key, pending.region_code) == ("dibao.standard_monthly", "330203")
    assert Decimal(str(pending.value)) == Decimal("800")
    assert pending.created_by == approver_haishu and pending.effective_from.day == 1
    assert "原文未见" in pending.source and pending.illustrative

    page = Client()
    page.login(username="city_admin", password=PASSWORD)
    html = page.get("/assistance/parameters/").content.decode()
    assert "待确认" in html and "800" in html

    with pytest.raises(
        PermissionDenied, match="提出人不能确认自己提出的参数调整，须由另一名有权限的人员确认"
    ):
        actions.do_confirm_parameter(approver_haishu, pending)
    confirmed = actions.do_confirm_parameter(city_admin, pending)
    assert confirmed.status == PolicyParameter.Status.ACTIVE


def test_the_demo_draws_this_months_spot_check_where_households_are_enrolled(
    approver_haishu: Any, approver_yinzhou: Any, caseworker_nanmen: Any
) -> None:
    from minzheng.applications.models import SpotCheck
    from minzheng.core import clock
    from minzheng.core.yearmonth import YearMonth

    actions.do_load_parameter_catalog(None)
    li = _household(
        "330203001001",
        "海曙区南门街道福湖社区解放南路12号",
        [("李建国", "330203195001011238", "head", date(1950, 1, 1), "")],
    )
    month = YearMonth.of(clock.today())
    actions.do_enrol(
        None,
        household=li,
        programme="dibao",
        start=month - 1,
        amount=Decimal("150.00"),
    )
    seed_demo()
    seed_demo()
    # 鄞州 has nobody enrolled: no draw there; 海曙 drew last month (replayed) and this month.
    assert list(SpotCheck.objects.order_by("month").values_list("county_id", "month")) == [
        ("330203000000", (month - 1).first_day()),
        ("330203000000", month.first_day()),
    ]
    check = SpotCheck.objects.get(month=month.first_day())
    assert (check.county_id, check.month, check.drawn) == ("330203000000", month.first_day(), 1)
    assert check.items.get().enrolment.household == li
    # and a 补发 for last month waits for a second person
    from minzheng.payments.models import BackPay

    back_pay = BackPay.objects.get()
    assert (back_pay.status, back_pay.total, back_pay.enrolment.household) == ("pending", 30, li)
