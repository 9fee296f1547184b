"""The pure rules of home adaptation, visits and the time bank, on worked examples."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from minzheng.eldercare.home_rules import (
    HomeInputInvalid,
    ItemLine,
    adaptation_subsidy,
    balance_after,
    check_item,
    parse_hours,
    parse_money,
    timebank_hours,
    visit_minutes,
)

CAP = Decimal("12000")
D = Decimal


def test_the_cap_is_hit_mid_list_and_the_crossing_item_is_subsidised_in_part() -> None:
    lines = [
        ItemLine("anti_slip_floor", 1, D("6800")),
        ItemLine("wheelchair_ramp", 1, D("3200")),
        ItemLine("bedside_rail", 2, D("650")),  # 1,300: 11,300 used
        ItemLine("grab_bar", 4, D("280")),  # 1,120: only 700 left under the cap
        ItemLine("anti_wandering", 1, D("900")),  # after the cap: all the household's
        ItemLine("smart_alarm", 1, D("1200")),  # self-paid
    ]
    result = adaptation_subsidy(lines, CAP)
    assert [(s.code, s.subsidy, s.own_share) for s in result.lines] == [
        ("anti_slip_floor", D("6800"), D("0")),
        ("wheelchair_ramp", D("3200"), D("0")),
        ("bedside_rail", D("1300.00"), D("0.00")),
        ("grab_bar", D("700.00"), D("420.00")),
        ("anti_wandering", D("0"), D("900.00")),
        ("smart_alarm", D("0.00"), D("1200.00")),
    ]
    assert (result.total, result.subsidy, result.own_share) == (
        D("14520.00"),
        D("12000.00"),
        D("2520.00"),
    )
    assert result.cap_reached
    assert [s.note for s in result.lines][3:5] == ["部分补贴（达到补贴上限）", "超出补贴上限，自付"]


def test_self_paid_items_never_use_the_cap() -> None:
    lines = [
        ItemLine("nursing_bed", 1, D("15000")),  # self-paid, larger than the cap by itself
        ItemLine("grab_bar", 3, D("280")),
        ItemLine("shower_chair", 1, D("260")),
    ]
    result = adaptation_subsidy(lines, CAP)
    assert result.subsidy == D("1100.00")  # 840 + 260, all of the basic items
    assert result.own_share == D("15000.00")
    assert not result.cap_reached


def test_exactly_at_the_cap_is_fully_subsidised() -> None:
    result = adaptation_subsidy([ItemLine("wheelchair_ramp", 2, D("6000.00"))], CAP)
    assert (result.subsidy, result.own_share, result.cap_reached) == (D("12000.00"), 0, False)


@pytest.mark.parametrize(
    ("code", "quantity", "price", "error"),
    [
        ("sauna", 1, D("10"), "item_unknown"),
        ("wheelchair_ramp", 0, D("10"), "quantity_invalid"),
        ("wheelchair_ramp", 100, D("10"), "quantity_invalid"),
        ("wheelchair_ramp", 1, D("0"), "unit_price_invalid"),
        ("wheelchair_ramp", 1, D("0.001"), "unit_price_invalid"),
        ("wheelchair_ramp", 1, D("100000.01"), "unit_price_invalid"),
        ("wheelchair_ramp", 1, D("1E+400"), "unit_price_invalid"),
        ("wheelchair_ramp", 1, D("-5"), "unit_price_invalid"),
    ],
)
def test_a_bad_item_is_refused_in_chinese(
    code: str, quantity: int, price: Decimal, error: str
) -> None:
    with pytest.raises(HomeInputInvalid) as caught:
        check_item(code, quantity, price)
    assert caught.value.code == error and caught.value.message[0] > "\u2e80"


@pytest.mark.parametrize("text", ["abc", "", "NaN", "Infinity", "1,2,3x"])
def test_money_that_is_not_a_number_is_refused(text: str) -> None:
    with pytest.raises(HomeInputInvalid, match="应为金额"):
        parse_money(text)


NOW = datetime(2026, 12, 2, 18, 0)


def test_visit_minutes() -> None:
    assert visit_minutes(datetime(2026, 12, 2, 9, 0), datetime(2026, 12, 2, 10, 30), NOW) == 90
    with pytest.raises(HomeInputInvalid, match="签出时间应晚于签到时间"):
        visit_minutes(datetime(2026, 12, 2, 9, 0), datetime(2026, 12, 2, 9, 0), NOW)
    with pytest.raises(HomeInputInvalid, match="签出时间应晚于签到时间"):
        visit_minutes(datetime(2026, 12, 2, 9, 0), datetime(2026, 12, 2, 8, 59), NOW)
    with pytest.raises(HomeInputInvalid, match="同一天"):
        visit_minutes(datetime(2026, 12, 1, 23, 0), datetime(2026, 12, 2, 0, 30), NOW)
    with pytest.raises(HomeInputInvalid, match="不能晚于当前时间"):
        visit_minutes(NOW, NOW + timedelta(minutes=5), NOW)


def test_time_bank_hours_are_whole_units_and_exact() -> None:
    assert timebank_hours(50, 15) == D("0.75")
    assert timebank_hours(14, 15) == D("0.00")
    assert timebank_hours(125, 15) == D("2.00")
    assert timebank_hours(125, 30) == D("2.00")
    assert timebank_hours(90, 60) == D("1.00")
    with pytest.raises(HomeInputInvalid, match="时间银行计时单位应能整除60分钟"):
        timebank_hours(60, 7)  # 7 does not divide an hour


def test_the_balance_never_goes_negative_and_sums_are_exact() -> None:
    balance = D("0.00")
    for hours in ("0.10", "0.20"):
        balance = balance_after(balance, "deposit", D(hours))
    assert balance_after(balance, "withdrawal", D("0.30")) == D("0.00")  # no float drift
    with pytest.raises(HomeInputInvalid, match=r"余额不足：余额 0.30 小时，需支取 0.31 小时"):
        balance_after(balance, "withdrawal", D("0.31"))
    with pytest.raises(HomeInputInvalid, match="请选择存入或支取"):
        balance_after(balance, "gift", D("1"))


@pytest.mark.parametrize("text", ["abc", "0", "-1", "24.01", "1.005", "NaN", "1e400", ""])
def test_bad_hours_are_refused(text: str) -> None:
    with pytest.raises(HomeInputInvalid) as caught:
        parse_hours(text)
    assert caught.value.code == "hours_invalid"


def test_good_hours() -> None:
    assert parse_hours(" 1.5 ") == D("1.5") and parse_hours("24") == D("24")
