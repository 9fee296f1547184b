"""/metrics answers operators only; /livez and /readyz answer a load balancer."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minzheng.api.actions import do_create_api_client
from tests.conftest import PASSWORD


def _logged_in(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_liveness_needs_no_database() -> None:
    response = Client().get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_checks_database_migrations_and_keys(db: None) -> None:
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok", "keys": "ok"}


def test_readiness_fails_without_keys(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from minzheng.core import crypto

    def missing() -> Any:
        raise crypto.KeyError_("找不到密钥", code="key_file_missing")

    monkeypatch.setattr(crypto, "keyring", missing)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["keys"] == "error"


def test_metrics_refuses_anonymous_and_case_roles(
    caseworker_nanmen: Any, city_admin: Any, auditor: Any
) -> None:
    assert Client().get("/metrics").status_code == 403
    for user in (caseworker_nanmen, city_admin, auditor):
        response = _logged_in(user).get("/metrics")
        assert response.status_code == 403, user.username
        assert "仅限运维人员" in response.json()["message"]


def test_metrics_answers_the_system_administrator_with_request_figures(sysadmin: Any) -> None:
    client = _logged_in(sysadmin)
    client.get("/livez")
    client.get("/registry/persons/999999/")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'minzheng_http_request_duration_seconds_count{method="GET",route="/livez"}' in text
    assert "minzheng_http_requests_total{" in text
    # Routes are patterns, never paths with ids in them.
    assert "persons/999999" not in text
    assert 'route="/registry/persons/<int:pk>/"' in text or "registry/persons/<" in text
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_metrics_answers_a_token_with_the_ops_scope_only(regions: None) -> None:
    _client, token = do_create_api_client(
        None, name="prometheus", scopes=["ops:metrics"], region_code="330200000000"
    )
    _other, other_token = do_create_api_client(
        None, name="hospital", scopes=["medical:settle"], region_code="330200000000"
    )
    ok = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert ok.status_code == 200
    refused = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {other_token}")
    assert refused.status_code == 403
    wrong = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer mz_not-a-token")
    assert wrong.status_code == 403


def test_roll_figures_are_read_from_the_database(sysadmin: Any) -> None:
    from datetime import date

    from minzheng.payments.models import PaymentLine, Roll
    from minzheng.regions.models import Region

    haishu = Region.objects.get(code="330203000000")
    Roll.objects.create(county=haishu, month=date(2026, 10, 1))
    newest = Roll.objects.create(county=haishu, month=date(2026, 11, 1))
    assert PaymentLine.objects.filter(roll=newest).count() == 0
    text = _logged_in(sysadmin).get("/metrics").content.decode()
    assert 'minzheng_roll_lines{county="330203000000",month="2026-11"} 0.0' in text
    assert 'month="2026-10"' not in text


def test_a_failing_command_counts_as_a_failed_job(db: None, sysadmin: Any) -> None:
    from minzheng.cli import main

    assert main(["backup"]) == 2
    text = _logged_in(sysadmin).get("/metrics").content.decode()
    assert 'minzheng_job_failures_total{job="backup"}' in text
    assert 'minzheng_job_duration_seconds_count{job="backup"}' in text
