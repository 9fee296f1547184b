"""渐退: a household whose income rose above the line after a member found work keeps its amount for the grace months."""

from __future__ import annotations

from decimal import Decimal

import pytest

from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.rules import (
    Enrolment,
    HouseholdFacts,
    Income,
    IncomeKind,
    IncomeRiseReason,
    Member,
    Relationship,
    Route,
    evaluate_dibao,
)

from .households import household

FOUND_WORK = IncomeRiseReason.MEMBER_FOUND_WORK


def household_chen_son_found_work(
    months: int | None, reason: IncomeRiseReason | None
) -> HouseholdFacts:
    """Chen and her son; the son's new job lifts income to 2000 (> 750 × 2); they were paid 600."""
    return household(
        Member("chen", Relationship.APPLICANT, age=50),
        Member(
            "chen_son",
            Relationship.CHILD,
            age=17,
            incomes=(Income(IncomeKind.WAGE, Decimal("2000")),),
        ),
        enrolment=Enrolment(
            Decimal("600"), months_since_income_rose=months, income_rise_reason=reason
        ),
    )


@pytest.mark.parametrize(
    ("months", "reason", "route", "amount"),
    [
        (0, FOUND_WORK, Route.GRADUAL_EXIT, Decimal("600")),  # first month above the line
        (5, FOUND_WORK, Route.GRADUAL_EXIT, Decimal("600")),  # sixth and last grace month (0..5)
        (6, FOUND_WORK, Route.NONE, Decimal("0")),  # grace of 6 months is over
        (2, IncomeRiseReason.OTHER, Route.NONE, Decimal("0")),  # rise not from work: no grace
        (None, FOUND_WORK, Route.NONE, Decimal("0")),  # no date recorded: no grace
    ],
)
def test_gradual_exit_pays_the_old_amount_only_inside_the_grace_months(
    months: int | None,
    reason: IncomeRiseReason | None,
    route: Route,
    amount: Decimal,
    params_haishu_2020: ParameterSet,
) -> None:
    decision = evaluate_dibao(household_chen_son_found_work(months, reason), params_haishu_2020)
    assert (decision.route, decision.monthly_amount) == (route, amount)
    assert decision.criteria[-1].label == "成员就业增收后的渐退期"
    assert decision.criteria[-1].parameters[0].key == "gradual_exit.grace_months"


def test_grace_months_come_from_the_parameter(params_haishu_2020: ParameterSet) -> None:
    params = params_haishu_2020.replace("gradual_exit.grace_months", 3)
    decision = evaluate_dibao(household_chen_son_found_work(3, FOUND_WORK), params)
    assert decision.eligible is False
