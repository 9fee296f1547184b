"""The engine's evidence for reviewers, and a run where no two records share an ID number."""

from __future__ import annotations

from datetime import date

import pandas as pd

from minzheng.linkage.engine import link_records

COLUMNS = ["record_id", "source", "name", "id_number", "birth_date", "sex", "phone", "address"]


def test_without_any_shared_id_number_the_pairs_are_still_scored(today: date) -> None:
    records = pd.DataFrame(
        [
            (
                "P1",
                "民政",
                "王秀英",
                "330203195203152346",
                "1952-03-15",
                "女",
                None,
                "海曙区南门街道福湖社区解放南路12号",
            ),
            (
                "P2",
                "民政",
                "李建国",
                "330203195001011238",
                "1950-01-01",
                "男",
                None,
                "海曙区南门街道福湖社区解放南路12号",
            ),
            (
                "R4",
                "两线合一",
                "王秀英",
                None,
                "1952-03-15",
                "女",
                None,
                "海曙区南门街道福湖社区解放南路12号",
            ),
        ],
        columns=COLUMNS,
    )
    result = link_records(records, today=today, with_evidence=True)
    scored = result.pairs.set_index(["record_id_l", "record_id_r"])
    assert scored.loc[("P1", "R4"), "match_probability"] > 0.5
    # Same name, birth date and address each speak for the match.
    assert scored.loc[("P1", "R4"), "mw_name"] > 0
    assert scored.loc[("P1", "R4"), "mw_birth_date"] > 0
    assert {"mw_name", "mw_birth_date", "mw_address", "level_birth_date"} <= set(
        result.pairs.columns
    )
