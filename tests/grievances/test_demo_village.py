"""The grievance demo takes 海曙's cases from 福湖社区's enrolled 低保 families, so the village
assistant and the 南门街道 caseworker find complaints and an appeal on first login (both pages
were empty for them: the seed looked for the synthetic city's 低保 tags, which the demo village's
families, enrolled by the demo's own actions, do not carry)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from minzheng.core.yearmonth import YearMonth
from minzheng.grievances.demo import seed_demo
from minzheng.grievances.models import Appeal, Grievance
from tests.conftest import FUHU_HEADS, PASSWORD, enrolled_fuhu_heads

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
FAMILIES = FUHU_HEADS


@pytest.fixture
def fuhu_three_dibao_families(regions: None, approver_haishu: Any, assistant_fuhu: Any) -> None:
    assert enrolled_fuhu_heads(FAMILIES, YearMonth(2026, 10)) == 3


def test_the_village_assistant_finds_the_seeded_grievances_and_appeal(
    fuhu_three_dibao_families: None,
) -> None:
    with time_machine.travel(DEMO_TODAY, tick=False):
        assert seed_demo() == 4
        assert seed_demo() == 0  # a second demo start adds nothing
    assert set(Grievance.objects.values_list("region_id", flat=True)) == {"330203001001"}
    assert Grievance.objects.count() == 4
    appeal = Appeal.objects.get()
    assert (appeal.person.name, appeal.outcome, appeal.decided_on) == (
        "陈建华",
        "upheld",
        date(2026, 11, 28),
    )
    assert appeal.created_by is not None and appeal.created_by.username == "approver_haishu"

    client = Client()
    assert client.login(username="assistant_fuhu", password=PASSWORD)
    grievances = client.get("/grievances/").content.decode()
    assert "暂无投诉举报" not in grievances
    assert "上月低保金比以前少了" in grievances or grievances.count("/grievances/") >= 4
    appeals = client.get("/grievances/appeals/").content.decode()
    assert "暂无行政复议或诉讼" not in appeals
    assert "不予纳入低保边缘决定" in appeals
