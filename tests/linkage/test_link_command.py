"""`minzheng link` reads department records and writes record_id, person_id."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
import pytest

from minzheng.linkage.commands import register
from minzheng.linkage.synthetic import synthetic_records


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="minzheng")
    register(parser.add_subparsers())
    return parser.parse_args(["link", *argv])


def test_it_writes_a_person_for_every_record(tmp_path: Path) -> None:
    source = tmp_path / "records.csv"
    target = tmp_path / "clusters.csv"
    review = tmp_path / "review.csv"
    records = synthetic_records(300, seed=9)
    records.drop(columns=["true_person", "noise_kind"]).to_csv(source, index=False)

    args = _parse("--input", str(source), "--output", str(target), "--review-output", str(review))
    assert args.needs_django is False
    assert args.func(args) == 0

    clusters = pd.read_csv(target, dtype=str)
    assert list(clusters.columns) == ["record_id", "person_id"]
    assert sorted(clusters["record_id"]) == sorted(records["record_id"])
    assert clusters["person_id"].nunique() < len(clusters)
    assert review.exists()


def test_it_keeps_id_numbers_as_text(tmp_path: Path) -> None:
    source = tmp_path / "records.csv"
    source.write_text(
        "record_id,source,name,id_number,birth_date,sex,phone,address\n"
        "1,民政,王伟,330212198001011238,,,,\n"
        "2,医保,王伟,330212800101123,,,,\n"
        "3,人社,李娜,,1992-05-15,女,13957400000,\n",
        encoding="utf-8",
    )
    target = tmp_path / "clusters.csv"
    args = _parse("--input", str(source), "--output", str(target))
    assert args.func(args) == 0
    person = pd.read_csv(target, dtype=str).set_index("record_id")["person_id"]
    assert person["1"] == person["2"] == "1"
    assert person["3"] == "3"


def test_a_file_without_the_required_columns_is_refused_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "records.csv"
    source.write_text("record_id,name\n1,王伟\n", encoding="utf-8")
    args = _parse("--input", str(source), "--output", str(tmp_path / "out.csv"))
    assert args.func(args) == 2
    assert "输入文件缺少列" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()
