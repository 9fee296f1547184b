"""The replayed year never takes a 低保 application from a household the rules judge 特困 (特困优先)."""

from __future__ import annotations

from datetime import date
from typing import Any

from minzheng.applications.models import Application
from minzheng.assistance import actions
from minzheng.core.yearmonth import YearMonth
from minzheng.registry.models import Household, IdentityTag
from minzheng.registry.year import MonthReport, applications_for_month, tekun_decision

from ..conftest import _household

MARCH_2020 = YearMonth(2020, 3)


def _tag_dibian(household: Household) -> None:
    assert household.head is not None
    IdentityTag.objects.create(
        person=household.head,
        tag=IdentityTag.Tag.DIBIAN,
        source="测试",
        valid_from=date(2019, 1, 1),
        region_id=household.region_id,
    )


def test_a_household_the_rules_judge_tekun_is_passed_over_for_dibao(
    caseworker_nanmen: Any, household_li_three_members: Household
) -> None:
    actions.do_load_parameter_catalog(None)
    # 王阿婆, 80, alone, no income, no supporter: the rules judge her 特困.
    wang = _household(
        "330203001001",
        "海曙区南门街道福湖社区解放南路50号",
        [("王阿婆", "330203194005050029", "head", date(1940, 5, 5), "")],
    )
    li = household_li_three_members
    for household in (li, wang):
        _tag_dibian(household)  # both are candidates whose income dropped again
    day = date(2020, 3, 2)
    decision = tekun_decision(wang, day)
    assert decision is not None and decision.member_id == "王阿婆"
    assert tekun_decision(li, day) is None
    # The month's turn (2020 × 12 + 3 = 24,243, odd) points at the second candidate, 王阿婆's.
    assert [h.pk for h in (li, wang)] == sorted([li.pk, wang.pk])

    applications_for_month(MARCH_2020, MonthReport(str(MARCH_2020)), open_month=False)

    taken = list(Application.objects.values_list("household_id", "step"))
    assert taken == [(li.pk, "approved")]


def test_a_household_that_turns_tekun_before_the_county_decides_is_passed_over(
    caseworker_nanmen: Any, household_li_three_members: Household
) -> None:
    """Found at `ningbo` scale (2020-04): a member who turned 60 between the application and the
    county's decision made the replay's approval refuse (特困优先)."""
    actions.do_load_parameter_catalog(None)
    # 王阿婆, alone, no income, no supporter, 59 on the day she would apply, 60 ten days later.
    wang = _household(
        "330203001001",
        "海曙区南门街道福湖社区解放南路52号",
        [("王阿婆", "330203196003120025", "head", date(1960, 3, 12), "")],
    )
    li = household_li_three_members
    for household in (li, wang):
        _tag_dibian(household)
    day = date(2020, 3, 2)
    assert tekun_decision(wang, day) is None
    later = tekun_decision(wang, date(2020, 3, 20))
    assert later is not None and later.member_id == "王阿婆"
    assert [h.pk for h in (li, wang)] == sorted([li.pk, wang.pk])

    applications_for_month(MARCH_2020, MonthReport(str(MARCH_2020)), open_month=False)

    taken = list(Application.objects.values_list("household_id", "step"))
    assert taken == [(li.pk, "approved")]
