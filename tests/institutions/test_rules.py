"""The indicator arithmetic and the date rules, with worked numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from minzheng.institutions import rules
from minzheng.institutions.rules import Indicator, RuleError


def test_beds_per_100_elderly_and_nursing_share_round_half_up() -> None:
    # The article: 87,000 beds for Ningbo's 1,702,566 residents aged 60+ is 5.11 per 100 (the
    # article's 5.57 must count another base); 56 of 100 beds nursing is 56 %.
    assert rules.per_100(87_000, 1_702_566) == Decimal("5.11")
    assert rules.per_100(557, 10_000) == Decimal("5.57")
    assert rules.per_100(1, 0) is None
    assert rules.share(56, 100) == Decimal("56.00")
    assert rules.share(2, 3) == Decimal("66.67")
    assert rules.share(1, 0) is None


def test_article_figures_scale_by_the_registry_elderly() -> None:
    # A registry with a thousandth of Ningbo's elderly expects a thousandth of the beds.
    assert rules.scaled(87_000, 1_702_566) == Decimal("87000")
    assert rules.scaled(87_000, 17_026) == Decimal("870")
    assert rules.scaled(3_172, 17_026) == Decimal("32")
    total = Indicator("合计", "", 2, 100, 56, 60, 1_795)
    rows = {r.label: r for r in rules.article_rows(total, 60, 2, Decimal("4000.00"))}
    per100 = rows["每百名老年人拥有养老床位（张）"]
    assert (per100.article, per100.computed) == ("5.57", "5.57")
    assert rows["护理型床位占机构床位比例"].computed == "56.00%"
    assert rows["养老床位（张）"].scaled == "92"  # 87,000 × 1,795 ÷ 1,702,566 = 91.7
    assert rows["累计赔付（元）"].computed == "4,000.00"


def test_elderly_birth_cutoff_and_age() -> None:
    assert rules.elderly_born_by(date(2024, 6, 1)) == date(1964, 6, 1)
    assert rules.elderly_born_by(date(2024, 2, 29)) == date(1964, 2, 29)
    assert rules.elderly_born_by(date(2024, 2, 29), 61) == date(1963, 2, 28)
    assert rules.age_on(date(1964, 6, 1), date(2024, 6, 1)) == 60
    assert rules.age_on(date(1964, 6, 2), date(2024, 6, 1)) == 59


@pytest.mark.parametrize(
    ("result", "deadline", "code"),
    [
        ("pass", date(2024, 7, 1), "rectify_by_not_needed"),
        ("rectify", None, "rectify_by_missing"),
        ("rectify", date(2024, 6, 1), "rectify_by_invalid"),
        ("serious", date(2025, 6, 2), "rectify_by_invalid"),
        ("closed", None, "result_invalid"),
    ],
)
def test_rectification_deadline_rules(result: str, deadline: date | None, code: str) -> None:
    with pytest.raises(RuleError) as exc:
        rules.check_rectify_by(date(2024, 6, 1), result, deadline)
    assert exc.value.code == code


def test_rectification_deadline_accepted_within_a_year() -> None:
    rules.check_rectify_by(date(2024, 6, 1), "rectify", date(2025, 6, 1))
    rules.check_rectify_by(date(2024, 6, 1), "pass", None)


def test_bed_count_bounds() -> None:
    assert rules.check_bed_count(500) == 500
    for bad in (0, -1, 501):
        with pytest.raises(RuleError):
            rules.check_bed_count(bad)
