"""/api/v1/feeds/{source}: a department pushes a feed file (scope `verification:feed`).

The body is the file itself (CSV or Parquet), or a multipart upload in a field named `file`.
The answer reports the batch's provenance and every rejected row (row, column, reason).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.http.request import RawPostDataException
from ninja import Router, Schema

from minzheng.accounts.callers import actor
from minzheng.accounts.decorators import staff_user
from minzheng.accounts.roles import Capability
from minzheng.api.models import ApiClient
from minzheng.core.errors import ValidationFailed
from minzheng.verification.actions import FEED_SCOPE, do_load_feed

PREFIX = "/feeds"
router = Router(tags=["核对数据"])


class RowErrorOut(Schema):
    row: int
    column: str
    reason: str


class BatchOut(Schema):
    batch: int
    source: str
    received_at: datetime
    checksum: str
    rows: int
    accepted: int
    already_received: int
    rejected: int
    errors: list[RowErrorOut]


@router.post("/{source}", response=BatchOut, summary="推送部门数据文件（CSV 或 Parquet）")
def push_feed(request: HttpRequest, source: str) -> dict[str, Any]:
    caller = actor(request, scope=FEED_SCOPE, capability=Capability.APPROVE)
    upload = None
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        data = upload.read() if upload is not None else b""
    else:
        try:
            data = request.body
        except RawPostDataException:  # a form post: its body was parsed as fields
            raise ValidationFailed("请以文件内容或 file 字段上传数据文件", code="no_file") from None
    if not data:
        raise ValidationFailed("请求体为空：请上传数据文件", code="empty_file")
    name = (upload.name if upload is not None else "") or f"{source}.csv"
    loader = caller if isinstance(caller, ApiClient) else staff_user(request)
    batch = do_load_feed(loader, source, data, filename=name)
    return {
        "batch": batch.pk,
        "source": batch.source,
        "received_at": batch.received_at,
        "checksum": batch.checksum,
        "rows": batch.rows_total,
        "accepted": batch.rows_accepted,
        "already_received": batch.rows_known,
        "rejected": batch.rows_rejected,
        "errors": batch.errors,
    }
