"""One source of policy: a confirmed 鄞州 standard from a month changes what the household page,
the approval, the roll and the API give from that month — and nothing in 海曙 (issue #11)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from minzheng.api.actions import do_create_api_client
from minzheng.applications import actions as app_actions
from minzheng.assistance import actions
from minzheng.assistance.eligibility import explain_household
from minzheng.assistance.models import Enrolment
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions import do_run_roll
from minzheng.payments.models import PaymentLine
from minzheng.payments.parameter_catalog import payment_parameters
from minzheng.registry.models import Person
from tests.applications.conftest import at
from tests.assistance.test_household_facts import li_with_economy
from tests.conftest import _household

pytestmark = pytest.mark.django_db

JULY, AUGUST = YearMonth(2021, 7), YearMonth(2021, 8)
NEW_STANDARD = "dibao.standard_monthly@330212@2021-08-01"


@pytest.fixture
def zhou(caseworker_xiaying: Any) -> Any:
    """周海燕 (43) and her son 周晓东 (18 in May 2021) in 鄞州; her wage 600 is the only income."""
    household = _household(
        "330212003001",
        "鄞州区下应街道福晖新村社区天童南路88号",
        [
            ("周海燕", "330227197809123320", "head", date(1978, 9, 12), "13905749876"),
            ("周晓东", "330212200305060012", "child", date(2003, 5, 6), ""),
        ],
    )
    actions.do_record_income(
        caseworker_xiaying,
        Person.objects.get(name="周海燕"),
        kind="wage",
        monthly_amount=Decimal("600"),
        valid_from=date(2020, 1, 1),
    )
    return household


def _enrol(household: Any, amount: str) -> Enrolment:
    return actions.do_enrol(
        None, household=household, programme="dibao", start=JULY, amount=Decimal(amount)
    )


def _roll_amount(county: str, month: YearMonth, enrolment: Enrolment) -> Decimal:
    roll = do_run_roll(None, county, month).roll
    line = PaymentLine.objects.get(roll=roll, source_id=enrolment.pk, month=month.first_day())
    return line.amount


def test_a_confirmed_yinzhou_standard_reaches_the_page_the_approval_the_roll_and_the_api(
    zhou: Any,
    caseworker_nanmen: Any,
    approver_yinzhou: Any,
    make_staff: Callable[..., Any],
    caseworker_xiaying: Any,
) -> None:
    checker = make_staff("approver_yinzhou_2", "county_approver", "330212000000")
    li = li_with_economy(caseworker_nanmen)
    # in force before: 鄞州 1,005 (its own 2021 value), 海曙 the city's 750
    assert explain_household(zhou, AUGUST.first_day())["decisions"][0]["monthly_amount"] == (
        "1410.00"  # 1,005 × 2 − 600
    )
    zhou_enrolment = _enrol(zhou, "1410.00")
    li_enrolment = _enrol(li, "150.00")  # 750 × 3 − (400 + 1,800 − 100)

    with time_machine.travel(at(date(2021, 7, 12)), tick=False):
        proposal = actions.do_propose_parameter(
            approver_yinzhou,
            key="dibao.standard_monthly",
            region_code="330212",
            effective_from=AUGUST.first_day(),
            value="1100",
            source="测试：鄞州区2021年8月起低保标准（示例）",
        )
        actions.do_confirm_parameter(checker, proposal)

    # the household page, the payment parameters and the approval all read the same row
    page = explain_household(zhou, AUGUST.first_day())["decisions"][0]
    assert page["monthly_amount"] == "1600.00"  # 1,100 × 2 − 600
    assert NEW_STANDARD in {p["version"] for c in page["criteria"] for p in c["parameters"]}
    assert payment_parameters("330212", AUGUST.first_day()).decimal("dibao.standard_monthly")[
        0
    ] == Decimal("1100")
    assert payment_parameters("330203", AUGUST.first_day()).decimal("dibao.standard_monthly")[
        0
    ] == Decimal("750")

    # the roll: July at the old amount, August (month M) at the new one; 海曙 unchanged
    assert _roll_amount("330212", JULY, zhou_enrolment) == Decimal("1410.00")
    assert _roll_amount("330212", AUGUST, zhou_enrolment) == Decimal("1600.00")
    assert _roll_amount("330203", AUGUST, li_enrolment) == Decimal("150.00")
    assert explain_household(li, AUGUST.first_day())["decisions"][0]["monthly_amount"] == "150.00"

    # the API gives the same amount for the same household and month
    _, token = do_create_api_client(
        None,
        name="鄞州区救助测算",
        scopes=["eligibility:evaluate", "registry:read"],
        region_code="330212000000",
    )
    partner = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    api = partner.get(
        f"/api/v1/eligibility/households/{zhou.pk}", {"as_of": AUGUST.first_day().isoformat()}
    ).json()
    assert api["decisions"][0]["monthly_amount"] == "1600.00"

    # an approval after the new standard grants the new amount
    actions.do_end_enrolment(None, zhou_enrolment, last_paid_month=AUGUST, reason="测试：重新申请")
    with time_machine.travel(at(date(2021, 9, 1)), tick=False) as clock:
        app = app_actions.do_submit_application(
            caseworker_xiaying,
            applicant=zhou.head,
            programmes=["dibao"],
            declared_income=Decimal("600"),
            consents_confirmed=True,
        )
        app_actions.do_record_home_visit(
            caseworker_xiaying, app, visited_on=date(2021, 9, 1), notes="母子二人"
        )
        app_actions.do_record_verification(
            caseworker_xiaying, app, verified_income=Decimal("600"), passed=True, note="无异常"
        )
        app = app_actions.do_township_review(caseworker_xiaying, app, passed=True, note="符合")
        clock.move_to(at(app.notice_ends_on))
        app = app_actions.do_close_public_notice(caseworker_xiaying, app)
        app = app_actions.do_county_decide(checker, app, approve=True)
    granted = Enrolment.objects.get(source_application_id=app.pk)
    assert granted.amounts.get().amount == Decimal("1600.00")  # (1,100 − 300) × 2


def test_haishu_is_unchanged_by_a_yinzhou_value(
    zhou: Any, approver_yinzhou: Any, make_staff: Callable[..., Any]
) -> None:
    checker = make_staff("approver_yinzhou_2", "county_approver", "330212000000")
    with time_machine.travel(at(date(2021, 7, 12)), tick=False):
        proposal = actions.do_propose_parameter(
            approver_yinzhou,
            key="dibao.standard_monthly",
            region_code="330212",
            effective_from=AUGUST.first_day(),
            value="1100",
            source="测试",
        )
        actions.do_confirm_parameter(checker, proposal)
    haishu = payment_parameters("330203", AUGUST.first_day())
    assert haishu.get("dibao.standard_monthly").version_id == (
        "dibao.standard_monthly@330200@2020-01-01"
    )
