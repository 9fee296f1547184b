"""The applications API: scoped by region, names masked."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minzheng.api.actions import do_create_api_client

pytestmark = pytest.mark.django_db


def test_staff_read_their_regions_applications_with_masked_names(
    application_li: Any, caseworker_nanmen: Any
) -> None:
    client = Client()
    client.force_login(caseworker_nanmen)
    rows = client.get("/api/v1/applications").json()
    assert [r["number"] for r in rows] == [application_li.number]
    assert rows[0]["applicant"] == "李*国" and rows[0]["step"] == "visit"
    detail = client.get(f"/api/v1/applications/{application_li.pk}").json()
    assert [s["step"] for s in detail["steps"]] == ["submitted", "visit"]


def test_a_partner_of_another_county_sees_nothing(application_li: Any) -> None:
    _, token = do_create_api_client(
        None, name="鄞州区人民医院", scopes=["registry:read"], region_code="330212000000"
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/applications").json() == []
    missing = client.get(f"/api/v1/applications/{application_li.pk}")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
