"""The children's pages as staff use them: identify, apply, review, approve, visit; Chinese errors
for bad input; another county's caseworker cannot open the case; no raw code on any page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minzheng.children.models import ChildCase, ChildDirector, ChildVisit
from tests.conftest import PASSWORD
from tests.dictionary.test_no_raw_codes_on_pages import leaks, visible_text

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_walk_through_the_pages_enrols_the_child(
    household_li_orphan: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    staff = client_for(caseworker_nanmen)
    staff.post("/children/cases/")
    case = ChildCase.objects.get()
    page = staff.get("/children/cases/").content.decode()
    assert "李小雨" in page and "社会散居孤儿" in page
    staff.post(
        f"/children/cases/{case.pk}/apply/",
        {"guardian_name": "张桂芳", "guardian_relation": "祖母"},
    )
    staff.post(f"/children/cases/{case.pk}/review/", {"approve": "1"})
    client_for(approver_haishu).post(f"/children/cases/{case.pk}/decide/", {"approve": "1"})
    case.refresh_from_db()
    assert case.status == "enrolled"
    detail = staff.get(f"/children/cases/{case.pk}/").content.decode()
    assert "1,600.00 元" in detail and "儿童保障" in detail


def test_bad_input_gets_a_chinese_error_and_changes_nothing(
    household_li_orphan: Any, caseworker_nanmen: Any
) -> None:
    staff = client_for(caseworker_nanmen)
    staff.post("/children/cases/")
    case = ChildCase.objects.get()
    answer = staff.post(f"/children/cases/{case.pk}/visit/", {"visited_on": "昨天"}, follow=True)
    assert "走访日期格式应为 YYYY-MM-DD" in answer.content.decode()
    assert not ChildVisit.objects.exists()
    answer = staff.post(
        "/children/cases/new/",
        {"id_number": "330203201604160026", "father_situation": "dead", "father_months": "-3"},
    )
    assert answer.status_code == 200 and "持续月数应为非负整数" in answer.content.decode()
    answer = staff.post("/children/directors/", {"region": "330212003001", "name": "王芳"})
    assert "任职日期格式应为" in answer.content.decode()
    answer = staff.post(
        "/children/directors/",
        {"region": "330212003001", "name": "王芳", "appointed_on": "2026-01-05"},
    )
    assert "请选择您管辖范围内的一个村（社区）" in answer.content.decode()
    assert not ChildDirector.objects.exists()


def test_another_countys_caseworker_cannot_open_the_case(
    household_li_orphan: Any, caseworker_nanmen: Any, caseworker_xiaying: Any
) -> None:
    client_for(caseworker_nanmen).post("/children/cases/")
    case = ChildCase.objects.get()
    other = client_for(caseworker_xiaying)
    assert other.get(f"/children/cases/{case.pk}/").status_code == 404
    assert "李小雨" not in other.get("/children/cases/").content.decode()


def test_a_director_records_a_visit_and_no_page_shows_a_raw_code(
    household_li_orphan: Any, caseworker_nanmen: Any, approver_haishu: Any, auditor: Any
) -> None:
    staff = client_for(caseworker_nanmen)
    staff.post(
        "/children/directors/",
        {"region": "330203001001", "name": "王芳", "appointed_on": "2026-01-05"},
    )
    staff.post("/children/cases/")
    case = ChildCase.objects.get()
    staff.post(
        f"/children/cases/{case.pk}/visit/",
        {"visited_on": "2026-01-10", "finding": "well", "note": "祖母照料周到，学习正常"},
    )
    visit = ChildVisit.objects.get()
    assert visit.director is not None and visit.director.name == "王芳"
    pages = [
        "/children/cases/",
        f"/children/cases/{case.pk}/",
        "/children/cases/new/",
        "/children/directors/",
        "/children/visits-due/",
    ]
    for user in (caseworker_nanmen, approver_haishu):
        client = client_for(user)
        for url in pages:
            response = client.get(url)
            if response.status_code != 200:
                continue
            names = frozenset({caseworker_nanmen.username, approver_haishu.username})
            assert leaks(visible_text(response.content.decode()), names) == [], (user.username, url)
    assert client_for(auditor).get("/children/cases/").status_code == 403


def test_a_partner_reads_the_cases_of_its_county_only(
    household_li_orphan: Any, caseworker_nanmen: Any
) -> None:
    from minzheng.api.actions import do_create_api_client

    client_for(caseworker_nanmen).post("/children/cases/")
    _, haishu = do_create_api_client(
        None, name="海曙区教育局", scopes=["registry:read"], region_code="330203000000"
    )
    _, yinzhou = do_create_api_client(
        None, name="鄞州区教育局", scopes=["registry:read"], region_code="330212000000"
    )
    answer = Client().get("/api/v1/children/cases", HTTP_AUTHORIZATION=f"Bearer {haishu}")
    assert answer.status_code == 200
    [row] = answer.json()
    assert (row["name"], row["category_label"], row["status_label"]) == (
        "李小雨",
        "社会散居孤儿",
        "待申请",
    )
    other = Client().get("/api/v1/children/cases", HTTP_AUTHORIZATION=f"Bearer {yinzhou}")
    assert other.json() == []
    missing = Client().get(
        f"/api/v1/children/cases/{row['id']}", HTTP_AUTHORIZATION=f"Bearer {yinzhou}"
    )
    assert missing.status_code == 404
    bad = Client().get(
        "/api/v1/children/cases?category=orphanz", HTTP_AUTHORIZATION=f"Bearer {haishu}"
    )
    assert bad.status_code == 400 and bad.json()["message"] == "儿童类别不正确"
