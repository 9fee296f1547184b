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
