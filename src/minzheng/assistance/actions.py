"""State changes of enrolments. Each is one transaction and writes the audit trail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.assistance.errors import NegativeIncome
from minzheng.assistance.evaluation import (
    facts_from_input,
    facts_to_json,
    household_facts,
    parse_household,
)
from minzheng.assistance.facts import (
    INCOME_NAMES,
    AwayReason,
    IncomeKind,
    NonResidentialKind,
    StudentStatus,
    VehicleKind,
)
from minzheng.assistance.models import (
    OPEN_STATUSES,
    AdlAssessmentRecord,
    AssetKind,
    EligibilityDecision,
    Enrolment,
    EnrolmentAmount,
    ExtraExpense,
    HouseholdAsset,
    IncomeRecord,
    IncomeSource,
    MemberCircumstance,
    PolicyParameter,
    SupporterRecord,
)
from minzheng.assistance.parameter_catalog import all_specs, bounds_for, spec_for
from minzheng.assistance.parameters import Confidence, region_chain
from minzheng.assistance.policy import load_policy
from minzheng.assistance.programmes import ProgrammeCode, get_programme
from minzheng.assistance.queries import (
    decode_value,
    encode_value,
    parameter_set,
    parameter_sets,
    replay_parameter_set,
)
from minzheng.assistance.rules import evaluate_household
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from minzheng.regions.models import Region
from minzheng.registry.models import Household, Person


def do_enrol(
    actor: User | None,
    *,
    household: Household,
    programme: str,
    start: YearMonth,
    amount: Decimal,
    components: dict[str, Any] | None = None,
    person: Person | None = None,
    decision: dict[str, Any] | None = None,
    care_level: str = "",
    application_id: int | None = None,
) -> Enrolment:
    """Enrol a household (or one person of it) in a programme from a month, with its amount."""
    code = ProgrammeCode(programme)
    if amount < 0:
        raise ValidationFailed("救助金额不能为负数", code="negative_amount")
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                household=household,
                person=person,
                programme=code.value,
                region_id=household.region_id,
                start_month=start.first_day(),
                care_level=care_level,
                decision=decision or {},
                source_application_id=application_id,
                created_by=actor,
            )
            EnrolmentAmount.objects.create(
                enrolment=enrolment,
                effective_month=start.first_day(),
                amount=amount,
                components=components or {},
                reason="审批纳入",
            )
            audit.record(
                actor,
                AuditEvent.Action.CREATE,
                "enrolment",
                enrolment.pk,
                summary=f"纳入{get_programme(code).short_name}，自{start}起每月{amount}元",
                after={
                    "household": household.pk,
                    "programme": code.value,
                    "start": str(start),
                    "amount": amount,
                },
                person_id=person.pk if person else (household.head_id or None),
                region_code=household.region_id,
            )
    except IntegrityError as exc:
        raise ValidationFailed(
            "该家庭已在享受此救助项目，不能重复纳入", code="already_enrolled"
        ) from exc
    return enrolment


def do_change_enrolment_amount(
    actor: User | None,
    enrolment: Enrolment,
    *,
    month: YearMonth,
    amount: Decimal,
    reason: str,
    components: dict[str, Any] | None = None,
) -> EnrolmentAmount:
    if amount < 0:
        raise ValidationFailed("救助金额不能为负数", code="negative_amount")
    with transaction.atomic():
        row, _ = EnrolmentAmount.objects.update_or_create(
            enrolment=enrolment,
            effective_month=month.first_day(),
            defaults={"amount": amount, "reason": reason, "components": components or {}},
        )
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "enrolment",
            enrolment.pk,
            summary=f"自{month}起调整为每月{amount}元：{reason}",
            after={"month": str(month), "amount": amount},
            region_code=enrolment.region_id,
        )
    return row


def do_end_enrolment(
    actor: User | None, enrolment: Enrolment, *, last_paid_month: YearMonth, reason: str
) -> Enrolment:
    """Stop an enrolment; the month after `last_paid_month` is the first not paid."""
    if enrolment.status == Enrolment.Status.ENDED:
        raise ValidationFailed("该救助已终止", code="already_ended")
    end = (last_paid_month + 1).first_day()
    if end <= enrolment.start_month:
        end = enrolment.start_month
    with transaction.atomic():
        before = {"status": enrolment.status, "end_month": enrolment.end_month}
        enrolment.status = Enrolment.Status.ENDED
        enrolment.end_month = end
        enrolment.save(update_fields=["status", "end_month", "updated_at"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "enrolment",
            enrolment.pk,
            summary=f"终止：{reason}",
            before=before,
            after={"status": enrolment.status, "end_month": end},
            region_code=enrolment.region_id,
        )
    return enrolment


def do_start_gradual_exit(
    actor: User | None, enrolment: Enrolment, *, until: YearMonth, reason: str
) -> Enrolment:
    """渐退: the enrolment stays open in status 渐退期 and is paid up to and including `until`."""
    if actor is not None and not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("您的角色无权执行此操作")
    if enrolment.status not in (Enrolment.Status.ACTIVE, Enrolment.Status.SUSPENDED):
        raise ValidationFailed("只有在保的救助可以进入渐退期", code="not_active")
    if not reason.strip():
        raise ValidationFailed("请填写渐退理由", code="reason_missing")
    end = (until + 1).first_day()
    if end <= enrolment.start_month:
        raise ValidationFailed("渐退截止月份不能早于起始月份", code="bad_month")
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        before = {"status": locked.status, "end_month": locked.end_month}
        locked.status = Enrolment.Status.GRADUAL_EXIT
        locked.end_month = end
        locked.save(update_fields=["status", "end_month", "updated_at"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "enrolment",
            locked.pk,
            summary=f"渐退：发放至{until}，{reason.strip()}",
            before=before,
            after={"status": locked.status, "end_month": end},
            region_code=locked.region_id,
        )
    enrolment.status, enrolment.end_month = locked.status, locked.end_month
    return locked


def amount_for(enrolment: Enrolment, month: YearMonth) -> Decimal | None:
    """The amount in force for a month, or None when the enrolment does not pay that month."""
    first = month.first_day()
    if first < enrolment.start_month or (
        enrolment.end_month is not None and first >= enrolment.end_month
    ):
        return None
    row = enrolment.amounts.filter(effective_month__lte=first).order_by("-effective_month").first()
    return row.amount if row else None


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
    low, high = actor.scope_bounds()
    if not low <= region_code.ljust(12, "0") <= high:
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
            region_code=region_code.ljust(12, "0"),
        )
    return proposal


def _a_county(region_code: str) -> str:
    """A county code under `region_code` to resolve against (the code itself for a county)."""
    if region_code[4:] != "00":
        return region_code
    county = (
        Region.objects.filter(
            code__startswith=region_code.rstrip("0")[:4] or region_code[:2], level="county"
        )
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    return county[:6] if county else region_code


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
    from minzheng.assistance import jobs  # jobs imports the evaluation shell; keep actions light
    from minzheng.core.masking import mask_name

    day = proposal.effective_from
    low, high = actor.scope_bounds()
    region_low, region_high = jobs.region_bounds(proposal.region_code)
    bounds = (max(low, region_low), min(high, region_high))
    gathered = jobs.gather(bounds, day)
    counties = gathered.households.regions
    before = {c: parameter_set(c, day) for c in counties}
    after = {c: parameter_set(c, day, extra=[proposal]) for c in counties}
    result_before = jobs.evaluate_gathered(gathered, before)
    result_after = jobs.evaluate_gathered(gathered, after)
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
        for c in jobs.changes(gathered.household_ids, result_before, result_after)
        if c.household_id in relevant
    ]

    def persons(c: jobs.Change) -> int:
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
            region_code=locked.region_code.ljust(12, "0"),
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
    that month, so the roll for the month pays what the rules now give. Enrolments that would no
    longer qualify are not ended here: that is a review with its own notice; they are counted.
    """
    from minzheng.assistance import jobs  # jobs imports the evaluation shell; keep actions light

    month = first_month_in_force(parameter.effective_from)
    day = month.first_day()
    gathered = jobs.gather(jobs.region_bounds(parameter.region_code), day)
    result = jobs.evaluate_gathered(gathered, parameter_sets(gathered.households.regions, day))
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
        if enrolment.programme == ProgrammeCode.DIBAO.value:
            if enrolment.person_id is not None:
                continue  # 单人户低保 is decided per person; its amount follows the review
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
            region_code=locked.region_code.ljust(12, "0"),
        )
    return locked


