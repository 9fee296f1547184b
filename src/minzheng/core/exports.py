"""Excel exports: streamed from a scoped query, masked, and audited."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from openpyxl import Workbook

from minzheng.core import audit
from minzheng.core.audit import Actor
from minzheng.core.cells import neutralise
from minzheng.core.models import AuditEvent

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    user: Actor,
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
