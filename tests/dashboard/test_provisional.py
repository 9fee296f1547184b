"""An open month's figures are kept after computing and read back whatever their age; 重新计算,
the statistics_refresh job and a closed month compute again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.assistance.models import Enrolment
from minzheng.core.yearmonth import YearMonth
from minzheng.dashboard.actions import do_close_month, do_refresh_month, do_reopen_month
from minzheng.dashboard.freshness import do_refresh_stale
from minzheng.dashboard.models import ProvisionalMonth
from minzheng.dashboard.queries import month_figures, region_history
from tests.conftest import PASSWORD

CITY = "330200000000"
OCTOBER = YearMonth(2026, 10)


def test_kept_figures_are_read_back_whatever_their_age_until_recomputed(
    li_enrolled_from_january: Any, city_admin: Any
) -> None:
    assert month_figures(OCTOBER)[CITY]["dibao_persons"] == 3
    assert ProvisionalMonth.objects.filter(month=OCTOBER.first_day()).count() == 1
    Enrolment.objects.filter(pk=li_enrolled_from_january.pk).update(
        status="suspended"
    )  # no signal: a bulk write
    assert month_figures(OCTOBER)[CITY]["dibao_persons"] == 3  # kept, computed before the change
    assert region_history(CITY, [OCTOBER])[0]["dibao_persons"] == 3
    do_refresh_month(city_admin, OCTOBER)
    assert month_figures(OCTOBER).get(CITY, {}).get("dibao_persons", 0) == 0
    Enrolment.objects.filter(pk=li_enrolled_from_january.pk).update(status="active")
    ProvisionalMonth.objects.update(computed_at=timezone.now() - timedelta(hours=1))
    assert month_figures(OCTOBER).get(CITY, {}).get("dibao_persons", 0) == 0  # aged, still read
    assert region_history(CITY, [OCTOBER - 1, OCTOBER])[1].get("dibao_persons", 0) == 0
    assert "2026-10" in do_refresh_stale(timezone.localdate()).months  # the job: aged months
    assert month_figures(OCTOBER)[CITY]["dibao_persons"] == 3
    assert region_history(CITY, [OCTOBER - 1, OCTOBER])[1]["dibao_persons"] == 3


def test_a_closed_month_reads_its_snapshot_and_a_reopened_one_computes_again(
    li_enrolled_from_january: Any, city_admin: Any
) -> None:
    month_figures(OCTOBER)
    do_close_month(city_admin, OCTOBER)
    Enrolment.objects.filter(pk=li_enrolled_from_january.pk).update(status="suspended")
    assert month_figures(OCTOBER)[CITY]["dibao_persons"] == 3  # the snapshot
    do_reopen_month(city_admin, OCTOBER, reason="更正")
    assert not ProvisionalMonth.objects.exists()
    assert month_figures(OCTOBER).get(CITY, {}).get("dibao_persons", 0) == 0
    with pytest.raises(Exception, match="已关账"):
        do_close_month(city_admin, OCTOBER)
        do_refresh_month(city_admin, OCTOBER)


def test_the_page_says_when_it_was_computed_and_recomputes_on_request(
    li_enrolled_from_january: Any, city_admin: Any
) -> None:
    client = Client()
    assert client.login(username=city_admin.username, password=PASSWORD)
    page = client.get("/statistics/?month=2026-10").content.decode()
    assert "计算）" in page and "重新计算" in page
    Enrolment.objects.filter(pk=li_enrolled_from_january.pk).update(status="suspended")
    response = client.post("/statistics/refresh/", {"month": "2026-10", "region": CITY})
    assert response.status_code == 302
    assert month_figures(OCTOBER).get(CITY, {}).get("dibao_persons", 0) == 0
    assert client.post("/statistics/refresh/", {"month": "2026-13"}).status_code == 400
