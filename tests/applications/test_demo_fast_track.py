"""快速通道 has real periods on first login (issue #14): before the replayed history each demo
county's approver starts 三快一缓 over the township of the county's demo village for the second
replayed month — 南门街道 for 海曙, 福晖新村社区's 下应街道 for 鄞州 — and the township's caseworker
and the village's assistant see the period over them; a second run adds nothing."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.conftest import fuhui_families

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def demo_staff_and_fuhui(regions: None) -> None:
    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.demo import ensure_demo_staff

    do_load_parameter_catalog(None)
    ensure_demo_staff()
    fuhui_families()


def _page(username: str) -> str:
    from minzheng.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.get("/applications/fast-track/").content.decode()


def test_each_demo_county_starts_a_fast_track_once(demo_staff_and_fuhui: None) -> None:
    from minzheng.applications.demo import seed_fast_track
    from minzheng.applications.models import FastTrackPeriod
    from minzheng.core.models import AuditEvent

    with time_machine.travel(DEMO_TODAY, tick=False):
        assert seed_fast_track() == 2
        events = AuditEvent.objects.count()
        assert seed_fast_track() == 0
    assert AuditEvent.objects.count() == events
    periods = {
        p.region_id: (p.starts_on, p.ends_on, p.created_by.username)
        for p in FastTrackPeriod.objects.select_related("created_by")
    }
    # The demo replays August to December 2026: the second month is September.
    assert periods == {
        "330203001000": (date(2026, 9, 1), date(2026, 9, 30), "approver_haishu"),
        "330212003000": (date(2026, 9, 1), date(2026, 9, 30), "approver_yinzhou"),
    }


def test_the_township_and_village_staff_see_the_period_over_them(
    demo_staff_and_fuhui: None,
) -> None:
    from minzheng.applications.demo import seed_fast_track

    with time_machine.travel(DEMO_TODAY, tick=False):
        seed_fast_track()
        pages = {u: _page(u) for u in ("assistant_fuhu", "caseworker_nanmen", "approver_yinzhou")}
    for username in ("assistant_fuhu", "caseworker_nanmen"):
        assert "台风过境" in pages[username], username
        assert "未启动快速通道" not in pages[username]
        assert "暴雨内涝" not in pages[username]  # 鄞州's is not over them
    assert "暴雨内涝" in pages["approver_yinzhou"] and "台风过境" not in pages["approver_yinzhou"]
