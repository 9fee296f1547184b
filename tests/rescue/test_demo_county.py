"""鄞州's approver finds a 救助管理站 on first login (issue #14): the demo sets up 鄞州区救助管理站
in 鄞州's busiest village with a man from 海曙 in care (found in the registry, his meals) and a
woman escorted home; a second run adds nothing, audit events included."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.conftest import FUHUI, PASSWORD, fuhui_families

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_county_seed_sets_up_yinzhous_station_with_two_stays(
    household_li_three_members: Any, approver_yinzhou: Any
) -> None:
    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.core.models import AuditEvent
    from minzheng.rescue.demo import seed_county
    from minzheng.rescue.models import CareRecord, Station, Stay

    do_load_parameter_catalog(None)
    fuhui_families(2)
    with time_machine.travel(DEMO_TODAY, tick=False):
        assert seed_county("330212000000") == 2
        events = AuditEvent.objects.count()
        assert seed_county("330212000000") == 0
    assert AuditEvent.objects.count() == events
    station = Station.objects.get()
    assert (station.name, station.region_id, station.address) == (
        "鄞州区救助管理站",
        FUHUI,
        "鄞州区下应街道福晖新村社区",
    )
    stays = list(Stay.objects.order_by("id"))
    assert [(s.name, s.status, s.admitted_on) for s in stays] == [
        ("李建国", "in_care", date(2026, 11, 28)),  # 海曙's first man in the registry
        ("张桂兰", "returned", date(2026, 11, 17)),
    ]
    assert stays[0].person == household_li_three_members.head
    meals = CareRecord.objects.filter(stay=stays[0], kind="meal")
    assert sorted(meals.values_list("day", flat=True)) == [date(2026, 11, d) for d in (29, 30)] + [
        date(2026, 12, d) for d in (1, 2)
    ]

    client = Client()
    assert client.login(username="approver_yinzhou", password=PASSWORD)
    assert "张桂兰" in client.get("/rescue/").content.decode()
    assert "鄞州区救助管理站" in client.get("/rescue/stations/").content.decode()
