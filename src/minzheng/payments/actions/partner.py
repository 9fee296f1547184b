"""What a bank partner reads and sends through the API, checked against its token's scope."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from minzheng.accounts.scope import scope_q
from minzheng.api.models import ApiClient
from minzheng.core import audit
from minzheng.core.errors import NotFound, PermissionDenied
from minzheng.core.models import AuditEvent
from minzheng.payments import bankfiles
from minzheng.payments.actions.bank_files import do_import_bank_return
from minzheng.payments.models import (
    BankFile,
)

# ── bank partners (the API) ──────────────────────────────────────────────────────────────────

PARTNER_SCOPE = "payments:bank"


def _require_partner(client: ApiClient, county_code: str) -> None:
    if not client.has_scope(PARTNER_SCOPE):
        raise PermissionDenied(f"该客户端未获授权：{PARTNER_SCOPE}")
    if not client.covers(county_code):
        raise NotFound("记录不存在或不在您的管辖范围内")


def partner_bank_files(client: ApiClient) -> list[BankFile]:
    """The bank files of the partner's county, newest first (only approved rolls have files)."""
    if not client.has_scope(PARTNER_SCOPE):
        raise PermissionDenied(f"该客户端未获授权：{PARTNER_SCOPE}")
    return list(
        BankFile.objects.filter(scope_q(client, "county_id"))
        .select_related("roll", "template")
        .order_by("-created_at", "-pk")[:200]
    )


def partner_bank_file(client: ApiClient, file_id: int) -> BankFile:
    bank_file = BankFile.objects.select_related("template").filter(pk=file_id).first()
    if bank_file is None:
        raise NotFound("记录不存在或不在您的管辖范围内")
    _require_partner(client, bank_file.county_id)
    return bank_file


def do_download_bank_file(client: ApiClient, file_id: int) -> tuple[BankFile, bytes]:
    """The file's bytes for the bank. Audited: the file carries full account numbers."""
    bank_file = partner_bank_file(client, file_id)
    data = bankfiles.read_bytes(bank_file)
    with transaction.atomic():
        audit.record(
            None,
            AuditEvent.Action.EXPORT,
            "bank_file",
            bank_file.pk,
            summary=f"银行接口下载银行文件#{bank_file.pk}，{bank_file.line_count} 笔",
            region_code=bank_file.county_id,
            actor_name=f"接口客户端：{client.name}",
        )
    return bank_file, data


def do_partner_import_return(
    client: ApiClient, file_id: int, data: bytes, *, filename: str
) -> dict[str, Any]:
    """A bank's return file through the API: the same import as the page, attributed to the
    client in the audit trail."""
    bank_file = partner_bank_file(client, file_id)
    text = bankfiles.decode_return(bank_file.template, data)
    return do_import_bank_return(
        None, bank_file, text, filename=filename, actor_name=f"接口客户端：{client.name}"
    )
