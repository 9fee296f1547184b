"""Verification state changes: feeds in, requests out, and the household check (核对)."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import region_q
from minzheng.api.models import ApiClient
from minzheng.applications.models import Application
from minzheng.applications.rules import Step
from minzheng.assistance.models import Enrolment
from minzheng.assistance.programmes import ProgrammeCode
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.regioncode import county_of, full_code
from minzheng.core.yearmonth import YearMonth
from minzheng.monitoring.jobs import policies
from minzheng.regions.models import Region
from minzheng.registry.models import Household, Membership
from minzheng.verification import checks, jobs
from minzheng.verification.bulkload import feed_records, refresh_statistics
from minzheng.verification.feeds import parse_feed, spec_for
from minzheng.verification.models import Evidence, FeedBatch, FeedRecord, HouseholdCheck

FEED_SCOPE = "verification:feed"
CHUNK = 2000
OPEN_STEPS = [s.value for s in Step if s not in (Step.APPROVED, Step.REFUSED)]


def _feed_actor(actor: User | ApiClient | None) -> tuple[User | None, str]:
    if actor is None:
        return None, ""
    if isinstance(actor, ApiClient):
        if not actor.has_scope(FEED_SCOPE):
            raise PermissionDenied(f"该客户端未获授权：{FEED_SCOPE}")
        return None, actor.name
    if not (actor.can(Capability.APPROVE) or actor.can(Capability.MANAGE_PARAMETERS)):
        raise PermissionDenied("只有县级、市级工作人员可以导入部门数据")
    return actor, ""


def do_load_feed(
    actor: User | ApiClient | None, source: str, data: bytes, *, filename: str
) -> FeedBatch:
    """Check every row of a delivered file, keep the good ones, report the bad ones.

    Idempotent: a row already received (same source, same values) is not stored again, so a
    re-delivered file adds no rows; its batch records that it was a re-delivery.
    """
    user, client_name = _feed_actor(actor)
    spec_for(source)
    parsed = parse_feed(source, data, today=timezone.localdate())
    checksum = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        earlier = FeedBatch.objects.filter(source=source, checksum=checksum).order_by("id").first()
        known: set[str] = set()
        keys = [r.key for r in parsed.rows]
        for i in range(0, len(keys), CHUNK):
            known.update(
                FeedRecord.objects.filter(
                    source=source, row_key__in=keys[i : i + CHUNK]
                ).values_list("row_key", flat=True)
            )
        batch = FeedBatch.objects.create(
            source=source,
            filename=filename[:200],
            checksum=checksum,
            received_at=timezone.now(),
            received_by=user,
            client_name=client_name,
            rows_total=parsed.total,
            rows_known=len(known) + parsed.duplicates,
            rows_rejected=len({e.row for e in parsed.errors}),
            errors=[e.as_dict() for e in parsed.errors],
            redelivery_of=earlier,
        )
        records = feed_records(batch, source, [r for r in parsed.rows if r.key not in known])
        FeedRecord.objects.bulk_create(records, batch_size=CHUNK, ignore_conflicts=True)
        batch.rows_accepted = len(records)
        batch.save(update_fields=["rows_accepted"])
        audit.record(
            user,
            AuditEvent.Action.CREATE,
            "feed_batch",
            batch.pk,
            actor_name=client_name or None,
            summary=f"接收{spec_for(source).label}数据 {filename}：{parsed.total}行，新增"
            f"{batch.rows_accepted}行，错误{batch.rows_rejected}行",
            after={"checksum": checksum, "rows": parsed.total},
        )
    refresh_statistics(source, batch.rows_accepted)
    return batch


# ── requests out ──────────────────────────────────────────────────────────────────────────────


def request_rows(month: YearMonth) -> list[dict[str, Any]]:
    """Every member of every enrolled household and of every open application, per programme."""
    first = month.first_day()
    wanted: dict[int, set[str]] = {}
    enrolled = Enrolment.objects.filter(
        status__in=(Enrolment.Status.ACTIVE, Enrolment.Status.GRADUAL_EXIT),
        start_month__lte=first,
    ).filter(Q(end_month__isnull=True) | Q(end_month__gt=first))
    for household_id, programme in enrolled.values_list("household_id", "programme"):
        wanted.setdefault(household_id, set()).add(programme)
    for household_id, programmes in Application.objects.filter(step__in=OPEN_STEPS).values_list(
        "household_id", "programmes"
    ):
        wanted.setdefault(household_id, set()).update(programmes or [])
    memberships = (
        Membership.objects.filter(household_id__in=list(wanted), valid_from__lte=month.last_day())
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=month.last_day()))
        .select_related("person")
        .order_by("household_id", "person_id")
    )
    rows = []
    for ms in memberships:
        for programme in sorted(wanted[ms.household_id]):
            rows.append(
                {
                    "id_number": ms.person.id_number_plain(),
                    "name": ms.person.name,
                    "household_id": ms.household_id,
                    "programme": programme,
                }
            )
    return rows


def do_write_request(actor: User | None, month: YearMonth, output: Path) -> Path:
    """核对请求: the file sent to the departments under the signed 授权书; audited."""
    if actor is not None and not actor.can(Capability.APPROVE):
        raise PermissionDenied("只有县级审批人员可以生成核对请求")
    if output.exists() and not output.is_dir():
        raise ValidationFailed(f"输出位置不是目录：{output}", code="bad_output")
    output.mkdir(parents=True, exist_ok=True)
    rows = request_rows(month)
    path = output / "request.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["id_number", "name", "household_id", "programme"]
        )
        writer.writeheader()
        writer.writerows(rows)
    audit.record(
        actor,
        AuditEvent.Action.EXPORT,
        "verification_request",
        str(month),
        summary=f"生成{month}核对请求：{len(rows)}行，{len({r['household_id'] for r in rows})}户",
        after={"path": str(path), "rows": len(rows)},
    )
    return path


# ── the household check ──────────────────────────────────────────────────────────────────────


def _store_check(
    actor: User | None,
    household: Household,
    outcome: checks.Outcome,
    *,
    as_of: date,
    application_id: int | None,
    declared: Decimal | None,
    versions: list[str],
) -> HouseholdCheck:
    check = HouseholdCheck.objects.create(
        household=household,
        region_id=household.region_id,
        application_id=application_id,
        as_of=as_of,
        members=outcome.members,
        monthly_income=outcome.monthly_income,
        per_capita_income=outcome.per_capita_income,
        declared_income=declared,
        money_assets=outcome.money_assets,
        passed=outcome.passed,
        findings=outcome.findings,
        parameters=versions,
        created_by=actor,
    )
    Evidence.objects.bulk_create(
        Evidence(
            check_run=check,
            person_id=i.person_id,
            source=i.source,
            item=i.item[:60],
            on=i.on,
            value=i.value[:200],
            rule=i.rule[:300],
            finding=i.finding,
        )
        for i in outcome.items
    )
    return check


def _versions(policy: Any) -> list[str]:
    return sorted(
        {getattr(policy, f).used.version_id for f in policy.__dataclass_fields__ if f != "county"}
    )


def do_verify_application(actor: User, app: Application) -> HouseholdCheck:
    """核对 one application: gather every source, store the evidence, fill the workflow's step."""
    from minzheng.applications.actions import do_record_verification

    if not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("您的角色无权执行核对")
    app = Application.objects.visible_to(actor).get_visible(actor, pk=app.pk)
    if app.authorisation_signed_at is None:
        raise ValidationFailed("核对授权书尚未签署，不能核对", code="no_authorisation")
    today = timezone.localdate()
    household = app.household
    county = county_of(household.region_id)
    policy = policies({county}, today)[county]
    members = jobs.gather([household.pk], today)[household.pk]
    programme = (
        "dibao" if ProgrammeCode.DIBAO in app.programmes else (app.programmes or ["dibao"])[0]
    )
    outcome = checks.check_household(
        members, policy, as_of=today, programme=programme, declared_income=app.declared_income
    )
    with transaction.atomic():
        check = _store_check(
            actor,
            household,
            outcome,
            as_of=today,
            application_id=app.pk,
            declared=app.declared_income,
            versions=_versions(policy),
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "household_check",
            check.pk,
            region_code=household.region_id,
            summary=f"核对申请{app.pk}：家庭月收入{outcome.monthly_income}元，"
            f"{'符合' if outcome.passed else '不符合'}",
        )
        if app.step == Step.VERIFICATION:
            note = "部门数据核对：" + ("无异常" if outcome.passed else "；".join(outcome.findings))
            do_record_verification(
                actor,
                app,
                verified_income=max(outcome.monthly_income, Decimal(0)),
                passed=outcome.passed,
                note=note[:1000],
            )
    return check