# ── household economic facts ─────────────────────────────────────────────────────────────────


def _editable_person(actor: User, person: Person) -> Person:
    if not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("您的角色无权维护家庭经济状况")
    return Person.objects.get_visible(actor, pk=person.pk)


def _editable_household(actor: User, household: Household) -> Household:
    if not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("您的角色无权维护家庭经济状况")
    return Household.objects.get_visible(actor, pk=household.pk)


def _non_negative(amount: Decimal, what: str) -> None:
    if amount < 0:
        raise ValidationFailed(f"{what}不能为负数：{amount}", code="negative_amount")


def do_record_income(
    actor: User,
    person: Person,
    *,
    kind: str,
    monthly_amount: Decimal,
    valid_from: date,
    valid_to: date | None = None,
    source: str = IncomeSource.DECLARED,
    note: str = "",
) -> IncomeRecord:
    person = _editable_person(actor, person)
    try:
        income_kind = IncomeKind(kind)
    except ValueError:
        raise ValidationFailed(f"未知的收入类别：{kind}", code="unknown_income_kind") from None
    if monthly_amount < 0:
        raise NegativeIncome(person.name, INCOME_NAMES[income_kind], monthly_amount)
    _check_period(valid_from, valid_to)
    with transaction.atomic():
        record = IncomeRecord.objects.create(
            person=person,
            kind=income_kind.value,
            monthly_amount=monthly_amount,
            valid_from=valid_from,
            valid_to=valid_to,
            source=IncomeSource(source).value,
            note=note,
            created_by=actor,
        )
        _audit_fact(
            actor,
            "income_record",
            record.pk,
            person,
            f"{INCOME_NAMES[income_kind]} {monthly_amount} 元/月（{record.get_source_display()}）",
        )
    return record


