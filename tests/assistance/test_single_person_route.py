"""单人户 (MCA 2021 art 8): a severely disabled or seriously ill member of a 低边-level household alone."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

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
    evaluate_household,
)

from .households import household


def household_he_son_grade1(father_wage: str, son_disability: Disability | None) -> HouseholdFacts:
    return household(
        Member(
            "he",
            Relationship.APPLICANT,
            age=55,
            incomes=(Income(IncomeKind.WAGE, Decimal(father_wage)),),
        ),
        Member("he_wife", Relationship.SPOUSE, age=53),
        Member(
            "he_son",
            Relationship.CHILD,
            age=25,
            unable_to_live_independently=True,
            disability=son_disability,
        ),
    )


def test_severely_disabled_son_of_a_dibian_household_is_included_alone(
    params_haishu_2020: ParameterSet,
) -> None:
    facts = household_he_son_grade1("2400", Disability(DisabilityCategory.PHYSICAL, 1))
    decisions = evaluate_household(facts, params_haishu_2020)
    by_route = {(d.programme, d.route, d.member_id): d for d in decisions}
    # household: 2400 ≥ 750 × 3 = 2250 → not 低保; 2400 ≤ 1.5 × 750 × 3 = 3375 → 低边 level
    # son: own income 0 < 750; 750 − 0 = 750, severe disability 0.20 × 750 = 150 → 900
    single = by_route[("dibao", Route.SINGLE_PERSON, "he_son")]
    assert single.monthly_amount == Decimal("900")
    assert by_route[("dibao", Route.NONE, None)].eligible is False
    assert by_route[("dibian", Route.HOUSEHOLD, None)].eligible is True


def test_grade3_intellectual_disability_qualifies_but_grade3_physical_does_not(
    params_haishu_2021h2: ParameterSet,
) -> None:
    later = params_haishu_2021h2.as_of
    intellectual = evaluate_household(
        replace(
            household_he_son_grade1("2400", Disability(DisabilityCategory.INTELLECTUAL, 3)),
            as_of=later,
        ),
        params_haishu_2021h2,
        ["dibao"],
    )
    physical = evaluate_household(
        replace(
            household_he_son_grade1("2400", Disability(DisabilityCategory.PHYSICAL, 3)),
            as_of=later,
        ),
        params_haishu_2021h2,
        ["dibao"],
    )
    assert [d.route for d in intellectual] == [Route.NONE, Route.SINGLE_PERSON]
    assert [d.route for d in physical] == [Route.NONE]


def test_before_july_2021_only_severe_disability_opens_the_single_person_route(
    params_haishu_2020: ParameterSet, params_haishu_2021h2: ParameterSet
) -> None:
    # 民发〔2012〕220号第10条: only severely disabled adults (grades 1–2) could be a 单人户;
    # grade-3 intellectual disability joined with 民发〔2021〕57号第8条 from 2021-07-01.
    facts = household_he_son_grade1("2400", Disability(DisabilityCategory.INTELLECTUAL, 3))
    before = evaluate_household(facts, params_haishu_2020, ["dibao"])
    after = evaluate_household(
        replace(facts, as_of=params_haishu_2021h2.as_of), params_haishu_2021h2, ["dibao"]
    )
    assert [d.route for d in before] == [Route.NONE]
    assert [d.route for d in after] == [Route.NONE, Route.SINGLE_PERSON]
    assert not params_haishu_2020.boolean("single_person.serious_illness_allowed")[0]
    assert params_haishu_2021h2.boolean("single_person.serious_illness_allowed")[0]


def test_a_household_above_the_dibian_line_cannot_use_the_single_person_route(
    params_haishu_2020: ParameterSet,
) -> None:
    facts = household_he_son_grade1("3400", Disability(DisabilityCategory.PHYSICAL, 1))
    decisions = evaluate_household(facts, params_haishu_2020, ["dibao"])
    # 3400 > 3375: not a 低边-level household
    single = decisions[1]
    assert (single.member_id, single.eligible) == ("he_son", False)
    assert "家庭人均收入不高于低保标准的 1.5 倍" in single.summary
