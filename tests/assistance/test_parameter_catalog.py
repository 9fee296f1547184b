"""The parameter catalogue: dated, sourced values, a county override, and NF values flagged illustrative."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from minzheng.assistance.parameter_catalog import (
    PARAMETERS,
    catalog_rows,
    default_parameters,
    spec_for,
)
from minzheng.assistance.parameters import Confidence
from minzheng.assistance.policy import load_policy


@pytest.mark.parametrize(
    ("region", "day", "standard", "version"),
    [
        ("330203", date(2020, 6, 1), Decimal("750"), "dibao.standard_monthly@330200@2020-01-01"),
        ("330212", date(2020, 12, 31), Decimal("750"), "dibao.standard_monthly@330200@2020-01-01"),
        ("330212", date(2021, 1, 1), Decimal("1005"), "dibao.standard_monthly@330212@2021-01-01"),
        ("330203", date(2021, 6, 1), Decimal("750"), "dibao.standard_monthly@330200@2020-01-01"),
    ],
)
def test_yinzhou_overrides_the_city_standard_from_2021(
    region: str, day: date, standard: Decimal, version: str
) -> None:
    resolved = default_parameters(region, day).get("dibao.standard_monthly")
    assert (resolved.value, resolved.version_id) == (standard, version)


def test_the_city_standard_ends_for_yinzhou_when_the_county_one_starts() -> None:
    city = default_parameters("330212", date(2020, 6, 1)).get("dibao.standard_monthly")
    assert city.effective_to == date(2021, 1, 1)


def test_review_intervals_change_with_the_2021_rules() -> None:
    before = default_parameters("330203", date(2021, 6, 30))
    after = default_parameters("330203", date(2021, 7, 1))
    assert before.integer("review.interval_months.variable")[0] == 1  # 2012 art 33: urban monthly
    assert after.integer("review.interval_months.variable")[0] == 6  # 2021 art 31: half-yearly


def test_every_not_found_value_is_flagged_illustrative() -> None:
    for row in catalog_rows():
        if row.confidence is Confidence.NF:
            assert row.illustrative, row.version_id
    assert spec_for("dibao.standard_monthly").values[0].illustrative is True
    assert spec_for("dibian.income_multiplier").values[0].value == Decimal("1.5")
    assert spec_for("gradual_exit.grace_months").values[0].value == 6


def test_version_ids_are_unique_and_every_value_has_a_source() -> None:
    rows = catalog_rows()
    assert len({r.version_id for r in rows}) == len(rows)
    assert all(r.source for r in rows)
    assert len({s.key for s in PARAMETERS}) == len(PARAMETERS)


def test_the_catalogue_holds_every_parameter_the_rules_read() -> None:
    load_policy(default_parameters("330203", date(2020, 6, 1)))  # raises if any key is missing


def test_no_value_rests_on_a_2021_rule_before_it_was_in_force() -> None:
    """民发〔2021〕57号 and 43号 took effect 2021-07-01: earlier rows cite the rules of their time."""
    from minzheng.assistance.parameter_catalog import (
        MCA_2021_START,
        SRC_MCA_2021_43,
        SRC_MCA_2021_57,
    )

    early = [r for r in catalog_rows() if r.effective_from < MCA_2021_START]
    cited = [r.version_id for r in early if r.source.startswith((SRC_MCA_2021_57, SRC_MCA_2021_43))]
    assert cited == []
    later = [r for r in catalog_rows() if r.effective_from == MCA_2021_START]
    assert len([r for r in later if r.source.startswith((SRC_MCA_2021_57, SRC_MCA_2021_43))]) >= 19
