"""A 补发 in 福湖社区: the village assistant proposes 45 元 owed for the month before last to the
village's first 低保 family on the roll, 海曙's approver approves it, this month's roll pays it —
so the village assistant's 补发 is not empty (the township's pending one went to whichever
南门街道 family came first); a second run adds nothing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from minzheng.assistance.demo import FUHU_BACK_PAY_REASON, seed_fuhu_back_pay
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.models import BackPay
from tests.conftest import FUHU_HEADS, PASSWORD, enrolled_fuhu_heads

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_village_assistant_sees_the_back_pay_she_proposed_and_its_approval(
    regions: None, approver_haishu: Any, assistant_fuhu: Any
) -> None:
    assert enrolled_fuhu_heads(FUHU_HEADS[:2], YearMonth(2026, 9)) == 2

    with time_machine.travel(DEMO_TODAY, tick=False):
        assert seed_fuhu_back_pay() == 1
        events = AuditEvent.objects.count()
        assert seed_fuhu_back_pay() == 0  # a second demo start adds nothing
        assert AuditEvent.objects.count() == events

    b = BackPay.objects.get()
    assert (b.payee.name, b.region_id, b.from_month, b.to_month) == (
        "王建国",
        "330203001001",
        date(2026, 10, 1),
        date(2026, 10, 1),
    )
    assert (b.monthly_amount, b.total, b.status, b.pay_month) == (
        Decimal("45.00"),
        Decimal("45.00"),
        "approved",
        date(2026, 12, 1),
    )
    assert (b.proposed_by, b.approved_by, b.reason) == (
        assistant_fuhu,
        approver_haishu,
        FUHU_BACK_PAY_REASON,
    )
    steps = AuditEvent.objects.filter(object_type="back_pay").order_by("id")
    assert [(e.action, e.actor_id, e.at.date()) for e in steps] == [
        ("create", assistant_fuhu.pk, date(2026, 12, 1)),
        ("approve", approver_haishu.pk, date(2026, 12, 3)),
    ]

    client = Client()
    assert client.login(username="assistant_fuhu", password=PASSWORD)
    page = client.get("/payments/back-pays/").content.decode()
    assert "王建国" in page and "45.00" in page and "随2026-12花名册发放" in page
