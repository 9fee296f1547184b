"""The lean settlement entry (`medical.fastpath`) answers exactly as the full Django stack does, and
passes every call it does not handle on to it."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core import signals
from django.db import close_old_connections

from minzheng.core.models import AuditEvent
from minzheng.medical.fastpath import SettlementFastPath
from minzheng.medical.models import CapAccount, Settlement
from minzheng.wsgi import application, django_application
from tests.medical.conftest import LI_MING, WANG_XIUYING, body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """As Django's test client does: the request signals must not close the test's connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


class Answer:
    def __init__(self, status: str, headers: list[tuple[str, str]], content: bytes) -> None:
        self.status = int(status.split()[0])
        self.reason = status
        self.headers = dict(headers)
        self.content = content

    def json(self) -> Any:
        return json.loads(self.content)


def call(
    app: Any,
    data: Any,
    token: str,
    *,
    raw: bytes | None = None,
    path: str = "/api/v1/medical/settlements",
    query: str = "",
    auth: str | None = None,
) -> Answer:
    payload = raw if raw is not None else json.dumps(data).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.input": io.BytesIO(payload),
        "wsgi.url_scheme": "http",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(payload)),
        "CONTENT_TYPE": "application/json",
        "HTTP_AUTHORIZATION": auth if auth is not None else f"Bearer {token}",
    }
    got: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        got.update(status=status, headers=headers)

    chunks = application_iter = app(environ, start_response)
    content = b"".join(chunks)
    close = getattr(application_iter, "close", None)
    if close is not None:
        close()
    return Answer(got["status"], got["headers"], content)


def without_length(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k != "Content-Length"}


def test_the_production_application_is_wrapped() -> None:
    assert isinstance(application, SettlementFastPath)
    assert application.app is django_application


def test_a_settlement_is_answered_by_the_lean_entry_as_by_the_full_stack(
    patients: Any, hospital_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = call(django_application, body("ZY-FULL"), hospital_token)
    # The lean entry must not fall back: make the full stack unusable for this call.
    monkeypatch.setattr(application, "app", lambda *a: pytest.fail("fell back to Django"))
    lean = call(application, body("ZY-LEAN"), hospital_token)
    assert (full.status, lean.status) == (200, 200)
    assert lean.reason == "200 OK"
    assert without_length(lean.headers) == without_length(full.headers)
    assert lean.headers["Content-Length"] == str(len(lean.content))
    a, b = full.json(), lean.json()
    assert b["settlement_id"] != a["settlement_id"]
    # the second claim for 王秀英 finds the deductible met: (9000 − 5500) × 70 % again, cap moves
    assert (a["assistance_amount"], b["assistance_amount"]) == ("2450.00", "2450.00")
    assert (a["cap_used"], b["cap_used"]) == ("2450.00", "4900.00")
    assert b["explanation"][-1]["layer"] == "medical_assistance"
    assert [e["layer"] for e in b["explanation"]] == [e["layer"] for e in a["explanation"]]
    assert CapAccount.objects.get(year=2024).cap_used == Decimal("4900.00")
    assert AuditEvent.objects.filter(object_type="medical_settlement").count() == 2
    # a retry through the lean entry is the same answer, stored once
    again = call(application, body("ZY-LEAN"), hospital_token)
    assert again.status == 200 and again.json() == b
    assert Settlement.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (body("ZY-1", total_cost="10000.01"), 409, "claim_conflict"),  # same claim, other figures
        (body("ZY-2", id_number="110101199003077777"), 400, "person_not_found"),
        (body("ZY-3", basic_insurance_paid="20000.00"), 400, None),
        (body("ZY-4", hospital_code="HNOPE"), 403, "permission_denied"),
    ],
)
def test_refusals_are_the_same_as_the_full_stack(
    patients: Any, hospital_token: str, data: dict[str, Any], status: int, code: str | None
) -> None:
    call(django_application, body("ZY-1"), hospital_token)  # for the conflict
    before = (Settlement.objects.count(), AuditEvent.objects.count())
    lean = call(application, data, hospital_token)
    full = call(django_application, data, hospital_token)
    assert (lean.status, full.status) == (status, status)
    assert lean.json() == full.json()
    assert code is None or lean.json()["code"] == code
    assert without_length(lean.headers) == without_length(full.headers)
    assert (Settlement.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    "kwargs",
    [
        {"raw": b"{not json"},  # malformed: ninja's own 400
        {"data": {**body("ZY-5"), "extra": 1}},  # invalid: 400 invalid_request
        {"data": body("ZY-6", visit_kind="inpatient\x00")},  # control character: invalid_text
        # the same escape in a UTF-16 body (json.loads accepts it): no "\\u" byte pair there
        {"raw": json.dumps(body("ZY-11", visit_kind="inpatient\x00")).encode("utf-16")},
        {"data": body("ZY-7"), "auth": "Bearer not-a-token"},  # 401
        {"data": body("ZY-8"), "auth": ""},  # 401
        {"data": body("ZY-9"), "query": "x=1"},
    ],
)
def test_anything_unusual_goes_on_to_the_full_stack_unchanged(
    patients: Any, hospital_token: str, kwargs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = kwargs.pop("data", None)
    seen: list[bytes] = []

    def spy(environ: dict[str, Any], start_response: Any) -> Any:
        seen.append(environ["wsgi.input"].read())
        environ["wsgi.input"] = io.BytesIO(seen[-1])
        return django_application(environ, start_response)

    monkeypatch.setattr(application, "app", spy)
    lean = call(application, data, hospital_token, **kwargs)
    full = call(django_application, data, hospital_token, **kwargs)
    assert len(seen) == 1 and seen[0] == (kwargs.get("raw") or json.dumps(data).encode())
    assert (lean.status, lean.json()) == (full.status, full.json())
    assert lean.status in (400, 401, 200)


def test_a_client_without_the_settlement_scope_gets_the_full_stack_refusal(
    patients: Any, regions: None
) -> None:
    from minzheng.api.actions import do_create_api_client

    _, token = do_create_api_client(
        None, name="统计", scopes=["registry:read"], region_code="330203000000"
    )
    lean = call(application, body("ZY-10", id_number=LI_MING), token)
    assert lean.status == 403
    assert lean.json()["code"] == "permission_denied"


def test_other_paths_and_methods_are_not_touched(patients: Any, hospital_token: str) -> None:
    answer = call(application, body(), hospital_token, path="/api/v1/medical/settlements/")
    assert answer.status in (404, 301, 405)
    assert Settlement.objects.count() == 0
    assert call(application, body(id_number=WANG_XIUYING), hospital_token).status == 200
