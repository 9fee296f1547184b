from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from minzheng.assistance.actions import do_enrol, do_load_parameter_catalog
from minzheng.core.yearmonth import YearMonth


@pytest.fixture
def li_enrolled_from_january(household_li_three_members: Any) -> Any:
    """The Li household (three members) on 低保 at 600.00 元 from January 2026."""
    do_load_parameter_catalog(None)
    return do_enrol(
        None,
        household=household_li_three_members,
        programme="dibao",
        start=YearMonth(2026, 1),
        amount=Decimal("600.00"),
    )
