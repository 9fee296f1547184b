"""The rescue pages as station staff use them: intake on the form, the stay page's records and the
return home; Chinese errors for bad input; no raw code on any page; another county cannot see the
station; the API answers within its county; the demo fills every page."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client

from minzheng.assistance.actions import do_load_parameter_catalog
from minzheng.rescue.demo import seed_demo
from minzheng.rescue.models import Stay
from tests.conftest import PASSWORD
from tests.dictionary.test_no_raw_codes_on_pages import leaks, visible_text

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 20)


def client_for(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@time_machine.travel(DAY, tick=False)
def test_intake_records_and_return_through_the_pages(
    station_haishu: Any, caseworker_nanmen: Any, household_zhou_yinzhou: Any
) -> None:
    staff = client_for(caseworker_nanmen)
    form = {
        "station": station_haishu.pk,
        "name": "周海燕",
        "birth_date": "1978-09-12",
        "found_at": "宁波火车站",
        "brought_by": "police",
        "admitted_on": "2026-11-20",
    }
    bad = staff.post("/rescue/new/", {**form, "admitted_on": "20/11/2026"})
    assert bad.status_code == 200 and "入站日期格式应为 YYYY-MM-DD" in bad.content.decode()
    assert Stay.objects.count() == 0
    staff.post("/rescue/new/", form)
    stay = Stay.objects.get()
    assert stay.person == household_zhou_yinzhou.head
    staff.post(
        f"/rescue/stays/{stay.pk}/",
        {"step": "care", "kind": "meal", "day": "2026-11-20", "note": "午餐"},
    )
    staff.post(
        f"/rescue/stays/{stay.pk}/",
        {
            "step": "return",
            "destination": "鄞州区下应街道",
            "handed_over_to": "其子周晓东",
            "day": "2026-11-20",
        },
    )
    page = staff.get(f"/rescue/stays/{stay.pk}/").content.decode()
    assert "已护送返乡" in page and "护送至鄞州区下应街道，交接其子周晓东" in page
    assert "供餐" in page


def test_every_rescue_page_speaks_chinese_and_another_county_sees_nothing(
    regions: None,
    caseworker_nanmen: Any,
    assistant_fuhu: Any,
    approver_haishu: Any,
    approver_yinzhou: Any,
    household_zhou_yinzhou: Any,
    auditor: Any,
) -> None:
    do_load_parameter_catalog()
    assert seed_demo() == 4
    assert seed_demo() == 0  # idempotent
    assert Stay.objects.filter(person=household_zhou_yinzhou.head).count() == 1
    stay = Stay.objects.filter(status="in_care").first()
    assert stay is not None
    pages = [
        "/rescue/",
        "/rescue/?overdue=1",
        "/rescue/new/",
        "/rescue/stations/",
        "/rescue/statistics/",
        f"/rescue/stays/{stay.pk}/",
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
    listing = client_for(assistant_fuhu).get("/rescue/").content.decode()
    assert "无名氏" in listing and "超期" in listing
    stats = client_for(approver_haishu).get("/rescue/statistics/").content.decode()
    assert "海曙区救助管理站" in stats
    other = client_for(approver_yinzhou)
    # 鄞州's approver sees 鄞州区救助管理站's own stays (issue #14), none of 海曙's
    theirs = other.get("/rescue/").content.decode()
    assert "张桂兰" in theirs and "刘秀英" not in theirs and "无名氏" not in theirs
    assert other.get(f"/rescue/stays/{stay.pk}/").status_code == 404
    assert client_for(auditor).get("/rescue/").status_code == 403


def test_a_partner_reads_the_stays_of_its_county_only(
    station_haishu: Any, caseworker_nanmen: Any, intake_fields: dict[str, Any]
) -> None:
    from minzheng.api.actions import do_create_api_client
    from minzheng.rescue.actions import do_admit

    with time_machine.travel(DAY, tick=False):
        do_admit(caseworker_nanmen, station_haishu, **intake_fields, admitted_on=date(2026, 11, 1))
        _, haishu = do_create_api_client(
            None, name="海曙公安分局", scopes=["registry:read"], region_code="330203000000"
        )
        _, yinzhou = do_create_api_client(
            None, name="鄞州公安分局", scopes=["registry:read"], region_code="330212000000"
        )
        rows = Client().get("/api/v1/rescue/stays", HTTP_AUTHORIZATION=f"Bearer {haishu}").json()
        assert [(r["name"], r["overdue"], r["status_label"]) for r in rows] == [
            ("无名氏", True, "在站受助")
        ]
        stats = (
            Client().get("/api/v1/rescue/statistics", HTTP_AUTHORIZATION=f"Bearer {haishu}").json()
        )
        assert [(s["month"], s["intakes"]) for s in stats] == [("2026-11", 1)]
        other = Client().get("/api/v1/rescue/stays", HTTP_AUTHORIZATION=f"Bearer {yinzhou}")
        assert other.json() == []
        missing = Client().get(
            f"/api/v1/rescue/stays/{rows[0]['id']}", HTTP_AUTHORIZATION=f"Bearer {yinzhou}"
        )
        assert missing.status_code == 404
        bad = Client().get(
            "/api/v1/rescue/stays?status=gone", HTTP_AUTHORIZATION=f"Bearer {haishu}"
        )
        assert bad.status_code == 400 and bad.json()["message"] == "状态不正确"
