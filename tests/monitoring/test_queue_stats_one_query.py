"""The warnings queue's figures come from one grouped read, and add up to the warnings."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from minzheng.monitoring.actions import do_close_warning, do_run_monitor
from minzheng.monitoring.models import Kind, Warning
from minzheng.monitoring.queries import queue_stats
from minzheng.verification.demo import load_all
from tests.monitoring.conftest import MONTH


@pytest.fixture
def monitored(planted: Any) -> Any:
    load_all(planted)
    do_run_monitor(None, MONTH)
    return planted


def test_the_queue_figures_are_one_query_and_match_the_warnings(
    monitored: Any, make_staff: Any, django_assert_num_queries: Any
) -> None:
    city = make_staff("city_watch", "city_admin", "330200000000")
    vehicle = Warning.objects.filter(kind="vehicle").order_by("id").first()
    assert vehicle is not None
    approver = make_staff("approver_x", "county_approver", f"{vehicle.region_id[:6]}000000")
    do_close_warning(approver, vehicle, closure="false_positive", note="车辆登记在同名他人名下")

    with django_assert_num_queries(1):
        stats = queue_stats(city, date(2021, 6, 1))

    assert stats.total == Warning.objects.count() == 20
    assert stats.open == Warning.objects.filter(status="open").count() == 19
    assert stats.overdue == 19  # by June 2021 every open warning is past its deadline
    assert (stats.closed, stats.false_positive) == (1, 1)
    for code, _label, open_n, total in stats.by_kind:
        assert total == Warning.objects.filter(kind=code).count()
        assert open_n == Warning.objects.filter(kind=code, status="open").count()
    assert [code for code, *_ in stats.by_kind] == [code for code, _ in Kind.choices]
    assert sum(n for _label, n in stats.by_closure) == 1
