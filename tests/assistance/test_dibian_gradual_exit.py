"""低边 渐退: a 低边 household whose income rose above 1.5 × the standard after a member found work
keeps its 低边 standing for the 低边 grace months, like 低保, and the explanation says so."""

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
    evaluate_dibian,
)

from .households import household

FOUND_WORK = IncomeRiseReason.MEMBER_FOUND_WORK


def household_wu_daughter_found_work(
    months: int | None, reason: IncomeRiseReason | None, *, programme: str = "dibian"
) -> HouseholdFacts:
    """Wu and her daughter: the daughter's job lifts income to 2,400 > 1.5 × 750 × 2 = 2,250."""
    return household(
        Member("wu", Relationship.APPLICANT, age=52),
        Member(
            "wu_daughter",
            Relationship.CHILD,
            age=17,
            incomes=(Income(IncomeKind.WAGE, Decimal("2400")),),
        ),
        enrolment=Enrolment(
            Decimal("0"),
            months_since_income_rose=months,
            income_rise_reason=reason,
            programme=programme,
        ),
    )


@pytest.mark.parametrize(
    ("months", "reason", "route"),
    [
        (0, FOUND_WORK, Route.GRADUAL_EXIT),  # first month above the 低边 line
        (5, FOUND_WORK, Route.GRADUAL_EXIT),  # sixth and last grace month (0..5)
        (6, FOUND_WORK, Route.NONE),  # the 6 months are over
        (2, IncomeRiseReason.OTHER, Route.NONE),  # rise not from work: no grace
        (None, FOUND_WORK, Route.NONE),  # no month recorded: no grace
    ],
)
def test_dibian_keeps_its_standing_only_inside_the_grace_months(
    months: int | None,
    reason: IncomeRiseReason | None,
    route: Route,
    params_haishu_2020: ParameterSet,
) -> None:
    decision = evaluate_dibian(household_wu_daughter_found_work(months, reason), params_haishu_2020)
    assert decision.route is route
    assert decision.eligible is (route is Route.GRADUAL_EXIT)
    assert decision.monthly_amount == Decimal("0")  # 低边 pays no monthly amount
    grace = decision.criteria[-1]
    assert grace.label == "成员就业增收后的渐退期"
    assert grace.parameters[0].key == "dibian.gradual_exit.grace_months"


def test_the_explanation_says_the_household_is_in_dibian_gradual_exit(
    params_haishu_2020: ParameterSet,
) -> None:
    decision = evaluate_dibian(household_wu_daughter_found_work(1, FOUND_WORK), params_haishu_2020)
    assert decision.summary == "收入超过低边收入线，渐退期内保留低保边缘身份（渐退期 6 个月）"
    income = decision.criteria[1]
    assert income.passed is False
    assert income.value == "1200.00 元/人·月（家庭月收入 2400.00 元，2 人）"


def test_dibian_grace_months_are_their_own_parameter(params_haishu_2020: ParameterSet) -> None:
    shorter = params_haishu_2020.replace("dibian.gradual_exit.grace_months", 3)
    facts = household_wu_daughter_found_work(3, FOUND_WORK)
    assert evaluate_dibian(facts, shorter).eligible is False
    # 低保's own grace period is untouched by the 低边 value.
    assert shorter.integer("gradual_exit.grace_months")[0] == 6


def test_a_dibian_enrolment_gives_no_dibao_gradual_exit(params_haishu_2020: ParameterSet) -> None:
    dibao = evaluate_dibao(household_wu_daughter_found_work(0, FOUND_WORK), params_haishu_2020)
    assert (dibao.route, dibao.monthly_amount) == (Route.NONE, Decimal("0"))


def test_a_dibao_enrolment_gives_no_dibian_gradual_exit(params_haishu_2020: ParameterSet) -> None:
    facts = household_wu_daughter_found_work(0, FOUND_WORK, programme="dibao")
    assert evaluate_dibian(facts, params_haishu_2020).eligible is False
