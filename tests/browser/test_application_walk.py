"""社会救助一件事 end to end in Chromium: portal application, window steps, notice, approval, QR page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ..conftest import PASSWORD
from .conftest import code_from_outbox, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LI_ID = "330203195001011238"


@pytest.fixture
def server_clock() -> Iterator[Any]:
    # The server's clock runs from now, so the browser's cookies stay valid; the test moves it on.
    start = datetime.now(ZoneInfo("Asia/Shanghai")).replace(microsecond=0)
    with time_machine.travel(start, tick=True) as traveller:
        yield traveller


@pytest.fixture
def resident(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def _sign_in_afresh(staff: Any, username: str) -> None:
    staff.context.clear_cookies()
    log_in(staff, username, PASSWORD)
    staff.wait_for_selector("text=工作台")


def _open_case(staff: Any) -> None:
    staff.goto("/applications/")
    staff.click("#queue-table tbody tr:first-child a")
    staff.wait_for_selector("#current-step")


def test_a_resident_applies_online_and_sees_the_approval_by_qr(
    page: Any,
    resident: Any,
    server_clock: Any,
    caseworker_nanmen: Any,
    approver_haishu: Any,
    household_li_three_members: Any,
    sysadmin: Any,
    settings: Any,
    browser: Any,
    live_server: Any,
) -> None:
    settings.DEMO_MODE = True
    staff = page
    log_in(staff, "caseworker_nanmen", PASSWORD)
    staff.wait_for_selector("text=工作台")

    # The resident signs in with the code sent to the phone on record (read from the outbox).
    resident.goto("/portal/")
    resident.fill("input[name=id_number]", LI_ID)
    resident.click("button[type=submit]")
    resident.wait_for_selector("input[name=code]")
    resident.fill("input[name=code]", code_from_outbox(browser, live_server))
    resident.click("button[type=submit]")
    resident.wait_for_selector("text=申请社会救助")
    assert "李*国" in resident.inner_text("h1")

    # One form; the rules suggest 低保 from the declared income.
    resident.click("text=申请社会救助")
    resident.fill("input[name=declared_income]", "600")
    resident.wait_for_selector("#suggestion >> text=低保")
    resident.check("input[name=programmes][value=dibao]")
    resident.select_option("select[name=bank_name]", "宁波银行")
    resident.fill("input[name=account_number]", "6222021234567894")
    resident.check("input[name=pledge]")
    resident.check("input[name=authorisation]")
    resident.click("#apply-form button[type=submit]")
    resident.wait_for_selector("#status-result >> text=办理中")
    status_url = resident.url
    assert "/portal/status/" in status_url

    # The caseworker accepts, records the visit, the check, and the township review.
    _open_case(staff)
    assert "待受理" in staff.inner_text("#current-step")
    staff.click("#do-accept")
    staff.wait_for_selector("#do-visit")
    staff.fill("textarea[name=notes]", "三口之家，老两口无业，儿子打零工")
    staff.set_input_files(
        "input[name=photos]",
        files=[{"name": "kitchen.png", "mimeType": "image/png", "buffer": _png()}],
    )
    staff.click("#do-visit")
    staff.wait_for_selector("#do-verify")
    staff.fill("input[name=note]", "部门数据比对无异常")
    staff.click("#do-verify")
    staff.wait_for_selector("#do-review")
    staff.click("#do-review")
    staff.wait_for_selector("#current-step >> text=公示")
    assert "公示期" in staff.content()

    # The seven-day notice passes.
    server_clock.shift(timedelta(days=8))
    _sign_in_afresh(staff, "caseworker_nanmen")
    _open_case(staff)
    staff.click("#do-close-public-notice")
    staff.wait_for_selector("#current-step >> text=县级审批")

    # The county approves.
    _sign_in_afresh(staff, "approver_haishu")
    _open_case(staff)
    staff.click("#do-decide")
    staff.click("#confirm-dialog [data-confirm-ok]")
    staff.wait_for_selector("#current-step >> text=已批准")

    # The QR opens the status page without signing in.
    resident.context.clear_cookies()
    resident.goto(status_url)
    resident.wait_for_selector("#status-result >> text=已批准")
    body = resident.inner_text("body")
    assert "李*国" in body and "李建国" not in body
    assert "县级审批" in body


def test_the_township_helps_first_under_the_fast_track(
    page: Any,
    server_clock: Any,
    caseworker_nanmen: Any,
    household_li_three_members: Any,
) -> None:
    from decimal import Decimal

    from django.utils import timezone

    from minzheng.applications.actions import do_submit_application
    from minzheng.applications.models import Application, FastTrackPeriod
    from minzheng.payments.models import TemporaryCase

    today = timezone.localdate()
    FastTrackPeriod.objects.create(
        region_id="330203000000",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=60),
        reason="疫情防控",
        created_by=caseworker_nanmen,
    )
    app = do_submit_application(
        caseworker_nanmen,
        applicant=household_li_three_members.head,
        programmes=["dibao"],
        declared_income=Decimal("600"),
        consents_confirmed=True,
    )
    staff = page
    log_in(staff, "caseworker_nanmen", PASSWORD)
    staff.wait_for_selector("text=工作台")
    staff.goto(f"/applications/{app.pk}/")
    staff.wait_for_selector("#do-advance-aid")
    staff.fill("#advance-bank", "宁波银行")
    staff.fill("#advance-account", "6222021234567890123")
    staff.fill("#advance-reason", "停工无收入，先行救助")
    staff.click("#do-advance-aid")
    staff.wait_for_selector("#advance-aid-tag")
    assert "入户调查" in staff.inner_text("#current-step")  # the investigation goes on
    app.refresh_from_db()
    assert app.advance_aid
    assert TemporaryCase.objects.get(pk=app.advance_temporary_case_id).status == "draft"
    assert Application.objects.filter(advance_aid=True).count() == 1
    staff.goto("/applications/")
    staff.wait_for_selector("#advance-aid-count")


def _png() -> bytes:
    """A real photo: uploads are checked by content and re-encoded (core/uploads.py)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (120, 140, 160)).save(out, format="PNG")
    return out.getvalue()
