"""特困 from the registry (issue #11): supporters from the household, minors to 18, 特困 before 低保."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minzheng.assistance.eligibility import HouseholdIn, facts_from_input
from minzheng.assistance.parameter_catalog import default_parameters
from minzheng.assistance.rules import (
    Assets,
    Home,
    HouseholdFacts,
    Income,
    IncomeKind,
    Member,
    Relationship,
    evaluate_household,
)

HAISHU = "330203"
SEPT_2021 = date(2021, 9, 1)
JUNE_2020 = date(2020, 6, 1)


def _facts(members: tuple[Member, ...], day: date = SEPT_2021) -> HouseholdFacts:
    return HouseholdFacts(
        members, Assets(Decimal("5000"), homes=(Home(Decimal("60")),)), HAISHU, day
    )


def _by_programme(facts: HouseholdFacts) -> dict[str, Any]:
    decisions = evaluate_household(facts, default_parameters(HAISHU, facts.as_of))
    return {d.programme: d for d in decisions if d.member_id is None or d.programme == "tekun"}


def test_a_70_year_old_living_with_a_son_earning_4500_is_refused_tekun() -> None:
    father = Member("father", Relationship.APPLICANT, age=70)
    son = Member(
        "son",
        Relationship.CHILD,
        age=42,
        incomes=(Income(IncomeKind.WAGE, Decimal("4500")),),
    )
    tekun = _by_programme(_facts((father, son)))["tekun"]
    assert not tekun.eligible
    supporters = next(c for c in tekun.criteria if c.label.startswith("无法定义务人"))
    assert not supporters.passed
    assert "son（子女，42岁，月收入4500.00元）" in supporters.value
    assert "有履行能力" in supporters.value
    assert "无法定义务人，或义务人无履行能力" in tekun.summary


def test_alone_at_70_the_same_man_is_tekun() -> None:
    tekun = _by_programme(_facts((Member("father", Relationship.APPLICANT, age=70),)))["tekun"]
    assert tekun.eligible and tekun.monthly_amount == Decimal("1185")  # 1.3 × 750 + 210


def test_a_son_over_70_with_a_small_income_cannot_support() -> None:
    father = Member("father", Relationship.APPLICANT, age=95)
    son = Member(
        "son", Relationship.CHILD, age=72, incomes=(Income(IncomeKind.WAGE, Decimal("800")),)
    )
    assert _by_programme(_facts((father, son)))["tekun"].eligible


def test_a_17_year_old_orphan_keeps_tekun_until_18_from_the_2020_reform() -> None:
    orphan = (Member("orphan", Relationship.APPLICANT, age=17),)
    after = _by_programme(_facts(orphan))["tekun"]
    assert after.eligible
    incapacity = after.criteria[0]
    assert "未成年人（未满18周岁）" in incapacity.value
    versions = {u.version_id for u in incapacity.parameters}
    assert "tekun.minor.until_age@000000@2021-07-01" in versions
    # before the 2020 意见 raised it, the age was 16: a 17-year-old did not qualify by age
    before = _by_programme(_facts(orphan, JUNE_2020))["tekun"]
    assert not before.eligible
    assert not _by_programme(_facts((Member("adult", Relationship.APPLICANT, age=18),)))[
        "tekun"
    ].eligible


def test_never_both_dibao_and_tekun_for_the_same_person_tekun_takes_precedence() -> None:
    alone = _by_programme(_facts((Member("father", Relationship.APPLICANT, age=80),)))
    assert alone["tekun"].eligible
    assert not alone["dibao"].eligible
    assert "特困优先" in alone["dibao"].summary


def test_the_other_members_keep_their_own_dibao_without_the_tekun_person() -> None:
    # A 75-year-old with a wife of 72 (no income, hence unable to support): he is 特困, and the
    # 低保 household is his wife alone: 750 − 0 = 750 plus the elderly supplement? (72 < 80: no).
    father = Member("father", Relationship.APPLICANT, age=75)
    wife = Member("wife", Relationship.SPOUSE, age=72)
    result = _by_programme(_facts((father, wife)))
    assert result["tekun"].eligible
    dibao = result["dibao"]
    assert dibao.eligible and dibao.monthly_amount == Decimal("750")
    assert "特困优先" in dibao.summary
    assert [line.included for line in dibao.membership] == [False, True]


def test_the_api_support_duty_default_follows_the_relationship() -> None:
    body = {
        "region": HAISHU,
        "as_of": "2021-09-01",
        "members": [
            {"id": "a", "relationship": "applicant", "age": 70},
            {"id": "p", "relationship": "parent", "age": 92},
            {"id": "g", "relationship": "grandchild", "age": 20},
            {"id": "s", "relationship": "sibling", "age": 60, "has_legal_support_duty": True},
        ],
    }
    facts = facts_from_input(HouseholdIn.model_validate(body))
    duty = {m.id: m.has_legal_support_duty for m in facts.members}
    assert duty == {"a": False, "p": True, "g": False, "s": True}


@pytest.mark.django_db
def test_the_api_refuses_tekun_with_the_son_from_the_household(
    caseworker_nanmen: Any,
) -> None:
    from minzheng.api.actions import do_create_api_client

    _, token = do_create_api_client(
        None, name="测算", scopes=["eligibility:evaluate"], region_code="330203000000"
    )
    body = {
        "region": HAISHU,
        "as_of": "2021-09-01",
        "programmes": ["tekun"],
        "members": [
            {"id": "father", "relationship": "applicant", "age": 70},
            {
                "id": "son",
                "relationship": "child",
                "age": 42,
                "incomes": [{"kind": "wage", "monthly_amount": "4500"}],
            },
        ],
    }
    partner = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = partner.post("/api/v1/eligibility/evaluate", body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["decisions"][0]["eligible"] is False
