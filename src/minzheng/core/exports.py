"""Excel exports: streamed from a scoped query, masked, and audited."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from openpyxl import Workbook

from minzheng.accounts.models import User
from minzheng.core import audit
from minzheng.core.models import AuditEvent

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> tuple[bytes, int]:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([neutralise(h) for h in headers])
    count = 0
    for row in rows:
        sheet.append([neutralise(v) for v in row])
        count += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), count


def xlsx_response(
    user: User,
    request: HttpRequest,
    *,
    filename: str,
    object_type: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
) -> HttpResponse:
    content, count = xlsx_bytes(headers, rows)
    audit.record(
        user,
        AuditEvent.Action.EXPORT,
        object_type,
        summary=f"导出{filename}，{count} 行",
        request=request,
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
