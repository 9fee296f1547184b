"""State changes of medical assistance: settle, reverse, register a hospital, confirm a statement.

Each is one transaction and audited. The annual cap and deductibles are kept exact under concurrency
by locking the person's `CapAccount` row for the year before reading it (SELECT … FOR UPDATE on
PostgreSQL; SQLite runs every transaction as BEGIN IMMEDIATE, one writer at a time), and by the
unique key on the live settlement of a (hospital, claim id).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models.base import ModelState

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.api.models import ApiClient
from minzheng.assistance.parameters import ParameterSet
from minzheng.core import audit, clock
from minzheng.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from minzheng.core.idnumber import normalize
from minzheng.core.models import AuditEvent
from minzheng.core.money import FEN, rounding_rule
from minzheng.core.pii import ID_NUMBER, blind_index
from minzheng.core.regioncode import county_code, county_of
from minzheng.core.yearmonth import YearMonth
from minzheng.medical import rules, store
from minzheng.medical.models import (
    CapAccount,
    Hospital,
    Reconciliation,
    ReconciliationLine,
    Settlement,
    Statement,
)
from minzheng.medical.queries import medical_parameters, month_due
from minzheng.medical.reconciliation import reconcile
from minzheng.medical.rules import Category, Claim
from minzheng.regions.models import Region


class ClaimConflict(DomainError):
    code = "claim_conflict"
    status = 409


class PersonNotFound(ValidationFailed):
    code = "person_not_found"


def _digest(id_index: str, claim: Claim) -> str:
    """The figures a retry must repeat exactly, in canonical form."""
    canonical = {
        "id": id_index,
        "visit_kind": claim.visit_kind.value,
        "admitted_on": claim.admitted_on.isoformat(),
        "discharged_on": claim.discharged_on.isoformat(),
        **{
            f: str(getattr(claim, f).quantize(FEN))
            for f in (
                "total_cost",
                "compliant_cost",
                "basic_insurance_paid",
                "critical_illness_paid",
                "other_paid",
            )
        },
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _same_or_conflict(existing: Settlement, digest: str) -> Settlement:
    if existing.request_digest != digest:
        raise ClaimConflict(
            f"结算号 {existing.claim_id} 已按不同的费用数据结算（结算单 {existing.pk}），"
            "如需更正请先冲销原结算"
        )
    return existing


# A hospital settles many claims a second through one client; its row is read once a while per
# process. A hospital switched off stops settling at most this many seconds later.
HOSPITAL_CACHE_SECONDS = 30.0
_hospitals: dict[tuple[int, str, str], tuple[float, Hospital]] = {}
_hospitals_lock = threading.Lock()


def hospital_for(client: ApiClient, hospital_code: str) -> Hospital:
    # The token hash is in the key: a test database that reuses a client id is another client.
    key = (client.pk, client.token_hash, hospital_code)
    now = time.monotonic()
    with _hospitals_lock:
        hit = _hospitals.get(key)
    if hit is not None and now - hit[0] < HOSPITAL_CACHE_SECONDS:
        return hit[1]
    hospital = (
        Hospital.objects.filter(code=hospital_code, client=client, active=True)
        .select_related("region")
        .first()
    )
    if hospital is None:
        raise PermissionDenied(f"该客户端不是医疗机构 {hospital_code} 的结算接口")
    with _hospitals_lock:
        _hospitals[key] = (now, hospital)
    return hospital


def clear_hospital_cache() -> None:
    with _hospitals_lock:
        _hospitals.clear()


def _lock_account(person_id: int, year: int) -> CapAccount:
    # Create the row if it is the person's first claim of the year, then lock it: every claim and
    # reversal for this person and year waits here for the one before it to commit.
    CapAccount.objects.bulk_create(
        [CapAccount(person_id=person_id, year=year)], ignore_conflicts=True
    )
    return CapAccount.objects.select_for_update().get(person_id=person_id, year=year)


# Try the one-statement compare-and-set write first (PostgreSQL, outside a caller's transaction);
# the tests switch it off to race the locked way alone.
GUARDED_WRITE = True

_DEDUCTIBLE_FIELD = {
    rules.VisitKind.INPATIENT: "deductible_met_inpatient",
    rules.VisitKind.OUTPATIENT: "deductible_met_outpatient",
    rules.VisitKind.CHRONIC: "deductible_met_chronic",
}


def do_settle_claim(
    client: ApiClient, *, hospital_code: str, claim_id: str, id_number: str, claim: Claim
) -> Settlement:
    """Settle one discharge; a retry with the same figures returns the stored settlement.

    On PostgreSQL the whole settlement is one call of the database function `medical_settle`
    (`_settle_in_database`); where it cannot take the claim (its parameters are of a shape it does
    not compute, or `SETTLE_IN_DATABASE` is off) and on SQLite, the Python way (`_settle_in_python`).
    The token, the hospital and the parameters come from short caches. The settlement is dated
    by the platform clock (`clock.today()`; a replayed day inside `clock.dated`), so the demo and
    the history replay settle a past discharge on the day it happened.
    """
    hospital = hospital_for(client, hospital_code)
    claim_id = claim_id.strip()
    if not claim_id or len(claim_id) > 64:
        raise ValidationFailed("就诊结算号不能为空，且不超过64个字符", code="claim_id_invalid")
    rules.check_claim(claim)
    if claim.discharged_on > clock.today():
        raise ValidationFailed(
            f"出院日期 {claim.discharged_on} 晚于今天，出院结算须在出院时或之后进行",
            code="discharge_in_future",
        )
    id_index = blind_index(ID_NUMBER, normalize(id_number))
    digest = _digest(id_index, claim)
    try:
        if SETTLE_IN_DATABASE and connection.vendor == "postgresql":
            settled = _settle_in_database(hospital, client, claim_id, id_index, claim, digest)
            if settled is not None:
                return settled
        return _settle_in_python(hospital, client, claim_id, id_index, claim, digest)
    except IntegrityError:
        # Another request inserted the same claim between our check and our insert (a retry
        # racing the first attempt, or the same number for another person); the unique key
        # refused ours and nothing of it was stored. Answer as a retry would be answered.
        other = Settlement.objects.filter(
            hospital=hospital, claim_id=claim_id, status=Settlement.Status.SETTLED
        ).first()
        if other is None:
            raise
        return _same_or_conflict(other, digest)


def _settle_in_python(
    hospital: Hospital, client: ApiClient, claim_id: str, id_index: str, claim: Claim, digest: str
) -> Settlement:
    """Two statements on PostgreSQL (see `medical.store`): read the person, their category, their
    accumulator and any live settlement of the claim; then write settlement, accumulator and audit
    event at once if the accumulator is still as read. If another claim for the person changed it
    in between, settle again under the row lock. On SQLite the locked way only."""
    seen = store.snapshot(id_index, claim.discharged_on, hospital.pk, claim_id)
    if seen is None:
        raise PersonNotFound("该身份证号不在救助人员库中，无法进行医疗救助结算")
    if seen.account.live_settlement_id is not None:  # a retry
        return _same_or_conflict(Settlement.objects.get(pk=seen.account.live_settlement_id), digest)
    category = rules.category_of(set(seen.codes), set(seen.codes))
    policy = (
        None
        if category is Category.NONE
        else rules.load_policy(
            medical_parameters(seen.region_id, claim.discharged_on), category, claim.visit_kind
        )
    )
    claim_in = _ClaimIn(hospital, client, claim_id, seen, claim, digest, category, policy)
    if GUARDED_WRITE and connection.vendor == "postgresql" and not connection.in_atomic_block:
        settled = _settle(claim_in, seen.account, guarded=True)
        if settled is not None:
            return settled
    with transaction.atomic():
        account = store.lock_account(seen.person_id, claim.year, hospital.pk, claim_id)
        if account.live_settlement_id is not None:  # a retry that raced the first attempt
            found = Settlement.objects.get(pk=account.live_settlement_id)
            return _same_or_conflict(found, digest)
        settled = _settle(claim_in, account, guarded=False)
        assert settled is not None  # an unguarded write always writes
        return settled


# ── the settlement in one database call (PostgreSQL) ──────────────────────────────────────────

# Settle through `medical_settle` on PostgreSQL; the tests switch it off to race the Python way.
SETTLE_IN_DATABASE = True

# The county a person lives in, per process, to pass the right county's parameters on the first
# try. Only a guess: the function checks it and answers `county` when it is wrong.
_COUNTY_GUESSES = 200_000
_counties: dict[str, str] = {}

_MODES = {ROUND_HALF_UP: "half_up", ROUND_CEILING: "ceiling", ROUND_FLOOR: "floor"}
_policies: dict[tuple[int, rules.VisitKind], tuple[ParameterSet, str]] = {}
_policies_lock = threading.Lock()


def function_policies(params: ParameterSet, visit_kind: rules.VisitKind) -> str:
    """The parameters `medical_settle` applies, per category, as JSON: the values, the rounding as
    digits and mode, and the explanation's version and source of each. A category whose parameters
    are missing, or of a shape the SQL would not compute exactly as `rules.settle` does (amounts
    finer than the fen, a ratio of more than 12 digits), is left out: the function then answers
    `fallback` and the claim is settled the Python way, which also gives the error if any."""
    key = (id(params), visit_kind)
    with _policies_lock:
        hit = _policies.get(key)
    if hit is not None and hit[0] is params:
        return hit[1]
    out: dict[str, Any] = {}
    for category in (Category.TEKUN, Category.DIBAO, Category.DIBIAN, Category.ZHICHU):
        try:
            policy = rules.load_policy(params, category, visit_kind)
        except DomainError:
            continue
        quantum, mode = rounding_rule(policy.rounding)
        exponent = quantum.as_tuple().exponent
        amounts = (policy.deductible.value, policy.annual_cap.value)
        ratio = policy.ratio.value
        if (
            mode not in _MODES
            or not isinstance(exponent, int)
            or not all(a.is_finite() and int(a.as_tuple().exponent) >= -2 for a in amounts)
            or not ratio.is_finite()
            or len(ratio.as_tuple().digits) > 12
        ):
            continue
        rounding = policy.rounding_parameter
        out[category.value] = {
            "deductible": str(policy.deductible.value),
            "ratio": str(ratio),
            "ratio_text": str(ratio),
            "cap": str(policy.annual_cap.value),
            "digits": -exponent,
            "mode": _MODES[mode],
            "deductible_meta": policy.deductible.to_dict(),
            "ratio_meta": policy.ratio.to_dict(),
            "cap_meta": policy.annual_cap.to_dict(),
            "rounding": {
                "rule": policy.rounding.value,
                "version": rounding.version_id,
                "source": rounding.source,
                "illustrative": rounding.illustrative,
            },
            "versions": [
                policy.deductible.parameter.version_id,
                policy.ratio.parameter.version_id,
                policy.annual_cap.parameter.version_id,
                rounding.version_id,
            ],
        }
    text = json.dumps(out, ensure_ascii=False)
    with _policies_lock:
        if len(_policies) > 1000:
            _policies.clear()
        _policies[key] = (params, text)
    return text


def _settle_in_database(
    hospital: Hospital, client: ApiClient, claim_id: str, id_index: str, claim: Claim, digest: str
) -> Settlement | None:
    """One call of `medical_settle`; None: settle the Python way."""
    county = _counties.get(id_index) or county_of(hospital.region_id)
    layers = json.dumps(rules.insurance_layers(claim), ensure_ascii=False)
    for _ in range(2):  # the second time with the person's own county
        now = clock.stamp()  # the replayed day inside `clock.dated` (history, demo)
        params = medical_parameters(county, claim.discharged_on)
        call = store.SettleCall(
            hospital_id=hospital.pk,
            hospital_name=hospital.name,
            actor_name=f"api:{client.name}",
            claim_id=claim_id,
            id_index=id_index,
            county=county,
            **claim.stored_fields(),
            digest=digest,
            now=now,
            today=clock.today(),
            layers=layers,
            policies=function_policies(params, claim.visit_kind),
        )
        if connection.in_atomic_block:  # a savepoint, so a refused insert leaves it usable
            with transaction.atomic():
                done = store.settle_in_database(call)
        else:
            done = store.settle_in_database(call)
        if done.outcome == "county" and done.region_id:
            county = county_of(done.region_id)
            if len(_counties) >= _COUNTY_GUESSES:
                _counties.clear()
            _counties[id_index] = county
            continue
        break
    if done.outcome == "not_found":
        raise PersonNotFound("该身份证号不在救助人员库中，无法进行医疗救助结算")
    if done.outcome == "retry":
        assert done.settlement_id is not None
        return _same_or_conflict(Settlement.objects.get(pk=done.settlement_id), digest)
    figures = done.figures
    if done.outcome != "settled" or figures is None:
        return None
    assert done.settlement_id is not None and done.person_id and done.region_id
    values = {
        "hospital": hospital.pk,
        "claim_id": claim_id,
        "person": done.person_id,
        "region": done.region_id,
        **claim.stored_fields(),
        "category": figures.category,
        "assistance_amount": figures.assistance_amount,
        "patient_pays": figures.patient_pays,
        "annual_cap": figures.annual_cap,
        "cap_used": figures.cap_used,
        "cap_left": figures.cap_left,
        "deductible_applied": figures.deductible_applied,
        "explanation": figures.explanation,
        "parameter_versions": figures.parameter_versions,
        "request_digest": digest,
        "status": Settlement.Status.SETTLED.value,
        "settled_on": call.today,
        "settled_at": call.now,
    }
    return _settlement_row(done.settlement_id, values, hospital)


@dataclass(frozen=True, slots=True)
class _ClaimIn:
    hospital: Hospital
    client: ApiClient
    claim_id: str
    person: store.Snapshot
    claim: Claim
    digest: str
    category: Category
    policy: rules.MedicalPolicy | None


def _settle(c: _ClaimIn, account: store.Account, *, guarded: bool) -> Settlement | None:
    """Apply the rule to the accumulator as read (or as locked) and write; None when `guarded` and
    the accumulator changed since it was read."""
    claim = c.claim
    deductible_field = _DEDUCTIBLE_FIELD[claim.visit_kind]
    deductible_met = account.deductible_met[deductible_field]
    ytd = rules.YearToDate(account.cap_used, deductible_met)
    outcome = rules.settle(claim, c.category, c.policy, ytd)
    now = clock.stamp()  # the replayed day inside `clock.dated` (history, demo)
    values = {
        "hospital": c.hospital.pk,
        "claim_id": c.claim_id,
        "person": c.person.person_id,
        "region": c.person.region_id,
        **claim.stored_fields(),
        "category": outcome.category.value,
        "assistance_amount": outcome.assistance_amount,
        "patient_pays": outcome.patient_pays,
        "annual_cap": outcome.annual_cap,
        "cap_used": outcome.cap_used if c.policy else account.cap_used,
        "cap_left": outcome.cap_left,
        "deductible_applied": outcome.deductible_applied,
        "explanation": list(outcome.explanation),
        "parameter_versions": outcome.parameter_versions,
        "request_digest": c.digest,
        "status": Settlement.Status.SETTLED.value,
        "settled_on": clock.today(),
        "settled_at": now,
    }
    account_after = (
        {
            "cap_used": outcome.cap_used,
            deductible_field: deductible_met + outcome.deductible_applied,
        }
        if c.policy is not None
        else None
    )
    event = {
        "at": now,
        "actor_name": f"api:{c.client.name}",
        "actor_role": "",
        "action": AuditEvent.Action.CREATE.value,
        "object_type": "medical_settlement",
        "person_id": c.person.person_id,
        "region_code": c.person.region_id,
        "summary": (
            f"{c.hospital.name} 结算 {c.claim_id}：医疗救助 {outcome.assistance_amount} 元"
        )[:300],
        "after": {"category": outcome.category.value, "assistance": str(outcome.assistance_amount)},
    }
    settlement_id = store.write_settlement(
        values,
        event,
        person_id=c.person.person_id,
        year=claim.year,
        account=account,
        account_after=account_after,
        guarded=guarded,
    )
    return None if settlement_id is None else _settlement_row(settlement_id, values, c.hospital)


_row_defaults: dict[str, Any] = {}


def _settlement_row(pk: int, values: dict[str, Any], hospital: Hospital) -> Settlement:
    """The stored row as the ORM would read it back, without reading it back.

    Built as `Model.from_db` leaves an instance, but without `Model.__init__` and its pre_init and
    post_init signals (Settlement has no receivers): those were a fifth of a settlement's Python
    CPU (cProfile, 2026-12-03). Every concrete field is set, so none reads as deferred."""
    if not _row_defaults:
        for field in Settlement._meta.concrete_fields:
            _row_defaults[field.attname] = field.get_default()
    settlement = Settlement.__new__(Settlement)
    settlement.__dict__.update(_row_defaults)
    for key, value in values.items():
        settlement.__dict__[f"{key}_id" if key in ("hospital", "person", "region") else key] = value
    settlement.__dict__["id"] = pk
    state = ModelState()
    state.adding = False
    state.db = "default"
    settlement._state = state
    settlement.hospital = hospital
    return settlement


def do_reverse_settlement(client: ApiClient, settlement_id: int) -> Settlement:
    """冲销: the settlement stops counting and the person's cap and deductible are restored."""
    found = Settlement.objects.filter(pk=settlement_id, hospital__client=client).first()
    if found is None:
        raise NotFound("结算单不存在或不属于本医疗机构")
    if found.status == Settlement.Status.REVERSED:
        return found  # a retried reversal
    with transaction.atomic():
        account = _lock_account(found.person_id, found.discharged_on.year)
        settlement = Settlement.objects.select_for_update().get(pk=found.pk)
        if settlement.status == Settlement.Status.REVERSED:
            return settlement
        if settlement.statement_id is not None:
            raise ClaimConflict(
                f"结算单 {settlement.pk} 已纳入月结单，不能冲销；请与民政部门办理退款",
                code="already_on_statement",
            )
        if settlement.category != Category.NONE:
            field = _DEDUCTIBLE_FIELD[rules.VisitKind(settlement.visit_kind)]
            account.cap_used -= settlement.assistance_amount
            setattr(account, field, getattr(account, field) - settlement.deductible_applied)
            account.save(update_fields=["cap_used", field])
        settlement.status = Settlement.Status.REVERSED
        settlement.reversed_at = clock.stamp()
        settlement.save(update_fields=["status", "reversed_at"])
        audit.record(
            None,
            AuditEvent.Action.UPDATE,
            "medical_settlement",
            settlement.pk,
            summary=f"冲销结算 {settlement.claim_id}，恢复额度 {settlement.assistance_amount} 元",
            before={"status": "settled"},
            after={"status": "reversed"},
            person_id=settlement.person_id,
            region_code=settlement.region_id,
            actor_name=f"api:{client.name}",
        )
    return settlement


