"""Counted income (民发〔2021〕57号 art 13): excluded kinds, and the disability/illness deduction."""

from __future__ import annotations

from decimal import Decimal

from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.policy import load_policy
from minzheng.assistance.rules import Income, IncomeKind, Member, Relationship, counted_income


def test_each_item_is_explained_and_excluded_kinds_count_zero(
    params_haishu_2020: ParameterSet,
) -> None:
    policy = load_policy(params_haishu_2020)
    ma = Member(
        "ma",
        Relationship.APPLICANT,
        age=50,
        incomes=(
            Income(IncomeKind.WAGE, Decimal("900")),
            Income(IncomeKind.SCHOLARSHIP, Decimal("300")),
        ),
        extra_expenses_monthly=Decimal("250"),
    )
    result = counted_income([ma], policy.income_excluded, policy.deduct_extra_expenses)
    # 900 counted, 300 scholarship not, 250 illness spending deducted: 900 − 250 = 650
    assert (result.gross, result.deductions, result.total) == (
        Decimal("900"),
        Decimal("250"),
        Decimal("650"),
    )
    assert [(line.item, line.counted) for line in result.lines] == [
        ("scholarship", Decimal("0")),
        ("wage", Decimal("900")),
        ("extra_expense_deduction", Decimal("-250")),
    ]


def test_deductions_never_make_income_negative(params_haishu_2020: ParameterSet) -> None:
    policy = load_policy(params_haishu_2020)
    ma = Member("ma", Relationship.APPLICANT, age=50, extra_expenses_monthly=Decimal("400"))
    assert counted_income(
        [ma], policy.income_excluded, policy.deduct_extra_expenses
    ).total == Decimal("0")


def test_no_deduction_when_the_parameter_is_off(params_haishu_2020: ParameterSet) -> None:
    policy = load_policy(params_haishu_2020.replace("income.deduct_extra_expenses", False))
    ma = Member(
        "ma",
        Relationship.APPLICANT,
        age=50,
        incomes=(Income(IncomeKind.WAGE, Decimal("900")),),
        extra_expenses_monthly=Decimal("250"),
    )
    assert counted_income(
        [ma], policy.income_excluded, policy.deduct_extra_expenses
    ).total == Decimal("900")
