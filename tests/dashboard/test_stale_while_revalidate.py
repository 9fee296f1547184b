"""Stale-while-revalidate: a write marks the months it changes stale, pages keep reading the kept
figures and say so, and the statistics_refresh job computes the stale months again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minzheng.assistance.actions import do_enrol
from minzheng.core.yearmonth import YearMonth
from minzheng.dashboard import queries
from minzheng.dashboard.freshness import do_refresh_stale, mark_stale, months_to_refresh
from minzheng.dashboard.models import ProvisionalMonth
from minzheng.dashboard.queries import month_figures, refresh_month
from tests.conftest import PASSWORD, _household

CITY = "330200000000"
SEPTEMBER, OCTOBER, NOVEMBER = YearMonth(2026, 9), YearMonth(2026, 10), YearMonth(2026, 11)


def _stale(month: YearMonth) -> bool:
    return ProvisionalMonth.objects.get(month=month.first_day()).stale_since is not None


def test_an_enrolment_marks_its_months_from_the_start_stale_and_the_job_recomputes_them(
    li_enrolled_from_january: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for month in (SEPTEMBER, OCTOBER, NOVEMBER):
        month_figures(month)
    chen = _household(
        "330203001001",
        "福湖社区柳汀街3号",
        [("陈阿大", "33020319480506121X", "head", date(1948, 5, 6), "")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        do_enrol(None, household=chen, programme="dibao", start=OCTOBER, amount=Decimal("700.00"))
    assert (_stale(SEPTEMBER), _stale(OCTOBER), _stale(NOVEMBER)) == (False, True, True)
    assert month_figures(OCTOBER)[CITY]["dibao_households"] == 1  # kept figures, not computed
    refreshed = do_refresh_stale(date(2026, 11, 15)).months
    assert refreshed == ["2026-10", "2026-11"]
    assert month_figures(OCTOBER)[CITY]["dibao_households"] == 2
    assert month_figures(SEPTEMBER)[CITY]["dibao_households"] == 1
    assert not _stale(OCTOBER) and not _stale(NOVEMBER)
    assert do_refresh_stale(date(2026, 11, 15)).months == []  # nothing changed since


def test_a_write_during_a_computation_leaves_the_month_stale(
    li_enrolled_from_january: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    month_figures(OCTOBER)
    compute = queries.compute_month

    def written_meanwhile(month: YearMonth) -> Any:
        figures = compute(month)
        mark_stale(month.first_day())  # a write committed while the month was being computed
        return figures

    monkeypatch.setattr(queries, "compute_month", written_meanwhile)
    refresh_month(OCTOBER)
    assert _stale(OCTOBER)  # the write may be missing from the figures: computed again later
    monkeypatch.setattr(queries, "compute_month", compute)
    refresh_month(OCTOBER)
    assert not _stale(OCTOBER)


def test_the_job_keeps_this_month_and_last_month_computed(li_enrolled_from_january: Any) -> None:
    assert months_to_refresh(date(2026, 11, 15)) == [OCTOBER, NOVEMBER]
    do_refresh_stale(date(2026, 11, 15))
    assert set(ProvisionalMonth.objects.values_list("month", flat=True)) == {
        OCTOBER.first_day(),
        NOVEMBER.first_day(),
    }
    assert months_to_refresh(date(2026, 11, 15)) == []


def test_the_page_says_its_figures_are_waiting_and_only_the_city_may_recompute(
    li_enrolled_from_january: Any, city_admin: Any, approver_haishu: Any
) -> None:
    month_figures(OCTOBER)
    mark_stale(OCTOBER.first_day())
    client = Client()
    assert client.login(username=city_admin.username, password=PASSWORD)
    page = client.get("/statistics/?month=2026-10").content.decode()
    assert "等待后台重新计算" in page and "<button>重新计算</button>" in page
    county = Client()
    assert county.login(username=approver_haishu.username, password=PASSWORD)
    page = county.get("/statistics/?month=2026-10").content.decode()
    assert "等待后台重新计算" in page and "<button>重新计算</button>" not in page
    refused = county.post("/statistics/refresh/", {"month": "2026-10"})
    assert refused.status_code == 403 and "只有市级统计人员" in refused.content.decode()
    assert _stale(OCTOBER)  # refused: nothing computed
    assert client.post("/statistics/refresh/", {"month": "2026-10"}).status_code == 302
    assert not _stale(OCTOBER)
