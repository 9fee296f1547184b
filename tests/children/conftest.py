"""A 福湖社区 family whose parents have died, leaving 李小雨 (ten years old) with her grandmother;
the policy catalogue loaded."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from minzheng.assistance.actions import do_load_parameter_catalog
from minzheng.core.clock import today
from tests.conftest import _household


def years_ago(years: int, day: date | None = None) -> date:
    base = day or today()
    return base.replace(year=base.year - years, day=min(base.day, 28))


@pytest.fixture
def parameters(db: None) -> None:
    do_load_parameter_catalog()


@pytest.fixture
def household_li_orphan(regions: None, parameters: None) -> Any:
    """李志强 (father) and 陈美华 (mother) died; 李小雨 lives on with 张桂芳, her grandmother."""
    from minzheng.registry.models import Person

    household = _household(
        "330203001001",
        "海曙区南门街道福湖社区柳汀街8号",
        [
            ("李志强", "330203198503031235", "head", date(1985, 3, 3), ""),
            ("陈美华", "330203198707072341", "spouse", date(1987, 7, 7), ""),
            ("李小雨", "330203201604160026", "child", years_ago(10), ""),
            ("张桂芳", "330203195808082344", "parent", date(1958, 8, 8), ""),
        ],
    )
    Person.objects.filter(name__in=["李志强", "陈美华"]).update(date_of_death=date(2024, 5, 1))
    return household


def person(name: str) -> Any:
    from minzheng.registry.models import Person

    return Person.objects.get(name=name)
