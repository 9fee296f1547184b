"""Department records are brought to one form before they are compared."""

from __future__ import annotations

from datetime import date

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minzheng.linkage.address import parse_address
from minzheng.linkage.normalize import (
    normalize_address,
    normalize_date,
    normalize_name,
    normalize_phone,
    normalize_sex,
    prepare_id_number,
    prepare_records,
    to_halfwidth,
    to_simplified,
)
from minzheng.linkage.pinyin import name_pinyin


def test_traditional_characters_become_simplified() -> None:
    assert to_simplified("寧波市鄞州區") == "宁波市鄞州区"
    assert normalize_name("王偉") == "王伟"


def test_full_width_characters_become_half_width() -> None:
    assert to_halfwidth("３３０２１２ＡＢ") == "330212AB"


def test_spaces_are_stripped_from_names() -> None:
    assert normalize_name(" 王 伟 ") == "王伟"
    # Every way of writing the middle dot, or none, gives one name.
    for written in (
        "阿卜杜拉·买买提",
        "阿卜杜拉•买买提",
        "阿卜杜拉.买买提",
        "阿卜杜拉 买买提",
        "阿卜杜拉-买买提",
    ):
        assert normalize_name(written) == "阿卜杜拉买买提"
    assert normalize_name("") is None


def test_dates_are_read_in_every_common_form() -> None:
    expected = date(1990, 1, 2)
    for text in (
        "1990-01-02",
        "1990/1/2",
        "19900102",
        "1990年1月2日",
        "1990.1.2",
        "1990-01-02 00:00:00",
    ):
        assert normalize_date(text) == expected, text
    assert normalize_date("1990-02-30") is None
    assert normalize_date("不详") is None


# The machine is shared: generating dates can be slow under load without being wrong.
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)))
def test_any_date_written_any_way_reads_back(day: date) -> None:
    for text in (
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day:%Y%m%d}",
        f"{day.year}年{day.month}月{day.day}日",
    ):
        assert normalize_date(text) == day


def test_phones_become_eleven_digits() -> None:
    assert normalize_phone("+86 138-0574-1234") == "13805741234"
    assert normalize_phone("０１３８０５７４１２３４".lstrip("０")) == "13805741234"
    assert normalize_phone("8766 5432") == "057487665432"
    assert normalize_phone("无") is None


def test_sex_is_read_from_words_and_codes() -> None:
    assert [normalize_sex(raw) for raw in ("男", "1", "M", "女", "2", "f", "9")] == [
        "M",
        "M",
        "M",
        "F",
        "F",
        "F",
        None,
    ]


def test_a_fifteen_digit_id_becomes_eighteen_digits_with_its_birth_date_and_sex(
    today: date,
) -> None:
    prepared = prepare_id_number("330212800101123", today=today)
    assert prepared.number == "330212198001011238"
    assert prepared.valid
    assert prepared.birth_date == date(1980, 1, 1)
    assert prepared.sex == "M"


def test_an_id_with_a_typo_is_invalid_but_keeps_its_birth_date(today: date) -> None:
    prepared = prepare_id_number("33021219800101123x", today=today)
    assert prepared.number == "33021219800101123X"
    assert not prepared.valid
    assert prepared.birth_date == date(1980, 1, 1)


def test_surnames_are_read_with_their_surname_reading() -> None:
    assert name_pinyin("单伟") == "shanwei"
    assert name_pinyin("曾明") == "zengming"
    assert name_pinyin("仇静") == "qiujing"
    assert name_pinyin("区华") == "ouhua"
    assert name_pinyin("解放") == "xiefang"
    assert name_pinyin("朴敏") == "piaomin"
    assert name_pinyin("查理") == "zhali"
    assert name_pinyin("尉迟恭") == "yuchigong"
    assert name_pinyin("王伟") == name_pinyin("王玮") == "wangwei"


def test_ningbo_addresses_split_into_county_township_road_and_number() -> None:
    parsed = parse_address(
        normalize_address("浙江省宁波市鄞州区首南街道天童南路588号2幢301室") or ""
    )
    assert (parsed.county, parsed.township, parsed.road, parsed.number) == (
        "鄞州区",
        "首南街道",
        "天童南路",
        "588号",
    )
    # 镇海区 is a district, not a town; 周巷镇 is a town although 巷 means lane.
    assert parse_address("镇海区骆驼街道").county == "镇海区"
    assert parse_address("慈溪市周巷镇兴业北路88号").township == "周巷镇"
    assert parse_address("海曙区望春街道望春路12弄3号").number == "12弄3号"


def test_prepared_records_take_birth_date_and_sex_from_the_id_when_missing(
    records_of_wang_wei_three_departments: pd.DataFrame, today: date
) -> None:
    prepared = prepare_records(records_of_wang_wei_three_departments, today=today)
    medical = prepared.set_index("record_id").loc["YB-7"]
    assert medical["name"] == "王伟"
    assert medical["id_number"] == "330212198001011238"
    assert medical["birth_date"] == "1980-01-01"
    assert medical["sex"] == "M"
    assert medical["address"] == "鄞州区首南街道天童南路588号"
    assert medical["road"] == "天童南路"
    social = prepared.set_index("record_id").loc["RS-3"]
    assert social["name_pinyin"] == "wangwei"
    assert social["phone"] == "13805741234"
    assert social["birth_date"] == "1980-01-01"
    assert not social["id_valid"]


def test_pinyin_only_names_read_as_their_hanzi() -> None:
    for written in ("WANG Wei", "Wang Wei", "wangwei"):
        assert name_pinyin(normalize_name(written) or "") == name_pinyin("王玮") == "wangwei"


def test_old_and_short_county_names_become_todays() -> None:
    assert normalize_address("宁波市江东区百丈街办通达路5号") == "鄞州区百丈街道通途路5号"
    assert normalize_address("鄞县首南街道天童南路588号") == "鄞州区首南街道天童南路588号"
    assert normalize_address("余姚阳明街道新华路1号") == "余姚市阳明街道新华路1号"
    assert normalize_address("奉化市锦屏街道中山路1号") == "奉化区锦屏街道中山路1号"


def test_a_valid_id_numbers_birth_date_wins_over_a_swapped_stated_one(today: date) -> None:
    prepared = prepare_records(
        pd.DataFrame(
            [
                {"record_id": "1", "id_number": "330212198003071234", "birth_date": "1980-07-03"},
                {"record_id": "2", "id_number": None, "birth_date": "1980-07-03"},
            ]
        ),
        today=today,
    )
    assert list(prepared["birth_date"]) == ["1980-03-07", "1980-07-03"]
