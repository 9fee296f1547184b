"""`Cache-Control: no-store` on every response that can carry personal data.

Regression: pages, exports, PDFs and API answers had no cache directive, so a shared computer's
browser cache or a proxy kept names and ID numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/registry/persons/",
        "/registry/persons/export.xlsx",
        "/applications/",
        "/api/v1/registry/persons",
        "/api/v1/openapi.json",
    ],
)
def test_pages_exports_and_api_answers_are_not_stored(
    household_li_three_members: Any,
    caseworker_nanmen: Any,
    client_for: Callable[[Any], Client],
    path: str,
) -> None:
    response = client_for(caseworker_nanmen).get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_the_person_page_and_errors_are_not_stored_either(
    household_li_three_members: Any, caseworker_nanmen: Any, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(caseworker_nanmen)
    head = household_li_three_members.head
    assert client.get(f"/registry/persons/{head.pk}/")["Cache-Control"] == "no-store"
    refused = client.get("/applications/", {"region": "abc"})
    assert refused.status_code == 400 and refused["Cache-Control"] == "no-store"
    assert Client().get("/login/")["Cache-Control"] == "no-store"
