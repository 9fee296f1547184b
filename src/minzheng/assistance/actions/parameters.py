"""Policy parameters: load the catalogue, propose, preview, confirm (maker-checker) and withdraw dated values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import region_q
from minzheng.assistance.actions.enrolments import amount_for, do_change_enrolment_amount
from minzheng.assistance.models import (
    OPEN_STATUSES,
    Enrolment,
    PolicyParameter,
)
from minzheng.assistance.parameter_catalog import all_specs, bounds_for, spec_for
from minzheng.assistance.parameters import Confidence, region_chain
from minzheng.assistance.policy import load_policy
from minzheng.assistance.programmes import ProgrammeCode
from minzheng.assistance.queries import (
    decode_value,
    encode_value,
    parameter_set,
    parameter_sets,
)
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.regioncode import RegionCode, county_of, full_code, overlap
from minzheng.core.yearmonth import YearMonth
from minzheng.regions.models import Region
from minzheng.registry.models import Household

# ── policy parameters ────────────────────────────────────────────────────────────────────────


def do_load_parameter_catalog(actor: User | None = None) -> int:
    """Load the catalogue (`parameter_catalog.all_specs()`) into the database; rows already there stay.

    Idempotent: run it on every deploy (and from the demo) and only new catalogue values appear.
    """
    created = 0
    with transaction.atomic():
        existing = set(
            PolicyParameter.objects.exclude(status=PolicyParameter.Status.WITHDRAWN).values_list(
                "key", "region_code", "effective_from"
            )
        )
        rows = []
        for spec in all_specs():
            for v in spec.values:
                if (spec.key, v.region_code, v.effective_from) in existing:
                    continue
                rows.append(
                    PolicyParameter(
                        key=spec.key,
                        region_code=v.region_code,
                        effective_from=v.effective_from,
                        value=encode_value(v.value),
                        source=v.source,
                        confidence=v.confidence.value,
                        illustrative=v.illustrative,
                        note=v.note,
                        status=PolicyParameter.Status.ACTIVE,
                        created_by=actor,
                        confirmed_at=timezone.now(),
                    )
                )
        PolicyParameter.objects.bulk_create(rows)
        created = len(rows)
        if created:
            audit.record(
                actor,
                AuditEvent.Action.CREATE,
                "policy_parameter",
                "catalog",
                summary=f"载入政策参数目录 {created} 条",
                after={"versions": [p.version_id for p in rows]},
            )
    return created


def _check_parameter_scope(actor: User, region_code: str) -> None:
    # A county approver sets only its own county's values; the city admin the city and counties.
    if not actor.can(Capability.MANAGE_PARAMETERS):
        raise PermissionDenied("您的角色无权调整政策参数")
    region_chain(region_code)
    if not actor.covers(region_code):
        raise PermissionDenied(f"区划 {region_code} 不在您的管辖范围内，不能调整其政策参数")


def do_propose_parameter(
    actor: User,
    *,
    key: str,
    region_code: str,
    effective_from: date,
    value: Any,
    source: str,
    confidence: str = Confidence.B.value,
    illustrative: bool = False,
    note: str = "",
) -> PolicyParameter:
    """Schedule a new value, not yet in force: it waits, with its preview, for a second person.

    A value never starts before today (it could not be confirmed before it takes effect); a
    correction for past months is a back-pay with a reason, not a back-dated parameter. The value
    must lie within the parameter's bounds (`parameter_catalog.bounds_for`).
    """
    _check_parameter_scope(actor, region_code)
    decoded = decode_value(key, value)
    _check_bounds(key, decoded)
    today = timezone.localdate()
    if effective_from < today:
        raise ValidationFailed(
            f"生效日期 {effective_from} 早于今天 {today}：政策参数不能追溯生效。"
            "过去月份的更正请按补发办理并写明理由",
            code="effective_in_past",
        )
    if not source.strip():
        raise ValidationFailed("请填写政策依据（文件名称、文号或网址）", code="source_required")
    try:
        Confidence(confidence)
    except ValueError:
        raise ValidationFailed(
            f"可信度应为 A、B、C 或 NF：{confidence}", code="invalid_confidence"
        ) from None
    if (
        PolicyParameter.objects.filter(
            key=key, region_code=region_code, effective_from=effective_from
        )
        .exclude(status=PolicyParameter.Status.WITHDRAWN)
        .exists()
    ):
        raise ValidationFailed(
            f"{key} 在 {region_code} 自 {effective_from} 起已有取值，请先撤回",
            code="parameter_exists",
        )
    proposal = PolicyParameter(
        key=key,
        region_code=region_code,
        effective_from=effective_from,
        value=encode_value(decoded),
        source=source.strip(),
        confidence=confidence,
        illustrative=illustrative,
        note=note,
        status=PolicyParameter.Status.PENDING,
        created_by=actor,
    )
    # The new value must make a working set, e.g. a negative standard is refused here.
    load_policy(parameter_set(_a_county(region_code), effective_from, extra=[proposal]))
    preview = preview_parameter(actor, proposal)
    with transaction.atomic():
        proposal.preview = preview
        proposal.save()
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "policy_parameter",
            proposal.pk,
            summary=f"拟调整 {proposal.version_id} 为 {decoded}，影响 {preview['changed_households']} 户",
            after={"version": proposal.version_id, "value": proposal.value, "preview": preview},
            region_code=full_code(region_code),
        )
    return proposal


def _a_county(region_code: str) -> str:
    """A county code under `region_code` to resolve against (the code itself for a county)."""
    unit = RegionCode.of(region_code)
    if unit.level == "county":
        return region_code
    county = (
        Region.objects.filter(region_q(unit, "code"), level="county")
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    return county_of(county) if county else region_code


def preview_parameter(actor: User, proposal: PolicyParameter, limit: int = 200) -> dict[str, Any]:
    """Who would change, set-based, among the households enrolled or applying in scope.

    Every household in the proposer's scope and the parameter's region is decided twice on its
    recorded facts for the start date (values in force / with the proposal); only households with
    an open enrolment or an open application count. Per programme: households and persons
    gaining, losing and changing amount, and the monthly and yearly cost change; the rows carry
    the masked head's name and the township.
    """
    from minzheng.applications.models import Application  # applications reads assistance
    from minzheng.applications.rules import OPEN_STEPS
    from minzheng.assistance import columnar  # imports the evaluation shell; keep actions light
    from minzheng.core.masking import mask_name

    day = proposal.effective_from
    bounds = overlap(actor.scope_bounds(), columnar.region_bounds(proposal.region_code))
    gathered = columnar.gather(bounds, day)
    counties = gathered.households.regions
    before = {c: parameter_set(c, day) for c in counties}
    after = {c: parameter_set(c, day, extra=[proposal]) for c in counties}
    result_before = columnar.evaluate_gathered(gathered, before)
    result_after = columnar.evaluate_gathered(gathered, after)
    in_bounds = {"region_id__gte": bounds[0], "region_id__lte": bounds[1]}
    relevant = set(
        Enrolment.objects.filter(status__in=OPEN_STATUSES, **in_bounds).values_list(
            "household_id", flat=True
        )
    ) | set(
        Application.objects.filter(step__in=[s.value for s in OPEN_STEPS], **in_bounds).values_list(
            "household_id", flat=True
        )
    )
    considered = [int(h) for h in gathered.household_ids if int(h) in relevant]
    row_of = {int(h): i for i, h in enumerate(gathered.household_ids)}
    changed = [
        c
        for c in columnar.changes(gathered.household_ids, result_before, result_after)
        if c.household_id in relevant
    ]

    def persons(c: columnar.Change) -> int:
        if c.programme == ProgrammeCode.TEKUN.value:
            return 1
        row = row_of[c.household_id]
        return int(max(result_before.members[row], result_after.members[row]))

    programmes: dict[str, dict[str, Any]] = {}
    for code in (ProgrammeCode.DIBAO.value, ProgrammeCode.DIBIAN.value, ProgrammeCode.TEKUN.value):
        mine = [c for c in changed if c.programme == code]
        groups = {
            "gaining": [c for c in mine if c.after_eligible and not c.before_eligible],
            "losing": [c for c in mine if c.before_eligible and not c.after_eligible],
            "changing": [c for c in mine if c.before_eligible and c.after_eligible],
        }
        delta = sum(c.delta_fen for c in mine)
        programmes[code] = {
            **{f"{k}_households": len(v) for k, v in groups.items()},
            **{f"{k}_persons": sum(persons(c) for c in v) for k, v in groups.items()},
            "monthly_delta": f"{delta / 100:.2f}",
            "yearly_delta": f"{delta * 12 / 100:.2f}",
        }
    shown = changed[:limit]
    households = {
        h.pk: h
        for h in Household.objects.filter(pk__in={c.household_id for c in shown}).select_related(
            "head", "region__parent"
        )
    }
    rows = []
    for c in shown:
        h = households.get(c.household_id)
        village = h.region if h is not None else None
        township = village.parent if village is not None else None
        rows.append(
            {
                **c.to_dict(),
                "head": mask_name(h.head.name) if h is not None and h.head else "",
                "township": township.name if township is not None else "",
            }
        )
    total = sum(c.delta_fen for c in changed)
    return {
        "as_of": day.isoformat(),
        "households": len(considered),
        "households_in_scope": len(gathered.household_ids),
        "skipped": gathered.skipped,
        "changed_households": len({c.household_id for c in changed}),
        "newly_eligible": sum(1 for c in changed if c.after_eligible and not c.before_eligible),
        "no_longer_eligible": sum(1 for c in changed if c.before_eligible and not c.after_eligible),
        "monthly_delta": f"{total / 100:.2f}",
        "yearly_delta": f"{total * 12 / 100:.2f}",
        "programmes": programmes,
        "changes": rows,
        "truncated": len(changed) > limit,
    }


def _check_bounds(key: str, value: Any) -> None:
    bounds = bounds_for(key)
    if bounds is None or isinstance(value, bool) or not isinstance(value, Decimal | int):
        return
    low, high = bounds
    if not low <= Decimal(value) <= high:
        spec = spec_for(key)
        raise ValidationFailed(
            f"{spec.name} {value} {spec.unit} 超出允许范围 {low}–{high} {spec.unit}，"
            "请核对取值（如确需超出，请先调整参数上下限）",
            code="parameter_out_of_bounds",
        )


def _preview_figures(preview: dict[str, Any]) -> dict[str, Any]:
    """The headline preview figures recorded in the audit trail with a proposal and its check."""
    return {k: v for k, v in preview.items() if k not in ("changes", "truncated")}


def do_confirm_parameter(actor: User, proposal: PolicyParameter) -> PolicyParameter:
    """The checker puts a previewed value in force from its date (maker-checker).

    Refused for the proposer, for someone without the role or scope, and once the value's start
    date has passed: a value never takes effect before the day it is confirmed.
    """
    _check_parameter_scope(actor, proposal.region_code)
    with transaction.atomic():
        locked = PolicyParameter.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != PolicyParameter.Status.PENDING:
            raise ValidationFailed("该参数调整不是待确认状态", code="not_pending")
        if locked.created_by_id == actor.pk:
            raise PermissionDenied("提出人不能确认自己提出的参数调整，须由另一名有权限的人员确认")
        today = timezone.localdate()
        if locked.effective_from < today:
            raise ValidationFailed(
                f"生效日期 {locked.effective_from} 已早于今天 {today}，不能确认："
                "参数不能在确认之前生效。请撤回后按新的生效日期重新提出；过去月份按补发办理",
                code="effective_in_past",
            )
        locked.status = PolicyParameter.Status.ACTIVE
        locked.confirmed_at = timezone.now()
        locked.confirmed_by = actor
        locked.save(update_fields=["status", "confirmed_at", "confirmed_by"])
        applied = _apply_to_enrolments(actor, locked)
        audit.record(
            actor,
            AuditEvent.Action.APPROVE,
            "policy_parameter",
            locked.pk,
            summary=(
                f"确认 {locked.version_id} 自 {locked.effective_from} 起生效"
                f"（提出人 {locked.created_by_id}），影响 {locked.preview.get('changed_households', 0)} 户"
            ),
            before={"status": PolicyParameter.Status.PENDING},
            after={
                "status": locked.status,
                "value": locked.value,
                "proposed_by": locked.created_by_id,
                "preview": _preview_figures(locked.preview),
                "applied": applied,
            },
            region_code=full_code(locked.region_code),
        )
    return locked


def first_month_in_force(day: date) -> YearMonth:
    """The first whole month a value starting on `day` covers (the month itself from the 1st)."""
    month = YearMonth(day.year, day.month)
    return month if day.day == 1 else month + 1


def _apply_to_enrolments(actor: User, parameter: PolicyParameter) -> dict[str, Any]:
    """Re-evaluate the enrolled 低保 households and 特困 persons under the confirmed value.

    Set-based (the batch evaluator over the parameter's region): where the amount due from the
    first month in force differs from the enrolment's amount, a dated amount row is written for
    that month, so the roll for the month pays what the rules now give. 单人户低保 enrolments
    are re-priced from the person's own decision (`eligibility.single_person_due`). Enrolments
    that would no longer qualify are not ended here: that is a review with its own notice; they
    are counted.
    """
    from minzheng.assistance import columnar  # imports the evaluation shell; keep actions light
    from minzheng.assistance.eligibility import single_person_due

    month = first_month_in_force(parameter.effective_from)
    day = month.first_day()
    gathered = columnar.gather(columnar.region_bounds(parameter.region_code), day)
    result = columnar.evaluate_gathered(gathered, parameter_sets(gathered.households.regions, day))
    reason = f"政策参数 {parameter.version_id} 自{month}起调整"
    row_of_household = {int(h): i for i, h in enumerate(gathered.household_ids)}
    changed, not_eligible = 0, 0
    enrolments = (
        Enrolment.objects.filter(
            household_id__in=list(row_of_household),
            programme__in=(ProgrammeCode.DIBAO.value, ProgrammeCode.TEKUN.value),
            status__in=OPEN_STATUSES,
            start_month__lte=day,
        )
        .exclude(end_month__lte=day)
        .select_related("household")
        .order_by("id")
    )
    for enrolment in enrolments:
        row = row_of_household[enrolment.household_id]
        if enrolment.programme == ProgrammeCode.DIBAO.value and enrolment.person_id is not None:
            # 单人户低保: the person's own decision on the household's recorded facts (few rows).
            single = single_person_due(enrolment, day)
            eligible = single is not None
            due_fen = int((single or 0) * 100)
        elif enrolment.programme == ProgrammeCode.DIBAO.value:
            eligible = bool(result.dibao_route[row] > 0)
            due_fen = int(result.dibao_amount_fen[row])
        else:
            if enrolment.person_id != enrolment.household.head_id:
                continue
            eligible = bool(result.tekun_eligible[row])
            due_fen = int(result.tekun_amount_fen[row])
        if not eligible:
            not_eligible += 1
            continue
        due = Decimal(due_fen) / 100
        current = amount_for(enrolment, month)
        if current is not None and current != due:
            do_change_enrolment_amount(actor, enrolment, month=month, amount=due, reason=reason)
            changed += 1
    return {"month": str(month), "amounts_changed": changed, "no_longer_eligible": not_eligible}


def do_withdraw_parameter(actor: User, proposal: PolicyParameter) -> PolicyParameter:
    """Withdraw a pending value, or an active one that is not yet in force."""
    _check_parameter_scope(actor, proposal.region_code)
    with transaction.atomic():
        locked = PolicyParameter.objects.select_for_update().get(pk=proposal.pk)
        in_force = locked.effective_from <= timezone.localdate()
        if locked.status == PolicyParameter.Status.WITHDRAWN or (
            locked.status == PolicyParameter.Status.ACTIVE and in_force
        ):
            raise ValidationFailed("已生效或已撤回的参数不能撤回", code="cannot_withdraw")
        before = locked.status
        locked.status = PolicyParameter.Status.WITHDRAWN
        locked.save(update_fields=["status"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "policy_parameter",
            locked.pk,
            summary=f"撤回 {locked.version_id}",
            before={"status": before},
            after={"status": locked.status},
            region_code=full_code(locked.region_code),
        )
    return locked
