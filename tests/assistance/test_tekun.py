"""特困 (民发〔2021〕43号): no capacity to work, no livelihood, no able supporter; care level from six ADL items.

Amount = 1.3 × standard (illustrative) + care amount (illustrative 210 / 350 / 700), half-up to the yuan.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from minzheng.assistance.decisions import CareLevel
from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.rules import (
    AdlAssessment,
    Disability,
    DisabilityCategory,
    Income,
    IncomeKind,
    Member,
    Relationship,
    Supporter,
    evaluate_tekun,
)

from .households import alone

OK = True


def adl_failing(n: int) -> AdlAssessment:
    return AdlAssessment(*([False] * n + [True] * (6 - n)))


def old_man_zhang(**kw: object) -> Member:
    """Zhang, 70, alone, no income, no supporter unless a case adds one."""
    fields: dict[str, object] = {"age": 70}
    fields.update(kw)
    return Member("zhang", Relationship.APPLICANT, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("member", "eligible", "level", "amount"),
    [
        # 750 × 1.3 = 975; + 210 self-care = 1185
        (old_man_zhang(adl=adl_failing(0)), OK, CareLevel.SELF_CARE, Decimal("1185")),
        # 2 items failed → partial: 975 + 350 = 1325
        (old_man_zhang(adl=adl_failing(2)), OK, CareLevel.PARTIAL, Decimal("1325")),
        # 3 items failed is still partial (≤ 3)
        (old_man_zhang(adl=adl_failing(3)), OK, CareLevel.PARTIAL, Decimal("1325")),
        # 4 failed → full: 975 + 700 = 1675
        (old_man_zhang(adl=adl_failing(4)), OK, CareLevel.FULL, Decimal("1675")),
        # 40 without disability can work
        (old_man_zhang(age=40), False, CareLevel.SELF_CARE, Decimal("0")),
        # 40 with grade-2 physical disability cannot: 975 + 210
        (
            old_man_zhang(age=40, disability=Disability(DisabilityCategory.PHYSICAL, 2)),
            OK,
            CareLevel.SELF_CARE,
            Decimal("1185"),
        ),
        # grade-2 visual is not enough (grade 1 only)
        (
            old_man_zhang(age=40, disability=Disability(DisabilityCategory.VISUAL, 2)),
            False,
            CareLevel.SELF_CARE,
            Decimal("0"),
        ),
        # basic pension 600 is not counted for 特困 (art 6)
        (
            old_man_zhang(incomes=(Income(IncomeKind.BASIC_PENSION, Decimal("600")),)),
            OK,
            CareLevel.SELF_CARE,
            Decimal("1185"),
        ),
        # rent 800 ≥ 750: has a livelihood
        (
            old_man_zhang(incomes=(Income(IncomeKind.PROPERTY, Decimal("800")),)),
            False,
            CareLevel.SELF_CARE,
            Decimal("0"),
        ),
        # a son of 45 earning 8000 can support him
        (
            old_man_zhang(supporters=(Supporter("son", 45, Decimal("8000")),)),
            False,
            CareLevel.SELF_CARE,
            Decimal("0"),
        ),
        # a brother of 72 earning 3000 (< 5000 illustrative local disposable income) cannot
        (
            old_man_zhang(supporters=(Supporter("brother", 72, Decimal("3000")),)),
            OK,
            CareLevel.SELF_CARE,
            Decimal("1185"),
        ),
        # a son of 45 in prison cannot
        (
            old_man_zhang(supporters=(Supporter("son", 45, Decimal("0"), in_prison=True),)),
            OK,
            CareLevel.SELF_CARE,
            Decimal("1185"),
        ),
    ],
)
def test_tekun_conditions_and_amounts_worked_by_hand(
    member: Member,
    eligible: bool,
    level: CareLevel,
    amount: Decimal,
    params_haishu_2020: ParameterSet,
) -> None:
    decision = evaluate_tekun(alone(member), params_haishu_2020)
    assert (decision.eligible, decision.care_level, decision.monthly_amount) == (
        eligible,
        level,
        amount,
    )


def test_yinzhou_tekun_amount_rounds_half_up(params_yinzhou_2021: ParameterSet) -> None:
    facts = alone(old_man_zhang(), region="330212", as_of=params_yinzhou_2021.as_of)
    # 1005 × 1.3 = 1306.5; + 210 = 1516.5 → 1517
    assert evaluate_tekun(facts, params_yinzhou_2021).monthly_amount == Decimal("1517")


def test_money_assets_above_the_cap_refuse_tekun(params_haishu_2020: ParameterSet) -> None:
    # 3 × 12 × 750 × 1 = 27000
    decision = evaluate_tekun(alone(old_man_zhang(), money="27000"), params_haishu_2020)
    assert decision.eligible is False
    assert "人均货币财产低于规定年数的低保标准之和" in decision.summary
