"""Every page and API route, walked as staff and partners of another region: nothing of 海曙 leaks."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from minzheng.api.actions import do_create_api_client

HAISHU_MARKERS = ("李建国", "王秀英", "330203********1238", "138****1234", "解放南路12号")


def _walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, URLPattern]]:
    routes = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            routes += _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            routes.append((prefix + str(entry.pattern), entry))
    return routes


def _fill(template: str, ids: dict[str, int]) -> str:
    path = template.lstrip("^").rstrip("$")

    def value(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        if name == "field":
            return "id_number"
        if converter == "int" or name.endswith("_id"):
            return str(ids.get(name, ids["default"]))
        return "x"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, path)


def all_urls(ids: dict[str, int]) -> list[str]:
    urls = sorted({_fill(t, ids) for t, _ in _walk(get_resolver().url_patterns)})
    assert len(urls) > 15, urls  # the walk really found the site
    return urls


def _leaks(body: str) -> list[str]:
    return [m for m in HAISHU_MARKERS if m in body]


def _text(response: Any) -> str:
    """The body as text — an Excel export is opened and its cells read."""
    kind = response.get("Content-Type", "")
    if kind.startswith("application/vnd.openxmlformats"):
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return " ".join(
            str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row
        )
    if kind.startswith(("text", "application/json")):
        return str(response.content.decode("utf-8", "replace"))
    return ""


@pytest.fixture
def haishu_ids(household_li_three_members: Any) -> dict[str, int]:
    head = household_li_three_members.head
    return {
        "person_id": head.pk,
        "household_id": household_li_three_members.pk,
        "default": head.pk,
        "user_id": 1,
    }


def sweep(client: Client, urls: list[str]) -> list[str]:
    """Every url by GET and POST; what of 海曙 each showed (a 500 is a finding too)."""
    found = []
    for url in urls:
        for method in ("get", "post"):
            if url == "/logout/":
                continue
            response = getattr(client, method)(url, {"q": "李"})
            if response.status_code >= 500:
                found.append(f"{method.upper()} {url} failed")
            if leaked := _leaks(_text(response)):
                found.append(f"{method.upper()} {url} showed {leaked}")
    return found


@pytest.mark.parametrize(
    "outsider",
    ["caseworker_xiaying", "approver_yinzhou", "auditor", "security_admin", "sysadmin"],
)
def test_no_page_or_route_shows_another_regions_records(
    request: pytest.FixtureRequest, haishu_ids: dict[str, int], outsider: str
) -> None:
    user = request.getfixturevalue(outsider)
    client = Client()
    client.force_login(user)
    urls = all_urls(haishu_ids)
    assert len(urls) > 30
    assert sweep(client, urls) == []


def test_the_sweep_fails_when_one_scoped_read_is_removed(
    haishu_ids: dict[str, int], caseworker_xiaying: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The mutation: the person read ignores the actor (as a hand-written filter that forgot the
    # scope would). The same sweep that passes above must now report 海曙's records.
    from minzheng.registry.models import PersonQuerySet

    monkeypatch.setattr(PersonQuerySet, "visible_to", lambda self, actor: self)
    client = Client()
    client.force_login(caseworker_xiaying)
    registry_urls = [u for u in all_urls(haishu_ids) if u.startswith("/registry/")]
    found = sweep(client, registry_urls)
    assert any("李建国" in finding for finding in found), found


def test_a_partner_token_of_another_county_sees_nothing_of_haishu(
    haishu_ids: dict[str, int], regions: None
) -> None:
    _, token = do_create_api_client(
        None, name="鄞州区人民医院", scopes=["registry:read"], region_code="330212000000"
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    api_urls = [u for u in all_urls(haishu_ids) if u.startswith("/api/")]
    assert len(api_urls) >= 4
    for url in api_urls:
        response = client.get(url, {"q": "李"})
        assert not _leaks(response.content.decode()), url


def test_the_sweep_does_see_haishu_as_haishus_own_caseworker(
    haishu_ids: dict[str, int], caseworker_nanmen: Any
) -> None:
    # The positive control: the same walk finds the markers when the scope allows them,
    # so the sweep above would fail if scoping were removed.
    client = Client()
    client.force_login(caseworker_nanmen)
    seen = set()
    for url in all_urls(haishu_ids):
        seen.update(_leaks(_text(client.get(url, {"q": "李"}))))
    assert {"李建国", "330203********1238"} <= seen
