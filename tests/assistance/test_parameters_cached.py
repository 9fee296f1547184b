"""Inside `parameters_cached` (the demo's build) a county's set is resolved once, and a value
confirmed or withdrawn inside the batch is read at once (issue #14)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from minzheng.assistance import actions
from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.queries import parameter_set, parameters_cached

AUG_2021 = date(2021, 8, 1)
STANDARD = "dibao.standard_monthly"


def _standard(parameters: ParameterSet) -> Decimal:
    value = {p.key: p.value for p in parameters}[STANDARD]
    assert isinstance(value, Decimal)
    return value


@pytest.fixture
def catalogue(db: None) -> None:
    actions.do_load_parameter_catalog(None)


@pytest.fixture
def checker(make_staff: Any) -> Any:
    return make_staff("city_checker", "city_admin", "330200000000")


def _propose_800(admin: Any) -> Any:
    with time_machine.travel(date(2021, 7, 10), tick=False):
        return actions.do_propose_parameter(
            admin,
            key=STANDARD,
            region_code="330200",
            effective_from=AUG_2021,
            value="800",
            source="示例：宁波市2021年8月起低保标准调整（测试用）",
            confidence="B",
        )


def test_inside_a_batch_the_second_read_is_the_first_set_after_one_query(
    catalogue: None, django_assert_num_queries: Any
) -> None:
    uncached = parameter_set("330203", AUG_2021)
    with parameters_cached():
        first = parameter_set("330203", AUG_2021)
        with django_assert_num_queries(1):  # the active rows' stamp, not the 268 rows
            second = parameter_set("330203", AUG_2021)
    assert second is first
    assert first == uncached
    assert _standard(first) == Decimal("750")


def test_outside_a_batch_every_read_resolves_again(catalogue: None) -> None:
    first = parameter_set("330203", AUG_2021)
    assert parameter_set("330203", AUG_2021) is not first
    assert parameter_set("330203", AUG_2021) == first


def test_a_value_confirmed_inside_the_batch_is_read_at_once(
    catalogue: None, city_admin: Any, checker: Any
) -> None:
    with parameters_cached():
        assert _standard(parameter_set("330200", AUG_2021)) == Decimal("750")
        proposal = _propose_800(city_admin)
        assert _standard(parameter_set("330200", AUG_2021)) == Decimal("750")  # still pending
        with time_machine.travel(date(2021, 7, 12), tick=False):
            actions.do_confirm_parameter(checker, proposal)
        assert _standard(parameter_set("330200", AUG_2021)) == Decimal("800")
        with time_machine.travel(date(2021, 7, 14), tick=False):
            actions.do_withdraw_parameter(city_admin, proposal)
        assert _standard(parameter_set("330200", AUG_2021)) == Decimal("750")
