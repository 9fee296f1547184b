"""南门街道's winter greeting of cooking oil is drawn for the township's 低保 families, 福湖社区's
among them, and two of the village's families collect theirs by QR: the village assistant's
物资发放 is not empty (the demo's quilts went to the 大排摸 list's households, none of them in
福湖社区); a second run adds nothing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from minzheng.inkind.demo import GREETING, seed_fuhu_distribution
from minzheng.inkind.models import Distribution, Handover, Stock
from tests.conftest import FUHU_HEADS, PASSWORD, enrolled_fuhu_heads

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_village_assistant_sees_the_greeting_and_its_families_hand_overs(
    regions: None, caseworker_nanmen: Any, assistant_fuhu: Any
) -> None:
    assert enrolled_fuhu_heads(FUHU_HEADS, YearMonth(2026, 10)) == 3

    with time_machine.travel(DEMO_TODAY, tick=False):
        assert seed_fuhu_distribution() == 3
        events = AuditEvent.objects.count()
        assert seed_fuhu_distribution() == 0  # a second demo start adds nothing
        assert AuditEvent.objects.count() == events

    d = Distribution.objects.get()
    assert (d.name, d.programme, d.region_id, d.created_on) == (
        GREETING,
        "dibao",
        "330203001000",
        date(2026, 12, 1),  # two days back, but not out of this month's roll
    )
    handovers = Handover.objects.filter(distribution=d).order_by("id")
    assert [(h.recipient.name, h.status, h.confirmed_via, h.value) for h in handovers] == [
        ("王建国", "confirmed", "qr", Decimal("60.00")),
        ("陈建华", "confirmed", "qr", Decimal("60.00")),
        ("张国平", "pending", "", Decimal("60.00")),
    ]
    assert Stock.objects.get(item=d.item).quantity == 1  # 3 received, 2 collected

    client = Client()
    assert client.login(username="assistant_fuhu", password=PASSWORD)
    page = client.get("/inkind/distributions/").content.decode()
    assert GREETING in page
    detail = client.get(f"/inkind/distributions/{d.pk}/").content.decode()
    assert "张国平" in detail
