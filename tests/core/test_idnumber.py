from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent, InvalidFormat, ValidationError

from minzheng.core import idnumber
from minzheng.core.errors import DomainError
from minzheng.core.idnumber import check_digit, mask, normalize, parse, to_18
from minzheng.core.masking import mask_phone

TODAY = date(2025, 6, 30)
# A man born in 1950 and registered in 海曙区, a district created in 1983.
HAISHU_1950 = "330203195001011238"


def error_code(raw: str) -> str | None:
    error = parse(raw, today=TODAY).error
    return error.code if error else None


def with_check_digit(first17: str) -> str:
    return first17 + check_digit(first17)


# --- the published examples -------------------------------------------------------------------


def test_the_gb11643_example_with_an_x_check_digit_is_a_woman_from_chaoyang() -> None:
    result = parse("11010519491231002X", today=TODAY)
    assert result.valid
    assert result.birth_date == date(1949, 12, 31)
    assert result.sex == "女"
    assert (result.region_code, result.region_name) == ("110105", "朝阳区")
    assert result.error is None


def test_the_stdnum_example_is_a_man_from_dean_county() -> None:
    result = parse("360426199101010071", today=TODAY)
    assert result.valid
    assert (result.birth_date, result.sex, result.region_name) == (date(1991, 1, 1), "男", "德安县")


def test_an_older_person_registered_in_a_district_younger_than_them_is_valid() -> None:
    result = parse(HAISHU_1950, today=TODAY)
    assert result.valid
    assert (result.region_code, result.region_name) == ("330203", "海曙区")
    assert not ric.is_valid(HAISHU_1950)  # stdnum wants 海曙区 to exist in 1950


def test_a_child_born_after_yin_county_was_retired_cannot_carry_its_code() -> None:
    number = with_check_digit("33022720100101123")
    result = parse(number, today=TODAY)
    assert not result.valid
    assert result.error is not None
    assert result.error.code == "area_not_in_force"
    assert result.error.message == (
        "行政区划代码330227只用于鄞县（1983—2002年），2010年出生的人的号码不会用到它"
    )


def test_someone_born_in_yin_county_before_it_was_retired_is_valid_and_told_todays_name() -> None:
    result = parse(with_check_digit("33022719900101123"), today=TODAY)
    assert result.valid
    assert result.region_name == "鄞县（今鄞州区）"


def test_a_jiangdong_number_is_valid_and_names_yinzhou_as_todays_district() -> None:
    result = parse("330204199001011232", today=TODAY)
    assert result.valid
    assert result.region_name == "江东区（今鄞州区）"


def test_beilun_is_named_binhai_for_someone_registered_while_it_had_that_name() -> None:
    assert parse(with_check_digit("33020619850101123"), today=TODAY).region_name == (
        "滨海区（今北仑区）"
    )
    assert parse(with_check_digit("33020619900101123"), today=TODAY).region_name == "北仑区"


def test_zhenming_district_of_1983_to_1984_is_accepted_for_an_old_person() -> None:
    result = parse(with_check_digit("33020219400101123"), today=TODAY)
    assert result.valid
    assert result.region_name == "镇明区（今海曙区）"


def test_a_taiwan_residents_permit_code_is_accepted_though_loc_dat_lacks_it() -> None:
    assert parse(with_check_digit("83000019900101123"), today=TODAY).valid


# --- one code per failure ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("  - ", "empty"),
        ("3302031950010112", "bad_length"),
        ("3302031950010112380", "bad_length"),
        ("33020319500101123Y", "bad_format"),
        ("3302031950X1011238", "bad_format"),
        ("33020350010112A", "bad_format"),
        ("330203195002301238", "bad_birth_date"),
        ("330203195013011238", "bad_birth_date"),
        ("330203203001011238", "birth_in_future"),
        ("999999195001011238", "unknown_area"),
        ("330227201001011237", "area_not_in_force"),
        ("330203195001011239", "bad_check_digit"),
    ],
)
def test_each_failure_has_its_own_code(raw: str, code: str) -> None:
    result = parse(raw, today=TODAY)
    assert not result.valid
    assert result.error is not None
    assert result.error.code == code
    assert result.error.message  # Chinese, for the person who typed it
    assert (result.birth_date, result.sex, result.region_code) == (None, None, None)


def test_the_messages_are_chinese_and_specific() -> None:
    assert parse("12345", today=TODAY).error == idnumber.IdNumberError(
        "bad_length", "身份证号码应为18位（旧号码为15位），这里是5位"
    )
    assert parse("330203195002301238", today=TODAY).error == idnumber.IdNumberError(
        "bad_birth_date", "身份证号码中的出生日期“19500230”不存在"
    )
    assert parse("330203203001011238", today=TODAY).error == idnumber.IdNumberError(
        "birth_in_future", "身份证号码中的出生日期2030年1月1日晚于今天"
    )


def test_a_baby_born_today_is_not_in_the_future() -> None:
    assert parse(with_check_digit("33020320250630001"), today=TODAY).valid


def test_require_valid_raises_a_domain_error_with_the_same_code() -> None:
    with pytest.raises(DomainError, match="身份证号码校验码不符") as raised:
        parse("330203195001011239", today=TODAY).require_valid()
    assert raised.value.as_dict()["code"] == "bad_check_digit"
    assert parse(HAISHU_1950, today=TODAY).require_valid().normalized == HAISHU_1950


# --- normalisation and the 15-digit form ------------------------------------------------------


