"""Registry + economic records → HouseholdFacts, and the actions that record them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.assistance import actions
from minzheng.assistance.eligibility import explain_household, household_facts
from minzheng.assistance.errors import NegativeIncome
from minzheng.assistance.facts import IncomeKind, Relationship
from minzheng.core.errors import NotFound
from minzheng.core.models import AuditEvent
from minzheng.registry.models import Person
from tests.conftest import _household

JAN_2020 = date(2020, 1, 1)
AUG_2021 = date(2021, 8, 10)  # under 民发〔2021〕57号 (from 2021-07-01)


def li_with_economy(caseworker: Any) -> Any:
    """李建国 (b. 1950, pension 400), 王秀英 (b. 1952, basic pension 200), 李明 (b. 1980, wage:
    declared 2,000, verified 1,800). Illness spending 100 a month, 20,000 yuan savings, one 80 m² flat."""
    household = _household(
        "330203001001",
        "海曙区南门街道福湖社区解放南路12号",
        [
            ("李建国", "330203195001011238", "head", date(1950, 1, 1), "13805741234"),
            ("王秀英", "330203195203152346", "spouse", date(1952, 3, 15), "13805745678"),
            ("李明", "330203198006204438", "child", date(1980, 6, 20), ""),
        ],
    )
    li, wang, ming = (Person.objects.get(name=n) for n in ("李建国", "王秀英", "李明"))
    record = actions.do_record_income
    record(caseworker, li, kind="basic_pension", monthly_amount=Decimal("400"), valid_from=JAN_2020)
    record(
        caseworker,
        wang,
        kind="central_basic_pension",
        monthly_amount=Decimal(200),
        valid_from=JAN_2020,
    )
    record(caseworker, ming, kind="wage", monthly_amount=Decimal("2000"), valid_from=JAN_2020)
    record(
        caseworker,
        ming,
        kind="wage",
        monthly_amount=Decimal("1800"),
        valid_from=JAN_2020,
        source="verified",
    )
    actions.do_record_extra_expense(
        caseworker, li, kind="illness", monthly_amount=Decimal("100"), valid_from=JAN_2020
    )
    actions.do_record_asset(
        caseworker, household, kind="money", amount=Decimal("20000"), valid_from=JAN_2020
    )
    actions.do_record_asset(
        caseworker, household, kind="home", floor_area=Decimal("80"), valid_from=JAN_2020
    )
    return household


@pytest.fixture
def parameters_loaded(db: None) -> int:
    return actions.do_load_parameter_catalog(None)


@pytest.fixture
def li_household_with_economy(caseworker_nanmen: Any, parameters_loaded: int) -> Any:
    return li_with_economy(caseworker_nanmen)


def test_the_verified_wage_is_used_over_the_declared_one(li_household_with_economy: Any) -> None:
    facts = household_facts(li_household_with_economy, AUG_2021)
    ming = facts.member("李明")
    assert [(i.kind, i.monthly_amount) for i in ming.incomes] == [
        (IncomeKind.WAGE, Decimal("1800"))
    ]


def test_the_head_is_the_applicant_and_the_adult_son_counts_through_his_duty_of_support(
    li_household_with_economy: Any,
) -> None:
    facts = household_facts(li_household_with_economy, AUG_2021)
    assert facts.applicant().id == "李建国"
    assert facts.member("李明").relationship is Relationship.CHILD
    assert facts.member("李明").has_legal_support_duty is True
    assert facts.assets.money == Decimal("20000")
    assert [h.floor_area for h in facts.assets.homes] == [Decimal("80")]
    assert facts.member("李建国").extra_expenses_monthly == Decimal("100")


def test_li_gets_150_yuan_of_dibao_after_the_illness_deduction(
    li_household_with_economy: Any,
) -> None:
    dibao = explain_household(li_household_with_economy, AUG_2021)["decisions"][0]
    # 750 × 3 − (400 + 1,800 − 100) = 150; the 200 yuan basic pension is not income.
    assert (dibao["programme"], dibao["eligible"], dibao["monthly_amount"]) == (
        "dibao",
        True,
        "150.00",
    )
    assert dibao["criteria"][0]["parameters"][0]["version"] == (
        "dibao.standard_monthly@330200@2020-01-01"
    )


def test_recording_a_negative_income_is_refused_and_nothing_is_written(
    caseworker_nanmen: Any, household_li_three_members_registry: Any
) -> None:
    li = Person.objects.get(name="李建国")
    before = AuditEvent.objects.count()
    with pytest.raises(
        NegativeIncome, match="成员 李建国 的收入（工资性收入）为负数：-1，收入不能为负"
    ):
        actions.do_record_income(
            caseworker_nanmen, li, kind="wage", monthly_amount=Decimal("-1"), valid_from=JAN_2020
        )
    assert AuditEvent.objects.count() == before


def test_recording_an_income_is_audited(
    caseworker_nanmen: Any, household_li_three_members_registry: Any
) -> None:
    li = Person.objects.get(name="李建国")
    row = actions.do_record_income(
        caseworker_nanmen, li, kind="wage", monthly_amount=Decimal("600"), valid_from=JAN_2020
    )
    event = AuditEvent.objects.get(object_type="income_record", object_id=str(row.pk))
    assert event.actor_name == "caseworker_nanmen" and event.person_id == li.pk


def test_a_caseworker_of_another_county_cannot_record_li_income(
    caseworker_xiaying: Any, household_li_three_members_registry: Any
) -> None:
    li = Person.objects.get(name="李建国")
    with pytest.raises(NotFound, match="记录不存在或不在您的管辖范围内"):
        actions.do_record_income(
            caseworker_xiaying, li, kind="wage", monthly_amount=Decimal("600"), valid_from=JAN_2020
        )


@pytest.fixture
def household_li_three_members_registry(regions: None) -> Any:
    return _household(
        "330203001001",
        "海曙区南门街道福湖社区解放南路12号",
        [
            ("李建国", "330203195001011238", "head", date(1950, 1, 1), "13805741234"),
            ("王秀英", "330203195203152346", "spouse", date(1952, 3, 15), "13805745678"),
        ],
    )