def do_check_enrolled(
    actor: User | None,
    region_code: str,
    as_of: date,
    *,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[HouseholdCheck]:
    """核对 every enrolled household in a region (the batch), one gather for all of them.

    Each household's result is committed on its own, and `progress(done, total, message)` reports
    after each one (the job page's row-level progress bar; it may raise to cancel the job: the
    households already checked keep their results)."""
    if actor is not None and not actor.can(Capability.APPROVE):
        raise PermissionDenied("只有县级审批人员可以批量核对")
    region = Region.objects.filter(pk=full_code(region_code)).first()
    if region is None:
        raise ValidationFailed(f"区划不存在：{region_code}", code="unknown_region")
    scoped = Enrolment.objects.visible_to(actor) if actor is not None else Enrolment.objects
    enrolled = (
        scoped.filter(
            region_q(region.unit),
            status__in=(Enrolment.Status.ACTIVE, Enrolment.Status.GRADUAL_EXIT),
        )
        .values_list("household_id", "programme")
        .order_by("household_id")
    )
    programme_of: dict[int, str] = {}
    for household_id, programme in enrolled:
        if programme_of.get(household_id) != ProgrammeCode.DIBAO:
            programme_of[household_id] = programme
    households = {h.pk: h for h in Household.objects.filter(pk__in=list(programme_of))}
    counties = {county_of(h.region_id) for h in households.values()}
    policy = policies(counties, as_of)
    step = progress or (lambda done, total, message: None)
    step(0, len(households), "正在汇集各部门数据")
    gathered = jobs.gather(list(households), as_of)
    stored: list[HouseholdCheck] = []
    total = len(gathered)
    for household_id, members in gathered.items():
        household = households[household_id]
        p = policy[county_of(household.region_id)]
        outcome = checks.check_household(
            members,
            p,
            as_of=as_of,
            programme=programme_of[household_id],
            declared_income=None,
        )
        with transaction.atomic():
            stored.append(
                _store_check(
                    actor,
                    household,
                    outcome,
                    as_of=as_of,
                    application_id=None,
                    declared=None,
                    versions=_versions(p),
                )
            )
        step(len(stored), total, f"已核对 {len(stored)} / {total} 户")
    with transaction.atomic():
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "household_check",
            region.code,
            region_code=region.code,
            summary=f"批量核对{region_code}在保家庭{len(stored)}户，"
            f"不符合{sum(not c.passed for c in stored)}户",
        )
    return stored
