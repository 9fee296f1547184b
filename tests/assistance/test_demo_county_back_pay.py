"""鄞州's approver finds 补发 on first login (issue #14): the demo proposes two back pays for
鄞州's enrolled 低保 households through the township caseworker — one approved by
approver_yinzhou as the second person, one waiting for them; a second run adds nothing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from minzheng.core.yearmonth import YearMonth
from tests.conftest import FUHUI, PASSWORD, fuhui_families

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_county_seed_proposes_an_approved_and_a_waiting_back_pay_in_yinzhou(
    caseworker_xiaying: Any,
) -> None:
    from minzheng.accounts.models import User
    from minzheng.assistance.demo import seed_county_back_pay
    from minzheng.core.models import AuditEvent
    from minzheng.demo import ensure_demo_staff
    from minzheng.payments.models import BackPay
    from minzheng.verification.demo import enrol_sample

    ensure_demo_staff()
    first, second, *_ = fuhui_families(3)
    assert enrol_sample(2, YearMonth(2026, 6), within=FUHUI) == 2
    with time_machine.travel(DEMO_TODAY, tick=False):
        assert seed_county_back_pay("330212000000") == 2
        events = AuditEvent.objects.count()
        assert seed_county_back_pay("330212000000") == 0
    assert AuditEvent.objects.count() == events
    rows = list(BackPay.objects.order_by("id"))
    assert [
        (b.enrolment.household, b.status, b.from_month, b.to_month, b.monthly_amount) for b in rows
    ] == [
        (first, "approved", date(2026, 9, 1), date(2026, 10, 1), Decimal("45.00")),
        (second, "pending", date(2026, 10, 1), date(2026, 10, 1), Decimal("30.00")),
    ]
    approver = User.objects.get(username="approver_yinzhou")
    assert rows[0].approved_by == approver
    assert {b.proposed_by for b in rows} == {caseworker_xiaying}

    client = Client()
    assert client.login(username="approver_yinzhou", password=PASSWORD)
    page = client.get("/payments/back-pays/").content.decode()
    assert "吴海波" in page and "暂无" not in page
