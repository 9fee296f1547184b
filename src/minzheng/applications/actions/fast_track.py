"""The fast track for urgent cases."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.permissions import require
from minzheng.accounts.roles import Capability
from minzheng.applications.models import (
    FastTrackPeriod,
)
from minzheng.core import audit
from minzheng.core.errors import NotFound, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.regions.models import Region

# ── fast track ───────────────────────────────────────────────────────────────────────────────


def do_start_fast_track(
    actor: User, *, region_code: str, starts_on: date, ends_on: date, reason: str
) -> FastTrackPeriod:
    """“三快一缓”: switch a region to the fast track for a period."""
    require(actor, Capability.MANAGE_PARAMETERS)
    region = Region.objects.filter(code=region_code).first()
    if region is None or not actor.covers(region_code):
        raise NotFound("区域不存在或不在您的管辖范围内")
    if ends_on < starts_on:
        raise ValidationFailed("结束日期不能早于开始日期", code="bad_period")
    if not reason.strip():
        raise ValidationFailed("请填写启动原因", code="reason_missing")
    with transaction.atomic():
        period = FastTrackPeriod.objects.create(
            region=region,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason.strip(),
            created_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "fast_track",
            period.pk,
            summary=f"启动快速通道：{region.name} {starts_on}至{ends_on}，{reason.strip()}",
            region_code=region_code,
        )
    return period
