"""The demo's monitoring seed fills every new page: the warnings queue, the department feeds and
a warning's page, and a second demo start changes nothing. On a city of its own (the warnings
queue's tests share one with its feeds already loaded)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from minzheng.monitoring.models import Warning
from tests.conftest import PASSWORD


def test_the_demo_seed_fills_every_new_page(test_city: None, make_staff: Any) -> None:
    from minzheng.verification.demo import seed_demo
    from minzheng.verification.models import FeedBatch

    feeds = seed_demo(households=24)
    assert feeds is not None
    assert seed_demo(households=24) is None  # a second demo start changes nothing
    total = len(feeds.truths)
    assert total > 10 and Warning.objects.count() == total and FeedBatch.objects.count() == 11
    make_staff("city_watch", "city_admin", "330200000000")
    client = Client()
    assert client.login(username="city_watch", password=PASSWORD)
    queue = client.get("/monitoring/warnings/?status=").content.decode()
    assert f'<strong id="stat-total">{total}</strong>' in queue and "死亡" in queue
    feeds = client.get("/verification/feeds/").content.decode()
    assert feeds.count("/verification/feeds/") >= 11
    police = FeedBatch.objects.get(source="police")
    detail = client.get(f"/verification/feeds/{police.pk}/").content.decode()
    assert police.rows_rejected == 2 and "第" in detail and "校验码" in detail
    warning = Warning.objects.filter(kind="death").first()
    assert warning is not None
    page = client.get(f"/monitoring/warnings/{warning.pk}/").content.decode()
    assert "身后一件事" in page and "次月停发" in page
    menu = client.get("/").content.decode()
    assert "预警处置" in menu and "部门核对数据" in menu


def test_the_demo_seed_checks_each_demo_countys_enrolled_households(test_city: None) -> None:
    """批量核对结果 was empty for approver_yinzhou (issue #14): the seed runs the batch job for
    海曙 and for 鄞州, each over its own enrolled 低保 households."""
    from minzheng.assistance.models import Enrolment
    from minzheng.core.regioncode import RegionCode
    from minzheng.jobs.models import Job
    from minzheng.verification.demo import enrol_sample, planted_month, seed_demo
    from minzheng.verification.models import HouseholdCheck

    # the test city's 鄞州 has no 低保 household the sample reaches: two enrolled here
    assert enrol_sample(2, planted_month() - 6, within="330212000000") == 2
    assert seed_demo(households=24) is not None
    jobs = Job.objects.filter(kind="verification_batch").order_by("id")
    assert [(j.params["county"], j.status) for j in jobs] == [
        ("330203000000", "succeeded"),
        ("330212000000", "succeeded"),
    ]
    yinzhou = RegionCode.of("330212000000")
    checked = set(
        HouseholdCheck.objects.unscoped_within(yinzhou).values_list("household_id", flat=True)
    )
    enrolled = set(
        Enrolment.objects.unscoped_within(yinzhou)
        .filter(programme="dibao", status="active")
        .values_list("household_id", flat=True)
    )
    assert checked and checked <= enrolled
