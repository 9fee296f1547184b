"""Monitoring state changes: the monthly run and its automatic actions, closing warnings, tasks."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.applications.models import ReviewTask
from minzheng.assistance.actions import do_start_gradual_exit
from minzheng.assistance.models import Enrolment
from minzheng.assistance.programmes import ProgrammeCode
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.pii import unseal
from minzheng.core.regioncode import county_code, county_of
from minzheng.core.yearmonth import YearMonth
from minzheng.monitoring import distributed, jobs
from minzheng.monitoring.models import Action, Closure, MonitoringRun, Task, Warning
from minzheng.monitoring.rules import MonitoringPolicy, decide
from minzheng.payments.actions import do_create_temporary_case
from minzheng.regions.models import Region
from minzheng.registry.actions import do_record_death
from minzheng.registry.models import Person
from minzheng.verification.feeds import KIND_LABELS, SOURCE_LABELS

CITY_REGION = "330200000000"


@dataclass
class MonitorResult:
    month: YearMonth
    found: int = 0
    created: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    actions: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _evidence(f: jobs.Finding) -> dict[str, Any]:
    evidence: dict[str, Any] = {
        "source": f.source,
        "source_label": SOURCE_LABELS.get(f.source, f.source),
        "date": f.day.isoformat() if f.day else None,
    }
    if f.ref:
        evidence["ref"] = f.ref
    if f.detail:
        evidence["detail"] = f.detail
        if f.detail in KIND_LABELS:
            evidence["detail_label"] = KIND_LABELS[f.detail]
    if f.kind in ("property",):
        evidence["area_m2"] = str(f.value)
        if f.limit:
            evidence["area_limit_m2"] = str(f.limit)
    elif f.kind in ("income_over_line", "deposits_over_limit", "high_medical_cost", "business"):
        evidence["value"] = str(f.value)
        if f.limit:
            evidence["limit"] = str(f.limit)
    return evidence


def _region(f: jobs.Finding, regions: set[str]) -> str:
    if f.region_id:
        return f.region_id
    county = county_code(f.masked)  # the masked number keeps the birthplace
    return county if county in regions else CITY_REGION


def do_run_monitor(
    actor: User | None,
    month: YearMonth,
    *,
    progress: Callable[[str], None] | None = None,
    rows: Callable[[int, int, str], None] | None = None,
    engine: str = "duckdb",
    spark_master: str = "",
) -> MonitorResult:
    """Turn the month's feeds into warnings and act on the new ones. Running it again adds nothing.

    `actor` None is the city's scheduled job; a county approver's run stores only the warnings of
    the county (the others wait for their own county's run or the city's job)."""
    if actor is not None and not actor.can(Capability.APPROVE):
        raise PermissionDenied("只有县级审批人员可以运行动态监测")
    started = time.perf_counter()
    run = MonitoringRun.objects.create(month=month.first_day(), started_at=timezone.now())
    session = None
    if engine == "spark":
        from minzheng.core.batchsql import local_session

        session = local_session(spark_master or "local[2]")
    if session is not None and distributed.reachable():  # each executor reads its own part
        findings, policies = distributed.find(
            month, progress=progress, engine=engine, spark_session=session
        )
    else:
        findings, policies = jobs.find(
            month, progress=progress, engine=engine, spark_session=session
        )
    result = MonitorResult(month, found=len(findings))
    existing = set(
        Warning.objects.filter(kind__in={f.kind for f in findings}).values_list(
            "kind", "id_number_index", "ref"
        )
    )
    new = [f for f in findings if f.key not in existing]
    regions = set(Region.objects.filter(level="county").values_list("code", flat=True))
    if actor is not None:  # a county's own run acts only on its own region's findings
        new = [f for f in new if actor.covers(_region(f, regions))]
    for done, finding in enumerate(new, start=1):
        with transaction.atomic():
            warning = _store(finding, month, policies, regions)
            if warning is not None:
                _act(warning, finding, month, policies)
        if rows:  # row-level progress (the job page); may raise to cancel after a whole finding
            rows(done, len(new), f"处置预警 {done} / {len(new)} 条")
        if warning is None:
            continue
        result.created += 1
        result.by_kind[finding.kind] = result.by_kind.get(finding.kind, 0) + 1
        result.actions[warning.action] = result.actions.get(warning.action, 0) + 1
    if progress:
        progress("处置")
    result.seconds = time.perf_counter() - started
    MonitoringRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(),
        found=result.found,
        created=result.created,
        by_kind=result.by_kind,
        seconds=result.seconds,
    )
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        "monitoring_run",
        run.pk,
        summary=f"动态监测{month}：发现{result.found}条，新增预警{result.created}条",
        after={"by_kind": result.by_kind, "actions": result.actions},
    )
    return result


def _policy(f: jobs.Finding, policies: dict[str, MonitoringPolicy]) -> MonitoringPolicy:
    county = county_of(f.region_id or "")
    return policies.get(county) or policies[jobs.CITY]


def _store(
    f: jobs.Finding, month: YearMonth, policies: dict[str, MonitoringPolicy], regions: set[str]
) -> Warning | None:
    decision = decide(f.kind, _policy(f, policies), month_end=month.last_day(), has_wage=f.has_wage)
    warning, created = Warning.objects.get_or_create(
        kind=f.kind,
        id_number_index=f.idx,
        ref=f.ref,
        defaults={
            "month": month.first_day(),
            "severity": decision.severity,
            "id_number_masked": f.masked,
            "id_number_cipher": f.cipher if f.person_id is None else "",
            "name": f.name,
            "person_id": f.person_id,
            "household_id": f.household_id,
            "region_id": _region(f, regions),
            "source": f.source,
            "evidence": _evidence(f),
            "rule": decision.rule[:400],
            "action": decision.action,
            "deadline": decision.deadline,
        },
    )
    if not created:
        return None
    audit.record(
        None,
        AuditEvent.Action.CREATE,
        "warning",
        warning.pk,
        person_id=f.person_id,
        region_code=warning.region_id,
        summary=f"预警：{warning.get_kind_display()} {f.masked}（{SOURCE_LABELS.get(f.source)}）",
    )
    return warning


def _act(
    warning: Warning, f: jobs.Finding, month: YearMonth, policies: dict[str, MonitoringPolicy]
) -> None:
    """The automatic action of a new warning; what it did is written on the warning."""
    done = ""
    match warning.action:
        case Action.STOP_PAYMENT:
            assert f.person_id is not None and f.day is not None
            person = Person.objects.get(pk=f.person_id)
            recorded = do_record_death(None, person, f.day, source=SOURCE_LABELS[f.source])
            _open_task(warning, Task.Kind.AFTER_DEATH)
            done = (
                f"已登记死亡日期{f.day.isoformat()}，自{YearMonth.of(f.day) + 1}起停发，多发月份"
                "由下一次花名册记为应追回；已生成身后一件事任务"
                if recorded
                else "死亡日期此前已登记；已生成身后一件事任务"
            )
        case Action.GRADUAL_EXIT:
            enrolment = (
                Enrolment.objects.filter(pk=f.enrolment_id).first() if f.enrolment_id else None
            )
            if enrolment is not None and enrolment.status == Enrolment.Status.ACTIVE:
                grace = _policy(f, policies).grace_for(enrolment.programme).value
                until = month + grace
                do_start_gradual_exit(
                    None,
                    enrolment,
                    until=until,
                    reason=f"动态监测：成员就业收入超过保障标准（预警#{warning.pk}）",
                )
                done = (
                    f"已启动低边渐退，保留低边身份至{until}"
                    if enrolment.programme == ProgrammeCode.DIBIAN
                    else f"已启动渐退，发放至{until}"
                )
            else:
                done = _open_review(warning, f)
        case Action.REVIEW:
            done = _open_review(warning, f)
        case Action.VISIT:
            _open_task(warning, Task.Kind.VISIT)
            done = "已生成入户走访任务"
    Warning.objects.filter(pk=warning.pk).update(action_result=done[:300])
    warning.action_result = done


def _open_task(warning: Warning, kind: str) -> Task:
    task, _ = Task.objects.get_or_create(
        warning=warning,
        defaults={"kind": kind, "region_id": warning.region_id, "due_on": warning.deadline},
    )
    return task


def _open_review(warning: Warning, f: jobs.Finding) -> str:
    """复核 with the warning's deadline: an open review is brought forward, else one is opened."""
    if f.household_id is None:
        return "非登记家庭，无需复核"
    enrolments = Enrolment.objects.filter(
        household_id=f.household_id,
        status__in=(Enrolment.Status.ACTIVE, Enrolment.Status.GRADUAL_EXIT),
    )
    opened = []
    for enrolment in enrolments:
        note = f"动态监测预警#{warning.pk}：{warning.get_kind_display()}"
        task = ReviewTask.objects.filter(enrolment=enrolment, status=ReviewTask.Status.OPEN).first()
        if task is None:
            task = ReviewTask.objects.create(
                enrolment=enrolment,
                region_id=enrolment.region_id,
                due_on=warning.deadline,
                interval_key="monitoring.review_deadline_days",
                note=note,
            )
        else:
            ReviewTask.objects.filter(pk=task.pk).update(
                due_on=min(task.due_on, warning.deadline), note=(task.note + "；" + note)[-1000:]
            )
        opened.append(str(task.pk))
    if not opened:
        return "该户无在保救助，无需复核"
    return f"已启动复核（复核任务#{'、#'.join(opened)}），期限{warning.deadline.isoformat()}"


