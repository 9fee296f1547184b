from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from minzheng.assistance.parameter_catalog import default_parameters
from minzheng.charity.rules import Figures, band_for, spending_check

D = Decimal
PARAMS = default_parameters("330203", date(2025, 6, 30))
CENT = D("0.01")


def figures(
    *,
    foundation: bool,
    public: bool,
    income: str = "0",
    net: str = "0",
    spend: str = "0",
    manage: str = "0",
    total: str = "1",
    avg: str | None = None,
) -> Figures:
    return Figures(
        is_foundation=foundation,
        public_fundraising=public,
        prior_year_income=D(income),
        three_year_average_income=D(avg) if avg is not None else None,
        prior_year_net_assets=D(net),
        charitable_spending=D(spend),
        management_cost=D(manage),
        total_spending=D(total),
    )


# --- the band edges: inclusive at the lower edge (含本数) ---------------------------------------


@pytest.mark.parametrize(
    ("net", "band"),
    [
        ("60000000.00", "large"),
        ("59999999.99", "upper"),
        ("8000000.00", "upper"),
        ("7999999.99", "middle"),
        ("4000000.00", "middle"),
        ("3999999.99", "small"),
        ("0", "small"),
    ],
)
def test_private_foundation_bands_at_their_edges(net: str, band: str) -> None:
    assert band_for("private_foundation", D(net), PARAMS)[0] == band  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("net", "band"),
    [
        ("10000000.00", "large"),
        ("9999999.99", "upper"),
        ("5000000.00", "upper"),
        ("4999999.99", "middle"),
        ("1000000.00", "middle"),
        ("999999.99", "small"),
    ],
)
def test_private_group_and_service_bands_at_their_edges(net: str, band: str) -> None:
    assert band_for("private_other", D(net), PARAMS)[0] == band  # type: ignore[arg-type]


# --- each band's spending ratio at its boundary ------------------------------------------------


@pytest.mark.parametrize(
    ("foundation", "net", "ratio"),
    [
        (True, "60000000", "0.06"),
        (True, "59999999.99", "0.06"),
        (True, "8000000", "0.06"),
        (True, "7999999.99", "0.07"),
        (True, "4000000", "0.07"),
        (True, "3999999.99", "0.08"),
        (False, "10000000", "0.06"),
        (False, "9999999.99", "0.07"),
        (False, "5000000", "0.07"),
        (False, "4999999.99", "0.08"),
        (False, "1000000", "0.08"),
    ],
)
def test_spending_exactly_at_the_ratio_passes_and_one_fen_less_fails(
    foundation: bool, net: str, ratio: str
) -> None:
    needed = D(ratio) * D(net)
    ok = spending_check(
        figures(
            foundation=foundation,
            public=False,
            net=net,
            spend=str(needed.quantize(CENT, rounding="ROUND_CEILING")),
        ),
        PARAMS,
    )
    assert ok.criteria[0].passed, ok.criteria[0]
    short = spending_check(
        figures(
            foundation=foundation,
            public=False,
            net=net,
            spend=str(needed.quantize(CENT, rounding="ROUND_CEILING") - CENT),
        ),
        PARAMS,
    )
    assert not short.criteria[0].passed


def test_a_small_group_must_also_spend_half_of_last_years_income() -> None:
    # Net assets 80万: 8% = 64,000; income 30万: 50% = 150,000.
    check = spending_check(
        figures(foundation=False, public=False, net="800000", income="300000", spend="149999.99"),
        PARAMS,
    )
    assert [c.label for c in check.failures] == ["年度慈善活动支出占上年总收入比例"]
    assert check.failures[0].threshold == "不低于上年总收入300,000.00元的50%，即150,000.00元"
    assert spending_check(
        figures(foundation=False, public=False, net="800000", income="300000", spend="150000"),
        PARAMS,
    ).passed


def test_a_public_fundraising_foundation_spends_70_percent_of_last_years_income() -> None:
    check = spending_check(
        figures(foundation=True, public=True, income="10000000", spend="6999999.99"), PARAMS
    )
    assert not check.passed
    assert check.criteria[0].threshold == "不低于上年总收入10,000,000.00元的70%，即7,000,000.00元"
    assert check.criteria[0].parameters[0].source.startswith("中华人民共和国慈善法（2023年修正")
    assert spending_check(
        figures(foundation=True, public=True, income="10000000", spend="7000000"), PARAMS
    ).passed


def test_the_three_year_average_is_an_alternative_base() -> None:
    check = spending_check(
        figures(foundation=True, public=True, income="10000000", avg="8000000", spend="5600000"),
        PARAMS,
    )
    assert check.passed


def test_before_the_2023_revision_the_2016_law_article_60_is_cited() -> None:
    old = default_parameters("330203", date(2024, 9, 4))
    check = spending_check(figures(foundation=True, public=True, income="100", spend="70"), old)
    assert check.criteria[0].parameters[0].source.startswith("中华人民共和国慈善法（2016）第60条")


@pytest.mark.parametrize(
    ("foundation", "public", "cap"),
    [(True, True, "0.10"), (False, True, "0.13"), (True, False, "0.13"), (False, False, "0.15")],
)
def test_management_cost_at_its_cap_passes_and_one_fen_over_fails(
    foundation: bool, public: bool, cap: str
) -> None:
    # Private bands: foundation 800万 → upper (13%); group 200万 → middle (15%).
    net = "8000000" if foundation else "2000000"
    total = "3000000"
    limit = D(cap) * D(total)
    common = dict(
        foundation=foundation,
        public=public,
        net=net,
        income="100000000",
        spend="90000000",
        total=total,
    )
    assert spending_check(figures(**common, manage=str(limit)), PARAMS).criteria[-1].passed  # type: ignore[arg-type]
    over = spending_check(figures(**common, manage=str(limit + CENT)), PARAMS)  # type: ignore[arg-type]
    assert not over.criteria[-1].passed


def test_management_cost_under_200000_is_exempt_from_the_ratio() -> None:
    exempt = spending_check(
        figures(foundation=True, public=True, income="0", manage="199999.99", total="200000"),
        PARAMS,
    )
    assert exempt.criteria[-1].passed
    assert exempt.criteria[-1].threshold == "低于200,000.00元，不受比例限制"
    capped = spending_check(
        figures(foundation=True, public=True, income="0", manage="200000", total="200000"), PARAMS
    )
    assert not capped.criteria[-1].passed


def test_unconfirmed_bands_are_flagged_illustrative() -> None:
    check = spending_check(
        figures(foundation=True, public=False, net="70000000", spend="4200000"), PARAMS
    )
    assert check.band == "large" and check.passed
    assert PARAMS.get("charity.private_foundation.large.min_spending_ratio").illustrative
    assert not PARAMS.get("charity.private_foundation.upper.min_spending_ratio").illustrative
