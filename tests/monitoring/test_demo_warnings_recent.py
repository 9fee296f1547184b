"""The demo's warnings queue shows the demo's own months, not the tests' fixed 2020-09: the planted
truths fall in the month before last (review deadlines passed: overdue), last month's run brings
open ones, and the demo approvers have handled every other warning of their counties. The feed
batches carry Chinese file names (住房公积金-2026-10.csv), the source codes stay in the batch."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from minzheng.core.yearmonth import YearMonth
from minzheng.monitoring.models import Warning
from minzheng.monitoring.queries import queue_stats
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def demo_staff_city(test_city: None) -> None:
    from minzheng.demo import ensure_demo_staff

    ensure_demo_staff()


def test_the_demo_plants_its_warnings_in_the_month_before_last(demo_staff_city: None) -> None:
    from minzheng.accounts.models import User
    from minzheng.verification.demo import seed_demo

    with time_machine.travel(DEMO_TODAY, tick=False):
        feeds = seed_demo(households=24)
        assert feeds is not None and feeds.month == YearMonth(2026, 10)
        months = set(Warning.objects.values_list("month", flat=True))
        assert months == {date(2026, 10, 1)}
        city = User.objects.get(username="city_admin")
        stats = queue_stats(city, DEMO_TODAY.date())
    review = Warning.objects.exclude(kind__in=("death", "high_medical_cost"))
    # 30 days after 31 October: every review deadline has passed on 3 December …
    assert set(review.values_list("deadline", flat=True)) == {date(2026, 11, 30)}
    # … while a death's is three months from the month's end.
    deaths = Warning.objects.filter(kind="death")
    assert set(deaths.values_list("deadline", flat=True)) == {date(2027, 1, 31)}
    # A high medical cost's visit is due 15 days after the month's end: overdue too.
    medical = Warning.objects.filter(kind="high_medical_cost")
    assert set(medical.values_list("deadline", flat=True)) == {date(2026, 11, 15)}
    # One truth a sampled household and two residents outside: not one for every enrolled household.
    assert len(feeds.truths) <= 24 + 2
    assert stats.total == len(feeds.truths) == review.count() + deaths.count() + medical.count()
    assert stats.overdue == stats.total - deaths.count() > 0


def test_the_demo_approvers_handle_every_other_warning_of_their_counties(
    demo_staff_city: None,
) -> None:
    from minzheng.accounts.models import User
    from minzheng.verification.demo import seed_demo, seed_handled_warnings

    with time_machine.travel(DEMO_TODAY, tick=False):
        seed_demo(households=24)
        haishu = User.objects.get(username="approver_haishu")
        yinzhou = User.objects.get(username="approver_yinzhou")
        own = {a.username: Warning.objects.visible_to(a).count() for a in (haishu, yinzhou)}
        closed = seed_handled_warnings()
        assert seed_handled_warnings() == 0  # a second demo start changes nothing
    assert own["approver_haishu"] > 1
    expected = sum((n + 1) // 2 for n in own.values())
    assert closed == expected == Warning.objects.filter(status="closed").count()
    closures = set(Warning.objects.filter(status="closed").values_list("closure", flat=True))
    assert closures == {"confirmed", "false_positive", "no_change"} or closed < 3
    assert (
        Warning.objects.filter(status="closed", closed_by=haishu).count()
        == (own["approver_haishu"] + 1) // 2
    )
    # Outside the two counties nothing is closed: no demo approver works there.
    outside = Warning.objects.exclude(region__code__startswith="330203").exclude(
        region__code__startswith="330212"
    )
    assert not outside.filter(status="closed").exists()


def test_the_demo_feed_batches_show_chinese_file_names(demo_staff_city: None) -> None:
    from minzheng.verification.demo import seed_demo
    from minzheng.verification.models import FeedBatch

    with time_machine.travel(DEMO_TODAY, tick=False):
        seed_demo(households=24)
    names = dict(FeedBatch.objects.values_list("source", "filename"))
    assert names["housing_fund"] == "住房公积金-2026-10.csv"  # the source code is kept
    assert all(re.fullmatch(r"[\u4e00-\u9fff（）、]+-2026-10\.csv", n) for n in names.values())
    client = Client()
    assert client.login(username="city_admin", password=PASSWORD)
    page = client.get("/verification/feeds/").content.decode()
    table = page.split('id="batches"')[1].split("</table>")[0]
    assert "住房公积金-2026-10.csv" in table
    assert not re.search(r"[a-z]+_?[a-z]*-\d{4}-\d{2}\.csv", table)