def do_record_asset(
    actor: User,
    household: Household,
    *,
    kind: str,
    valid_from: date,
    valid_to: date | None = None,
    amount: Decimal | None = None,
    vehicle_kind: str = "",
    nonresidential_kind: str = "",
    is_only_home: bool = False,
    floor_area: Decimal | None = None,
    note: str = "",
) -> HouseholdAsset:
    household = _editable_household(actor, household)
    asset_kind = AssetKind(kind)
    _check_period(valid_from, valid_to)
    if asset_kind == AssetKind.MONEY:
        if amount is None:
            raise ValidationFailed("货币财产须填写金额", code="amount_required")
        _non_negative(amount, "货币财产")
    elif asset_kind == AssetKind.VEHICLE:
        VehicleKind(vehicle_kind)
    elif asset_kind == AssetKind.NONRESIDENTIAL:
        NonResidentialKind(nonresidential_kind)
    else:
        if floor_area is None:
            raise ValidationFailed("住房须填写建筑面积", code="area_required")
        _non_negative(floor_area, "住房面积")
    with transaction.atomic():
        asset = HouseholdAsset.objects.create(
            household=household,
            kind=asset_kind.value,
            amount=amount,
            vehicle_kind=vehicle_kind,
            nonresidential_kind=nonresidential_kind,
            is_only_home=is_only_home,
            floor_area=floor_area,
            valid_from=valid_from,
            valid_to=valid_to,
            note=note,
            created_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "household_asset",
            asset.pk,
            summary=f"登记家庭财产：{asset.get_kind_display()}",
            after={
                "household": household.pk,
                "kind": kind,
                "amount": amount,
                "floor_area": floor_area,
            },
            region_code=household.region_id,
        )
    return asset


def do_record_extra_expense(
    actor: User,
    person: Person,
    *,
    kind: str,
    monthly_amount: Decimal,
    valid_from: date,
    valid_to: date | None = None,
) -> ExtraExpense:
    person = _editable_person(actor, person)
    _non_negative(monthly_amount, "刚性支出")
    _check_period(valid_from, valid_to)
    with transaction.atomic():
        row = ExtraExpense.objects.create(
            person=person,
            kind=ExtraExpense.Kind(kind).value,
            monthly_amount=monthly_amount,
            valid_from=valid_from,
            valid_to=valid_to,
            created_by=actor,
        )
        _audit_fact(
            actor,
            "extra_expense",
            row.pk,
            person,
            f"{row.get_kind_display()} {monthly_amount} 元/月",
        )
    return row


