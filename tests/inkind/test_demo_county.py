"""鄞州's approver finds 物资库存 and 救助券 on first login (issue #14): the demo stocks the
township of 鄞州's busiest village and issues two 200 元 vouchers to that village's families,
through the township caseworker; a second run adds nothing, audit events included."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.conftest import FUHUI, PASSWORD, fuhui_families

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_county_seed_stocks_xiaying_and_issues_two_vouchers(
    caseworker_xiaying: Any, approver_yinzhou: Any
) -> None:
    from minzheng.core.models import AuditEvent
    from minzheng.inkind.demo import seed_county
    from minzheng.inkind.models import Stock, Voucher

    first, second, _ = fuhui_families(3)
    with time_machine.travel(DEMO_TODAY, tick=False):
        assert seed_county("330212000000") == 2
        events = AuditEvent.objects.count()
        assert seed_county("330212000000") == 0
    assert AuditEvent.objects.count() == events
    assert sorted(Stock.objects.values_list("item__name", "region_id", "quantity")) == [
        ("大米（10公斤）", "330212003000", 120),
        ("生活用品包", "330212003000", 60),
        ("食用油（5升）", "330212003000", 80),
    ]
    vouchers = list(Voucher.objects.order_by("id"))
    assert [(v.household, v.region_id, v.value, v.issued_on, v.issued_by) for v in vouchers] == [
        (first, FUHUI, Decimal("200.00"), date(2026, 11, 27), caseworker_xiaying),
        (second, FUHUI, Decimal("200.00"), date(2026, 11, 27), caseworker_xiaying),
    ]

    client = Client()
    assert client.login(username="approver_yinzhou", password=PASSWORD)
    assert "食用油（5升）" in client.get("/inkind/").content.decode()
    assert "吴海波" in client.get("/inkind/vouchers/").content.decode()