def do_register_hospital(
    actor: User | None, *, code: str, name: str, region_code: str, client_name: str
) -> Hospital:
    """Link a designated hospital to the API client it settles through."""
    if actor is not None and not actor.can(Capability.MANAGE_USERS):
        raise PermissionDenied("只有系统管理员可以登记定点医院")
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ValidationFailed("请填写医疗机构代码和医院名称", code="hospital_required")
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationFailed(f"区划代码不存在：{region_code}", code="unknown_region")
    client = ApiClient.objects.filter(name=client_name).first()
    if client is None:
        raise ValidationFailed(f"接口客户端不存在：{client_name}", code="unknown_client")
    if not client.has_scope("medical:settle"):
        raise ValidationFailed(
            f"接口客户端 {client_name} 未获授权 medical:settle", code="client_scope"
        )
    if Hospital.objects.filter(code=code).exists():
        raise ValidationFailed(f"医疗机构代码已存在：{code}", code="duplicate_hospital")
    if Hospital.objects.filter(client=client).exists():
        raise ValidationFailed(f"接口客户端 {client_name} 已关联其他医院", code="client_taken")
    with transaction.atomic():
        hospital = Hospital.objects.create(code=code, name=name, region=region, client=client)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "medical_hospital",
            hospital.pk,
            summary=f"登记定点医院 {name}（{code}）",
            after={"region": region_code, "client": client_name},
            region_code=region_code,
            actor_name=None if actor else "cli",
        )
    return hospital


