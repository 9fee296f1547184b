"""Today's month of a replay (the demo's) leaves the county approver of the first township
caseworker a case waiting at 县级审批 — taken from the township, else its county — whether or not
the county would enrol it on the declared income: in today's month the approver decides."""

from __future__ import annotations

from datetime import date
from typing import Any

from minzheng.applications.models import Application
from minzheng.core import clock
from minzheng.core.regioncode import county_of
from minzheng.core.yearmonth import YearMonth
from minzheng.demo import ensure_demo_staff
from minzheng.registry.seed import seed_registry
from minzheng.registry.year import run_history


def test_todays_month_leaves_the_first_caseworkers_county_a_case_to_decide(regions: Any) -> None:
    seed_registry("test", 11, persons=6_000)
    ensure_demo_staff()  # caseworker_nanmen (南门街道, 海曙区) is the first township caseworker
    with clock.dated(date(2020, 3, 20)):
        report = run_history(YearMonth(2020, 2), YearMonth(2020, 3), open_last=True)
    assert report.months[-1].applications == 2
    waiting = Application.objects.filter(step="county_approval").select_related("household")
    assert [county_of(a.household.region_id) for a in waiting] == ["330203"]
    refused_or_checked = Application.objects.filter(submitted_on=date(2020, 3, 20))
    assert refused_or_checked.get().step == "verification"  # taken in today, at 核对
