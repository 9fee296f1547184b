"""The two windows of Civil Code art. 1077, counted by arts. 201 and 203, on every boundary day."""

from __future__ import annotations

from datetime import date

import pytest

from minzheng.civil.rules import (
    DivorceStage,
    divorce_timeline,
    may_issue_certificate,
    may_withdraw,
    period_end,
)

# 2025-09-01 (Mon) + 30 days = 2025-10-01, National Day; the holiday runs to 10-08, so the
# cooling-off period ends on 10-09. The certificate window: 10-09 + 30 = 11-08, a Saturday → 11-10.
NATIONAL_DAY = divorce_timeline(date(2025, 9, 1), 30, 30)
# 2026-01-05 (Mon) + 30 = 2026-02-04 (Wed), a working day; + 30 = 2026-03-06 (Fri).
PLAIN = divorce_timeline(date(2026, 1, 5), 30, 30)


def test_the_start_day_is_not_counted() -> None:
    end = period_end(date(2026, 1, 5), 30)
    assert end.nominal_last_day == date(2026, 2, 4)
    assert end.last_day == date(2026, 2, 4)
    assert end.official


def test_a_period_ending_on_national_day_rolls_to_the_day_after_the_holiday() -> None:
    assert NATIONAL_DAY.cooling_off.nominal_last_day == date(2025, 10, 1)
    assert NATIONAL_DAY.cooling_off_last_day == date(2025, 10, 9)
    assert "顺延" in NATIONAL_DAY.cooling_off.reasons[1]


def test_the_certificate_window_counts_from_the_rolled_over_end() -> None:
    assert NATIONAL_DAY.certificate_first_day == date(2025, 10, 10)
    assert NATIONAL_DAY.certificate.nominal_last_day == date(2025, 11, 8)
    assert NATIONAL_DAY.certificate_last_day == date(2025, 11, 10)


def test_a_period_ending_on_a_saturday_moves_to_monday() -> None:
    assert period_end(date(2026, 2, 5), 30).last_day == date(2026, 3, 9)  # 03-07 is a Saturday


def test_a_make_up_working_saturday_is_a_working_day() -> None:
    # 2025-10-11 (Saturday) was a make-up working day after National Day.
    assert period_end(date(2025, 9, 11), 30).last_day == date(2025, 10, 11)


@pytest.mark.parametrize(
    ("day", "allowed"),
    [
        (date(2025, 9, 1), True),  # the day the application was received
        (date(2025, 10, 1), True),  # the nominal last day, a holiday
        (date(2025, 10, 8), True),  # the last day of the holiday
        (date(2025, 10, 9), True),  # the rolled-over last day
        (date(2025, 10, 10), False),  # the day after
    ],
)
def test_either_party_may_withdraw_until_the_last_day_across_a_holiday(
    day: date, allowed: bool
) -> None:
    assert may_withdraw(NATIONAL_DAY, day).allowed is allowed


@pytest.mark.parametrize(
    ("day", "allowed", "code"),
    [
        (date(2025, 10, 9), False, "in_cooling_off"),
        (date(2025, 10, 10), True, ""),
        (date(2025, 11, 8), True, ""),
        (date(2025, 11, 10), True, ""),
        (date(2025, 11, 11), False, "deemed_withdrawn"),
    ],
)
def test_the_certificate_only_in_the_second_window_across_a_holiday(
    day: date, allowed: bool, code: str
) -> None:
    decision = may_issue_certificate(NATIONAL_DAY, day, both_present=True)
    assert (decision.allowed, decision.code) == (allowed, code)


@pytest.mark.parametrize(
    ("day", "stage"),
    [
        (date(2026, 2, 4), DivorceStage.COOLING_OFF),
        (date(2026, 2, 5), DivorceStage.CERTIFICATE_WINDOW),
        (date(2026, 3, 6), DivorceStage.CERTIFICATE_WINDOW),
        (date(2026, 3, 7), DivorceStage.DEEMED_WITHDRAWN),
    ],
)
def test_stages_on_each_boundary_day_without_a_holiday(day: date, stage: DivorceStage) -> None:
    assert PLAIN.stage(day) is stage


def test_one_party_alone_cannot_obtain_the_certificate() -> None:
    decision = may_issue_certificate(PLAIN, date(2026, 2, 10), both_present=False)
    assert decision.code == "both_parties_required"


def test_withdrawal_before_the_application_is_refused() -> None:
    assert may_withdraw(PLAIN, date(2026, 1, 4)).code == "before_application"
