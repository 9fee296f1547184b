"""Every list page has a search form, page numbers, a total capped at COUNT_CAP ("10,000+"), a page
size and an export of what the search found (core/listing.py, core/_pager.html)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from minzheng.core import listing
from minzheng.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rows(response: Any) -> list[list[object]]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_it_counts_up_to_the_cap_and_says_more_beyond_it(
    caseworker_nanmen: Any,
    household_li_three_members: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = _client(caseworker_nanmen).get("/registry/persons/").content.decode()
    assert "共 <strong>3</strong> 条" in page
    monkeypatch.setattr(listing, "COUNT_CAP", 2)
    page = _client(caseworker_nanmen).get("/registry/persons/").content.decode()
    assert "共 <strong>2+</strong> 条" in page


def test_it_pages_by_the_chosen_size_with_numbered_pages(
    caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    from minzheng.registry.models import Person

    village = household_li_three_members.region_id
    Person.objects.bulk_create(
        Person(name=f"测试{i:03d}", sex="男", region_id=village, address="福湖社区")
        for i in range(47)
    )
    client = _client(caseworker_nanmen)
    first = client.get("/registry/persons/").content.decode()
    assert "共 <strong>50</strong> 条" in first
    assert 'href="?page=3"' in first and 'aria-current="page">1<' in first
    assert '<a href="?size=50">50</a>' in first
    third = client.get("/registry/persons/?page=3").content.decode()
    assert third.count("/registry/persons/") - third.count("/registry/persons/?") >= 10
    big = client.get("/registry/persons/?size=50").content.decode()
    assert "下一页" not in big and "<strong>50</strong> 条" in big


def test_the_person_search_narrows_to_a_picked_region_and_exports_what_it_found(
    caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    client = _client(caseworker_nanmen)
    page = client.get("/registry/persons/?q=李&region=330203001001").content.decode()
    assert "李建国" in page and "李明" in page and "王秀英" not in page
    assert "共 <strong>2</strong> 条" in page
    other_village = client.get("/registry/persons/?region=330203001002").content.decode()
    assert "李建国" not in other_village
    rows = _rows(client.get("/registry/persons/?q=李&region=330203001001&format=xlsx"))
    assert [r[0] for r in rows] == ["姓名", "李建国", "李明"]
    assert rows[1][1] == "330203********1238"
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).latest("id")
    assert event.summary == "导出人员名单.xlsx，2 行"


def test_a_region_outside_the_scope_is_refused_in_chinese(
    caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    response = _client(caseworker_nanmen).get("/registry/persons/?region=330212003001")
    assert response.status_code == 400
    assert "不在您的管辖范围内" in response.content.decode()
    assert "李建国" not in response.content.decode()


def test_households_search_by_head_and_export(
    caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    client = _client(caseworker_nanmen)
    page = client.get("/registry/households/?head=李").content.decode()
    assert "解放南路12号" in page and "共 <strong>1</strong> 条" in page
    assert "解放南路12号" not in client.get("/registry/households/?head=王").content.decode()
    rows = _rows(client.get("/registry/households/?head=李&format=xlsx"))
    assert rows == [
        ["户主", "户别", "地址", "村（社区）"],
        ["李建国", "家庭户", "海曙区南门街道福湖社区解放南路12号", "福湖社区"],
    ]


@pytest.mark.parametrize(
    ("who", "url", "header"),
    [
        ("sysadmin", "/system/users/?state=active", "用户名"),
        ("security_admin", "/security/login-log/", "时间"),
        ("caseworker_nanmen", "/monitoring/warnings/", "编号"),
        ("caseworker_nanmen", "/verification/feeds/", "批次"),
        ("caseworker_nanmen", "/applications/search/", "申请编号"),
        ("caseworker_nanmen", "/payments/rolls/", "县（市、区）"),
        ("caseworker_nanmen", "/payments/account-changes/", "对象"),
        ("auditor", "/audit/", "时间"),
    ],
)
def test_each_list_page_has_a_total_and_an_export(
    request: pytest.FixtureRequest, who: str, url: str, header: str
) -> None:
    from django.urls import resolve

    resolve(url.split("?")[0])  # the address is a real page
    client = _client(request.getfixturevalue(who))
    page = client.get(url)
    assert page.status_code == 200, page.content.decode()[:300]
    html = page.content.decode()
    assert "共 <strong>" in html and "导出查询结果" in html
    join = "&" if "?" in url else "?"
    rows = _rows(client.get(f"{url}{join}format=xlsx"))
    assert rows[0][0] == header
