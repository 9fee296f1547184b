"""The policy catalogue, 李建国's family in 福湖社区, and a signed-in portal session for him."""

from __future__ import annotations

import time
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from minzheng.assistance.actions import do_load_parameter_catalog

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def parameters(db: None) -> None:
    do_load_parameter_catalog()


@pytest.fixture
def li_jianguo(household_li_three_members: Any, parameters: None) -> Any:
    return household_li_three_members.head


def portal_client(person: Any) -> Client:
    client = Client()
    session = client.session
    session["portal_person"] = person.pk
    session["portal_seen"] = time.time()
    session.save()
    return client
