"""Cleaning a table in DuckDB SQL (`clean_sql`) gives exactly the columns the scalar rules give
one value at a time, on every noise kind of the Chinese benchmark and on hand-picked edge cases."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from minzheng.linkage.normalize import prepare_records
from minzheng.linkage.synthetic import NOISE_KINDS, synthetic_records
from tests.linkage.reference_prepare import reference_prepare

EDGE_CASES = [
    # name, id_number, birth_date, sex, phone, address
    ("王偉", "33020319800101001X", "1980年1月1日", "男", "+86 138-0574-1234", "浙江省寧波市鄞州區"),
    ("王上鍊", "330203800101001", "1980/1/1", "1", "8766 5432", "上鍊路12号"),  # OpenCC phrase
    (
        "买买提·艾力",
        "３３０２０３１９８００１０１００１ｘ",
        "1980.1.1",
        "M",
        "0574-87665432",
        "海曙南门街办通达路5号",
    ),
    ("买买提•艾力", "33020319800101001x", "19800101", "female", "008613805741234", "鄞县中河街道"),
    (
        "WANG Wei",
        "330203198002300011",
        "1980-02-30",
        "女性",
        "12345",
        "江东区百丈街道新世纪大道8弄3号",
    ),
    ("Wang Wei", "999999198001010011", "不详", "9", "", "宁波市奉化市锦屏街道"),
    (
        "欧阳娜娜",
        "33020320300101001X",
        " 1980-01-01 00:00:00",
        "f",
        "138 0574 1234",
        "上海市浦东新区张江镇",
    ),
    ("司马光明", "33020319800101001", "1980-1-1T08:00", "2", "057487665432", "慈溪"),
    ("单　伟", "abc", "0000-01-01", "男", "13805741234", "江苏省苏州市姑苏区观前街1号"),
    ("·", "330203198001010011", "1980年13月1日", None, None, " "),
    ("　", None, None, None, None, None),
    ("王伟2", "33020319800101001-X", date(1980, 1, 1), "1", "+86 13805741234", "镇海区招宝山街道"),
    ("曾\u3000国藩", "3302031980010100", datetime(1980, 1, 1, 8, 0), None, None, "余姚市学院路"),
]


def _edge_frame() -> pd.DataFrame:
    rows = [
        {
            "record_id": f"E{index}",
            "source": " 民政 ",
            "name": name,
            "id_number": number,
            "birth_date": birth,
            "sex": sex,
            "phone": phone,
            "address": address,
        }
        for index, (name, number, birth, sex, phone, address) in enumerate(EDGE_CASES)
    ]
    return pd.DataFrame(rows)


def _assert_same(records: pd.DataFrame, today: date) -> pd.DataFrame:
    new = prepare_records(records, today=today)
    old = reference_prepare(records, today=today)
    assert list(new.columns) == list(old.columns)
    for column in old.columns:
        left = old[column].astype(object).where(old[column].notna(), None).tolist()
        right = new[column].astype(object).where(new[column].notna(), None).tolist()
        assert right == left, column
    return new


def test_edge_cases_clean_as_the_scalar_rules_do(today: date) -> None:
    new = _assert_same(_edge_frame(), today)
    by_id = new.set_index("record_id")
    # The comparison above is only worth something if the cases really were transformed.
    assert by_id.loc["E0", "name"] == "王伟"
    assert by_id.loc["E0", "address"] == "鄞州区"
    assert by_id.loc["E1", "name"] == "王上链"  # OpenCC's phrase, not the character table's 炼
    assert by_id.loc["E1", "id_number"] == "33020319800101001X"
    assert by_id.loc["E2", "name"] == by_id.loc["E3", "name"] == "买买提艾力"
    assert by_id.loc["E2", "address"] == "海曙区南门街道通途路5号"
    assert by_id.loc["E4", "name_pinyin"] == "wangwei"
    assert by_id.loc["E4", "road"] == "世纪大道"
    assert by_id.loc["E4", "house_number"] == "8弄3号"
    assert by_id.loc["E6", "surname"] == "欧阳"
    assert by_id.loc["E8", "name_pinyin"] == "shanwei"
    assert by_id.loc["E12", "name_pinyin"] == "zengguofan"
    assert by_id.loc["E2", "phone"] == "057487665432"


@pytest.mark.parametrize("seed", [3, 11])
def test_benchmark_records_clean_as_the_scalar_rules_do(seed: int, today: date) -> None:
    records = synthetic_records(1500, seed=seed)
    assert set(NOISE_KINDS) <= set(records["noise_kind"])
    _assert_same(records.drop(columns=["true_person", "noise_kind"]), today)
