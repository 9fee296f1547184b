"""/api/v1/institutions: partners of the county read the registry and the indicators; other
counties see nothing; bad ids get a Chinese error."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minzheng.api.actions import do_create_api_client

pytestmark = pytest.mark.django_db


def _partner(region: str, name: str) -> Client:
    _, token = do_create_api_client(None, name=name, scopes=["registry:read"], region_code=region)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_partners_read_institutions_and_indicators(
    home: Any, household_li_three_members: Any
) -> None:
    haishu = _partner("330203000000", "海曙养老平台")
    listed = haishu.get("/api/v1/institutions").json()
    assert [(i["name"], i["kind_label"], i["beds"], i["occupied"]) for i in listed] == [
        ("福湖颐养院", "公建民营", {"nursing": 3, "ordinary": 2}, 0)
    ]
    one = haishu.get(f"/api/v1/institutions/{home.pk}").json()
    assert (one["licence_no"], one["region_name"]) == ("330203养备20200001", "福湖社区")
    rows = haishu.get("/api/v1/institutions/indicators").json()
    assert [
        (r["name"], r["beds"], r["elderly"], r["beds_per_100_elderly"], r["nursing_share_percent"])
        for r in rows
    ] == [("海曙区", 5, 2, "250.00", "60.00")]

    yinzhou = _partner("330212000000", "鄞州养老平台")
    assert yinzhou.get("/api/v1/institutions").json() == []
    response = yinzhou.get(f"/api/v1/institutions/{home.pk}")
    assert response.status_code == 404
    assert yinzhou.get("/api/v1/institutions/indicators").json()[0]["beds"] == 0


def test_bad_requests_get_chinese_errors(home: Any) -> None:
    haishu = _partner("330203000000", "海曙养老平台")
    for url in (
        "/api/v1/institutions/0",
        "/api/v1/institutions/abc",
        "/api/v1/institutions?limit=-1",
        "/api/v1/institutions/indicators?day=2024-02-30",
    ):
        response = haishu.get(url)
        assert response.status_code in (400, 404, 422), url
        message = response.json()["message"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message), (url, message)
    assert Client().get("/api/v1/institutions").status_code == 401