def test_full_width_digits_spaces_and_dashes_are_cleaned_and_x_is_upper_cased() -> None:
    assert normalize("１１０１０５ １９４９-１２３１ ００２ｘ") == "11010519491231002X"
    assert normalize(" 11010519491231002x\u3000") == "11010519491231002X"
    assert normalize("110105－19491231－002Ｘ") == "11010519491231002X"
    result = parse("１１０１０５　１９４９１２３１００２x", today=TODAY)
    assert result.valid
    assert result.normalized == "11010519491231002X"


def test_digits_of_other_scripts_are_a_format_error_not_a_number() -> None:
    assert error_code("٣٣٠٢٠٣١٩٥٠٠١٠١١٢٣٨") == "bad_format"


def test_a_15_digit_number_gets_the_century_and_a_check_digit() -> None:
    assert to_18("330204900101123") == "330204199001011232"
    assert to_18("110105491231002") == "11010519491231002X"


def test_a_15_digit_number_is_converted_then_checked_like_an_18_digit_one() -> None:
    result = parse("330204900101123", today=TODAY)
    assert result.valid
    assert result.normalized == "330204199001011232"
    assert (result.birth_date, result.sex) == (date(1990, 1, 1), "男")
    assert error_code("330203500230123") == "bad_birth_date"


def test_to_18_refuses_anything_but_15_digits() -> None:
    with pytest.raises(ValueError, match="not a 15-digit number: '33020490010112'"):
        to_18("33020490010112")


def test_the_check_digit_is_the_weighted_sum_of_policy_section_8() -> None:
    first17 = "11010519491231002"
    total = sum(int(a) * w for a, w in zip(first17, idnumber.WEIGHTS, strict=True))
    assert "10X98765432"[total % 11] == check_digit(first17) == "X"


# --- masking ----------------------------------------------------------------------------------


def test_masking_keeps_the_birthplace_and_the_last_four() -> None:
    assert mask("33020319500101123X") == "330203********123X"


def test_a_mobile_number_keeps_its_first_three_and_last_four_digits() -> None:
    assert mask_phone("13812345678") == "138****5678"


# --- agreement with python-stdnum -------------------------------------------------------------

AREAS = sorted(idnumber.area_spells())
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)


@st.composite
def valid_structure(draw: st.DrawFn) -> str:
    """A number with a listed area code, a real past birth date and a correct check digit."""
    area = draw(st.sampled_from(AREAS))
    birth = draw(births)
    sequence = draw(st.integers(min_value=0, max_value=999))
    return with_check_digit(f"{area}{birth:%Y%m%d}{sequence:03d}")


def stdnum_accepts_area(number: str) -> bool:
    try:
        ric.get_birth_place(number)
    except ValidationError:
        return False
    return True


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_the_check_digit_agrees_with_stdnum(first17: str) -> None:
    assert check_digit(first17) == ric.calc_check_digit(first17 + "0")


@settings(max_examples=300, deadline=None)
@given(valid_structure())
def test_well_formed_numbers_agree_with_stdnum_on_date_and_validity(number: str) -> None:
    result = parse(number, today=TODAY)
    area_ok = result.error is None or result.error.code != "area_not_in_force"
    assert result.valid == area_ok  # nothing else can be wrong with these
    if result.valid:
        assert result.birth_date == ric.get_birth_date(number)
    if area_ok and stdnum_accepts_area(number):
        assert ric.is_valid(number)
    if ric.is_valid(number) and ric.get_birth_date(number).year >= idnumber.FIRST_ISSUE_YEAR:
        assert result.valid  # our birthplace rule only ever accepts more than stdnum's


@settings(max_examples=300, deadline=None)
@given(valid_structure(), st.integers(min_value=0, max_value=17), st.integers(1, 10))
def test_a_single_changed_character_is_always_caught(number: str, at: int, shift: int) -> None:
    characters = "0123456789X" if at == 17 else "0123456789"
    old = characters.index(number[at])
    typo = number[:at] + characters[(old + shift) % len(characters)] + number[at + 1 :]
    if typo == number:
        return
    assert not parse(typo, today=TODAY).valid
    assert not ric.is_valid(typo)


@settings(max_examples=300, deadline=None)
@given(valid_structure(), st.integers(min_value=0, max_value=16))
def test_swapping_two_adjacent_characters_is_always_caught(number: str, at: int) -> None:
    if number[at] == number[at + 1]:
        return
    swapped = number[:at] + number[at + 1] + number[at] + number[at + 2 :]
    assert not parse(swapped, today=TODAY).valid
    assert not ric.is_valid(swapped)


@settings(max_examples=200, deadline=None)
@given(
    valid_structure(),
    st.sampled_from(["0000", "1301", "0230", "0431", "0100", "1232", "0229"]),
    st.sampled_from(["1900", "1999", "2023"]),  # none of these years is a leap year
)
def test_an_impossible_birth_date_is_refused_by_both(
    number: str, month_day: str, year: str
) -> None:
    bad = with_check_digit(number[:6] + year + month_day + number[14:17])
    assert error_code(bad) == "bad_birth_date"
    assert not ric.is_valid(bad)
    with pytest.raises(InvalidComponent):
        ric.get_birth_date(bad)


@given(st.text(alphabet="0123456789X", min_size=18, max_size=18))
def test_format_errors_agree_with_stdnum(number: str) -> None:
    try:
        ric.validate(number)
        stdnum_format_error = False
    except InvalidFormat:
        stdnum_format_error = True
    except (ValidationError, KeyError):
        # python-stdnum raises KeyError (not a ValidationError) for a few region prefixes its
        # table lists without a county, e.g. 114966…; the format itself passed by then.
        stdnum_format_error = False
    assert (error_code(number) == "bad_format") == stdnum_format_error
