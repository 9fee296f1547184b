"""Named households and parameter sets for the assistance rules tests."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

try:
    import minzheng  # noqa: F401
except ModuleNotFoundError:  # the venv's editable install may be missing while the project is built
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from minzheng.assistance.parameter_catalog import default_parameters
from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.rules import (
    Assets,
    Home,
    HouseholdFacts,
    Income,
    IncomeKind,
    Member,
    Relationship,
)

HAISHU = "330203"
YINZHOU = "330212"
JUNE_2020 = date(2020, 6, 1)


def wage(amount: str) -> tuple[Income, ...]:
    return (Income(IncomeKind.WAGE, Decimal(amount)),)


@pytest.fixture
def params_haishu_2020() -> ParameterSet:
    """Ningbo's illustrative 2020 standard of 750 yuan/month, resolved for 海曙区."""
    return default_parameters(HAISHU, JUNE_2020)


@pytest.fixture
def params_haishu_2021h2() -> ParameterSet:
    """海曙区 after 2021-07-01: the same standard, read under 民发〔2021〕57号 and 43号."""
    return default_parameters(HAISHU, date(2021, 8, 1))


@pytest.fixture
def household_li_three_members() -> HouseholdFacts:
    """Li (45, wage 600), his wife (43, wage 300) and their son (10): urban, one 80 m² flat."""
    return HouseholdFacts(
        members=(
            Member("li", Relationship.APPLICANT, age=45, incomes=wage("600")),
            Member("li_wife", Relationship.SPOUSE, age=43, incomes=wage("300")),
            Member("li_son", Relationship.CHILD, age=10),
        ),
        assets=Assets(money=Decimal("20000"), homes=(Home(Decimal("80")),)),
        region_code=HAISHU,
        as_of=JUNE_2020,
    )


@pytest.fixture
def params_yinzhou_2021() -> ParameterSet:
    """鄞州区 from 2021: the county's own standard of 1,005 yuan/month overrides the city's."""
    return default_parameters(YINZHOU, date(2021, 3, 1))


@pytest.fixture
def household_wang_widow_82() -> HouseholdFacts:
    """Mrs Wang, 82, lives alone on a 400 yuan pension plus the 200 yuan basic pension."""
    return HouseholdFacts(
        members=(
            Member(
                "wang",
                Relationship.APPLICANT,
                age=82,
                incomes=(
                    Income(IncomeKind.BASIC_PENSION, Decimal("400")),
                    Income(IncomeKind.CENTRAL_BASIC_PENSION, Decimal("200")),
                ),
            ),
        ),
        assets=Assets(money=Decimal("5000"), homes=(Home(Decimal("45")),)),
        region_code=HAISHU,
        as_of=JUNE_2020,
    )
