"""The sidebar is rendered once per menu and address (`accounts.navigation._menu_html`): the
current page's entry is marked, other pages mark none, and each role sees only its own entries."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _sidebar(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    found = re.search(r'<nav class="sidebar"[^>]*>(.*?)</nav>', html, re.S)
    assert found is not None
    return found.group(1)


def test_the_current_page_is_marked_and_no_other(city_admin: Any) -> None:
    client = Client()
    assert client.login(username="city_admin", password=PASSWORD)
    sidebar = _sidebar(client, "/jobs/")
    assert re.findall(r'<a href="([^"]+)" class="active">', sidebar) == ["/jobs/"]
    assert '<div class="menu-group">' in sidebar and '<a href="/registry/persons/">' in sidebar
    links = re.findall(r'<a href="([^"]+)"', sidebar)
    assert len(links) == len(set(links)) > 20
    # A page that is no entry of the menu marks none (the not-found page has the sidebar too).
    assert re.findall(r'class="active"', _sidebar(client, "/no-such-page/", 404)) == []
    # The list's second page has the entry's address: marked.
    assert re.findall(r'<a href="([^"]+)" class="active">', _sidebar(client, "/jobs/?page=2")) == [
        "/jobs/"
    ]


def test_each_role_sees_its_own_entries(city_admin: Any, make_staff: Any) -> None:
    make_staff("haishu_worker", "township_caseworker", "330203001000")
    admin, worker = Client(), Client()
    assert admin.login(username="city_admin", password=PASSWORD)
    assert worker.login(username="haishu_worker", password=PASSWORD)
    admin_links = set(re.findall(r'<a href="([^"]+)"', _sidebar(admin, "/")))
    worker_links = set(re.findall(r'<a href="([^"]+)"', _sidebar(worker, "/")))
    assert "/registry/persons/" in admin_links & worker_links
    assert admin_links - worker_links  # the statistics and parameters the caseworker lacks


def test_county_registers_work_is_not_in_a_townships_menu(city_admin: Any, make_staff: Any) -> None:
    """The registration authority's work lists and the marriage registry's and cemeteries' are
        the county's and the city's: a township caseworker's or village assistant's scope never holds
        their rows, so the menu does not offer them (the public 社会组织 and 慈善 registers stay, read
    city-wide: tests/charity/test_public_registers.py)."""
    make_staff("haishu_worker", "township_caseworker", "330203001000")
    make_staff("haishu_approver", "county_approver", "330203000000")
    county_work = {
        "/organisations/applications/",
        "/organisations/annual/",
        "/organisations/expiry/",
        "/organisations/fees/",
        "/charity/checks/",
        "/charity/donations/",  # 捐赠收入 names the donors: the registering authority's ledger
        "/civil/marriage/",
        "/civil/appointments/",
        "/civil/divorces/",
        "/civil/qingming/",
    }
    links = {}
    for username in ("city_admin", "haishu_approver", "haishu_worker"):
        client = Client()
        assert client.login(username=username, password=PASSWORD)
        links[username] = set(re.findall(r'<a href="([^"]+)"', _sidebar(client, "/")))
    assert county_work <= links["city_admin"]
    assert county_work <= links["haishu_approver"]
    assert not county_work & links["haishu_worker"]
    public = {
        "/organisations/",
        "/organisations/credit/",
        "/charity/",
        "/charity/campaigns/",
        "/charity/trusts/",
        "/charity/disclosures/",
    }
    assert public | {"/civil/funeral/"} <= links["haishu_worker"]


def test_bank_files_are_the_countys_and_not_in_a_townships_menu(
    city_admin: Any, make_staff: Any
) -> None:
    """The bank's transfer files and their templates are the county's payment work: a township
    caseworker and a village assistant get neither entry (nor the pages), and keep 发放花名册
    (their own part) and 发放异常 (their payees' failed transfers)."""
    make_staff("haishu_worker", "township_caseworker", "330203001000")
    make_staff("haishu_assistant", "village_assistant", "330203001001")
    make_staff("haishu_approver", "county_approver", "330203000000")
    bank = {"/payments/bank-files/", "/payments/templates/"}
    kept = {"/payments/rolls/", "/payments/exceptions/"}
    links = {}
    for username in ("city_admin", "haishu_approver", "haishu_worker", "haishu_assistant"):
        client = Client()
        assert client.login(username=username, password=PASSWORD)
        links[username] = set(re.findall(r'<a href="([^"]+)"', _sidebar(client, "/")))
        if username in ("haishu_worker", "haishu_assistant"):
            assert client.get("/payments/bank-files/").status_code == 403
            assert client.get("/payments/templates/").status_code == 403
    assert bank | kept <= links["city_admin"]
    assert bank | kept <= links["haishu_approver"]
    for username in ("haishu_worker", "haishu_assistant"):
        assert not bank & links[username]
        assert kept <= links[username]
