"""鄞州's approver finds 能力评估 and 就餐记录 on first login (issue #14): the demo assesses the
elderly of 鄞州's busiest village's township (the village's first) and records the weekday
meals at 鄞州's first meal points, through their townships' caseworkers; a second run adds
nothing, audit events included."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.conftest import FUHUI, PASSWORD, fuhui_families

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_county_seed_assesses_and_feeds_yinzhous_elderly(
    caseworker_xiaying: Any, approver_yinzhou: Any
) -> None:
    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.core.models import AuditEvent
    from minzheng.eldercare.actions import do_add_meal_point
    from minzheng.eldercare.demo import seed_county
    from minzheng.eldercare.models import Assessment, MealRecord

    do_load_parameter_catalog(None)
    fuhui_families()  # heads born 1960–65, wives 1962–67
    do_add_meal_point(
        None,
        name="福晖新村社区老年食堂",
        village_code=FUHUI,
        operator="福晖新村社区居家养老服务中心",
    )
    with time_machine.travel(DEMO_TODAY, tick=False):
        made = seed_county("330212000000")
        events = AuditEvent.objects.count()
        assert seed_county("330212000000") == 0
    assert AuditEvent.objects.count() == events
    # born by 1964-01-01 (62): four heads (1960–63) and two wives (1962–63), in the order they
    # were registered; the first (周海波) and the fourth (吴丽娟) also a year and a half ago
    assessed = Counter(Assessment.objects.values_list("person__name", flat=True))
    assert assessed == {
        "周海波": 2,
        "吴海波": 1,
        "郑海波": 1,
        "冯海波": 1,
        "周丽娟": 1,
        "吴丽娟": 2,
    }
    assert set(Assessment.objects.values_list("assessor", flat=True)) == {caseworker_xiaying.pk}
    meals = MealRecord.objects.all()
    # 65 and over by 2026-01-01: 周海波 (1960) alone; weekdays from 1 November to 2 December
    assert set(meals.values_list("person__name", flat=True)) == {"周海波"}
    assert {m.recorded_by_id for m in meals} == {caseworker_xiaying.pk}
    assert all(
        date(2026, 11, 1) <= m.day < date(2026, 12, 3) and m.day.weekday() < 5 for m in meals
    )
    assert made == 8 + meals.count() and meals.count() > 10

    client = Client()
    assert client.login(username="approver_yinzhou", password=PASSWORD)
    assert "冯海波" in client.get("/eldercare/assessments/").content.decode()
    assert "周海波" in client.get("/eldercare/meals/records/").content.decode()
