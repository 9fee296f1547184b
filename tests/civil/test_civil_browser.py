"""In Chromium: a resident books a marriage appointment and a Qingming slot on the portal; a
registrar runs a divorce through the cooling-off period, the server clock moved on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minzheng.applications.models import SmsMessage
from minzheng.civil import marriage
from minzheng.civil.models import DivorceApplication, MarriageAppointment, QingmingReservation
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LI_MING_ID = "330203198006204438"


@pytest.fixture
def server_clock() -> Iterator[Any]:
    # The server's clock runs from now, so the browser's cookies stay valid; the test moves it on.
    start = datetime.now(ZoneInfo("Asia/Shanghai")).replace(microsecond=0)
    with time_machine.travel(start, tick=True) as traveller:
        yield traveller


def _resident_signs_in(page: Any, id_number: str) -> None:
    page.goto("/portal/")
    page.fill("input[name=id_number]", id_number)
    page.click("button[type=submit]")
    page.wait_for_selector("input[name=code]")
    body = SmsMessage.objects.order_by("-pk").first()
    assert body is not None
    match = re.search(r"验证码为(\d{6})", body.body)
    assert match, body.body
    page.fill("input[name=code]", match.group(1))
    page.click("button[type=submit]")
    page.wait_for_selector("text=申请社会救助")


def test_a_resident_books_a_marriage_appointment_and_a_qingming_slot(
    page: Any,
    office_haishu: Any,
    cemetery_fuquan: Any,
    household_li_three_members: Any,
) -> None:
    _resident_signs_in(page, "330203195001011238")  # 李建国, phone on record
    page.goto("/portal/civil/")
    page.click("text=婚姻登记预约")
    page.wait_for_selector("#marriage-booking")
    page.fill("#marriage-booking input[name=partner_name]", "周海燕")
    first = page.locator("#marriage-booking input[name=slot]:not([disabled])").first
    slot_value = first.get_attribute("value")
    first.check()
    page.click("#marriage-booking button[type=submit]")
    page.wait_for_selector("#appointment")
    assert "已预约" in page.inner_text("#appointment")
    appointment = MarriageAppointment.objects.get()
    assert f"{appointment.day.isoformat()}|{appointment.period}" == slot_value
    assert appointment.channel == "portal"

    page.goto("/portal/civil/")
    page.click("text=清明祭扫预约")
    page.wait_for_selector("#qingming-booking")
    page.check("#qingming-booking input[name=slot][value='10-12']")
    page.fill("#qingming-booking input[name=party_size]", "2")
    page.click("#qingming-booking button[type=submit]")
    page.wait_for_selector("#pass img")
    reservation = QingmingReservation.objects.get()
    assert reservation.token in page.inner_text("#pass")
    assert (reservation.slot, reservation.party_size) == ("10-12", 2)

    page.goto("/portal/civil/")
    assert "福泉山公墓" in page.inner_text("main")
    assert "海曙区婚姻登记处" in page.inner_text("main")


def test_a_registrar_runs_a_divorce_through_the_cooling_off_period(
    page: Any,
    server_clock: Any,
    approver_haishu: Any,
    office_haishu: Any,
    household_li_three_members: Any,
    household_zhou_yinzhou: Any,
    parameters_loaded: None,
) -> None:
    li_ming = marriage.person_by_id_number(LI_MING_ID)
    zhou = marriage.person_by_id_number("330227197809123320")
    wedding = marriage.do_register_marriage(
        approver_haishu,
        office=office_haishu,
        party_a=li_ming,
        party_b=zhou,
        on=datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=400),
        id_cards_checked=True,
        declaration_signed=True,
    )
    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.click("#sidebar >> text=离婚冷静期")
    form = page.locator("#receive-divorce")
    form.locator("input[name=certificate_number]").fill(wedding.certificate_number or "")
    form.locator("input[name=id_cards_checked]").check()
    form.locator("input[name=declaration_signed]").check()
    form.locator("button").click()
    page.wait_for_selector("#done")
    application = DivorceApplication.objects.get()
    assert f"冷静期至{application.cooling_off_last_day.isoformat()}" in page.inner_text("#done")
    assert "离婚冷静期" in page.inner_text("#divorces tbody")

    # Too early: the certificate cannot be issued in the cooling-off period.
    row = page.locator("#divorces tbody tr").first
    row.locator("input[name=both_present]").check()
    row.locator("input[name=id_cards_checked]").check()
    row.locator("input[name=declaration_signed]").check()
    row.locator("button[value=issue]").click()
    page.wait_for_selector("#done")
    assert "期满后方可申请发给离婚证" in page.inner_text("#done")

    # The day after the cooling-off period ends: withdrawal refused, the certificate issued.
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    target = datetime.combine(
        application.cooling_off_last_day + timedelta(days=1), now.time(), now.tzinfo
    )
    server_clock.move_to(target)
    page.context.clear_cookies()
    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.goto("/civil/divorces/")
    assert "待双方申请发给离婚证" in page.inner_text("#divorces tbody")
    page.click("#divorces button[value=withdraw]")
    page.wait_for_selector("#done")
    assert "不能再撤回" in page.inner_text("#done")
    row = page.locator("#divorces tbody tr").first
    row.locator("input[name=both_present]").check()
    row.locator("input[name=id_cards_checked]").check()
    row.locator("input[name=declaration_signed]").check()
    row.locator("button[value=issue]").click()
    page.wait_for_selector("#done")
    assert "已登记离婚，证号L330203-" in page.inner_text("#done")
    application.refresh_from_db()
    assert application.status == "registered"
