"""Assets (浙民助〔2015〕13号 items 2–5): money cap, vehicles, non-residential property, urban homes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.policy import load_policy
from minzheng.assistance.rules import (
    Assets,
    Home,
    NonResidentialKind,
    NonResidentialProperty,
    Vehicle,
    VehicleKind,
    asset_test,
)

TWO = 2  # members in every case


@pytest.mark.parametrize(
    ("assets", "passed"),
    [
        (Assets(money=Decimal("53999.99")), True),  # 3 × 12 × 750 × 2 = 54000
        (Assets(money=Decimal("54000")), False),
        (Assets(vehicles=(Vehicle(VehicleKind.CAR),)), False),
        (
            Assets(
                vehicles=(
                    Vehicle(VehicleKind.DISABILITY_MOBILITY),
                    Vehicle(VehicleKind.TWO_WHEEL_MOTORCYCLE),
                )
            ),
            True,
        ),
        (Assets(nonresidential=(NonResidentialProperty(NonResidentialKind.SHOP),)), False),
        (
            Assets(
                nonresidential=(NonResidentialProperty(NonResidentialKind.SHOP, is_only_home=True),)
            ),
            True,
        ),
        (
            Assets(homes=(Home(Decimal("79.99")), Home(Decimal("0")))),
            True,
        ),  # 2 homes, 40 m²/person avg
        (
            Assets(homes=(Home(Decimal("60")), Home(Decimal("20")))),
            False,
        ),  # 80 m² is not below 40 × 2
        (Assets(homes=(Home(Decimal("30")),) * 3), False),
        (
            Assets(homes=(Home(Decimal("100")),) * 3, urban=False),
            True,
        ),  # no housing rule for rural homes
    ],
)
def test_asset_items(assets: Assets, passed: bool, params_haishu_2020: ParameterSet) -> None:
    policy = load_policy(params_haishu_2020)
    assert asset_test(assets, TWO, policy, policy.dibao_money_years).passed is passed


def test_a_vehicle_is_allowed_where_the_parameter_allows_it(
    params_haishu_2020: ParameterSet,
) -> None:
    policy = load_policy(params_haishu_2020.replace("asset.vehicle_allowed", True))
    assert asset_test(
        Assets(vehicles=(Vehicle(VehicleKind.CAR),)), TWO, policy, policy.dibao_money_years
    ).passed
