from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from minzheng.core.errors import PermissionDenied
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions import do_enter_price_index, do_import_price_indices, do_run_roll
from minzheng.payments.parameter_catalog import payment_parameters
from minzheng.payments.queries import price_subsidy_report
from minzheng.payments.rules import price_subsidy

# National CPI and food CPI, year on year, 2020, as recalled from 国家统计局 monthly releases —
# test data for the trigger and formula, not checked here against a stored copy of the releases.
CPI_2020 = [
    ("2020-01", "5.4", "20.6"),
    ("2020-02", "5.2", "21.9"),
    ("2020-03", "4.3", "18.3"),
    ("2020-04", "3.3", "14.8"),
    ("2020-05", "2.4", "10.6"),
    ("2020-06", "2.5", "11.1"),
    ("2020-07", "2.7", "13.2"),
    ("2020-08", "2.4", "11.2"),
    ("2020-09", "1.7", "7.9"),
    ("2020-10", "0.5", "2.2"),
    ("2020-11", "-0.5", "-2.0"),
    ("2020-12", "0.2", "1.2"),
]


def test_march_2020_pays_the_standard_times_the_food_rise_doubled(regions: None) -> None:
    # 750 × 18.3 % = 137.25 → 137 (half up to the yuan) → ×2 (March–June 2020) = 274 per person.
    params = payment_parameters("330203", YearMonth(2020, 3).first_day())
    decision = price_subsidy(params, cpi_yoy=Decimal("4.3"), food_cpi_yoy=Decimal("18.3"))
    assert decision.triggered and decision.index == "food_cpi"
    assert (decision.base, decision.multiplier, decision.per_person) == (
        Decimal("137.2500"),
        2,
        Decimal("274"),
    )
    assert any(
        v == "price_subsidy.multiplier@330200@2020-03-01" for v in decision.parameter_versions
    )


def test_july_2020_is_not_doubled(regions: None) -> None:
    params = payment_parameters("330203", YearMonth(2020, 7).first_day())
    decision = price_subsidy(params, cpi_yoy=Decimal("2.7"), food_cpi_yoy=Decimal("13.2"))
    # 750 × 13.2 % = 99.00 → 99 × 1
    assert decision.per_person == Decimal("99")


def test_below_both_thresholds_nothing_is_paid(regions: None) -> None:
    params = payment_parameters("330203", YearMonth(2020, 10).first_day())
    decision = price_subsidy(params, cpi_yoy=Decimal("0.5"), food_cpi_yoy=Decimal("2.2"))
    assert not decision.triggered and decision.per_person == 0


def test_a_small_rise_is_raised_to_the_floor(regions: None) -> None:
    params = payment_parameters("330203", YearMonth(2020, 9).first_day())
    decision = price_subsidy(params, cpi_yoy=Decimal("3.5"), food_cpi_yoy=Decimal("0.9"))
    # 750 × 3.5 % = 26.25 → 26; above the 10-yuan floor. A 1.0 % threshold override shows the floor.
    assert decision.per_person == Decimal("26")
    lowered = params.replace("price_subsidy.cpi_trigger_pct", Decimal("1.0"))
    assert (
        price_subsidy(lowered, cpi_yoy=Decimal("1.2"), food_cpi_yoy=Decimal("0")).per_person == 10
    )


@pytest.mark.django_db
def test_the_roll_pays_the_march_subsidy_per_member_of_a_dibao_household(
    dibao_li: Any, tekun_zhao: Any, city_admin: Any
) -> None:
    do_enter_price_index(
        city_admin,
        region_code="330200",
        month=YearMonth(2020, 3),
        cpi_yoy="4.3",
        food_cpi_yoy="18.3",
        source="国家统计局2020年3月CPI",
    )
    roll = do_run_roll(None, "330203", YearMonth(2020, 3)).roll
    subsidies = {
        line.source_id: line.amount_fen for line in roll.lines.filter(kind="price_subsidy")
    }
    # 李建国's three members × 274 = 822; 赵德顺 alone = 274.
    assert subsidies == {dibao_li.pk: 82200, tekun_zhao.pk: 27400}


@pytest.mark.django_db
def test_the_2020_report_shows_nine_launches(city_admin: Any, approver_haishu: Any) -> None:
    result = do_import_price_indices(
        city_admin,
        [["月份", "CPI", "食品CPI"], *[list(r) for r in CPI_2020], ["2020-13", "1", "1"]],
        region_code="330200",
        source="国家统计局",
    )
    assert result["saved"] == 12 and [n for n, _ in result["errors"]] == [14]
    report = price_subsidy_report(approver_haishu, 2020)
    assert [row.month for row in report.rows if row.triggered] == [
        f"2020-{m:02d}" for m in range(1, 10)
    ]
    assert report.launches == 9
    # per person: Jan 155, Feb 164, Mar 274, Apr 222, May 160, Jun 166, Jul 99, Aug 84, Sep 59
    assert report.per_person_total == Decimal("1383")


@pytest.mark.django_db
def test_a_caseworker_cannot_enter_price_indices(caseworker_nanmen: Any) -> None:
    with pytest.raises(PermissionDenied, match="只有参数管理人员可以录入价格指数"):
        do_enter_price_index(
            caseworker_nanmen,
            region_code="330200",
            month=YearMonth(2020, 3),
            cpi_yoy="4.3",
            food_cpi_yoy="18.3",
            source="x",
        )
