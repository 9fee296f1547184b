"""发放异常 has its caseworker's work on first login (issue #14): the demo's replay has last
month's bank return close one payee's account in each demo village (账户已销户, the village's last
payee in the file); the replay corrects only 账号错误 itself, so the closed one waits in 福湖社区's
and 南门街道's queue the next month — and in no other village's."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions import exception_queue_for
from minzheng.regions.models import Region
from minzheng.registry.year import MonthReport, make_roll, reissue_failures
from tests.conftest import FUHU_HEADS, enrolled_fuhu_heads

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
FUHU = "330203001001"


def test_last_months_closed_account_waits_for_the_village(
    regions: None,
    approver_haishu: Any,
    caseworker_nanmen: Any,
    assistant_fuhu: Any,
    caseworker_xiaying: Any,
) -> None:
    assert enrolled_fuhu_heads(FUHU_HEADS, YearMonth(2026, 10)) == 3
    haishu = Region.objects.get(pk="330203000000")
    report = MonthReport("2026-11")
    with time_machine.travel(DEMO_TODAY, tick=False):
        make_roll(haishu, YearMonth(2026, 11), report, approve=True, closed=frozenset({FUHU}))
        assert reissue_failures(haishu) == 0  # December's day 3: nothing it may correct itself
    assert (report.rolls, report.lines, report.bank_files, report.failed) == (1, 3, 1, 1)

    queue = exception_queue_for(assistant_fuhu)
    assert [(line.payee.name, line.outcome.reason_code, line.outcome.reason) for line in queue] == [
        ("张国平", "closed_account", "账户已销户")  # 柳汀街3号: the village's last payee
    ]
    assert [line.pk for line in exception_queue_for(caseworker_nanmen)] == [queue[0].pk]
    assert exception_queue_for(caseworker_xiaying) == []

    client = Client()
    client.force_login(caseworker_nanmen)
    page = client.get("/payments/exceptions/").content.decode()
    assert "张国平" in page and "账户已销户" in page
