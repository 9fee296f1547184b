"""What the linkage model compares and which pairs it looks at.

A `LinkageSpec` is the backend-independent description of a Splink model: its comparisons, the
blocking rules that choose candidate pairs, and the rules used to train it. `chinese_person_spec`
is the one used for department records about residents; other data (the FEBRL benchmark) bring
their own spec and run through the same engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

# "Both ID numbers pass the GB 11643 check and differ" is fixed, not learned. The check digit
# catches every single-digit error and every adjacent transposition, so two different valid numbers
# need at least two independent errors that happen to yield a valid number (about 1 in 11 of
# those): almost never the same person. Learned from data it would be polluted by twins and by
# family members who share name, birthday, address and phone. m = 1e-6 / u = 0.95 is a weight of
# about -20, which no agreement on the other fields can outweigh.
BOTH_VALID_DIFFERENT_M = 1e-6
BOTH_VALID_DIFFERENT_U = 0.95
# Two different people with one valid ID number: a registration error, about one in a hundred
# million random pairs (illustrative: an upper bound, not a measured rate).
SAME_VALID_ID_U = 1e-8


@dataclass(frozen=True)
class LinkageSpec:
    """A Splink model description that does not depend on the SQL backend."""

    comparisons: list[ComparisonCreator]
    prediction_blocking_rules: list[BlockingRuleCreator]
    training_blocking_rules: list[BlockingRuleCreator]
    # Rules precise enough to count sure matches, to estimate how many pairs match at all.
    deterministic_rules: list[BlockingRuleCreator | str]
    deterministic_recall: float
    # Column holding an identifier that two records of one person cannot disagree on when both
    # are valid; None switches the clustering constraint off.
    valid_id_column: str | None = "id_number"
    valid_flag_column: str | None = "id_valid"
    columns: list[str] = field(default_factory=list)


# Every level carries a code (`label_for_charts`), shown to a reviewer through the dictionary
# (kinds `linkage_comparison` and `linkage_level`), and a starting m probability: EM replaces it
# whenever the data hold pairs that reach the level, and a registry too clean to train on (every
# ID number distinct, as the demo's) keeps these. They are the values EM reached on the synthetic
# benchmark (50,000 persons, seed 11), rounded; u always comes from random sampling.
COMPARISON_LABELS: dict[str, str] = {
    "prior": "先验：任意两条记录是同一人",
    "id_number": "身份证号",
    "name": "姓名（汉字、拼音）",
    "birth_date": "出生日期",
    "sex": "性别",
    "phone": "联系电话",
    "address": "地址",
}

LEVEL_LABELS: dict[str, str] = {
    "id_null": "至少一方无身份证号，不计分",
    "id_exact": "身份证号相同且校验通过",
    "id_exact_invalid": "身份证号相同但未通过校验",
    "id_both_valid_different": "两个身份证号都有效且不同",
    "id_one_edit": "身份证号相差一位（出生日期相同）",
    "id_two_edits": "身份证号相差两位（出生日期相同）",
    "id_other": "身份证号不同",
    "name_null": "至少一方无姓名，不计分",
    "name_exact": "姓名相同",
    "name_same_pinyin": "姓名读音相同（同音字、繁体或拼音书写）",
    "name_one_char": "姓名相差一个字（形近字）",
    "name_pinyin_close": "姓名读音非常接近",
    "name_pinyin_similar": "姓名读音相近",
    "name_other": "姓名不同",
    "birth_null": "至少一方无出生日期，不计分",
    "birth_exact": "出生日期相同",
    "birth_swapped": "出生日期的月、日颠倒",
    "birth_one_edit": "出生日期相差一个数字",
    "birth_same_year": "仅出生年份相同",
    "birth_other": "出生日期不同",
    "sex_null": "至少一方无性别，不计分",
    "sex_exact": "性别相同",
    "sex_other": "性别不同",
    "phone_null": "至少一方无电话，不计分",
    "phone_exact": "电话号码相同",
    "phone_one_edit": "电话号码相差一位",
    "phone_other": "电话号码不同",
    "address_null": "至少一方无地址，不计分",
    "address_exact": "地址完全相同",
    "address_same_number": "同一门牌（区县、街道、道路、门牌号相同）",
    "address_same_road": "同一道路，门牌不同",
    "address_same_township": "同一街道（乡镇），道路不同",
    "address_same_county": "同一区县，街道不同",
    "address_other": "地址不在同一区县",
}


def _level(level: ComparisonLevelCreator, code: str, m: float | None = None) -> Any:
    if m is None:
        return level.configure(label_for_charts=code)
    return level.configure(label_for_charts=code, m_probability=m)


def one_edit_guard(column: str) -> str:
    """A test every pair within one Damerau–Levenshtein edit passes: with equal lengths the edit
    is one substitution or two neighbours swapped, so it spares characters 1–4 or characters 6
    on; unequal lengths always pass. Most random pairs fail it at the cost of two comparisons."""
    left, right = f"{column}_l", f"{column}_r"
    return (
        f"length({left}) <> length({right})"
        f" OR substr({left}, 1, 4) = substr({right}, 1, 4)"
        f" OR substr({left}, 6) = substr({right}, 6)"
    )


def _one_edit(column: str) -> ComparisonLevelCreator:
    """`DamerauLevenshteinLevel(column, 1)` behind `one_edit_guard`, which the database checks
    first: the same pairs reach the level, and random sampling for u (a million pairs, most of
    them different dates and phones) skips the edit distance of nearly all of them."""
    return cll.And(cll.CustomLevel(one_edit_guard(column)), cll.DamerauLevenshteinLevel(column, 1))


def _id_number_comparison() -> ComparisonCreator:
    same_birth = cll.CustomLevel("birth_date_l = birth_date_r")
    return cl.CustomComparison(
        output_column_name="id_number",
        comparison_levels=[
            _level(cll.NullLevel("id_number"), "id_null"),
            # The same number passing the check: two different people almost never hold one
            # (a typo cannot produce another valid number with one edit). Random sampling cannot
            # measure so rare an event — on a small file it counts the true matches it draws —
            # so u is fixed; m is learned.
            cll.CustomLevel("id_number_l = id_number_r AND id_valid_l").configure(
                label_for_charts="id_exact",
                m_probability=0.69,
                u_probability=SAME_VALID_ID_U,
                fix_u_probability=True,
            ),
            _level(cll.ExactMatchLevel("id_number"), "id_exact_invalid", 0.01),
            cll.CustomLevel("id_valid_l AND id_valid_r").configure(
                label_for_charts="id_both_valid_different",
                m_probability=BOTH_VALID_DIFFERENT_M,
                u_probability=BOTH_VALID_DIFFERENT_U,
                fix_m_probability=True,
                fix_u_probability=True,
            ),
            _level(
                cll.And(cll.DamerauLevenshteinLevel("id_number", 1), same_birth),
                "id_one_edit",
                0.2,
            ),
            _level(
                cll.And(cll.DamerauLevenshteinLevel("id_number", 2), same_birth),
                "id_two_edits",
                0.01,
            ),
            _level(cll.ElseLevel(), "id_other", 0.09),
        ],
    )


def _name_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            _level(cll.NullLevel("name"), "name_null"),
            _level(
                cll.ExactMatchLevel("name").configure(tf_adjustment_column="name"),
                "name_exact",
                0.82,
            ),
            _level(
                cll.ExactMatchLevel("name_pinyin").configure(tf_adjustment_column="name_pinyin"),
                "name_same_pinyin",
                0.14,
            ),
            # 形近字: one character written wrong, same length (王晴 / 王睛).
            _level(
                cll.And(
                    cll.CustomLevel("length(name_l) = length(name_r)"),
                    cll.DamerauLevenshteinLevel("name", 1),
                ),
                "name_one_char",
                0.02,
            ),
            _level(cll.JaroWinklerLevel("name_pinyin", 0.92), "name_pinyin_close", 0.005),
            _level(cll.JaroWinklerLevel("name_pinyin", 0.8), "name_pinyin_similar", 0.01),
            _level(cll.ElseLevel(), "name_other", 0.005),
        ],
    )


def _birth_date_comparison() -> ComparisonCreator:
    # ISO dates: characters 6–7 are the month, 9–10 the day.
    swapped = (
        "substr(birth_date_l, 1, 4) = substr(birth_date_r, 1, 4)"
        " AND substr(birth_date_l, 6, 2) = substr(birth_date_r, 9, 2)"
        " AND substr(birth_date_l, 9, 2) = substr(birth_date_r, 6, 2)"
    )
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            _level(cll.NullLevel("birth_date"), "birth_null"),
            _level(cll.ExactMatchLevel("birth_date"), "birth_exact", 0.97),
            _level(cll.CustomLevel(swapped), "birth_swapped", 0.01),
            _level(_one_edit("birth_date"), "birth_one_edit", 0.015),
            _level(cll.ExactMatchLevel("birth_year"), "birth_same_year", 0.003),
            _level(cll.ElseLevel(), "birth_other", 0.002),
        ],
    )


def _sex_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[
            _level(cll.NullLevel("sex"), "sex_null"),
            _level(cll.ExactMatchLevel("sex"), "sex_exact", 0.98),
            _level(cll.ElseLevel(), "sex_other", 0.02),
        ],
    )


def _phone_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="phone",
        comparison_levels=[
            _level(cll.NullLevel("phone"), "phone_null"),
            # Family members share a landline or a parent's mobile: the term frequency lowers
            # the weight of numbers many records carry.
            _level(
                cll.ExactMatchLevel("phone").configure(tf_adjustment_column="phone"),
                "phone_exact",
                0.9,
            ),
            _level(_one_edit("phone"), "phone_one_edit", 0.01),
            _level(cll.ElseLevel(), "phone_other", 0.09),
        ],
    )


def _address_comparison() -> ComparisonCreator:
    def same(*parts: str) -> str:
        return " AND ".join(f"{part}_l = {part}_r" for part in parts)

    return cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            _level(cll.NullLevel("address"), "address_null"),
            _level(cll.ExactMatchLevel("address"), "address_exact", 0.9),
            _level(
                cll.CustomLevel(same("county", "township", "road", "house_number")),
                "address_same_number",
                0.02,
            ),
            _level(cll.CustomLevel(same("county", "township", "road")), "address_same_road", 0.005),
            _level(cll.CustomLevel(same("county", "township")), "address_same_township", 0.01),
            _level(cll.CustomLevel(same("county")), "address_same_county", 0.04),
            _level(cll.ElseLevel(), "address_other", 0.025),
        ],
    )


def chinese_person_spec() -> LinkageSpec:
    """The model for department records about residents (prepared by `prepare_records`)."""
    return LinkageSpec(
        comparisons=[
            _id_number_comparison(),
            _name_comparison(),
            _birth_date_comparison(),
            _sex_comparison(),
            _phone_comparison(),
            _address_comparison(),
        ],
        prediction_blocking_rules=[
            block_on("id_number"),
            block_on("phone_block"),
            block_on("name", "birth_date"),
            block_on("name_pinyin", "birth_year"),
            # Records with neither ID nor phone nor birth date: the same name at the same door.
            block_on("name", "address"),
            # A typo in the last four characters: same area code and birth date.
            block_on("substr(id_number, 1, 14)"),
            # A typo in the area code or the birth date: the rest of the number agrees.
            block_on("substr(id_number, 7, 12)"),
            block_on("name_pinyin", "substr(id_number, 1, 6)", "substr(id_number, 15, 4)"),
        ],
        # EM leaves out the comparisons that use a blocking column: the ID comparison also reads
        # the birth date, so it is trained on pairs that share a phone, the rest on pairs that
        # share an ID number.
        training_blocking_rules=[
            block_on("id_number"),
            block_on("phone"),
        ],
        deterministic_rules=["l.id_number = r.id_number AND l.id_valid"],
        deterministic_recall=0.8,
        columns=[
            "record_id",
            "source",
            "name",
            "name_pinyin",
            "id_number",
            "id_valid",
            "birth_date",
            "birth_year",
            "sex",
            "phone",
            "phone_block",
            "address",
            "county",
            "township",
            "road",
            "house_number",
        ],
    )
