"""Builders and hypothesis strategies for households, shared by the assistance tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import strategies as st

from minzheng.assistance.rules import (
    AdlAssessment,
    Assets,
    AwayReason,
    Disability,
    DisabilityCategory,
    Enrolment,
    Home,
    HouseholdFacts,
    Income,
    IncomeKind,
    IncomeRiseReason,
    Member,
    NonResidentialKind,
    NonResidentialProperty,
    Relationship,
    StudentStatus,
    Supporter,
    Vehicle,
    VehicleKind,
)

HAISHU = "330203"
JUNE_2020 = date(2020, 6, 1)


def yuan(text: str) -> Decimal:
    return Decimal(text)


def alone(
    member: Member, *, money: str = "0", region: str = HAISHU, as_of: date = JUNE_2020
) -> HouseholdFacts:
    return HouseholdFacts((member,), Assets(money=yuan(money)), region, as_of)


def household(*members: Member, money: str = "0", **kw: object) -> HouseholdFacts:
    assets = Assets(money=yuan(money))
    return HouseholdFacts(tuple(members), assets, HAISHU, JUNE_2020, **kw)  # type: ignore[arg-type]


def with_assets(facts: HouseholdFacts, **kw: object) -> HouseholdFacts:
    return replace(facts, assets=replace(facts.assets, **kw))  # type: ignore[arg-type]


# ── hypothesis ──────────────────────────────────────────────────────────────────────────────

fen = st.integers(min_value=0, max_value=400_000).map(lambda f: Decimal(f) / 100)
small_fen = st.integers(min_value=0, max_value=200_000).map(lambda f: Decimal(f) / 100)

incomes = st.lists(st.builds(Income, st.sampled_from(list(IncomeKind)), small_fen), max_size=3).map(
    tuple
)
disabilities = st.none() | st.builds(
    Disability, st.sampled_from(list(DisabilityCategory)), st.integers(1, 4)
)
adl = st.none() | st.builds(AdlAssessment, *(st.booleans() for _ in range(6)))
supporters = st.lists(
    st.builds(
        Supporter,
        id=st.sampled_from(["s1", "s2", "s3"]),
        age=st.integers(18, 95),
        monthly_income=fen,
        is_tekun=st.booleans(),
        is_dibao_recipient=st.booleans(),
        disability=disabilities,
        legally_incapacitated=st.booleans(),
        missing=st.booleans(),
        in_prison=st.booleans(),
    ),
    max_size=2,
    unique_by=lambda s: s.id,
).map(tuple)


@st.composite
def members(draw: st.DrawFn, member_id: str, relationship: Relationship) -> Member:
    return Member(
        id=member_id,
        relationship=relationship,
        age=draw(st.integers(0, 100)),
        lives_together=draw(st.booleans()),
        has_legal_support_duty=draw(st.booleans()),
        unable_to_live_independently=draw(st.booleans()),
        away_reason=draw(st.sampled_from(list(AwayReason))),
        away_years=draw(st.integers(0, 6)),
        student=draw(st.sampled_from(list(StudentStatus))),
        disability=draw(disabilities),
        serious_illness=draw(st.booleans()),
        incomes=draw(incomes),
        extra_expenses_monthly=draw(st.sampled_from([Decimal(0), Decimal(0), Decimal("150.50")])),
        adl=draw(adl),
        supporters=draw(supporters),
    )


@st.composite
def households(draw: st.DrawFn, enrolled: bool | None = None) -> HouseholdFacts:
    size = draw(st.integers(1, 5))
    rels = [Relationship.APPLICANT] + [
        draw(st.sampled_from([r for r in Relationship if r is not Relationship.APPLICANT]))
        for _ in range(size - 1)
    ]
    people = tuple(draw(members(f"m{i}", rel)) for i, rel in enumerate(rels))
    assets = Assets(
        money=draw(st.integers(0, 150_000).map(Decimal)),
        vehicles=tuple(
            draw(st.lists(st.builds(Vehicle, st.sampled_from(list(VehicleKind))), max_size=1))
        ),
        nonresidential=tuple(
            draw(
                st.lists(
                    st.builds(
                        NonResidentialProperty,
                        st.sampled_from(list(NonResidentialKind)),
                        st.booleans(),
                    ),
                    max_size=1,
                )
            )
        ),
        homes=tuple(draw(st.lists(st.builds(Home, st.integers(10, 150).map(Decimal)), max_size=3))),
        urban=draw(st.booleans()),
    )
    has_enrolment = draw(st.booleans()) if enrolled is None else enrolled
    enrolment = None
    if has_enrolment:
        enrolment = Enrolment(
            monthly_amount=draw(fen),
            months_since_income_rose=draw(st.none() | st.integers(0, 10)),
            income_rise_reason=draw(st.none() | st.sampled_from(list(IncomeRiseReason))),
        )
    return HouseholdFacts(people, assets, HAISHU, JUNE_2020, enrolment=enrolment)
