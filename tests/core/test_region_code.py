"""The region-code value type: county, township, parent, range, contains, level."""

from __future__ import annotations

import pytest

from minzheng.core.regioncode import BadRegionCode, RegionCode, code_range, county_of

HAISHU = "330203000000"
HAISHU_TOWNSHIP = "330203001000"  # 海曙 南门街道
HAISHU_VILLAGE = "330203001001"


def test_the_level_is_read_from_the_trailing_zeros() -> None:
    assert RegionCode.of("330200000000").level == "city"
    assert RegionCode.of(HAISHU).level == "county"
    assert RegionCode.of(HAISHU_TOWNSHIP).level == "township"
    assert RegionCode.of(HAISHU_VILLAGE).level == "village"
    assert RegionCode.of("330203").code == HAISHU


def test_county_township_and_parent() -> None:
    village = RegionCode.of(HAISHU_VILLAGE)
    assert village.county == RegionCode(HAISHU, "county")
    assert village.county_prefix == "330203"
    assert village.township == RegionCode(HAISHU_TOWNSHIP, "township")
    assert village.parent == village.township
    assert village.township.parent == village.county
    assert village.county.parent == RegionCode("330200000000", "city")
    assert RegionCode.of("330000000000").parent is None


def test_a_county_has_no_township() -> None:
    with pytest.raises(BadRegionCode, match="不是乡镇或村级区划"):
        _ = RegionCode.of(HAISHU).township


def test_range_and_contains() -> None:
    county = RegionCode.of(HAISHU)
    assert county.range == ("330203000000", "330203999999")
    assert RegionCode.of(HAISHU_TOWNSHIP).range == ("330203001000", "330203001999")
    assert RegionCode.of(HAISHU_VILLAGE).range == (HAISHU_VILLAGE, HAISHU_VILLAGE)
    assert county.contains(HAISHU_VILLAGE)
    assert county.contains(county)
    assert not county.contains("330212001001")  # 鄞州
    assert not RegionCode.of(HAISHU_TOWNSHIP).contains("330203002001")


def test_an_explicit_level_wins_over_the_zeros() -> None:
    # A village whose own digits end in zeros still ranges over itself only.
    assert RegionCode.of("330203001010", "village").range == ("330203001010", "330203001010")
    assert code_range("330203001001", "county") == ("330203000000", "330203999999")


def test_bad_codes_are_refused_in_chinese() -> None:
    for bad in ("", "33020", "3302030010001", "33020a000000"):
        with pytest.raises(BadRegionCode, match="区划代码应为"):
            RegionCode.of(bad)
    with pytest.raises(BadRegionCode, match="未知的区划层级"):
        RegionCode.of(HAISHU, "street")


def test_county_of_is_the_policy_key() -> None:
    assert county_of(HAISHU_VILLAGE) == "330203"
    assert county_of("330203") == "330203"
