"""The API against its own OpenAPI schema: no server error, no response the schema does not declare.

Regression: schemathesis found 3 server errors and 30 undeclared responses on /api/v1/openapi.json.
Bounded (few examples per operation, no shrinking) so it runs in seconds on both databases.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from minzheng.api.api import api
from minzheng.api.models import SCOPES

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = WSGIHandler()


@pytest.fixture
def _connection_kept_open() -> Iterator[None]:
    """The real WSGI handler closes the database connection after each request, which would
    close the test's transaction; Django's own test client disconnects the same signal."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def partner_token(household_li_three_members: Any, _connection_kept_open: None) -> str:
    from minzheng.api.actions import do_create_api_client

    _client, token = do_create_api_client(
        None, name="全量测试客户端", scopes=list(SCOPES), region_code="330200000000"
    )
    return token


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_has_no_server_errors_and_no_undeclared_responses(
    case: Any, partner_token: str
) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {partner_token}"},
        checks=[not_a_server_error, status_code_conformance],
    )


def test_every_operation_declares_the_shared_error_responses() -> None:
    document = api.get_openapi_schema(path_prefix="/api/v1")
    assert document["components"]["schemas"]["Error"]["required"] == ["code", "message"]
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            declared = set(operation["responses"])
            assert {"400", "401", "403", "404"} <= declared, (method, path)
