"""Confirming a standard re-prices 单人户低保 enrolments too: from the effective month the household
page, the enrolment's amount, the roll and the API give the same amount for the person."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from minzheng.api.actions import do_create_api_client
from minzheng.assistance import actions
from minzheng.assistance.eligibility import explain_household
from minzheng.assistance.models import Enrolment
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions import do_run_roll
from minzheng.payments.models import PaymentLine
from minzheng.registry.models import Person
from tests.applications.conftest import at
from tests.conftest import _household

pytestmark = pytest.mark.django_db

JULY, AUGUST = YearMonth(2021, 7), YearMonth(2021, 8)


@pytest.fixture
def sun(caseworker_nanmen: Any) -> Any:
    """孙建华 (wage 1,700) and his son 孙磊 (grade-1 physical disability, no income) in 海曙:
    1,700 ≥ 750 × 2, so not household 低保; 孙磊 qualifies alone as 单人户."""
    household = _household(
        "330203001001",
        "海曙区南门街道福湖社区解放南路30号",
        [
            ("孙建华", "330203196605061231", "head", date(1966, 5, 6), ""),
            ("孙磊", "330203199303071236", "child", date(1993, 3, 7), ""),
        ],
    )
    Person.objects.filter(name="孙磊").update(disability_category="physical", disability_grade=1)
    actions.do_record_income(
        caseworker_nanmen,
        Person.objects.get(name="孙建华"),
        kind="wage",
        monthly_amount=Decimal("1700"),
        valid_from=date(2020, 1, 1),
    )
    return household


def _single(decisions: list[dict[str, Any]]) -> dict[str, Any]:
    [one] = [d for d in decisions if d["route"] == "single_person"]
    return one


def test_a_confirmed_haishu_standard_reprices_the_single_person_enrolment_everywhere(
    sun: Any, approver_haishu: Any, make_staff: Callable[..., Any]
) -> None:
    actions.do_load_parameter_catalog(None)
    lei = Person.objects.get(name="孙磊")
    # 750 − 0 + 分类施保 20 % × 750 = 900
    assert _single(explain_household(sun, JULY.first_day())["decisions"])["monthly_amount"] == (
        "900.00"
    )
    enrolment = actions.do_enrol(
        None, household=sun, person=lei, programme="dibao", start=JULY, amount=Decimal("900.00")
    )
    checker = make_staff("approver_haishu_2", "county_approver", "330203000000")
    with time_machine.travel(at(date(2021, 7, 12)), tick=False):
        proposal = actions.do_propose_parameter(
            approver_haishu,
            key="dibao.standard_monthly",
            region_code="330203",
            effective_from=AUGUST.first_day(),
            value="800",
            source="测试：海曙区2021年8月起低保标准（原文未见）",
        )
        actions.do_confirm_parameter(checker, proposal)

    # the household page: 800 + 160 = 960 from August
    page = _single(explain_household(sun, AUGUST.first_day())["decisions"])
    assert page["monthly_amount"] == "960.00"
    # the enrolment (what an approval grants and the roll pays) is re-priced from August
    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    assert [(f"{a.effective_month:%Y-%m}", a.amount) for a in enrolment.amounts.order_by("id")] == [
        ("2021-07", Decimal("900.00")),
        ("2021-08", Decimal("960.00")),
    ]
    # the roll: July at the old amount, August at the new one
    for month, amount in ((JULY, "900.00"), (AUGUST, "960.00")):
        roll = do_run_roll(None, "330203", month).roll
        line = PaymentLine.objects.get(roll=roll, source_id=enrolment.pk, month=month.first_day())
        assert line.amount == Decimal(amount) and line.payee_id == lei.pk
    # the API
    _, token = do_create_api_client(
        None,
        name="海曙区救助测算",
        scopes=["eligibility:evaluate", "registry:read"],
        region_code="330203000000",
    )
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(
        f"/api/v1/eligibility/households/{sun.pk}", {"as_of": AUGUST.first_day().isoformat()}
    )
    assert _single(api.json()["decisions"])["monthly_amount"] == "960.00"
