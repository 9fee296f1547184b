"""The legacy import and the review of amounts the rules would set differently."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.adoption.formats import LegacyFiles
from minzheng.adoption.importer import plan_import, totals, write_plan
from minzheng.adoption.models import MigrationBatch, MigrationReview
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from minzheng.regions.models import Region

CITY = "330200000000"


def may_migrate(actor: User) -> bool:
    """A county approver for the county, the city administrator for the city."""
    return actor.can(Capability.APPROVE) or actor.can(Capability.MANAGE_PARAMETERS)


def do_import_legacy(
    actor: User | None, files: LegacyFiles, *, dry_run: bool, region_code: str | None = None
) -> MigrationBatch:
    """Check (and unless `dry_run`, write) a legacy export. `actor` None is the operator's CLI,
    scoped to `region_code` (default the city)."""
    if actor is not None:
        if not may_migrate(actor):
            raise PermissionDenied("只有县级审批员或市级管理员可以迁移存量数据")
        region = actor.region
        scope = actor.scope_code()
    else:
        try:
            region = Region.objects.get(pk=(region_code or CITY))
        except Region.DoesNotExist as exc:
            raise ValidationFailed(f"区划 {region_code} 不存在", code="unknown_region") from exc
        scope = region.unit
    today = timezone.localdate()
    plan = plan_import(files, scope, today)
    batch = MigrationBatch.objects.create(
        source_name=files.name[:200],
        checksum=files.checksum,
        mode=MigrationBatch.Mode.DRY_RUN if dry_run else MigrationBatch.Mode.IMPORT,
        region=region,
        made_by=actor,
    )
    report: dict[str, Any] = {
        "errors": [e.as_dict() for e in plan.errors],
        "would_create" if dry_run else "planned": totals(plan),
    }
    if not dry_run:
        report["written"] = write_plan(batch, plan, actor)
    batch.report = report
    batch.finished_at = timezone.now()
    with transaction.atomic():
        batch.save(update_fields=["report", "finished_at"])
        written = report.get("written", {})
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "migration_batch",
            batch.pk,
            summary=(
                f"存量数据{'试运行' if dry_run else '导入'}：{files.name[:60]}，"
                f"错误 {len(plan.errors)} 行，"
                + (
                    f"新建家庭 {written.get('households', 0)} 户，救助 {written.get('enrolments', 0)} 条，"
                    f"待核对 {written.get('reviews', 0)} 条"
                    if not dry_run
                    else f"可导入家庭 {len(plan.households)} 户"
                )
            ),
            region_code=region.code,
        )
    return batch


def do_resolve_review(
    actor: User, review: MigrationReview, *, adopt: bool, reason: str
) -> MigrationReview:
    """Keep the imported amount, or pay the rules' amount from next month (never back-dated)."""
    from minzheng.assistance.actions import do_change_enrolment_amount

    if not actor.can(Capability.APPROVE):
        raise PermissionDenied("只有县级审批员可以处理迁移金额核对")
    if not reason.strip():
        raise ValidationFailed("请填写处理说明", code="reason_missing")
    with transaction.atomic():
        locked = MigrationReview.objects.select_for_update().visible_to(actor).get(pk=review.pk)
        if locked.status != MigrationReview.Status.OPEN:
            raise ValidationFailed("该核对已处理", code="already_decided")
        if adopt:
            if not locked.rule_eligible:
                raise ValidationFailed(
                    "规则判定不符合条件：请按复核程序办理终止，而不是调整金额", code="not_eligible"
                )
            next_month = YearMonth.of(timezone.localdate()) + 1
            do_change_enrolment_amount(
                actor,
                locked.enrolment,
                month=next_month,
                amount=Decimal(locked.rule_amount),
                reason=f"迁移核对按规则调整：{reason.strip()[:150]}",
            )
        locked.status = MigrationReview.Status.ADOPTED if adopt else MigrationReview.Status.KEPT
        locked.reason = reason.strip()[:300]
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "migration_review",
            locked.pk,
            summary=f"迁移金额核对：{locked.get_status_display()}（原 {locked.imported_amount} 元，规则 {locked.rule_amount} 元）",
            region_code=locked.region_id,
        )
    return locked
