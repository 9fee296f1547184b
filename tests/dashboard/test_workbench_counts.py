"""The workbench's registry counts: per region, kept and read whatever their age until the
statistics_refresh job counts again, scoped to the viewer."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from minzheng.dashboard.freshness import do_refresh_stale
from minzheng.dashboard.models import RegionCount
from tests.conftest import PASSWORD, _household


def _cards(user: Any) -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client.get("/").content.decode()


def test_counts_are_scoped_grouped_and_kept(
    household_li_three_members: Any, city_admin: Any, approver_yinzhou: Any
) -> None:
    _household(  # one person in 鄞州 (a village of 下应街道)
        "330212009001",
        "鄞州区某村1号",
        [("张一", "330212196001011234", "head", date(1960, 1, 1), "")],
    )
    city = _cards(city_admin)
    assert '<div class="card-value">4<small>人</small>' in city
    assert '<div class="card-value">2<small>户</small>' in city
    assert 'data-labels="海曙区|鄞州区"' in city and 'data-values="3|1"' in city
    yinzhou = _cards(approver_yinzhou)
    assert '<div class="card-value">1<small>人</small>' in yinzhou
    assert RegionCount.objects.filter(region_id="330203001001").get().persons == 3
    _household(
        "330212009001",
        "鄞州区某村2号",
        [("张二", "330212196101011239", "head", date(1961, 1, 1), "")],
    )
    assert '<div class="card-value">1<small>人</small>' in _cards(approver_yinzhou)  # kept
    RegionCount.objects.update(counted_at=timezone.now() - timedelta(hours=1))
    assert '<div class="card-value">1<small>人</small>' in _cards(approver_yinzhou)  # aged, read
    assert do_refresh_stale(timezone.localdate()).counted  # the statistics_refresh job
    assert '<div class="card-value">2<small>人</small>' in _cards(approver_yinzhou)
    assert not do_refresh_stale(timezone.localdate()).counted  # fresh: not counted again
