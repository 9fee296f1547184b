from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc

from minzheng.core.creditcode import (
    CHARSET,
    build,
    check_character,
    organisation_check_character,
    parse,
)
from minzheng.core.errors import DomainError

# Published codes from python-stdnum's test file (found online by its authors): companies (91),
# an individual business (92) and a public institution (12).
PUBLISHED = [
    "91110000600037341L",
    "121200004013590816",
    "91110000710926094P",
    "91120224064012553U",
    "9115220107837757XE",
    "91310115MA1K3BTP2B",
    "91340600MA2PBM9HXD",
    "91620105L015101280",
    "92340621MA2UK3PJXE",
    "913304007429141869",
    "9144030071526726XG",
]
# A social group registered by 海曙区民政局 and a national foundation, built from their parts.
HAISHU_GROUP = build("5", "1", "330203", "MJ000001")
NATIONAL_FOUNDATION = build("5", "3", "100000", "50000001")


def error_code(raw: str) -> str | None:
    error = parse(raw).error
    return error.code if error else None


def with_check(first17: str) -> str:
    return first17 + check_character(first17)


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid_here_and_in_stdnum(code: str) -> None:
    assert parse(code).valid
    assert uscc.is_valid(code)


def test_the_stdnum_example_is_a_beijing_company_with_its_organisation_code() -> None:
    result = parse("91110000600037341L")
    assert (result.authority_name, result.type_name) == ("工商", "企业")
    assert (result.region_code, result.region_name) == ("110000", "北京市")
    assert result.organisation_code == "60003734-1"


def test_a_haishu_social_group_names_civil_affairs_and_the_district() -> None:
    assert HAISHU_GROUP == "51330203MJ0000018B"
    result = parse(HAISHU_GROUP)
    assert result.valid and result.is_civil_affairs
    assert (result.type_code, result.type_name, result.region_name) == ("1", "社会团体", "海曙区")


def test_a_national_foundation_carries_region_100000() -> None:
    result = parse(NATIONAL_FOUNDATION)
    assert result.valid
    assert (result.type_name, result.region_name) == ("基金会", "国家级")


def test_spaces_dashes_lower_case_and_full_width_are_normalised() -> None:
    messy = " 5133 0203-mj000001８b "
    result = parse(messy)
    assert result.valid
    assert result.normalized == HAISHU_GROUP


# --- one error code per failure kind ----------------------------------------------------------


def test_empty() -> None:
    assert error_code("  ") == "empty"
    assert parse("").error is not None and parse("").error.message == "统一社会信用代码为空"  # type: ignore[union-attr]


def test_wrong_length_says_how_many_characters() -> None:
    result = parse(HAISHU_GROUP[:-1])
    assert result.error is not None
    assert (result.error.code, result.error.message) == (
        "bad_length",
        "统一社会信用代码应为18位，这里是17位",
    )


def test_a_letter_the_standard_excludes_is_named_with_its_position() -> None:
    result = parse("51330203MJ00000I8B")
    assert result.error is not None
    assert result.error.code == "bad_character"
    assert result.error.message == (
        "统一社会信用代码第16位“I”不是允许的字符（不使用字母I、O、S、V、Z）"
    )


def test_an_unknown_registration_authority() -> None:
    assert error_code(with_check("B1330203MJ0000018")) == "unknown_authority"


def test_a_type_code_the_authority_does_not_have_lists_the_allowed_ones() -> None:
    result = parse(with_check("54330203MJ0000018"))
    assert result.error is not None
    assert result.error.code == "unknown_type"
    assert result.error.message == (
        "统一社会信用代码第2位“4”不是民政部门的机构类别代码（应为1社会团体、2民办非企业单位、3基金会、9其他）"
    )


def test_a_region_with_letters() -> None:
    assert error_code(with_check("513302A3MJ0000018")) == "bad_region"


def test_a_region_code_that_does_not_exist() -> None:
    result = parse(with_check("51339999MJ0000018"))
    assert result.error is not None
    assert result.error.code == "unknown_region"
    assert "339999" in result.error.message


def test_a_retired_region_is_accepted_and_named_as_retired() -> None:
    # Published codes carry retired codes: 91120224064012553U has 宝坻县's 120224 (retired 2001).
    baodi = parse("91120224064012553U")
    assert (baodi.valid, baodi.region_name) == (True, "宝坻县（已撤销）")
    # In Ningbo the divisions file gives today's name: 330204 江东区 became part of 鄞州区 in 2016.
    assert parse(build("5", "1", "330204", "MJ000001")).valid


def test_a_wrong_organisation_code_check_character() -> None:
    # MJ000001's GB 11714 check is 8; 7 with a correct overall check character is still refused.
    code = with_check("51330203MJ0000017")
    assert uscc.is_valid(code)  # stdnum does not look inside
    result = parse(code)
    assert result.error is not None
    assert result.error.code == "bad_organisation_code"
    assert "MJ000001-7" in result.error.message


def test_a_typo_breaks_the_check_digit() -> None:
    result = parse("51330203MJ0000018C")
    assert result.error is not None
    assert result.error.code == "bad_check_digit"
    assert (
        result.error.message == "统一社会信用代码校验码（第18位）不符，可能有字符输错，请逐位核对"
    )


def test_require_valid_raises_a_domain_error_with_the_code() -> None:
    with pytest.raises(DomainError) as caught:
        parse("51330203MJ0000018C").require_valid()
    assert caught.value.code == "bad_check_digit"


def test_the_organisation_check_maps_ten_to_x_and_eleven_to_zero() -> None:
    assert organisation_check_character("07837757") == "X"
    assert organisation_check_character("MA2PBM9H") == "X"
    assert organisation_check_character("60003734") == "1"
    zero = next(f"{n:08d}" for n in range(1000) if organisation_check_character(f"{n:08d}") == "0")
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    assert sum(int(c) * w for c, w in zip(zero, weights, strict=True)) % 11 == 0


# --- python-stdnum as a reference -------------------------------------------------------------

BODY = st.text(alphabet=CHARSET, min_size=17, max_size=17)


@settings(max_examples=300, deadline=None)
@given(BODY)
def test_the_check_character_agrees_with_stdnum(first17: str) -> None:
    assert check_character(first17) == uscc.calc_check_digit(first17)


@st.composite
def civil_affairs_codes(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from("1239"))
    region = draw(st.sampled_from(["330203", "330212", "330200", "110105", "100000", "440300"]))
    body = draw(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8))
    return build("5", kind, region, body)


@settings(max_examples=300, deadline=None)
@given(civil_affairs_codes())
def test_every_built_code_is_valid_here_and_in_stdnum(code: str) -> None:
    assert parse(code).valid, parse(code).error
    assert uscc.is_valid(code)


@settings(max_examples=300, deadline=None)
@given(civil_affairs_codes(), st.integers(0, 17), st.sampled_from(CHARSET))
def test_any_single_substitution_is_caught(code: str, position: int, char: str) -> None:
    if code[position] == char:
        return
    changed = code[:position] + char + code[position + 1 :]
    assert not parse(changed).valid
    # Whatever stdnum finds wrong, we find wrong too.
    if not uscc.is_valid(changed):
        assert not parse(changed).valid


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=24))
def test_any_text_gets_a_verdict_and_valid_implies_stdnum_valid(raw: str) -> None:
    result = parse(raw)
    assert result.valid == (result.error is None)
    if result.valid:
        assert uscc.is_valid(result.normalized)
