"""Named cases for the workflow tests: the 李 family applying at the 南门街道 window."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def clock() -> Iterator[Any]:
    """Friday 2020-09-25, a week before National Day; tests move it on with `clock.move_to`."""
    with time_machine.travel(at(date(2020, 9, 25)), tick=False) as traveller:
        yield traveller


@pytest.fixture
def township_head_nanmen(make_staff: Callable[..., Any]) -> Any:
    return make_staff("township_head_nanmen", "township_caseworker", "330203001000")


@pytest.fixture
def application_li(
    clock: Any, caseworker_nanmen: Any, approver_haishu: Any, household_li_three_members: Any
) -> Any:
    """李建国 applies at the window for 低保 with 600 yuan a month for three people, consents signed."""
    from minzheng.applications.actions import do_submit_application

    return do_submit_application(
        caseworker_nanmen,
        applicant=household_li_three_members.head,
        programmes=["dibao"],
        declared_income=Decimal("600"),
        consents_confirmed=True,
        ip="10.0.0.8",
    )


def walk_to_public_notice(app: Any, caseworker: Any) -> Any:
    from minzheng.applications import actions

    actions.do_record_home_visit(
        caseworker, app, visited_on=date(2020, 9, 25), notes="三口之家，老两口无业，儿子打零工"
    )
    actions.do_record_verification(
        caseworker, app, verified_income=Decimal("600"), passed=True, note="部门数据比对无异常"
    )
    return actions.do_township_review(caseworker, app, passed=True, note="符合条件")
