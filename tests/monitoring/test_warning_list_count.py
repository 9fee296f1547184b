"""预警处置 as it opens takes its row count from the queue's figures (one read fewer at 20,000
warnings); a filter counts its own rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minzheng.monitoring.actions import do_run_monitor
from minzheng.monitoring.models import Warning
from minzheng.verification.demo import load_all
from tests.monitoring.conftest import MONTH


@pytest.fixture
def city_admin_client(planted: Any, make_staff: Any) -> Client:
    load_all(planted)
    do_run_monitor(None, MONTH)
    client = Client()
    client.force_login(make_staff("city_watch", "city_admin", "330200000000"))
    client.get("/")  # the session and the menu, so that only the page's own reads are counted
    return client


def _shown_total(page: str) -> str:
    return page.split("共 <strong>", 1)[1].split("</strong>", 1)[0]


def _counted(queries: CaptureQueriesContext) -> bool:
    return any(
        "COUNT(*)" in q["sql"] and "monitoring_warning" in q["sql"]
        for q in queries.captured_queries
    )


def test_the_opening_page_counts_from_the_figures(city_admin_client: Client) -> None:
    open_now = Warning.objects.filter(status=Warning.Status.OPEN).count()
    assert open_now == 20
    with CaptureQueriesContext(connection) as queries:
        page = city_admin_client.get("/monitoring/warnings/").content.decode()
    assert _shown_total(page) == "20" and not _counted(queries)
    # All statuses, after one is closed: the figures' total, the open ones one fewer.
    Warning.objects.filter(pk=Warning.objects.order_by("id")[0].pk).update(
        status=Warning.Status.CLOSED,
        closed_at=timezone.now(),  # as do_close_warning closes one
    )
    assert _shown_total(city_admin_client.get("/monitoring/warnings/").content.decode()) == "19"
    with CaptureQueriesContext(connection) as queries:
        page = city_admin_client.get("/monitoring/warnings/", {"status": ""}).content.decode()
    assert _shown_total(page) == "20" and not _counted(queries)


def test_a_filter_counts_its_own_rows(city_admin_client: Client) -> None:
    kind = Warning.objects.order_by("id")[0].kind
    expected = Warning.objects.filter(kind=kind, status=Warning.Status.OPEN).count()
    assert 0 < expected < 20
    with CaptureQueriesContext(connection) as queries:
        page = city_admin_client.get("/monitoring/warnings/", {"kind": kind}).content.decode()
    assert _shown_total(page) == str(expected) and _counted(queries)
