"""Staff pages, HTMX step actions, the fast track, and PDF documents with Chinese fonts and a QR."""

from __future__ import annotations

import re
import zlib
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory

from minzheng.applications import actions, documents
from minzheng.applications.models import Application, VisitPhoto

from .conftest import at, walk_to_public_notice

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _embedded_fonts(data: bytes) -> set[str]:
    """Font names of a PDF, read from its compressed object streams."""
    names: set[str] = set()
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            text = zlib.decompressobj().decompress(data[match.end() : match.end() + 500_000])
        except zlib.error:
            continue
        names.update(m.decode() for m in re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-]+)", text))
    return names


def _document(client: Client, app: Any, kind: str) -> str:
    response = client.get(f"/applications/{app.pk}/{kind}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert any("Noto-Sans-CJK-SC" in name for name in _embedded_fonts(response.content))
    request = RequestFactory().get("/")
    return documents.application_html(request, app, kind)


def test_the_window_form_takes_an_application_for_several_programmes(
    clock: Any, caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    client = _client(caseworker_nanmen)
    page = client.get("/applications/new/", {"id_number": "330203195001011238"}).content.decode()
    assert "李建国" in page and "家庭月收入" in page
    person = household_li_three_members.head
    hint = client.get("/applications/suggest/", {"person": person.pk, "declared_income": "600"})
    assert "低保" in hint.content.decode()
    response = client.post(
        "/applications/new/",
        {
            "id_number": "330203195001011238",
            "declared_income": "600",
            "programmes": ["dibao", "linshi"],
            "consents": "1",
            "bank_name": "宁波银行",
            "account_number": "6222 0212 3456 7894",
            "account_holder": "applicant",
        },
    )
    app = Application.objects.get()
    assert response["Location"] == f"/applications/{app.pk}/"
    assert app.programmes == ["dibao", "linshi"] and app.consents_signed
    from minzheng.payments.models import BankAccount

    account = BankAccount.objects.get(person=person, active=True)
    assert (account.bank_name, account.holder_name, account.number_masked) == (
        "宁波银行",
        "李建国",
        "6222********7894",
    )


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 180, 160)).save(out, format="JPEG")
    return out.getvalue()


def test_htmx_actions_return_the_case_panel_and_refusals_as_chinese_400(
    application_li: Any, caseworker_nanmen: Any
) -> None:
    client = _client(caseworker_nanmen)
    photo = SimpleUploadedFile("kitchen.jpg", _jpeg(), content_type="image/jpeg")
    response = client.post(
        f"/applications/{application_li.pk}/act/record_visit/",
        {"visited_on": "2020-09-25", "notes": "厨房简陋，无大件家电", "photos": [photo]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "家庭经济状况核对" in response.content.decode()
    stored = VisitPhoto.objects.get()
    served = client.get(f"/applications/photos/{stored.pk}/")
    assert served["Content-Type"] == "image/jpeg" and served.content.startswith(b"\xff\xd8\xff")
    refused = client.post(
        f"/applications/{application_li.pk}/act/close_public_notice/", HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 400
    assert "当前环节为“家庭经济状况核对”" in refused.content.decode()


def test_a_fast_track_case_is_marked_and_gets_shorter_deadlines(
    clock: Any, approver_haishu: Any, caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    client = _client(approver_haishu)
    client.post(
        "/applications/fast-track/",
        {
            "region": "330203000000",
            "starts_on": "2020-09-01",
            "ends_on": "2020-10-31",
            "reason": "疫情防控",
        },
    )
    app = actions.do_submit_application(
        caseworker_nanmen,
        applicant=household_li_three_members.head,
        programmes=["dibao"],
        declared_income=Decimal("600"),
        consents_confirmed=True,
    )
    assert app.fast_track
    assert app.step_due == date(2020, 10, 9)  # 5 working days: 27th, 28th, 29th, 30th, 9 Oct
    app = actions.do_defer_home_visit(caseworker_nanmen, app, reason="先行救助")
    assert app.step == "verification" and app.visit_deferred
    page = _client(caseworker_nanmen).get(f"/applications/{app.pk}/").content.decode()
    assert "三快一缓·快速通道" in page and "补登入户调查" in page
    actions.do_record_home_visit(caseworker_nanmen, app, visited_on=date(2020, 9, 25), notes="补登")
    app.refresh_from_db()
    assert not app.visit_deferred and app.step == "verification"


def test_receipt_decision_and_refusal_are_pdfs_in_chinese_with_a_status_link(
    application_li: Any, caseworker_nanmen: Any, approver_haishu: Any, clock: Any
) -> None:
    client = _client(caseworker_nanmen)
    text = _document(client, application_li, "receipt")
    assert "受理回执" in text and application_li.number in text
    assert f"/portal/status/{application_li.status_token}/" in text
    assert 'src="data:image/png;base64,' in text  # the QR code
    assert client.get(f"/applications/{application_li.pk}/decision.pdf").status_code == 404
    app = walk_to_public_notice(application_li, caseworker_nanmen)
    clock.move_to(at(date(2020, 10, 2)))
    app = actions.do_close_public_notice(caseworker_nanmen, app)
    app = actions.do_county_decide(approver_haishu, app, approve=True)
    decision = _document(_client(caseworker_nanmen), app, "decision")  # a week on: sign in again
    assert "救助决定通知书" in decision and "1650" in decision and "2020-11" in decision


def test_a_refusal_notice_gives_the_reason_and_the_notice_deadline(
    application_li: Any, caseworker_nanmen: Any, approver_haishu: Any, clock: Any
) -> None:
    app = walk_to_public_notice(application_li, caseworker_nanmen)
    clock.move_to(at(date(2020, 10, 9)))
    app = actions.do_close_public_notice(caseworker_nanmen, app)
    app = actions.do_county_decide(approver_haishu, app, approve=False, reason="家庭存款超过规定")
    text = _document(_client(approver_haishu), app, "refusal")
    assert "不予批准通知书" in text and "家庭存款超过规定" in text and "2020-10-13" in text


def test_the_outbox_is_for_the_system_administrator_in_demo_mode_only(
    settings: Any, household_li_three_members: Any, caseworker_nanmen: Any, sysadmin: Any
) -> None:
    actions.do_send_sign_in_code("330203195001011238", ip=None)
    settings.DEMO_MODE = True
    assert "登录验证码" in _client(sysadmin).get("/applications/sms-outbox/").content.decode()
    # A case role never reads residents' sign-in codes (#10).
    assert _client(caseworker_nanmen).get("/applications/sms-outbox/").status_code == 403
    settings.DEMO_MODE = False
    assert _client(sysadmin).get("/applications/sms-outbox/").status_code == 404


def test_the_menu_shows_the_workflow_pages(caseworker_nanmen: Any) -> None:
    page = _client(caseworker_nanmen).get("/").content.decode()
    for label in ("救助申请", "窗口受理", "复核任务"):
        assert label in page
    assert "短信发件箱" not in page
