"""The in-kind pages as staff use them: stock received on the page, a list drawn, the recipient's
QR page confirms without a login, a signature photo through the phone page; Chinese errors; no raw
code on any page; the demo fills the pages; the API answers within its county."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from minzheng.inkind.demo import seed_demo, signature_png
from minzheng.inkind.models import Distribution, Handover, Stock, Voucher
from minzheng.outreach.demo import seed_demo as seed_outreach
from tests.conftest import PASSWORD
from tests.dictionary.test_no_raw_codes_on_pages import leaks, visible_text
from tests.outreach.test_campaign import nanmen  # noqa: F401 — the fixture, by name

from .conftest import NANMEN

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 20)


def client_for(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@time_machine.travel(DAY, tick=False)
def test_stock_list_and_hand_over_through_the_pages(
    quilt: Any, li_on_dibao: Any, caseworker_nanmen: Any
) -> None:
    staff = client_for(caseworker_nanmen)
    bad = staff.post("/inkind/", {"township": NANMEN, "item": quilt.pk, "quantity": "-3"})
    assert "入库数量应为正整数" in bad.content.decode() and Stock.objects.count() == 0
    staff.post("/inkind/", {"township": NANMEN, "item": quilt.pk, "quantity": "10"})
    assert Stock.objects.get().quantity == 10
    staff.post(
        "/inkind/distributions/",
        {
            "name": "冬季送温暖",
            "township": NANMEN,
            "item": quilt.pk,
            "quantity_each": "1",
            "source": "programme:dibao",
        },
    )
    d = Distribution.objects.get()
    h = Handover.objects.get(distribution=d)
    phone = staff.get(f"/inkind/handovers/{h.pk}/").content.decode()
    assert "请领取人用手机扫码确认" in phone and "data:image/svg+xml;base64," in phone
    # The recipient's own phone: no login.
    resident = Client()
    page = resident.get(f"/inkind/confirm/{h.token}/").content.decode()
    assert "李建国" in page and "确认签收" in page
    assert resident.get("/inkind/confirm/not-a-token/").status_code == 404
    done = resident.post(f"/inkind/confirm/{h.token}/").content.decode()
    assert "已签收" in done
    h.refresh_from_db()
    assert h.status == "confirmed" and Stock.objects.get().quantity == 9
    listing = staff.get(f"/inkind/distributions/{d.pk}/").content.decode()
    assert "领取人扫码确认" in listing
    ledger = staff.get("/inkind/distributions/").content.decode()
    assert "实物救助（折价）" in ledger and "150.00" in ledger


@time_machine.travel(DAY, tick=False)
def test_a_signature_photo_is_uploaded_on_the_phone_page(
    quilt: Any, li_on_dibao: Any, caseworker_nanmen: Any
) -> None:
    from minzheng.inkind import actions

    actions.do_receive_stock(caseworker_nanmen, quilt, township=NANMEN, quantity=2, note="")
    d = actions.do_create_distribution(
        caseworker_nanmen,
        name="送温暖",
        township=NANMEN,
        item=quilt,
        quantity_each=1,
        programme="dibao",
    )
    h = Handover.objects.get(distribution=d)
    staff = client_for(caseworker_nanmen)
    blank = staff.post(
        f"/inkind/handovers/{h.pk}/",
        {"signature": SimpleUploadedFile("s.txt", b"hello", content_type="image/png")},
    )
    assert blank.status_code == 200 and Handover.objects.get().status == "pending"
    staff.post(
        f"/inkind/handovers/{h.pk}/",
        {"signature": SimpleUploadedFile("s.png", signature_png(), content_type="image/png")},
    )
    assert Handover.objects.get().confirmed_via == "signature"


@time_machine.travel(DAY, tick=False)
def test_every_inkind_page_speaks_chinese_with_the_demos_data(
    nanmen: dict[str, Any],  # noqa: F811
    caseworker_nanmen: Any,
    assistant_fuhu: Any,
    approver_haishu: Any,
    approver_yinzhou: Any,
    auditor: Any,
) -> None:
    seed_outreach()
    made = seed_demo()
    assert made == Handover.objects.count() > 0
    assert seed_demo() == 0
    assert Handover.objects.filter(status="confirmed").count() == 4
    assert Voucher.objects.count() >= 1
    d = Distribution.objects.get()
    h = Handover.objects.filter(status="pending").first() or Handover.objects.first()
    assert h is not None
    pages = [
        "/inkind/",
        "/inkind/distributions/",
        f"/inkind/distributions/{d.pk}/",
        f"/inkind/handovers/{h.pk}/",
        "/inkind/vouchers/",
    ]
    names = frozenset(
        {caseworker_nanmen.username, assistant_fuhu.username, approver_haishu.username}
    )
    for user in (caseworker_nanmen, assistant_fuhu, approver_haishu):
        client = client_for(user)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, (user.username, url)
            assert leaks(visible_text(response.content.decode()), names) == [], (user, url)
    confirm = Client().get(f"/inkind/confirm/{h.token}/")
    assert leaks(visible_text(confirm.content.decode())) == []
    assert "辖区内暂无库存" in client_for(approver_yinzhou).get("/inkind/").content.decode()
    # The village assistant sees the store of their township: the goods they hand out.
    assert "300床" not in client_for(assistant_fuhu).get("/inkind/").content.decode()
    assert "296床" in client_for(assistant_fuhu).get("/inkind/").content.decode()
    assert client_for(auditor).get("/inkind/").status_code == 403

    from minzheng.api.actions import do_create_api_client

    _, haishu = do_create_api_client(
        None, name="海曙区慈善总会", scopes=["registry:read"], region_code="330203000000"
    )
    stock = Client().get("/api/v1/inkind/stock", HTTP_AUTHORIZATION=f"Bearer {haishu}").json()
    assert {(s["item"], s["quantity"]) for s in stock} >= {("大米（10公斤）", 200)}
    rows = (
        Client().get("/api/v1/inkind/distributions", HTTP_AUTHORIZATION=f"Bearer {haishu}").json()
    )
    assert [(r["name"], r["confirmed"]) for r in rows] == [("冬季送温暖：棉被", 4)]
