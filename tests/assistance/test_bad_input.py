"""Bad input raises a DomainError with a stable code and a Chinese message, and no decision is returned."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from minzheng.assistance.errors import (
    AssistanceError,
    DuplicateMember,
    NegativeIncome,
    ParameterMissing,
    ParameterRegionMismatch,
    ProgrammeNotRuleBased,
    RegionWithoutStandard,
    UnknownProgramme,
)
from minzheng.assistance.parameter_catalog import catalog_rows, default_parameters
from minzheng.assistance.parameters import ParameterSet, resolve_parameters
from minzheng.assistance.rules import (
    HouseholdFacts,
    Income,
    IncomeKind,
    Member,
    Relationship,
    evaluate_household,
)
from minzheng.core.errors import DomainError


def test_negative_income_is_refused(
    household_li_three_members: HouseholdFacts, params_haishu_2020: ParameterSet
) -> None:
    bad = Member(
        "li_son", Relationship.CHILD, age=10, incomes=(Income(IncomeKind.WAGE, Decimal("-1")),)
    )
    facts = replace(
        household_li_three_members, members=(*household_li_three_members.members[:2], bad)
    )
    with pytest.raises(NegativeIncome) as caught:
        evaluate_household(facts, params_haishu_2020)
    assert caught.value.code == "negative_income"
    assert "收入不能为负" in caught.value.message


def test_a_member_listed_twice_is_refused(
    household_li_three_members: HouseholdFacts, params_haishu_2020: ParameterSet
) -> None:
    members = household_li_three_members.members
    facts = replace(household_li_three_members, members=(*members, members[1]))
    with pytest.raises(DuplicateMember) as caught:
        evaluate_household(facts, params_haishu_2020)
    assert (caught.value.code, caught.value.as_dict()["message"]) == (
        "duplicate_member",
        "家庭成员 li_wife 重复登记，每名成员只能出现一次",
    )


@pytest.mark.parametrize(
    ("programme", "error", "code"),
    [
        ("weibao", UnknownProgramme, "unknown_programme"),
        ("linshi", ProgrammeNotRuleBased, "programme_not_rule_based"),
    ],
)
def test_unknown_or_case_by_case_programmes_are_refused(
    programme: str,
    error: type[AssistanceError],
    code: str,
    household_li_three_members: HouseholdFacts,
    params_haishu_2020: ParameterSet,
) -> None:
    with pytest.raises(error) as caught:
        evaluate_household(household_li_three_members, params_haishu_2020, ["dibao", programme])
    assert caught.value.code == code


def test_a_date_before_any_standard_is_a_missing_parameter() -> None:
    with pytest.raises(ParameterMissing) as caught:
        default_parameters("330203", date(2019, 6, 1))
    assert caught.value.code == "parameter_missing"
    assert "2019-06-01" in caught.value.message


def test_a_parameter_whose_period_has_ended_is_missing(
    household_li_three_members: HouseholdFacts, params_haishu_2020: ParameterSet
) -> None:
    floor = params_haishu_2020.get("benefit.floor_monthly")
    ended = replace(floor, effective_to=date(2020, 5, 1))
    params = ParameterSet(
        params_haishu_2020.region_code,
        params_haishu_2020.as_of,
        tuple(ended if p.key == floor.key else p for p in params_haishu_2020),
    )
    with pytest.raises(ParameterMissing) as caught:
        evaluate_household(household_li_three_members, params)
    assert caught.value.code == "parameter_missing"
    assert "benefit.floor_monthly" in caught.value.message


def test_a_parameter_left_out_is_missing_even_if_no_member_needs_it(
    household_li_three_members: HouseholdFacts, params_haishu_2020: ParameterSet
) -> None:
    params = ParameterSet(
        params_haishu_2020.region_code,
        params_haishu_2020.as_of,
        tuple(p for p in params_haishu_2020 if p.key != "supplement.elderly.rate"),
    )
    with pytest.raises(
        ParameterMissing,
        match=re.escape(
            "政策参数 supplement.elderly.rate 在 2020-06-01 没有生效的取值，请先配置该参数"
        ),
    ):
        evaluate_household(household_li_three_members, params)


def test_a_region_with_no_standard_is_refused(household_li_three_members: HouseholdFacts) -> None:
    with pytest.raises(RegionWithoutStandard) as caught:
        resolve_parameters(
            catalog_rows(), "320102", date(2020, 6, 1)
        )  # 南京玄武: outside the catalogue
    assert caught.value.code == "region_without_standard"
    empty = ParameterSet("330203", date(2020, 6, 1), ())
    with pytest.raises(
        RegionWithoutStandard, match="行政区划 330203 及其上级均未设置低保标准，无法认定"
    ):
        evaluate_household(household_li_three_members, empty)


def test_parameters_of_another_region_are_refused(
    household_li_three_members: HouseholdFacts, params_yinzhou_2021: ParameterSet
) -> None:
    with pytest.raises(
        ParameterRegionMismatch,
        match="家庭所在区划 330203 与参数区划 330212 不一致，请按家庭所在区划取参数",
    ):
        evaluate_household(household_li_three_members, params_yinzhou_2021)


def test_every_refusal_is_a_domain_error_with_a_chinese_message() -> None:
    for error in (NegativeIncome("m1", "工资", -1), DuplicateMember("m1"), UnknownProgramme("x")):
        assert isinstance(error, DomainError)
        assert error.status == 400
        assert any("\u4e00" <= ch <= "\u9fff" for ch in error.message)
