"""Deadlines in working days from the official calendar, across National Day and Spring Festival."""

from __future__ import annotations

import re
from datetime import date

import pytest

from minzheng.applications import rules
from minzheng.applications.rules import DeadlineKey, Step, add_working_days
from minzheng.assistance.errors import ParameterMissing
from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.queries import parameter_set

HAISHU = "330203"


def params(day: date) -> ParameterSet:
    """Haishu's parameters on a day, resolved from the database rows (the one source)."""
    return parameter_set(HAISHU, day)


def test_2020_national_day_holidays_are_skipped_and_the_adjusted_weekends_count() -> None:
    # 2020-10-01..08 off; Sunday 2020-09-27 and Saturday 2020-10-10 are working days.
    assert add_working_days(date(2020, 9, 25), 1).on == date(2020, 9, 27)
    assert add_working_days(date(2020, 9, 30), 1).on == date(2020, 10, 9)
    assert add_working_days(date(2020, 9, 30), 2).on == date(2020, 10, 10)
    assert add_working_days(date(2020, 9, 30), 3).on == date(2020, 10, 12)


def test_counting_starts_the_day_after_the_anchor() -> None:
    assert add_working_days(date(2020, 9, 28), 1).on == date(2020, 9, 29)


def test_the_township_gets_fifteen_working_days_across_national_day(regions: None) -> None:
    deadline = rules.step_deadline(Step.VISIT, date(2020, 9, 25), params(date(2020, 9, 25)))
    assert deadline is not None
    assert deadline.due.on == date(2020, 10, 22)
    assert deadline.due.official
    assert deadline.parameter.value == 15
    assert "《浙江省社会救助条例》第11条" in deadline.parameter.source


def test_2021_spring_festival_and_its_working_weekends(regions: None) -> None:
    # 2021-02-11..17 off; Sunday 2021-02-07 and Saturday 2021-02-20 are working days.
    assert add_working_days(date(2021, 2, 5), 1).on == date(2021, 2, 7)
    assert add_working_days(date(2021, 2, 10), 1).on == date(2021, 2, 18)
    assert add_working_days(date(2021, 2, 18), 2).on == date(2021, 2, 20)
    # Five working days from Tuesday 2021-02-09: 10th, 18th, 19th, Saturday 20th, Monday 22nd.
    county = rules.step_deadline(Step.COUNTY_APPROVAL, date(2021, 2, 9), params(date(2021, 2, 9)))
    assert county is not None and county.due.on == date(2021, 2, 22)


def test_the_notice_lasts_seven_calendar_days_even_over_the_holiday(regions: None) -> None:
    notice = rules.step_deadline(Step.PUBLIC_NOTICE, date(2020, 9, 30), params(date(2020, 9, 30)))
    assert notice is not None
    assert notice.due.on == date(2020, 10, 7)
    assert notice.parameter.text == "7天"


def test_the_fast_track_has_shorter_deadlines_labelled_illustrative(regions: None) -> None:
    day = date(2020, 2, 3)
    normal = rules.step_deadline(Step.VISIT, day, params(day))
    fast = rules.step_deadline(Step.VISIT, day, params(day), fast_track=True)
    assert normal is not None and fast is not None
    assert fast.due.on < normal.due.on
    assert fast.parameter.illustrative and "三快一缓" in fast.parameter.source
    assert fast.parameter.version_id == "deadline.township.fast@330200@2020-01-01"


def test_the_total_limit_is_dated_by_the_regulation_in_force(regions: None) -> None:
    # Before 2021-07-01 the 2012-era rules (their article not seen: labelled illustrative);
    # from 2021-07-01 民发〔2021〕57号第22条.
    before = rules.deadline_value(DeadlineKey.TOTAL, params(date(2021, 6, 30)))
    after = rules.deadline_value(DeadlineKey.TOTAL, params(date(2021, 7, 1)))
    assert before.value == 30 and before.illustrative
    assert "民发〔2012〕220号" in before.source and "原文未见" in before.source
    assert before.version_id == "deadline.total@000000@2020-01-01"
    assert after.value == 30 and not after.illustrative
    assert "民发〔2021〕57号" in after.source and "第22条" in after.source
    assert after.version_id == "deadline.total@000000@2021-07-01"


def test_the_stricter_provincial_county_limit_wins_over_the_national_one(regions: None) -> None:
    # 57号第20条 gives the county 10 working days from 2021-07-01; Zhejiang's 条例 keeps 5.
    county = rules.deadline_value(DeadlineKey.COUNTY, params(date(2021, 9, 1)))
    assert county.value == 5
    assert county.version_id == "deadline.county@330000@2020-01-01"


def test_no_value_before_the_catalogue_starts_is_an_error(regions: None) -> None:
    # the one resolver refuses a day before the catalogue's first standard
    with pytest.raises(
        ParameterMissing,
        match=re.escape(
            "政策参数 dibao.standard_monthly 在 2019-12-31 没有生效的取值，请先配置该参数"
        ),
    ):
        rules.deadline_value(DeadlineKey.COUNTY, params(date(2019, 12, 31)))


def test_years_outside_the_official_calendar_fall_back_to_weekdays_and_say_so() -> None:
    due = add_working_days(date(2099, 1, 2), 1)  # a Friday
    assert due.on == date(2099, 1, 5)
    assert not due.official


def test_lateness_counts_working_days_and_flags_overdue() -> None:
    assert rules.lateness(date(2020, 10, 9), date(2020, 9, 30)) == rules.Lateness(False, 1)
    assert rules.lateness(date(2020, 9, 29), date(2020, 10, 9)).overdue


def test_the_refusal_notice_is_due_in_three_working_days(regions: None) -> None:
    day = date(2020, 9, 30)
    assert rules.refusal_notice_due(day, params(day)).due.on == date(2020, 10, 12)