def do_confirm_statement(actor: User, hospital_id: int, month: YearMonth) -> Statement:
    """Close a hospital's month: its live settlements go on the statement, and the total becomes a
    payable to the hospital in the payments ledger (借 支出 / 贷 应付, in the county's roll)."""
    from minzheng.payments.jobs import book_payable

    if not actor.can(Capability.APPROVE):
        raise PermissionDenied("只有县级审核审批员可以确认医院月结单")
    hospital = Hospital.objects.visible_to(actor).filter(pk=hospital_id).first()
    if hospital is None:
        raise NotFound("医院不存在或不在您的管辖范围内")
    today = clock.today()
    if month >= YearMonth.of(today):
        raise ValidationFailed(f"{month} 尚未结束，月结单须在次月确认", code="month_not_over")
    first, last = month.first_day(), month.last_day()
    with transaction.atomic():
        if Statement.objects.filter(hospital=hospital, month=first).exists():
            raise ClaimConflict(f"{hospital.name} {month} 的月结单已确认", code="statement_exists")
        rows = list(
            Settlement.objects.select_for_update()
            .filter(
                hospital=hospital,
                status=Settlement.Status.SETTLED,
                statement__isnull=True,
                settled_on__gte=first,
                settled_on__lte=last,
            )
            .values_list("pk", flat=True)
        )
        due = month_due(hospital, first, last)
        statement = Statement.objects.create(
            hospital=hospital,
            month=first,
            settlement_count=due.count,
            total_assistance=due.total,
            confirmed_by=actor,
        )
        Settlement.objects.filter(pk__in=rows).update(statement=statement)
        if due.total > 0:
            county = Region.objects.get(code=county_code(hospital.region_id))
            line = book_payable(
                source="m",
                source_id=statement.pk,
                kind="medical_payable",
                programme="yiliao",
                county=county,
                month=month,
                region_id=hospital.region_id,
                amount=due.total,
                actor=actor,
            )
            statement.payment_line_id = line.pk
            statement.save(update_fields=["payment_line_id"])
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "medical_statement",
            statement.pk,
            summary=f"确认 {hospital.name} {month} 月结单：{due.count} 笔，{due.total} 元",
            after={"count": due.count, "total": due.total},
            region_code=hospital.region_id,
        )
    return statement


