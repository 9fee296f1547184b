"""Form and API-body fuzz: NUL, control characters, 1 MB strings, huge numbers and NaN in every
field of every page form and every API body give a refusal, never a 500.

The field names come from the forms the pages really render (and from the OpenAPI schema for
API bodies), so a new form is fuzzed without editing this test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from minzheng.api.api import api
from minzheng.applications.rules import CaseAct
from tests.accounts.test_scope_sweep import all_urls
from tests.applications.conftest import application_li, clock  # noqa: F401

VALUES = ["\x00", "1e30", "名\x01字", "NaN", "9" * 30, "2026-13-01"]
ONE_MEGABYTE = "x" * 1_000_000
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
QUERY = ("q", "page", "region", "month", "as_of", "step", "status", "person", "year")
MOVES = tuple(CaseAct)
SKIP = {"/logout/", "/portal/logout/", "/password/"}


def _fields(client: Client, url: str) -> list[str]:
    page = client.get(url)
    if not page.get("Content-Type", "").startswith("text/html"):
        return []
    names = set(FIELD.findall(page.content.decode("utf-8", "replace")))
    return sorted(names - {"csrfmiddlewaretoken"})


@pytest.fixture
def ids(application_li: Any, household_li_three_members: Any) -> dict[str, int]:  # noqa: F811
    head = household_li_three_members.head
    return {
        "person_id": head.pk,
        "household_id": household_li_three_members.pk,
        "application_id": application_li.pk,
        "default": 1,
    }


@pytest.mark.parametrize("who", ["caseworker_nanmen", "approver_haishu"])
def test_no_form_field_value_gives_a_server_error(
    request: pytest.FixtureRequest,
    ids: dict[str, int],
    client_for: Callable[[Any], Client],
    who: str,
) -> None:
    client = client_for(request.getfixturevalue(who))
    urls = [u for u in all_urls(ids) if u not in SKIP and not u.startswith("/api/")]
    urls += [f"/applications/{ids['application_id']}/act/{move}/" for move in MOVES]
    fuzzed = 0
    for url in urls:
        if who == "caseworker_nanmen":  # query strings do not depend on the role
            for value in ("\x00", "1e30", "9" * 30):
                response = client.get(url, dict.fromkeys(QUERY, value))
                assert response.status_code < 500, f"GET {url} {value!r}"
        names = _fields(client, url) or ["name", "amount", "reason", "note", "visited_on"]
        for value in VALUES:
            response = client.post(url, dict.fromkeys(names, value))
            assert response.status_code < 500, f"POST {url} {value[:20]!r}"
            fuzzed += 1
        # 1 MB in the first fields (every field at 1 MB is only Django's own body-size refusal).
        response = client.post(
            url, {**dict.fromkeys(names, "1"), **dict.fromkeys(names[:2], ONE_MEGABYTE)}
        )
        assert response.status_code < 500, f"POST {url} 1 MB"
    assert fuzzed > 250


def _body(schema: dict[str, Any], components: dict[str, Any], value: Any) -> Any:
    """A body shaped like the schema with every leaf set to `value`."""
    if "$ref" in schema:
        return _body(components[schema["$ref"].rsplit("/", 1)[1]], components, value)
    if schema.get("type") == "object" or "properties" in schema:
        return {k: _body(v, components, value) for k, v in schema.get("properties", {}).items()}
    if schema.get("type") == "array":
        return [_body(schema.get("items", {}), components, value)]
    return value


def test_no_api_body_value_gives_a_server_error(
    ids: dict[str, int], caseworker_nanmen: Any, client_for: Callable[[Any], Client]
) -> None:
    document = api.get_openapi_schema(path_prefix="/api/v1")
    components = document["components"]["schemas"]
    client = client_for(caseworker_nanmen)
    fuzzed = 0
    for path, methods in document["paths"].items():
        url = re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), path)
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is None:
                continue
            for value in [*VALUES, ONE_MEGABYTE, 10**40, -(10**40), 1e308, True, None]:
                body = json.dumps(_body(schema, components, value), allow_nan=True)
                response = getattr(client, method)(url, body, content_type="application/json")
                assert response.status_code < 500, f"{method.upper()} {url} {str(value)[:20]}"
                if (
                    response["Content-Type"].startswith("application/json")
                    and response.status_code >= 400
                ):
                    assert {"code", "message"} <= set(response.json()), url
                fuzzed += 1
            nan_body = '{"region": NaN, "as_of": Infinity, "members": [{"age": NaN}]}'
            response = getattr(client, method)(url, nan_body, content_type="application/json")
            assert response.status_code < 500
    assert fuzzed >= 20
