"""面包屑 on every page: 首页 › module › the menu page › the page itself."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _crumbs(html: str) -> str:
    found = re.search(r'<nav class="breadcrumb"[^>]*>(.*?)</nav>', html, re.S)
    assert found, "no breadcrumb"
    return re.sub(r"<[^>]+>", "", found.group(1))


def test_a_menu_page_ends_with_its_menu_label(caseworker_nanmen: Any) -> None:
    client = Client()
    client.force_login(caseworker_nanmen)
    assert (
        _crumbs(client.get("/registry/persons/").content.decode()) == "首页 › 救助对象 › 人员查询"
    )


def test_a_detail_page_links_back_to_its_list(
    caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    client = Client()
    client.force_login(caseworker_nanmen)
    html = client.get(f"/registry/persons/{household_li_three_members.head_id}/").content.decode()
    crumbs = _crumbs(html)
    assert crumbs.startswith("首页 › 救助对象 › 人员查询 › ")
    assert "李建国" in crumbs
    assert '<a href="/registry/persons/">人员查询</a>' in html


def test_a_page_outside_the_menu_still_has_home_and_its_title(caseworker_nanmen: Any) -> None:
    client = Client()
    client.force_login(caseworker_nanmen)
    crumbs = _crumbs(client.get("/applications/search/").content.decode())
    assert crumbs == "首页 › 社会救助 › 救助申请 › 救助申请查询"
