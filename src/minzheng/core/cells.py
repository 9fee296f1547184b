"""Spreadsheet cells that stay text: shared by the xlsx exports, bank CSV files and the CLI
(Django-free, so `minzheng link` can use it without setting Django up)."""

from __future__ import annotations

import re

# A text cell starting with one of these is read as a formula by Excel, WPS or LibreOffice
# (`=HYPERLINK(...)` in a name became a live link in the persons export): OWASP "CSV injection".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters the XML inside an .xlsx cannot hold (openpyxl raises on them: every export failed).
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: object) -> object:
    """A cell value that a spreadsheet shows as text: formulas get a leading apostrophe.

    Only text is touched; numbers, dates and Decimals stay what they are (-5 is a number).
    """
    if not isinstance(value, str):
        return value
    value = _ILLEGAL_XML.sub("\ufffd", value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
