"""The vectorised batch gives exactly the decisions and amounts of `rules.evaluate_household`."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import numpy as np
import pytest

from minzheng.assistance.batch import evaluate_batch
from minzheng.assistance.errors import NegativeIncome, ParameterInvalid
from minzheng.assistance.parameter_catalog import default_parameters
from minzheng.assistance.parameters import ParameterSet, ParameterValue
from minzheng.assistance.synthetic import disagreements, synthetic_columns

VARIANTS: dict[str, dict[str, ParameterValue]] = {
    "catalogue_defaults": {},
    "cumulative_supplements_rounded_to_the_fen": {
        "supplement.cumulative": True,
        "benefit.rounding": "half_up_fen",
    },
    "no_deduction_rounded_up_with_a_higher_floor": {
        "income.deduct_extra_expenses": False,
        "benefit.rounding": "up_yuan",
        "benefit.floor_monthly": Decimal("120"),
    },
    "two_times_dibian_line_and_cars_allowed": {
        "dibian.income_multiplier": Decimal("2"),
        "asset.vehicle_allowed": True,
        "tekun.basic_multiplier": Decimal("1.55"),
    },
}


def params_for(
    regions: tuple[str, ...], as_of: object, overrides: dict[str, ParameterValue]
) -> dict[str, ParameterSet]:
    result = {}
    for region in regions:
        params = default_parameters(region, as_of)  # type: ignore[arg-type]
        for key, value in overrides.items():
            params = params.replace(key, value)
        result[region] = params
    return result


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("seed", [1, 2])
def test_batch_agrees_with_the_rules_on_generated_households(variant: str, seed: int) -> None:
    hc, mc, sc = synthetic_columns(1500, seed=seed)
    params = params_for(hc.regions, hc.as_of, VARIANTS[variant])
    result = evaluate_batch(hc, mc, sc, params)
    assert disagreements(result, hc, mc, sc, np.arange(len(hc)), params) == []
    # the sample is not trivial: every kind of decision occurs
    assert result.dibao_route.astype(bool).sum() > 100
    assert result.dibian_eligible.sum() > 50 and result.tekun_eligible.sum() > 50
    assert result.single_person_eligible.sum() > 10


def test_batch_refuses_a_parameter_it_cannot_compute_exactly() -> None:
    hc, mc, sc = synthetic_columns(10, seed=3)
    params = params_for(hc.regions, hc.as_of, {"supplement.minor.rate": Decimal("0.12345")})
    with pytest.raises(
        ParameterInvalid,
        match=re.escape("批量计算要求参数 supplement.minor.rate 不超过两位小数，实际为 0.12345"),
    ):
        evaluate_batch(hc, mc, sc, params)


def test_batch_refuses_negative_income() -> None:
    hc, mc, sc = synthetic_columns(10, seed=4)
    income = mc.income_fen.copy()
    income[3, 0] = -100
    params = params_for(hc.regions, hc.as_of, {})
    with pytest.raises(
        NegativeIncome, match=re.escape("成员 第3行 的收入（批量收入）为负数：-1.0，收入不能为负")
    ):
        evaluate_batch(hc, replace(mc, income_fen=income), sc, params)
