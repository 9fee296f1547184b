"""/api/v1/payments: bank partners fetch bank files and send returns; staff read a roll's status
and a file's reconciliation.

A bank partner is an API client with scope `payments:bank`, limited to its region (its county).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from minzheng.accounts.callers import actor
from minzheng.api.models import ApiClient
from minzheng.core.errors import PermissionDenied
from minzheng.core.regioncode import county_of
from minzheng.core.uploads import CSV as CSV_KIND
from minzheng.core.uploads import check_data_file
from minzheng.payments import actions, queries, roll_queries
from minzheng.payments.models import BankFile, Roll, fen_to_yuan

PREFIX = "/payments"
router = Router(tags=["资金发放"])
BANK_SCOPE = actions.PARTNER_SCOPE
STATUS_SCOPE = "payments:status"


class BankFileOut(Schema):
    id: int
    county: str
    month: date | None
    roll_version: int | None
    roll_status: str | None
    template: str
    line_count: int
    total_yuan: str
    created_at: datetime


class ImportErrorOut(Schema):
    row: int
    reason: str


class ImportOut(Schema):
    recorded: int
    errors: list[ImportErrorOut]


class ReconciliationOut(Schema):
    bank_file: int
    issued_yuan: str
    paid_yuan: str
    failed_yuan: str
    pending_yuan: str
    issued_count: int
    paid_count: int
    failed_count: int
    pending_count: int
    balanced: bool


class RollOut(Schema):
    id: int
    county: str
    month: date
    version: int
    status: str
    status_label: str
    completed: bool
    line_count: int
    total_yuan: str
    bank_files: list[int]


def _partner(request: HttpRequest) -> ApiClient:
    caller = actor(request, scope=BANK_SCOPE)
    if not isinstance(caller, ApiClient):
        raise PermissionDenied("该接口仅供银行合作系统使用")
    return caller


def _file_out(bank_file: BankFile) -> dict[str, Any]:
    roll = bank_file.roll
    return {
        "id": bank_file.pk,
        "county": county_of(bank_file.county_id),
        "month": roll.month if roll else None,
        "roll_version": roll.version if roll else None,
        "roll_status": roll.status if roll else None,
        "template": bank_file.template.name,
        "line_count": bank_file.line_count,
        "total_yuan": str(fen_to_yuan(bank_file.total_fen)),
        "created_at": bank_file.created_at,
    }


@router.get("/bank/files", response=list[BankFileOut], summary="本县已审批花名册的银行文件（银行）")
def bank_files(request: HttpRequest) -> list[dict[str, Any]]:
    return [_file_out(f) for f in actions.partner_bank_files(_partner(request))]


@router.get("/bank/files/{file_id}/download", summary="下载银行文件（银行，留痕）")
def download(request: HttpRequest, file_id: int) -> HttpResponse:
    bank_file, data = actions.do_download_bank_file(_partner(request), file_id)
    name = Path(bank_file.path).name
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.post("/bank/files/{file_id}/returns", response=ImportOut, summary="上传回盘文件（银行）")
def upload_return(request: HttpRequest, file_id: int, file: File[UploadedFile]) -> dict[str, Any]:
    result = actions.do_partner_import_return(
        _partner(request),
        file_id,
        check_data_file(file, {CSV_KIND}).data,
        filename=file.name or "回盘文件",
    )
    return {
        "recorded": result["recorded"],
        "errors": [{"row": row, "reason": reason} for row, reason in result["errors"]],
    }


@router.get("/rolls/{roll_id}", response=RollOut, summary="花名册状态与合计（工作人员）")
def roll_status(request: HttpRequest, roll_id: int) -> dict[str, Any]:
    caller = actor(request, scope=STATUS_SCOPE)
    roll = Roll.objects.get_visible(caller, pk=roll_id)
    # A caller inside the county (a township's client) is told its own part's totals only.
    totals = roll_queries.lines_of(roll, caller).aggregate(n=Count("id"), fen=Sum("amount_fen"))
    return {
        "id": roll.pk,
        "county": county_of(roll.county_id),
        "month": roll.month,
        "version": roll.version,
        "status": roll.status,
        "status_label": roll.get_status_display(),
        "completed": roll.completed_at is not None,
        "line_count": totals["n"],
        "total_yuan": str(fen_to_yuan(totals["fen"] or 0)),
        "bank_files": list(roll.bank_files.values_list("pk", flat=True)),
    }


@router.get(
    "/bank-files/{file_id}/reconciliation",
    response=ReconciliationOut,
    summary="银行文件对账：发放 = 成功 + 失败 + 待回盘（工作人员）",
)
def reconciliation(request: HttpRequest, file_id: int) -> dict[str, Any]:
    caller = actor(request, scope=STATUS_SCOPE)
    bank_file = BankFile.objects.get_visible(caller, pk=file_id)
    totals = queries.reconciliation(bank_file)
    return {
        "bank_file": bank_file.pk,
        "issued_yuan": str(fen_to_yuan(totals.issued)),
        "paid_yuan": str(fen_to_yuan(totals.paid)),
        "failed_yuan": str(fen_to_yuan(totals.failed)),
        "pending_yuan": str(fen_to_yuan(totals.pending)),
        "issued_count": totals.issued_count,
        "paid_count": totals.paid_count,
        "failed_count": totals.failed_count,
        "pending_count": totals.pending_count,
        "balanced": totals.balanced,
    }
