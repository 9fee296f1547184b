"""In Chromium: an assessor on a phone-sized screen finds an elderly person, scores the 26 items and
saves; the county approver enrols the month's 高龄津贴 and pays it through the monthly roll."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from minzheng.assistance.models import EnrolmentAmount
from minzheng.core.yearmonth import YearMonth
from minzheng.eldercare.models import Assessment
from minzheng.eldercare.rules import ITEMS
from tests.browser.conftest import log_in, run_queued_jobs
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_assessor_scores_an_elderly_person_on_a_phone(
    page: Any, elders_fuhu: dict[str, Any], caseworker_nanmen: Any
) -> None:
    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.set_viewport_size({"width": 390, "height": 844})  # the menu folds away on a phone
    page.goto("/eldercare/assessments/new/")
    page.fill("input[name=q]", "钱永福")
    page.click("text=查找老年人")
    page.click("#matches a")
    page.wait_for_selector("#save-assessment")
    # Everything at its best except 平地行走 (3: needs a stick) and 上下楼梯 (1: needs help).
    for item in ITEMS:
        points = {"B.2.3": 3, "B.2.4": 1}.get(item.code, item.max_points)
        page.check(f"input[name='{item.code}'][value='{points}']")
    page.select_option("select[name=event_kind_0]", "fall")
    page.fill("input[name=event_day_0]", timezone.localdate().isoformat())
    page.click("#save-assessment")
    page.wait_for_selector("#result")
    assert "总分 87（满分 90）" in page.inner_text("#result")
    assert page.inner_text("#level") == "轻度失能"
    assert "平地行走" in page.inner_text("#items") and "跌倒" in page.content()
    saved = Assessment.objects.get()
    assert (saved.total, saved.movement_score, saved.assessor_id) == (87, 12, caseworker_nanmen.pk)

    # A second try with an item left blank is refused by the server and changes nothing.
    page.goto(f"/eldercare/assessments/new/?person={saved.person_id}")
    page.evaluate("document.querySelectorAll('input[type=radio]').forEach(e => e.required = false)")
    for item in ITEMS[:-1]:
        page.check(f"input[name='{item.code}'][value='{item.max_points}']")
    page.click("#save-assessment")
    page.wait_for_selector(".error")
    assert "B.4.5 社会交往能力" in page.inner_text(".error")
    assert Assessment.objects.count() == 1


def test_the_approver_enrols_the_allowance_and_pays_it_through_the_roll(
    page: Any, elders_fuhu: dict[str, Any], approver_haishu: Any
) -> None:
    month = str(YearMonth.of(timezone.localdate()))
    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.click("text=高龄津贴")
    page.fill("#allowance-run input[name=month]", month)
    page.click("text=按人员库生成本月名单")
    page.wait_for_selector("#run-result")
    assert f"{month}：新纳入 4 人" in page.inner_text("#run-result")
    assert "钱老太" in page.inner_text("#allowances")
    page.click("text=发放花名册")
    page.select_option("select[name=county]", "330203000000")
    page.fill("input[name=month]", month)
    page.click("text=生成（或续算）花名册")
    page.wait_for_selector("#job-progress")  # the roll is made by the worker
    assert run_queued_jobs() == 1
    page.wait_for_selector("text=按救助项目", timeout=60_000)
    body = page.inner_text("body")
    # 80～89: 100, 90～99: 500, 100+: 800 — whatever the four are aged this month
    total = sum(
        EnrolmentAmount.objects.filter(enrolment__programme="gaoling").values_list(
            "amount", flat=True
        )
    )
    assert "高龄津贴" in body and f"{total:,.2f}" in body


def test_a_meal_is_recorded_and_the_month_settled_to_the_point(
    page: Any,
    household_li_three_members: Any,
    parameters: None,
    caseworker_nanmen: Any,
    approver_haishu: Any,
) -> None:
    from minzheng.eldercare.actions import do_add_meal_point
    from minzheng.payments.models import PaymentLine

    do_add_meal_point(None, name="福湖社区老年食堂", village_code="330203001001")
    last_month = YearMonth.of(timezone.localdate()) - 1
    day = last_month.first_day().replace(day=3).isoformat()
    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.click("text=就餐记录")
    page.fill("#meal-form input[name=day]", day)
    page.fill("#meal-form input[name=id_number]", "330203195001011238")  # 李建国, 74
    page.fill("#meal-form input[name=meals]", "3")
    page.click("text=记录就餐")
    page.wait_for_selector(".error")
    assert "每人每天补贴餐次为 1～2 次" in page.inner_text(".error")
    page.fill("#meal-form input[name=meals]", "2")
    page.click("text=记录就餐")
    page.wait_for_selector("#meal-saved")
    assert "其他老年人，补贴 6.00 元" in page.inner_text("#meal-saved")  # 3 元/餐 × 2

    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.goto(f"/eldercare/meals/statements/?month={last_month}")
    page.click("text=确认月结")
    page.wait_for_selector("text=已确认")
    line = PaymentLine.objects.get(kind="meal_payable")
    assert (line.amount_fen, line.month) == (600, last_month.first_day())
