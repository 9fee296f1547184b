"""A page read does not write the session: the idle clock is touched at most once a minute."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minzheng.accounts.models import User

from ..conftest import PASSWORD


def _session_writes(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return sum(
        1
        for q in captured.captured_queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


def test_pages_read_within_a_minute_write_no_session_row(caseworker_nanmen: User) -> None:
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.login(username="caseworker_nanmen", password=PASSWORD)
        assert _session_writes(client, "/") == 1  # the first request starts the idle clock
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        assert _session_writes(client, "/registry/persons/") == 0
        assert _session_writes(client, "/registry/households/") == 0
    with time_machine.travel(start + timedelta(seconds=60), tick=False):
        assert _session_writes(client, "/registry/persons/") == 1


def test_a_touch_a_minute_later_keeps_the_session_alive(caseworker_nanmen: User) -> None:
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.login(username="caseworker_nanmen", password=PASSWORD)
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        assert client.get("/").status_code == 200  # touches: ten minutes since the last touch
    with time_machine.travel(start + timedelta(minutes=39), tick=False):
        assert client.get("/registry/persons/").status_code == 200  # 29 minutes idle
    with time_machine.travel(start + timedelta(minutes=39 + 31), tick=False):
        response = client.get("/registry/persons/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")
