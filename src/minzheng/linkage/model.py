"""What the linkage model compares and which pairs it looks at.

A `LinkageSpec` is the backend-independent description of a Splink model: its comparisons, the
blocking rules that choose candidate pairs, and the rules used to train it. `chinese_person_spec`
is the one used for department records about residents; other data (the FEBRL benchmark) bring
their own spec and run through the same engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator

# "Both ID numbers pass the GB 11643 check and differ" is fixed, not learned. The check digit
# catches every single-digit error and every adjacent transposition, so two different valid numbers
# need at least two independent errors that happen to yield a valid number (about 1 in 11 of
# those): almost never the same person. Learned from data it would be polluted by twins and by
# family members who share name, birthday, address and phone. m = 1e-6 / u = 0.95 is a weight of
# about -20, which no agreement on the other fields can outweigh.
BOTH_VALID_DIFFERENT_M = 1e-6
BOTH_VALID_DIFFERENT_U = 0.95


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


def _id_number_comparison() -> ComparisonCreator:
    same_birth = cll.CustomLevel("birth_date_l = birth_date_r")
    return cl.CustomComparison(
        output_column_name="id_number",
        comparison_levels=[
            cll.NullLevel("id_number"),
            cll.ExactMatchLevel("id_number"),
            cll.CustomLevel(
                "id_valid_l AND id_valid_r",
                label_for_charts="both valid, different",
            ).configure(
                m_probability=BOTH_VALID_DIFFERENT_M,
                u_probability=BOTH_VALID_DIFFERENT_U,
                fix_m_probability=True,
                fix_u_probability=True,
            ),
            cll.And(cll.DamerauLevenshteinLevel("id_number", 1), same_birth).configure(
                label_for_charts="one edit, same birth date"
            ),
            cll.And(cll.DamerauLevenshteinLevel("id_number", 2), same_birth).configure(
                label_for_charts="two edits, same birth date"
            ),
            cll.ElseLevel(),
        ],
    )


def _name_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name"),
            cll.ExactMatchLevel("name").configure(tf_adjustment_column="name"),
            cll.ExactMatchLevel("name_pinyin").configure(
                tf_adjustment_column="name_pinyin", label_for_charts="same pinyin"
            ),
            cll.JaroWinklerLevel("name_pinyin", 0.92),
            cll.JaroWinklerLevel("name_pinyin", 0.8),
            cll.ElseLevel(),
        ],
    )


def _birth_date_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date"),
            cll.DamerauLevenshteinLevel("birth_date", 1),
            cll.ExactMatchLevel("birth_year"),
            cll.ElseLevel(),
        ],
    )


def _phone_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="phone",
        comparison_levels=[
            cll.NullLevel("phone"),
            # Family members share a landline or a parent's mobile: the term frequency lowers
            # the weight of numbers many records carry.
            cll.ExactMatchLevel("phone").configure(tf_adjustment_column="phone"),
            cll.DamerauLevenshteinLevel("phone", 1),
            cll.ElseLevel(),
        ],
    )


def _address_comparison() -> ComparisonCreator:
    def same(*parts: str) -> str:
        return " AND ".join(f"{part}_l = {part}_r" for part in parts)

    return cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.NullLevel("address"),
            cll.ExactMatchLevel("address"),
            cll.CustomLevel(
                same("county", "township", "road", "house_number"), label_for_charts="same number"
            ),
            cll.CustomLevel(same("county", "township", "road"), label_for_charts="same road"),
            cll.CustomLevel(same("county", "township"), label_for_charts="same township"),
            cll.CustomLevel(same("county"), label_for_charts="same county"),
            cll.ElseLevel(),
        ],
    )


def chinese_person_spec() -> LinkageSpec:
    """The model for department records about residents (prepared by `prepare_records`)."""
    return LinkageSpec(
        comparisons=[
            _id_number_comparison(),
            _name_comparison(),
            _birth_date_comparison(),
            cl.ExactMatch("sex"),
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
