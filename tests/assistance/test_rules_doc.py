"""docs/rules.md shows, per programme, each parameter's dated versions and sources as the
catalogue holds them: the generated part of the file equals what the catalogue renders."""

from __future__ import annotations

from minzheng.assistance.rules_doc import DOC, END, START, render


def test_the_rules_doc_tables_are_the_catalogue() -> None:
    text = DOC.read_text(encoding="utf-8")
    generated = text[text.index(START) : text.index(END) + len(END)]
    assert generated == render(), "运行 python -m minzheng.assistance.rules_doc 更新 docs/rules.md"


def test_each_programme_has_its_table_with_both_regulation_versions() -> None:
    table = render()
    for title in ("### 低保", "### 单人户低保", "### 低边（两线合一）", "### 特困"):
        assert title in table
    # a rule that changed on 2021-07-01 shows both dated versions
    stable = [line for line in table.splitlines() if "`review.interval_months.stable`" in line]
    assert [line.split(" | ")[3] for line in stable] == ["2020-01-01", "2021-07-01"]
    assert "| `dibian.gradual_exit.grace_months` |" in table
    assert "| `dibao.spot_check.monthly_share` |" in table
