"""The region picker's tree: from the user's own region down to villages, never above it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _picker(user: Any, code: str = "") -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    response = client.get("/regions/picker/", {"code": code})
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def test_a_township_caseworker_starts_at_the_township_and_picks_a_village(
    caseworker_nanmen: Any,
) -> None:
    data = _picker(caseworker_nanmen)
    assert data["root"] == {"code": "330203001000", "name": "南门街道"}
    [villages] = data["levels"]
    assert villages["label"] == "村（社区）" and villages["selected"] == ""
    assert {"code": "330203001001", "name": "福湖社区"} in villages["options"]


def test_the_city_administrator_walks_down_to_a_village(city_admin: Any) -> None:
    data = _picker(city_admin, "330203001001")
    assert data["root"]["code"] == "330200000000"
    assert [level["label"] for level in data["levels"]] == [
        "县（市、区）",
        "乡镇（街道）",
        "村（社区）",
    ]
    assert [level["selected"] for level in data["levels"]] == [
        "330203000000",
        "330203001000",
        "330203001001",
    ]


def test_a_code_outside_the_users_region_is_ignored(caseworker_nanmen: Any) -> None:
    data = _picker(caseworker_nanmen, "330212003001")
    assert data["root"]["code"] == "330203001000"
    assert [level["selected"] for level in data["levels"]] == [""]


def test_a_village_assistant_has_nothing_below(assistant_fuhu: Any) -> None:
    data = _picker(assistant_fuhu)
    assert data == {"root": {"code": "330203001001", "name": "福湖社区"}, "levels": []}


def test_it_needs_a_signed_in_user(regions: None) -> None:
    response = Client().get("/regions/picker/")
    assert response.status_code == 302


def test_the_whole_city_tree_serves_places_outside_the_users_region(
    caseworker_nanmen: Any,
) -> None:
    # 户籍地 may lie in another county: ?whole=1 starts at the top of the (public) division tree.
    client = Client()
    client.force_login(caseworker_nanmen)
    data = client.get("/regions/picker/", {"code": "330212003001", "whole": "1"}).json()
    assert data["root"] == {"code": "330200000000", "name": "宁波市"}
    assert [level["selected"] for level in data["levels"]] == [
        "330212000000",
        "330212003000",
        "330212003001",
    ]


def test_the_person_page_picks_the_hukou_region_from_the_whole_city(
    caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    client = Client()
    client.force_login(caseworker_nanmen)
    page = client.get(f"/registry/persons/{household_li_three_members.head_id}/").content.decode()
    assert 'data-url="/regions/picker/?whole=1" data-name="hukou_region"' in page
    assert "户籍地区划代码" not in page
