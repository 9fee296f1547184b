"""State changes of medical assistance: settle, reverse, register a hospital, confirm a statement.

Each is one transaction and audited. The annual cap and deductibles are kept exact under concurrency
by locking the person's `CapAccount` row for the year before reading it (SELECT … FOR UPDATE on
PostgreSQL; SQLite runs every transaction as BEGIN IMMEDIATE, one writer at a time), and by the
unique key on the live settlement of a (hospital, claim id).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.api.models import ApiClient
from minzheng.core import audit
from minzheng.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from minzheng.core.idnumber import normalize
from minzheng.core.models import AuditEvent
from minzheng.core.money import FEN, to_fen
from minzheng.core.pii import ID_NUMBER, blind_index
from minzheng.core.regioncode import county_code
from minzheng.core.yearmonth import YearMonth
from minzheng.medical import rules
from minzheng.medical.models import CapAccount, Hospital, Settlement, Statement
from minzheng.medical.queries import category_on, medical_parameters, month_due
from minzheng.medical.rules import Category, Claim
from minzheng.regions.models import Region
from minzheng.registry.models import Person


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


def hospital_for(client: ApiClient, hospital_code: str) -> Hospital:
    hospital = (
        Hospital.objects.filter(code=hospital_code, client=client, active=True)
        .select_related("region")
        .first()
    )
    if hospital is None:
        raise PermissionDenied(f"该客户端不是医疗机构 {hospital_code} 的结算接口")
    return hospital


def _lock_account(person_id: int, year: int) -> CapAccount:
    # Create the row if it is the person's first claim of the year, then lock it: every claim and
    # reversal for this person and year waits here for the one before it to commit.
    CapAccount.objects.bulk_create(
        [CapAccount(person_id=person_id, year=year)], ignore_conflicts=True
    )
    return CapAccount.objects.select_for_update().get(person_id=person_id, year=year)


_DEDUCTIBLE_FIELD = {
    rules.VisitKind.INPATIENT: "deductible_met_inpatient",
    rules.VisitKind.OUTPATIENT: "deductible_met_outpatient",
    rules.VisitKind.CHRONIC: "deductible_met_chronic",
}


def do_settle_claim(
    client: ApiClient, *, hospital_code: str, claim_id: str, id_number: str, claim: Claim
) -> Settlement:
    """Settle one discharge; a retry with the same figures returns the stored settlement."""
    hospital = hospital_for(client, hospital_code)
    claim_id = claim_id.strip()
    if not claim_id or len(claim_id) > 64:
        raise ValidationFailed("就诊结算号不能为空，且不超过64个字符", code="claim_id_invalid")
    rules.check_claim(claim)
    if claim.discharged_on > timezone.localdate():
        raise ValidationFailed(
            f"出院日期 {claim.discharged_on} 晚于今天，出院结算须在出院时或之后进行",
            code="discharge_in_future",
        )
    id_index = blind_index(ID_NUMBER, normalize(id_number))
    person = Person.objects.filter(id_number_index=id_index).only("id", "region_id").first()
    if person is None:
        raise PersonNotFound("该身份证号不在救助人员库中，无法进行医疗救助结算")
    digest = _digest(id_index, claim)
    category = category_on(person.pk, claim.discharged_on)
    policy = (
        None
        if category is Category.NONE
        else rules.load_policy(
            medical_parameters(person.region_id, claim.discharged_on), category, claim.visit_kind
        )
    )
    try:
        return _settle_locked(hospital, client, claim_id, person, claim, digest, category, policy)
    except IntegrityError:
        # Another request inserted the same claim (for another person: the same person would
        # have waited for the lock) between our check and our insert; the unique key refused
        # ours and rolled it back. Answer as a retry would be answered.
        other = Settlement.objects.filter(
            hospital=hospital, claim_id=claim_id, status=Settlement.Status.SETTLED
        ).first()
        if other is None:
            raise
        return _same_or_conflict(other, digest)


def _settle_locked(
    hospital: Hospital,
    client: ApiClient,
    claim_id: str,
    person: Person,
    claim: Claim,
    digest: str,
    category: Category,
    policy: rules.MedicalPolicy | None,
) -> Settlement:
    deductible_field = _DEDUCTIBLE_FIELD[claim.visit_kind]
    with transaction.atomic():
        account = _lock_account(person.pk, claim.year)
        # A retry that raced the first attempt finds it now that the first has committed.
        existing = Settlement.objects.filter(
            hospital=hospital, claim_id=claim_id, status=Settlement.Status.SETTLED
        ).first()
        if existing is not None:
            return _same_or_conflict(existing, digest)
        ytd = rules.YearToDate(account.cap_used, getattr(account, deductible_field))
        outcome = rules.settle(claim, category, policy, ytd)
        settlement = Settlement.objects.create(
            hospital=hospital,
            claim_id=claim_id,
            person_id=person.pk,
            region_id=person.region_id,
            visit_kind=claim.visit_kind.value,
            admitted_on=claim.admitted_on,
            discharged_on=claim.discharged_on,
            total_cost=claim.total_cost,
            compliant_cost=claim.compliant_cost,
            basic_insurance_paid=claim.basic_insurance_paid,
            critical_illness_paid=claim.critical_illness_paid,
            other_paid=claim.other_paid,
            category=outcome.category.value,
            assistance_amount=outcome.assistance_amount,
            patient_pays=outcome.patient_pays,
            annual_cap=outcome.annual_cap,
            cap_used=outcome.cap_used if policy else account.cap_used,
            cap_left=outcome.cap_left,
            deductible_applied=outcome.deductible_applied,
            explanation=list(outcome.explanation),
            parameter_versions=outcome.parameter_versions,
            request_digest=digest,
            settled_on=timezone.localdate(),
        )
        if policy is not None:
            account.cap_used = outcome.cap_used
            setattr(account, deductible_field, ytd.deductible_met + outcome.deductible_applied)
            account.save(update_fields=["cap_used", deductible_field])
        audit.record(
            None,
            AuditEvent.Action.CREATE,
            "medical_settlement",
            settlement.pk,
            summary=f"{hospital.name} 结算 {claim_id}：医疗救助 {outcome.assistance_amount} 元",
            after={"category": outcome.category.value, "assistance": outcome.assistance_amount},
            person_id=person.pk,
            region_code=person.region_id,
            actor_name=f"api:{client.name}",
        )
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
        settlement.reversed_at = timezone.now()
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
    from minzheng.payments.jobs import working_version
    from minzheng.payments.models import PaymentLine

    if not actor.can(Capability.APPROVE):
        raise PermissionDenied("只有县级审核审批员可以确认医院月结单")
    hospital = Hospital.objects.visible_to(actor).filter(pk=hospital_id).first()
    if hospital is None:
        raise NotFound("医院不存在或不在您的管辖范围内")
    today = timezone.localdate()
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
            line = PaymentLine.objects.create(
                source="m",
                source_id=statement.pk,
                month=first,
                kind="medical_payable",
                roll=working_version(county, month, actor),
                programme="yiliao",
                region_id=hospital.region_id,
                payee=None,
                amount_fen=to_fen(due.total),
                debit="expense",
                credit="payable",
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
