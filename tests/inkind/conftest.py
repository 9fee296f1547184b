"""南门街道's store with quilts, and 李建国's family in 福湖社区 enrolled in 低保 (the programme a
distribution list can be drawn from)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from minzheng.assistance.actions import do_enrol
from minzheng.core.yearmonth import YearMonth
from minzheng.inkind.demo import seed_items
from minzheng.inkind.models import Item

NANMEN = "330203001000"


@pytest.fixture
def quilt(regions: None) -> Item:
    seed_items()
    return Item.objects.get(name="棉被")


@pytest.fixture
def li_on_dibao(household_li_three_members: Any) -> Any:
    do_enrol(
        None,
        household=household_li_three_members,
        programme="dibao",
        start=YearMonth(2024, 1),
        amount=Decimal("500"),
    )
    return household_li_three_members
