"""低保 amount = (standard − per-capita income) × members + 分类施保, rounded, with a floor.

Catalogue defaults for 海曙 2020: standard 750 (illustrative), rounding half-up to the yuan,
floor 50, supplements elderly 80+ 30%, minor 10%, severe disability 20%, serious illness 20%,
the highest one only per member.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.rules import (
    Disability,
    DisabilityCategory,
    HouseholdFacts,
    Income,
    IncomeKind,
    Member,
    Relationship,
    Route,
    evaluate_dibao,
)

from .households import household

A = Relationship.APPLICANT


def wage(amount: str) -> tuple[Income, ...]:
    return (Income(IncomeKind.WAGE, Decimal(amount)),)


CASES = [
    pytest.param(
        household(
            Member("zhao", A, age=50, incomes=wage("1000")),
            Member(
                "zhao_wife",
                Relationship.SPOUSE,
                age=48,
                disability=Disability(DisabilityCategory.PHYSICAL, 1),
                serious_illness=True,
                extra_expenses_monthly=Decimal("200"),
            ),
        ),
        # income 1000 − 200 disability spending = 800; 750 × 2 − 800 = 700;
        # wife: severe disability 20% and illness 20%, highest only → 0.20 × 750 = 150; 700 + 150 = 850
        Decimal("850"),
        id="couple_with_severely_disabled_wife_gets_one_supplement",
    ),
    pytest.param(
        household(
            Member("qian", A, age=40, incomes=wage("1000")),
            Member("qian_son", Relationship.CHILD, age=20),
        ),
        # adult son who is not a student and lives apart is not counted: 1 member; 1000 ≥ 750 → ineligible
        Decimal("0"),
        id="adult_son_living_apart_is_not_counted",
    ),
    pytest.param(
        household(
            Member("sun", A, age=40, incomes=wage("1480")),
            Member("sun_wife", Relationship.SPOUSE, age=40),
        ),
        # 750 × 2 − 1480 = 20, below the floor → 50
        Decimal("50"),
        id="a_small_gap_is_raised_to_the_floor",
    ),
    pytest.param(
        household(
            Member("zhou", A, age=40, incomes=wage("1500")),
            Member("zhou_wife", Relationship.SPOUSE, age=40),
        ),
        # per-capita 750 is not below 750 → ineligible
        Decimal("0"),
        id="income_exactly_at_the_standard_is_not_below_it",
    ),
    pytest.param(
        household(
            Member(
                "wu",
                A,
                age=45,
                incomes=(
                    Income(IncomeKind.WAGE, Decimal("300")),
                    Income(IncomeKind.SCHOLARSHIP, Decimal("500")),
                    Income(IncomeKind.GOVERNMENT_ASSISTANCE, Decimal("300")),
                    Income(IncomeKind.SPECIAL_CARE_PENSION, Decimal("200")),
                    Income(IncomeKind.FAMILY_PLANNING_AWARD, Decimal("100")),
                ),
            ),
        ),
        # only the wage counts: 750 − 300 = 450
        Decimal("450"),
        id="excluded_kinds_are_not_income",
    ),
]


@pytest.mark.parametrize(("facts", "expected"), CASES)
def test_dibao_amount_worked_by_hand(
    facts: HouseholdFacts, expected: Decimal, params_haishu_2020: ParameterSet
) -> None:
    decision = evaluate_dibao(facts, params_haishu_2020)
    assert decision.monthly_amount == expected
    assert decision.eligible is (expected > 0)


def test_li_three_members_get_the_gap_plus_the_minor_supplement(
    household_li_three_members: HouseholdFacts, params_haishu_2020: ParameterSet
) -> None:
    decision = evaluate_dibao(household_li_three_members, params_haishu_2020)
    # 750 × 3 − (600 + 300) = 1350; son 10 → 0.10 × 750 = 75; 1350 + 75 = 1425
    assert decision.monthly_amount == Decimal("1425")
    assert decision.route is Route.HOUSEHOLD
    assert [line.amount for line in decision.amount_lines] == [
        Decimal("1350"),
        Decimal("75.00"),
        Decimal("1425"),
    ]


def test_widow_82_gets_the_elderly_supplement_and_the_basic_pension_is_not_income(
    household_wang_widow_82: HouseholdFacts,
    params_haishu_2020: ParameterSet,
    params_haishu_2021h2: ParameterSet,
) -> None:
    # From 2021-07-01 (民发〔2021〕57号第13条): counted basic pension 400, the 200 central basic
    # pension excluded; 750 − 400 = 350; elderly 0.30 × 750 = 225; 350 + 225 = 575.
    later = replace(household_wang_widow_82, as_of=params_haishu_2021h2.as_of)
    assert evaluate_dibao(later, params_haishu_2021h2).monthly_amount == 575
    # In 2020 that exclusion did not exist yet (changed with issue #11: the 2021 list was applied
    # to 2020): 750 − 600 = 150; + 225 = 375.
    assert evaluate_dibao(household_wang_widow_82, params_haishu_2020).monthly_amount == 375


def test_yinzhou_2021_uses_the_county_standard_and_rounds_half_up_to_the_yuan(
    params_yinzhou_2021: ParameterSet,
) -> None:
    facts = household(
        Member("zheng", A, age=40, incomes=wage("1000")),
        Member("zheng_wife", Relationship.SPOUSE, age=38),
        Member("zheng_son", Relationship.CHILD, age=6),
    )
    facts = facts.__class__(facts.members, facts.assets, "330212", params_yinzhou_2021.as_of)
    decision = evaluate_dibao(facts, params_yinzhou_2021)
    # 1005 × 3 − 1000 = 2015; son 0.10 × 1005 = 100.5; 2115.5 → half up → 2116
    assert decision.monthly_amount == Decimal("2116")
    assert (
        decision.criteria[0].parameters[0].version_id == "dibao.standard_monthly@330212@2021-01-01"
    )


def test_cumulative_supplements_add_up_when_the_parameter_says_so(
    params_haishu_2020: ParameterSet,
) -> None:
    params = params_haishu_2020.replace("supplement.cumulative", True)
    facts = household(
        Member(
            "feng",
            A,
            age=85,
            disability=Disability(DisabilityCategory.VISUAL, 2),
            serious_illness=True,
        )
    )
    decision = evaluate_dibao(facts, params)
    # 750 − 0 = 750; 0.30 + 0.20 + 0.20 = 0.70 × 750 = 525; 1275
    assert decision.monthly_amount == Decimal("1275")