def do_reconcile(
    actor: User,
    hospital_id: int,
    data: bytes,
    *,
    file_name: str,
    date_from: date,
    date_to: date,
) -> Reconciliation:
    """Reconcile a hospital's own file against our settlements and keep the batch: every file row
    with its outcome, and each of our live settlements the file lacks."""
    if not actor.can(Capability.CASE_DATA):
        raise PermissionDenied("无权进行医院对账")
    hospital = Hospital.objects.visible_to(actor).filter(pk=hospital_id).first()
    if hospital is None:
        raise NotFound("医院不存在或不在您的管辖范围内")
    result = reconcile(hospital, data, date_from, date_to)
    lines = [
        ReconciliationLine(row=m.row, claim_id=m.claim_id, ours=m.amount, theirs=m.amount,
                           outcome="matched")
        for m in result.matches
    ] + [
        ReconciliationLine(row=e.row, claim_id=e.claim_id[:64], ours=e.ours, theirs=e.theirs,
                           outcome=e.kind, reason=e.reason[:200])
        for e in result.exceptions
    ]  # fmt: skip
    with transaction.atomic():
        batch = Reconciliation.objects.create(
            hospital=hospital,
            date_from=date_from,
            date_to=date_to,
            file_name=(file_name or "")[:200],
            file_sha256=hashlib.sha256(data).hexdigest(),
            rows=result.rows,
            matched=result.matched,
            exception_count=len(result.exceptions),
            created_by=actor,
        )
        for line in lines:
            line.reconciliation = batch
        ReconciliationLine.objects.bulk_create(lines, batch_size=1000)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "medical_reconciliation",
            batch.pk,
            summary=(
                f"{hospital.name} 对账 {date_from}至{date_to}：文件 {result.rows} 行，"
                f"一致 {result.matched} 笔，异常 {len(result.exceptions)} 条"
            ),
            after={"rows": result.rows, "matched": result.matched,
                   "exceptions": len(result.exceptions)},
            region_code=hospital.region_id,
        )  # fmt: skip
    return batch


def statement_month(text: str) -> YearMonth:
    try:
        return YearMonth.parse(text)
    except (ValueError, TypeError):
        raise ValidationFailed(f"月份格式应为 YYYY-MM：{text}", code="month_invalid") from None


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except (ValueError, TypeError):
        raise ValidationFailed(f"日期格式应为 YYYY-MM-DD：{text}", code="date_invalid") from None
