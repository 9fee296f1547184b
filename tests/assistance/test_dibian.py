"""低边 (ZJ 社会救助条例 art 13): not 低保, per-capita income ≤ 1.5 × standard, assets within the 低边 test."""

from __future__ import annotations

from decimal import Decimal

import pytest

from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.rules import Income, IncomeKind, Member, Relationship, evaluate_dibian

from .households import household


@pytest.mark.parametrize(
    ("income", "money", "eligible"),
    [
        ("1000", "0", False),  # 1000 < 750 × 2 = 1500 → 低保, so not 低边
        ("1500", "0", True),  # not below 1500 → not 低保; 1500 ≤ 1.5 × 750 × 2 = 2250
        ("2250", "0", True),  # exactly at the 低边 line: "不高于" includes it
        ("2250.01", "0", False),  # one fen above the line
        ("2000", "71999", True),  # money below 4 years: 4 × 12 × 750 × 2 = 72000
        ("2000", "72000", False),  # money at the cap is not below it
    ],
)
def test_dibian_line_is_one_and_a_half_standards_with_the_four_year_money_cap(
    income: str, money: str, eligible: bool, params_haishu_2020: ParameterSet
) -> None:
    facts = household(
        Member(
            "lu",
            Relationship.APPLICANT,
            age=40,
            incomes=(Income(IncomeKind.WAGE, Decimal(income)),),
        ),
        Member("lu_wife", Relationship.SPOUSE, age=40),
        money=money,
    )
    decision = evaluate_dibian(facts, params_haishu_2020)
    assert decision.eligible is eligible
    assert decision.monthly_amount == Decimal("0")  # 低边 is a status, not a monthly payment


def test_a_higher_multiplier_from_a_later_date_widens_the_line(
    params_haishu_2020: ParameterSet,
) -> None:
    params = params_haishu_2020.replace("dibian.income_multiplier", Decimal("2"))
    facts = household(
        Member(
            "lu",
            Relationship.APPLICANT,
            age=40,
            incomes=(Income(IncomeKind.WAGE, Decimal("2900")),),
        ),
        Member("lu_wife", Relationship.SPOUSE, age=40),
    )
    # 2900 ≤ 2 × 750 × 2 = 3000
    assert evaluate_dibian(facts, params).eligible is True
    assert evaluate_dibian(facts, params_haishu_2020).eligible is False
