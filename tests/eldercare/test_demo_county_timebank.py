"""鄞州's approver finds 时间银行 on first login (issue #14): the demo gives 鄞州's busiest village
(福晖新村社区) its own service station and time-bank volunteer team, registered by 下应街道's
caseworker at the start of the replayed months; the volunteers' hours come in week by week, each
line on the morning after its visit; a second run adds nothing, audit events included."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.conftest import FUHUI, PASSWORD, _household, fuhui_families
from tests.eldercare.conftest import id_number

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def fuhui_neighbours(regions: None, parameters: None) -> None:
    """Besides the six couples: 冯阿婆 (1936) and 褚老伯 (1940), and the young couple 卫东 (1990)
    and 蒋丽 (1992). The volunteers are the village's first registered of working age (25–59):
    褚丽娟 (1966) and 卫丽娟 (1967), of the couples."""
    fuhui_families()
    for address, people in (
        ("惠风东路40号", (("冯阿婆", date(1936, 4, 1), "442", "head"),)),
        ("惠风东路41号", (("褚老伯", date(1940, 6, 1), "451", "head"),)),
        (
            "惠风东路42号",
            (
                ("卫东", date(1990, 2, 1), "471", "head"),
                ("蒋丽", date(1992, 3, 1), "482", "spouse"),
            ),
        ),
    ):
        _household(
            FUHUI,
            f"鄞州区下应街道福晖新村社区{address}",
            [(n, id_number("330212", b, s), r, b, "") for n, b, s, r in people],
        )


def test_the_county_seed_gives_yinzhous_village_a_time_bank(
    fuhui_neighbours: None, caseworker_xiaying: Any, approver_yinzhou: Any
) -> None:
    from minzheng.core.models import AuditEvent
    from minzheng.eldercare.home_demo import seed_county_home
    from minzheng.eldercare.models import CareProvider, TimeBankEntry

    with time_machine.travel(DEMO_TODAY, tick=False):
        assert seed_county_home("330212000000") == 36  # weekly, 5 August to 2 December, two orders
        events = AuditEvent.objects.count()
        assert seed_county_home("330212000000") == 0
    assert AuditEvent.objects.count() == events

    providers = CareProvider.objects.filter(region_id=FUHUI).order_by("id")
    assert [p.name for p in providers] == [
        "福晖新村社区居家养老服务站",
        "福晖新村社区时间银行志愿服务队",
    ]
    created = AuditEvent.objects.filter(object_type="care_provider")
    assert {(e.actor_id, e.at.date()) for e in created} == {
        (caseworker_xiaying.pk, date(2026, 8, 2))
    }
    entries = TimeBankEntry.objects.order_by("id")
    assert {e.region_id for e in entries} == {FUHUI}
    assert {e.person.name for e in entries if e.kind == "deposit"} == {"冯阿婆", "褚丽娟", "卫丽娟"}
    assert {e.created_at.month for e in entries} == {8, 9, 10, 11, 12}
    assert min(e.balance for e in entries) >= Decimal("0.00")

    client = Client()
    assert client.login(username="approver_yinzhou", password=PASSWORD)
    bank = client.get("/eldercare/homecare/timebank/").content.decode()
    main = bank.split("<main")[1]
    assert "褚丽娟" in main and "2026-11-26 10:00" in main  # recorded the morning after
