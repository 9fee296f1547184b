"""The replayed months' 低保抽查: 海曙's approver drew each month on its second day and the
township caseworker concluded every review on the 15th, so a village the draws reached sees its
own spot checks (福湖社区's 低保抽查 was empty: only this month's draw was made, and it missed
南门街道); a second run adds nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from minzheng.applications.models import ReviewTask, SpotCheck, SpotCheckItem
from minzheng.assistance.demo import seed_demo
from minzheng.core.yearmonth import YearMonth
from tests.conftest import FUHU_HEADS, PASSWORD, enrolled_fuhu_heads

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
HEADS = FUHU_HEADS


def test_the_village_sees_the_replayed_months_spot_checks_concluded(
    regions: None,
    approver_haishu: Any,
    caseworker_nanmen: Any,
    assistant_fuhu: Any,
    city_admin: Any,
) -> None:
    assert enrolled_fuhu_heads(HEADS, YearMonth(2026, 6)) == 3

    with time_machine.travel(DEMO_TODAY, tick=False):
        seed_demo()
        seed_demo()  # a second demo start adds nothing
    # ⌈5 % × 3⌉ = 1 household a month: August to November, and this month's.
    months = list(SpotCheck.objects.order_by("month").values_list("month", "drawn", "drawn_by"))
    assert months == [(date(2026, m, 1), 1, approver_haishu.pk) for m in (8, 9, 10, 11, 12)]
    past = SpotCheckItem.objects.filter(spot_check__month__lt=date(2026, 12, 1))
    reviews = ReviewTask.objects.filter(pk__in=past.values("review_id"))
    assert past.count() == 4
    assert set(reviews.values_list("status", "outcome", "done_by")) == {
        ("done", "continue", caseworker_nanmen.pk)
    }

    client = Client()
    assert client.login(username="assistant_fuhu", password=PASSWORD)
    page = client.get("/applications/spot-checks/").content.decode()
    assert "暂无抽查记录" not in page
    assert all(f"2026-{m:02d}" in page for m in (8, 9, 10, 11, 12))
