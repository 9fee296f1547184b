"""`minzheng applications reviews|overdue`."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.applications.models import ReviewTask
from minzheng.assistance.actions import do_enrol
from minzheng.cli import main
from minzheng.core.yearmonth import YearMonth

pytestmark = pytest.mark.django_db


def test_overdue_counts_by_step(application_li: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["applications", "overdue", "--date", "2020-10-23"]) == 0
    assert json.loads(capsys.readouterr().out) == {"date": "2020-10-23", "overdue": {"visit": 1}}


def test_reviews_are_scheduled_once(
    household_li_three_members: Any, capsys: pytest.CaptureFixture[str], clock: Any
) -> None:
    do_enrol(
        None,
        household=household_li_three_members,
        programme="dibao",
        start=YearMonth(2020, 10),
        amount=Decimal("1650"),
    )
    assert main(["applications", "reviews"]) == 0
    assert main(["applications", "reviews"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert out == [{"review_tasks_created": 1}, {"review_tasks_created": 0}]
    assert ReviewTask.objects.get().due_on == date(
        2021, 4, 1
    )  # 2020: stable households every 6 months
