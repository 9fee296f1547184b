"""Who is counted in the household (民发〔2021〕57号 art 7)."""

from __future__ import annotations

from datetime import date

import pytest

from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.policy import load_policy
from minzheng.assistance.rules import (
    AwayReason,
    Member,
    Relationship,
    StudentStatus,
    co_resident_members,
)

R = Relationship
CASES = [
    (Member("x", R.SPOUSE, age=40, lives_together=False), True),  # spouse counts wherever they live
    (Member("x", R.CHILD, age=17, lives_together=False), True),  # minor child
    (
        Member(
            "x",
            R.CHILD,
            age=20,
            student=StudentStatus.FULL_TIME_UP_TO_BACHELOR,
            lives_together=False,
        ),
        True,
    ),
    (
        Member(
            "x", R.CHILD, age=24, student=StudentStatus.FULL_TIME_POSTGRADUATE, lives_together=False
        ),
        False,
    ),
    (Member("x", R.CHILD, age=30, unable_to_live_independently=True, lives_together=False), True),
    (Member("x", R.PARENT, age=70, has_legal_support_duty=True, lives_together=True), True),
    (Member("x", R.PARENT, age=70, has_legal_support_duty=True, lives_together=False), False),
    (Member("x", R.SIBLING, age=30, has_legal_support_duty=False, lives_together=True), False),
    (Member("x", R.SPOUSE, age=40, away_reason=AwayReason.PRISON), False),
    (Member("x", R.SPOUSE, age=40, away_reason=AwayReason.COMPULSORY_REHAB), False),
    (Member("x", R.SPOUSE, age=40, away_reason=AwayReason.MISSING), False),
    (Member("x", R.CHILD, age=30, away_reason=AwayReason.CLERGY, away_years=3), False),  # ≥ 3 years
    (Member("x", R.SPOUSE, age=40, away_reason=AwayReason.CLERGY, away_years=2), True),
]


@pytest.mark.parametrize(("member", "included"), CASES)
def test_membership_follows_article_7(
    member: Member, included: bool, params_haishu_2020: ParameterSet
) -> None:
    result = co_resident_members([member], date(2020, 6, 1), load_policy(params_haishu_2020))
    assert (result.count == 1) is included
    assert result.lines[0].reason  # every member gets a reason, included or not


def test_age_is_taken_from_the_birth_date_on_the_day_of_assessment(
    params_haishu_2020: ParameterSet,
) -> None:
    son = Member("x", R.CHILD, birth_date=date(2002, 6, 2), lives_together=False)
    policy = load_policy(params_haishu_2020)
    assert (
        co_resident_members([son], date(2020, 6, 1), policy).count == 1
    )  # 17 the day before his birthday
    assert co_resident_members([son], date(2020, 6, 2), policy).count == 0  # 18 on it