def do_record_adl_assessment(
    actor: User, person: Person, *, assessed_on: date, **items: bool
) -> AdlAssessmentRecord:
    person = _editable_person(actor, person)
    with transaction.atomic():
        row = AdlAssessmentRecord.objects.create(
            person=person, assessed_on=assessed_on, created_by=actor, **items
        )
        failed = sum(1 for ok in items.values() if not ok)
        _audit_fact(
            actor, "adl_assessment", row.pk, person, f"生活自理能力评估：{failed} 项不能完成"
        )
    return row


def do_record_supporter(
    actor: User,
    person: Person,
    *,
    name: str,
    birth_date: date,
    valid_from: date,
    monthly_income: Decimal = Decimal(0),
    **flags: Any,
) -> SupporterRecord:
    person = _editable_person(actor, person)
    if monthly_income < 0:
        raise NegativeIncome(name, "义务人收入", monthly_income)
    with transaction.atomic():
        row = SupporterRecord.objects.create(
            person=person,
            name=name,
            birth_date=birth_date,
            monthly_income=monthly_income,
            valid_from=valid_from,
            created_by=actor,
            **flags,
        )
        _audit_fact(actor, "supporter_record", row.pk, person, f"登记法定义务人 {name}")
    return row


def do_set_member_circumstance(actor: User, person: Person, **fields: Any) -> MemberCircumstance:
    person = _editable_person(actor, person)
    AwayReason(fields.get("away_reason", AwayReason.NONE))
    StudentStatus(fields.get("student", StudentStatus.NONE))
    with transaction.atomic():
        row, _ = MemberCircumstance.objects.update_or_create(person=person, defaults=fields)
        _audit_fact(
            actor,
            "member_circumstance",
            row.pk,
            person,
            "更新成员情况",
            action=AuditEvent.Action.UPDATE,
            after=fields,
        )
    return row


def _check_period(start: date, end: date | None) -> None:
    if end is not None and end <= start:
        raise ValidationFailed("终止日期应晚于起始日期", code="invalid_period")


def _audit_fact(
    actor: User,
    object_type: str,
    pk: int,
    person: Person,
    summary: str,
    *,
    action: str = AuditEvent.Action.CREATE,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        actor,
        action,
        object_type,
        pk,
        summary=summary,
        after=after or {"summary": summary},
        person_id=person.pk,
        region_code=person.region_id,
    )


# ── decisions ────────────────────────────────────────────────────────────────────────────────


def do_record_decision(
    actor: User | None, household: Household, as_of: date
) -> EligibilityDecision:
    """Evaluate a household and keep the facts, the decisions and every parameter version used."""
    if actor is not None:
        household = Household.objects.get_visible(actor, pk=household.pk)
    facts = household_facts(household, as_of)
    params = parameter_set(facts.region_code, as_of)
    decisions = evaluate_household(facts, params)
    # Every version in the set, not only those cited: the rules read the whole set up front.
    versions = sorted(p.version_id for p in params)
    dibao = decisions[0]
    with transaction.atomic():
        record = EligibilityDecision.objects.create(
            household=household,
            region_id=household.region_id,
            as_of=as_of,
            facts=facts_to_json(facts),
            decisions=[d.to_dict() for d in decisions],
            parameter_versions=versions,
            dibao_amount=dibao.monthly_amount if dibao.eligible else Decimal(0),
            summary=dibao.summary[:300],
            created_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "eligibility_decision",
            record.pk,
            summary=f"资格认定（{as_of}）：{dibao.summary}",
            after={"household": household.pk, "as_of": as_of, "versions": versions},
            person_id=household.head_id,
            region_code=household.region_id,
        )
    return record


def replay_decision(record: EligibilityDecision) -> list[dict[str, Any]]:
    """The stored facts decided again with exactly the parameter versions recorded."""
    data = parse_household(record.facts)
    facts = facts_from_input(data)
    params = replay_parameter_set(facts.region_code, facts.as_of, record.parameter_versions)
    return [d.to_dict() for d in evaluate_household(facts, params)]