def _require_region(actor: User, warning: Warning) -> Warning:
    if not actor.can(Capability.EDIT_CASES) and not actor.can(Capability.APPROVE):
        raise PermissionDenied("您的角色无权处理预警")
    return Warning.objects.visible_to(actor).select_for_update().get_visible(actor, pk=warning.pk)


def do_close_warning(actor: User, warning: Warning, *, closure: str, note: str) -> Warning:
    """办结: the caseworker's finding — true and handled, a false positive, no effect, helped."""
    if closure not in Closure.values:
        raise ValidationFailed("请选择办结原因", code="bad_closure")
    if not note.strip():
        raise ValidationFailed("请填写办结说明", code="note_missing")
    with transaction.atomic():
        locked = _require_region(actor, warning)
        if locked.status == Warning.Status.CLOSED:
            raise ValidationFailed("该预警已办结", code="already_closed")
        locked.status = Warning.Status.CLOSED
        locked.closure = closure
        locked.closure_note = note.strip()[:300]
        locked.closed_by = actor
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closure", "closure_note", "closed_by", "closed_at"])
        Task.objects.filter(warning=locked, status=Task.Status.OPEN).update(
            status=Task.Status.DONE, note=locked.closure_note, done_by=actor, done_at=timezone.now()
        )
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "warning",
            locked.pk,
            person_id=locked.person_id,
            region_code=locked.region_id,
            summary=f"预警办结：{locked.get_closure_display()}，{locked.closure_note}",
        )
    return locked


