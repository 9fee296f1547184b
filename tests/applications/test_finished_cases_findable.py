"""A finished case stays findable: 全部申请查询 searches open and closed cases, and the person and
household pages show the application, its decision, the enrolment and the identity it gives."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from minzheng.applications import actions
from minzheng.applications.models import Application
from tests.applications.conftest import at, walk_to_public_notice
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def approved_li(
    application_li: Application, caseworker_nanmen: Any, approver_haishu: Any, clock: Any
) -> Application:
    app = walk_to_public_notice(application_li, caseworker_nanmen)
    clock.move_to(at(date(2020, 10, 12)))
    app = actions.do_close_public_notice(caseworker_nanmen, app)
    return actions.do_county_decide(approver_haishu, app, approve=True)


def _rows(html: str) -> str:
    return html.split('id="search-table"', 1)[1].split("</table>", 1)[0]


def test_an_approved_case_drops_off_the_queue_but_search_finds_it(
    approved_li: Application, caseworker_nanmen: Any
) -> None:
    client = _client(caseworker_nanmen)
    assert approved_li.number not in client.get("/applications/").content.decode()
    for query in (
        {"name": "李建"},
        {"id_number": "330203195001011238"},
        {"number": approved_li.number},
        {"programme": "dibao", "status": "closed"},
        {"step": "approved", "township": "330203001000"},
        {"from": "2020-09-25", "to": "2020-09-25"},
    ):
        rows = _rows(client.get("/applications/search/", query).content.decode())
        assert approved_li.number in rows, query
        assert "已批准" in rows and "低保" in rows
    for query in ({"status": "open"}, {"name": "王"}, {"from": "2020-09-26"}):
        rows = _rows(client.get("/applications/search/", query).content.decode())
        assert approved_li.number not in rows, query


def test_a_bad_case_number_is_a_chinese_message(
    approved_li: Application, caseworker_nanmen: Any
) -> None:
    response = _client(caseworker_nanmen).get("/applications/search/", {"number": "abc"})
    assert response.status_code == 400
    assert "申请编号应为14位数字" in response.content.decode()


def test_another_countys_approver_does_not_find_the_case(
    approved_li: Application, approver_yinzhou: Any
) -> None:
    rows = _rows(
        _client(approver_yinzhou).get("/applications/search/", {"name": "李"}).content.decode()
    )
    assert approved_li.number not in rows


def test_the_search_exports_what_it_found(approved_li: Application, caseworker_nanmen: Any) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    response = _client(caseworker_nanmen).get(
        "/applications/search/", {"status": "closed", "format": "xlsx"}
    )
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("申请编号", "申请人", "村（社区）", "申请项目", "环节")
    assert rows[1][0] == approved_li.number and rows[1][3] == "低保" and rows[1][4] == "已批准"
    assert len(rows) == 2


def test_the_person_and_household_pages_show_the_case_and_the_identity(
    approved_li: Application, caseworker_nanmen: Any
) -> None:
    client = _client(caseworker_nanmen)
    head = approved_li.applicant
    page = client.get(f"/registry/persons/{head.pk}/").content.decode()
    tags = page.split('id="identity-tags"', 1)[1].split("</table>", 1)[0]
    assert "低保对象" in tags and "救助在保记录" in tags and ">无<" not in tags
    assert f'href="/applications/{approved_li.pk}/">{approved_li.number}</a>' in page
    assert f'href="/applications/{approved_li.pk}/decision.pdf">救助决定通知书' in page
    enrolments = page.split('id="enrolments"', 1)[1].split("</table>", 1)[0]
    assert "<td>低保</td><td>在保</td><td>2020-11</td>" in enrolments
    household = client.get(f"/registry/households/{approved_li.household_id}/").content.decode()
    assert approved_li.number in household and "当前救助身份" in household
