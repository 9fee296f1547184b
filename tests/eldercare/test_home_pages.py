"""The pages of home adaptation, home care and the time bank: every role in scope sees them with
data and no raw code; bad posts get a Chinese error (400) and change nothing; the export; the API."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.eldercare import adaptation, homecare
from minzheng.eldercare.models import Adaptation, CareOrder, CareVisit, TimeBankEntry
from minzheng.registry.models import Person
from tests.dictionary.test_no_raw_codes_on_pages import leaks, visible_text
from tests.eldercare.test_adaptation import LARGE, planned, png

D = Decimal
PAGES = [
    "/eldercare/adaptations/",
    "/eldercare/adaptations/?status=paid",
    "/eldercare/homecare/providers/",
    "/eldercare/homecare/orders/",
    "/eldercare/homecare/timebank/",
    "/eldercare/homecare/statistics/",
]


@pytest.fixture
def filled(
    elders_fuhu: dict[str, Any],
    household_li_three_members: Any,
    caseworker_nanmen: Any,
    approver_haishu: Any,
) -> dict[str, Any]:
    paid = planned(caseworker_nanmen, elders_fuhu["钱永福"])
    adaptation.do_decide(approver_haishu, paid.pk, approve=True, reason="")
    adaptation.do_complete(
        caseworker_nanmen, paid.pk, completed_on=timezone.localdate(), notes="合格", photos=[png()]
    )
    adaptation.do_pay(approver_haishu, paid.pk)
    waiting = planned(caseworker_nanmen, elders_fuhu["钱阿婆"], LARGE[3:])
    provider = homecare.do_add_provider(
        caseworker_nanmen, name="福湖志愿服务队", kind="volunteer_team", region_code="330203001001"
    )
    order = homecare.do_open_order(
        caseworker_nanmen,
        person_id=elders_fuhu["孙桂兰"].pk,
        provider_id=provider.pk,
        service="companionship",
    )
    day = timezone.localdate() - timedelta(days=1)
    start = timezone.make_aware(datetime.combine(day, time(9)))
    homecare.do_record_visit(
        caseworker_nanmen,
        order.pk,
        check_in=start,
        check_out=start + timedelta(minutes=60),
        caregiver="李明",
        volunteer_id=Person.objects.get(name="李明").pk,
    )
    return {"paid": paid, "waiting": waiting, "order": order}


def test_every_role_sees_the_pages_with_data_and_no_raw_code(
    filled: dict[str, Any],
    caseworker_nanmen: Any,
    approver_haishu: Any,
    city_admin: Any,
    assistant_fuhu: Any,
    auditor: Any,
) -> None:
    from minzheng.accounts.models import User

    usernames = frozenset(User.objects.values_list("username", flat=True))
    pages = [
        *PAGES,
        f"/eldercare/adaptations/{filled['paid'].pk}/",
        f"/eldercare/adaptations/{filled['waiting'].pk}/",
        f"/eldercare/homecare/orders/{filled['order'].pk}/",
        "/eldercare/adaptations/new/",
    ]
    for user in (caseworker_nanmen, approver_haishu, city_admin, assistant_fuhu):
        client = Client()
        client.force_login(user)
        for url in pages:
            response = client.get(url)
            if url.endswith("/new/") and not user.can("edit_cases"):
                assert response.status_code == 403
                continue
            assert response.status_code == 200, (user.username, url)
            text = visible_text(response.content.decode())
            assert leaks(text, usernames) == [], (user.username, url)
    client = Client()
    client.force_login(approver_haishu)
    body = client.get(f"/eldercare/adaptations/{filled['paid'].pk}/").content.decode()
    assert "12,000.00" in body and "已支付" in body and "部分补贴" not in body
    assert "如厕洗浴安全扶手" in body and "紧急呼叫（智能报警）设备" in body
    stats = visible_text(client.get("/eldercare/homecare/statistics/").content.decode())
    assert "海曙区\n2\n1\n1\n12,000.00\n12,000.00" in stats
    assert "海曙区\n1\n1\n1.00\n1.00" in stats
    photo = filled["paid"].photos.get()
    response = client.get(f"/eldercare/adaptations/photos/{photo.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    response = client.get("/eldercare/adaptations/?format=xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    auditor_client = Client()
    auditor_client.force_login(auditor)
    assert auditor_client.get("/eldercare/adaptations/").status_code == 403


def test_other_counties_see_nothing(filled: dict[str, Any], approver_yinzhou: Any) -> None:
    client = Client()
    client.force_login(approver_yinzhou)
    assert "钱永福" not in client.get("/eldercare/adaptations/").content.decode()
    assert client.get(f"/eldercare/adaptations/{filled['paid'].pk}/").status_code == 404
    assert client.get(f"/eldercare/homecare/orders/{filled['order'].pk}/").status_code == 404
    assert client.get("/eldercare/adaptations/?region=330203000000").status_code == 404


def test_bad_posts_get_a_chinese_error_and_change_nothing(
    filled: dict[str, Any], caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    waiting = filled["waiting"]
    client = Client()
    client.force_login(caseworker_nanmen)
    url = f"/eldercare/adaptations/{waiting.pk}/"
    for step, data, message in (
        (
            "item",
            {"code": "wheelchair_ramp", "quantity": "x", "unit_price": "10"},
            "数量应为 1～99 的整数",
        ),
        (
            "item",
            {"code": "wheelchair_ramp", "quantity": "1", "unit_price": "十元"},
            "单价应为金额",
        ),
        (
            "item",
            {"code": "wheelchair_ramp", "quantity": "1", "unit_price": "0.001"},
            "最多两位小数",
        ),
        (
            "item",
            {"code": "<script>", "quantity": "1", "unit_price": "1"},
            "请从改造项目清单中选择",
        ),
        ("visit", {"visited_on": "2026-13-45", "visit_notes": "x", "contractor": "y"}, "有效日期"),
        ("approve", {}, "只有县级审核审批员"),
        (
            "complete",
            {"completed_on": "2026-01-01", "completion_notes": "x"},
            "请上传至少一张验收照片",
        ),
        ("remove", {"item": "999999"}, "该项目不在清单中"),
    ):
        response = client.post(url + step + "/", data)
        assert response.status_code in (400, 403), (step, response.status_code)
        assert message in response.content.decode(), step
    waiting.refresh_from_db()
    assert (waiting.status, waiting.items.count(), waiting.subsidy) == (
        "visited",
        2,
        D("1120.00"),
    )
    assert client.post(url + "bogus/").status_code == 404
    # A fake photo through the page: refused, nothing kept.
    approver = Client()
    approver.force_login(approver_haishu)
    response = approver.post(url + "approve/", {"reason": ""})
    assert response.status_code == 302
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.jpg", b"<html>hi</html>", content_type="image/jpeg")
    response = client.post(
        url + "complete/",
        {"completed_on": timezone.localdate().isoformat(), "completion_notes": "x", "photos": fake},
    )
    assert response.status_code == 400 and "文件类型不被接受" in response.content.decode()
    assert Adaptation.objects.get(pk=waiting.pk).status == "approved"
    # Visits and the time bank through their pages.
    order_url = f"/eldercare/homecare/orders/{filled['order'].pk}/"
    response = client.post(
        order_url,
        {"check_in": "2026-01-01T10:00", "check_out": "2026-01-01T09:00", "caregiver": "张"},
    )
    assert response.status_code == 400 and "签出时间应晚于签到时间" in response.content.decode()
    response = client.post(order_url, {"check_in": "昨天", "check_out": "", "caregiver": "张"})
    assert (
        response.status_code == 400 and "签到时间应为有效的日期和时间" in response.content.decode()
    )
    response = client.post(
        "/eldercare/homecare/timebank/",
        {
            "person_id": Person.objects.get(name="李明").pk,
            "kind": "withdrawal",
            "hours": "1.25",
            "note": "兑换",
        },
    )
    assert response.status_code == 400 and "余额不足：余额 1.00 小时" in response.content.decode()
    assert CareVisit.objects.count() == 1 and TimeBankEntry.objects.count() == 1
    response = client.post(
        "/eldercare/homecare/orders/",
        {"person_id": "abc", "provider": "1", "service": "home_cleaning"},
    )
    assert response.status_code == 400 and "服务对象应为正整数" in response.content.decode()
    assert CareOrder.objects.count() == 1


def test_the_api(filled: dict[str, Any], caseworker_nanmen: Any, approver_yinzhou: Any) -> None:
    client = Client()
    client.force_login(caseworker_nanmen)
    data = client.get("/api/v1/eldercare/adaptations?status=paid").json()
    assert [(a["person"], a["subsidy"], a["status_label"]) for a in data] == [
        ("钱*福", "12000.00", "已支付")
    ]
    assert client.get("/api/v1/eldercare/adaptations?status=bogus").status_code == 400
    one = client.get(f"/api/v1/eldercare/adaptations/{filled['waiting'].pk}").json()
    assert [(i["name"], i["subsidy"]) for i in one["items"]] == [
        ("如厕洗浴安全扶手", "1120.00"),
        ("紧急呼叫（智能报警）设备", "0.00"),
    ]
    order = filled["order"]
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    response = client.post(
        f"/api/v1/eldercare/homecare/orders/{order.pk}/visits",
        {
            "check_in": f"{day}T10:00:00+08:00",
            "check_out": f"{day}T11:30:00+08:00",
            "caregiver": "张",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["minutes"] == 90
    response = client.post(
        f"/api/v1/eldercare/homecare/orders/{order.pk}/visits",
        {
            "check_in": f"{day}T12:00:00+08:00",
            "check_out": f"{day}T11:30:00+08:00",
            "caregiver": "张",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "签出时间应晚于签到时间" in response.json()["message"]
    li = Person.objects.get(name="李明")
    assert client.get(f"/api/v1/eldercare/timebank/{li.pk}").json()["balance"] == "1.00"
    stats = client.get("/api/v1/eldercare/homecare/statistics").json()
    assert [(s["county"], s["paid"], s["subsidy_paid"], s["service_hours"]) for s in stats] == [
        ("海曙区", 1, "12000.00", "2.50")
    ]
    other = Client()
    other.force_login(approver_yinzhou)
    assert other.get(f"/api/v1/eldercare/adaptations/{filled['paid'].pk}").status_code == 404
    assert other.get("/api/v1/eldercare/homecare/statistics").json() == []