def do_help_without_application(
    actor: User,
    warning: Warning,
    *,
    amount: Decimal,
    reason: str,
    bank_name: str,
    account_number: str,
    name: str = "",
) -> Warning:
    """主动救助: after the visit, 临时救助 for the person without an application (maker–checker)."""
    if warning.kind != "high_medical_cost":
        raise ValidationFailed("只有高额医疗费用预警可以直接给予临时救助", code="bad_kind")
    with transaction.atomic():
        locked = _require_region(actor, warning)
        if locked.status == Warning.Status.CLOSED:
            raise ValidationFailed("该预警已办结", code="already_closed")
        region = Region.objects.get(pk=locked.region_id)
        case = do_create_temporary_case(
            actor,
            region=region,
            amount=amount,
            reason=f"高额医疗费用预警#{locked.pk}主动救助：{reason}",
            bank_name=bank_name,
            account_number=account_number,
            person=locked.person,
            name=locked.name or name.strip(),
            id_number="" if locked.person else unseal(locked.id_number_cipher),
        )
        Task.objects.filter(warning=locked).update(temporary_case_id=case.pk)
    return do_close_warning(
        actor, locked, closure=Closure.HELPED, note=f"临时救助#{case.pk} {amount}元，待审批"
    )


def warning_line(w: Warning) -> dict[str, Any]:
    """The JSONL shape of `minzheng warnings`: one object per warning."""
    return {
        "id_number": w.id_number_masked,
        "household_id": w.household_id,
        "kind": w.kind,
        "source": w.source,
        "evidence": w.evidence,
        "action": w.action,
    }


def month_range(month: YearMonth) -> tuple[date, date]:
    return month.first_day(), month.last_day()
