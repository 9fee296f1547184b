"""The warnings queue's figures come from one grouped read, add up to the warnings, and are kept
for the warnings as they are: read again only when a warning is added or closed."""

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

    with django_assert_num_queries(2):  # the newest warning and closure, the grouped read
        stats = queue_stats(city, date(2021, 6, 1))
    with django_assert_num_queries(1):  # nothing changed: the kept figures
        assert queue_stats(city, date(2021, 6, 1)) == stats

    assert stats.total == Warning.objects.count() == 20
    assert stats.open == Warning.objects.filter(status="open").count() == 19
    assert stats.overdue == 19  # by June 2021 every open warning is past its deadline
    assert (stats.closed, stats.false_positive) == (1, 1)
    for code, _label, open_n, total in stats.by_kind:
        assert total == Warning.objects.filter(kind=code).count()
        assert open_n == Warning.objects.filter(kind=code, status="open").count()
    assert [code for code, *_ in stats.by_kind] == [code for code, _ in Kind.choices]
    assert sum(n for _label, n in stats.by_closure) == 1


def test_the_kept_figures_follow_a_closure_a_new_warning_and_the_day(
    monitored: Any, make_staff: Any
) -> None:
    city = make_staff("city_watch", "city_admin", "330200000000")
    day = date(2020, 10, 1)
    before = queue_stats(city, day)
    assert (before.total, before.open, before.closed) == (20, 20, 0)
    warning = Warning.objects.filter(kind="vehicle").order_by("id").first()
    assert warning is not None
    approver = make_staff("approver_x", "county_approver", f"{warning.region_id[:6]}000000")
    do_close_warning(approver, warning, closure="no_change", note="车辆价值低于标准")
    closed = queue_stats(city, day)
    assert (closed.total, closed.open, closed.closed) == (20, 19, 1)
    # The county's own figures are kept apart from the city's.
    county = queue_stats(approver, day)
    assert county.total == Warning.objects.visible_to(approver).count() < 20
    added = Warning.objects.create(
        month=warning.month,
        kind=warning.kind,
        severity=warning.severity,
        id_number_index="x" * 64,
        id_number_masked=warning.id_number_masked,
        name="新预警",
        region_id=warning.region_id,
        source=warning.source,
        evidence={},
        rule=warning.rule,
        action=warning.action,
        deadline=date(2020, 11, 1),
    )
    assert queue_stats(city, day).total == 21
    assert queue_stats(city, date(2021, 6, 1)).overdue == 20  # another day, counted again
    assert added.pk
