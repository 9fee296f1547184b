"""The person picker: pick a person by name (or full ID / phone) within scope, see the masked ID."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _pick(user: Any, q: str) -> list[dict[str, Any]]:
    client = Client()
    client.force_login(user)
    response = client.get("/registry/persons/pick/", {"q": q})
    assert response.status_code == 200
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def test_it_finds_by_name_prefix_and_shows_the_masked_id(
    caseworker_nanmen: Any, household_li_three_members: Any, household_zhou_yinzhou: Any
) -> None:
    found = _pick(caseworker_nanmen, "李")
    head = household_li_three_members.head
    assert found[0] == {"id": head.pk, "label": "李建国（330203********1238，福湖社区）"}
    assert [r["label"][:3] for r in found] == ["李建国", "李明（"]


def test_it_finds_by_full_id_number(
    caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    [found] = _pick(caseworker_nanmen, "330203195203152346")
    assert found["label"].startswith("王秀英（")


def test_it_never_offers_a_person_outside_the_scope(
    caseworker_nanmen: Any, household_zhou_yinzhou: Any
) -> None:
    assert _pick(caseworker_nanmen, "周") == []
    assert _pick(caseworker_nanmen, "330227197809123320") == []


def test_roles_without_case_data_cannot_pick(
    sysadmin: Any, household_li_three_members: Any
) -> None:
    client = Client()
    client.force_login(sysadmin)
    assert client.get("/registry/persons/pick/", {"q": "李"}).status_code == 403
