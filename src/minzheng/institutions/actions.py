"""State changes of the institution registry. Each is one transaction, permission-checked,
region-checked, row-locked where two clerks could collide, and audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core import audit, clock
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.inputs import parse_amount, text_problem
from minzheng.core.models import AuditEvent
from minzheng.core.regioncode import RegionCode, full_code
from minzheng.institutions import rules
from minzheng.institutions.models import (
    Bed,
    Claim,
    Inspection,
    Institution,
    InsurancePolicy,
    Residency,
)
from minzheng.institutions.rules import (
    BED_LABELS,
    CLAIM_STATUS_LABELS,
    DISCHARGE_LABELS,
    INSPECTION_RESULT_LABELS,
    KIND_LABELS,
    RuleError,
)
from minzheng.regions.models import Level, Region
from minzheng.registry.models import Person

MAX_COUNT = 1_000_000


def _editor(actor: User) -> None:
    if not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("只有乡镇经办员、村社协理员可以维护养老机构信息")


def _text(value: str, label: str, *, max_length: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed(f"请填写{label}", code="missing")
    if len(text) > max_length:
        raise ValidationFailed(f"{label}不超过 {max_length} 个字", code="too_long")
    problem = text_problem(text) if text else None
    if problem is not None:
        raise ValidationFailed(f"{label}：{problem}", code="text_invalid")
    return text


def parse_day(text: str | None, label: str, *, required: bool = True) -> date | None:
    raw = (text or "").strip()
    if not raw:
        if required:
            raise ValidationFailed(f"请填写{label}", code="date_missing")
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(f"{label}应为 YYYY-MM-DD 的有效日期", code="date_invalid") from None


def parse_count(text: object, label: str) -> int:
    raw = str(text if text is not None else "").strip()
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_COUNT:
        raise ValidationFailed(f"{label}应为不超过 {MAX_COUNT:,} 的非负整数", code="count_invalid")
    return int(raw)


def _not_future(day: date, label: str) -> None:
    if day > clock.today():
        raise ValidationFailed(f"{label}不能晚于今天", code="date_in_future")


def _region_in_scope(actor: User, code: str) -> Region:
    code = (code or "").strip()
    try:
        unit = RegionCode.of(code)
    except ValueError:
        raise ValidationFailed("请选择所在区划", code="region_invalid") from None
    region = Region.objects.filter(pk=full_code(unit.code)).first()
    if region is None or not actor.covers(region.code):
        raise ValidationFailed("所选区域不存在或不在您的管辖范围内", code="region_out_of_scope")
    if region.level not in (Level.TOWNSHIP, Level.VILLAGE):
        raise ValidationFailed(
            "养老机构的所在区划请选到乡镇（街道）或村（社区）", code="region_level"
        )
    return region


def _institution(actor: User, institution_id: int, *, lock: bool = False) -> Institution:
    found = Institution.objects.get_visible(actor, pk=institution_id)
    if lock:
        found = Institution.objects.select_for_update().get(pk=found.pk)
    return found


def do_register_institution(
    actor: User,
    *,
    name: str,
    kind: str,
    licence_no: str,
    filed_on: date,
    valid_until: date | None,
    region_code: str,
    operator: str,
    address: str = "",
) -> Institution:
    """备案 (or licence) of an elderly-care institution in the actor's region."""
    _editor(actor)
    name = _text(name, "机构名称", max_length=100)
    if kind not in KIND_LABELS:
        raise ValidationFailed("请选择举办性质（公办、公建民营或民办）", code="kind_invalid")
    licence_no = _text(licence_no, "备案（许可）编号", max_length=40)
    operator = _text(operator, "运营主体", max_length=100)
    address = _text(address, "地址", max_length=200, required=False)
    _not_future(filed_on, "备案日期")
    if valid_until is not None and valid_until < filed_on:
        raise ValidationFailed("有效期至不能早于备案日期", code="period_invalid")
    region = _region_in_scope(actor, region_code)
    with transaction.atomic():
        if Institution.objects.filter(licence_no=licence_no).exists():
            raise ValidationFailed(f"备案（许可）编号 {licence_no} 已登记", code="licence_taken")
        try:
            with transaction.atomic():
                institution = Institution.objects.create(
                    name=name,
                    kind=kind,
                    licence_no=licence_no,
                    filed_on=filed_on,
                    valid_until=valid_until,
                    region=region,
                    address=address,
                    operator=operator,
                    created_by=actor,
                )
        except IntegrityError:
            raise ValidationFailed(
                f"备案（许可）编号 {licence_no} 已登记", code="licence_taken"
            ) from None
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "institution",
            institution.pk,
            summary=f"登记养老机构：{name}（{KIND_LABELS[kind]}，{licence_no}）",
            after={"name": name, "region": region.code},
            region_code=region.code,
        )
    return institution


def do_add_beds(actor: User, institution_id: int, *, kind: str, count: int) -> list[Bed]:
    """`count` beds of one type, numbered on from the institution's last bed (1, 2, …)."""
    _editor(actor)
    if kind not in BED_LABELS:
        raise ValidationFailed("请选择床位类型（护理型或普通）", code="bed_kind_invalid")
    try:
        rules.check_bed_count(count)
    except RuleError as exc:
        raise ValidationFailed(exc.message, code=exc.code) from None
    with transaction.atomic():
        institution = _institution(actor, institution_id, lock=True)
        if not institution.active:
            raise ValidationFailed("机构已停止运营，不能增加床位", code="institution_closed")
        taken = set(Bed.objects.filter(institution=institution).values_list("number", flat=True))
        numbers: list[str] = []
        n = len(taken)
        while len(numbers) < count:
            n += 1
            if str(n) not in taken:
                numbers.append(str(n))
        beds = Bed.objects.bulk_create(
            [
                Bed(institution=institution, region_id=institution.region_id, kind=kind, number=x)
                for x in numbers
            ]
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "institution_bed",
            institution.pk,
            summary=f"{institution.name}增加{BED_LABELS[kind]} {count} 张（{numbers[0]}—{numbers[-1]}号）",
            after={"lines": count},
            region_code=institution.region_id,
        )
    return beds


def do_admit(
    actor: User, institution_id: int, *, person_id: int, bed_id: int, admitted_on: date
) -> Residency:
    """A registry person aged 60+ moves into a free bed; a person is in one bed at a time."""
    _editor(actor)
    _not_future(admitted_on, "入住日期")
    person = Person.objects.get_visible(actor, pk=person_id)
    if person.date_of_death is not None and person.date_of_death <= admitted_on:
        raise ValidationFailed(f"{person.name}已于{person.date_of_death}死亡", code="deceased")
    if (
        person.birth_date is None
        or rules.age_on(person.birth_date, admitted_on) < rules.ELDERLY_AGE
    ):
        raise ValidationFailed(
            f"{person.name}入住时未满{rules.ELDERLY_AGE}周岁，不能登记为养老机构入住老人",
            code="not_elderly",
        )
    with transaction.atomic():
        institution = _institution(actor, institution_id, lock=True)
        if not institution.active:
            raise ValidationFailed("机构已停止运营，不能办理入住", code="institution_closed")
        if admitted_on < institution.filed_on:
            raise ValidationFailed("入住日期不能早于机构备案日期", code="before_filing")
        # The person row is what two institutions admitting the same person queue on.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        bed = Bed.objects.filter(pk=bed_id, institution=institution, active=True).first()
        if bed is None:
            raise ValidationFailed("请选择本机构在用的床位", code="bed_invalid")
        current = (
            Residency.objects.filter(person=person, discharged_on__isnull=True)
            .select_related("institution")
            .first()
        )
        if current is not None:
            raise ValidationFailed(
                f"{person.name}已入住{current.institution.name}（{current.admitted_on}起），"
                "请先办理离院",
                code="already_resident",
            )
        if Residency.objects.filter(bed=bed, discharged_on__isnull=True).exists():
            raise ValidationFailed(f"{bed.number}号床已有老人入住", code="bed_taken")
        try:
            with transaction.atomic():
                residency = Residency.objects.create(
                    institution=institution,
                    bed=bed,
                    person=person,
                    region_id=institution.region_id,
                    admitted_on=admitted_on,
                    admitted_by=actor,
                )
        except IntegrityError:
            raise ValidationFailed(
                "该老人或该床位已有在住记录，请刷新后重试", code="already_resident"
            ) from None
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "residency",
            residency.pk,
            summary=f"{person.name}入住{institution.name}{bed.number}号床（{admitted_on}）",
            after={"date": admitted_on},
            person_id=person.pk,
            region_code=institution.region_id,
        )
    return residency


def do_discharge(actor: User, residency_id: int, *, discharged_on: date, reason: str) -> Residency:
    _editor(actor)
    if reason not in DISCHARGE_LABELS:
        raise ValidationFailed("请选择离院原因", code="discharge_reason_invalid")
    _not_future(discharged_on, "离院日期")
    with transaction.atomic():
        found = Residency.objects.get_visible(actor, pk=residency_id)
        residency = (
            Residency.objects.select_for_update()
            .select_related("person", "institution", "bed")
            .get(pk=found.pk)
        )
        if residency.discharged_on is not None:
            raise ValidationFailed("该老人已办理离院", code="already_discharged")
        if discharged_on < residency.admitted_on:
            raise ValidationFailed("离院日期不能早于入住日期", code="date_invalid")
        residency.discharged_on = discharged_on
        residency.discharge_reason = reason
        residency.save(update_fields=["discharged_on", "discharge_reason"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "residency",
            residency.pk,
            summary=f"{residency.person.name}离院（{DISCHARGE_LABELS[reason]}，{discharged_on}）",
            after={"date": discharged_on, "reason": DISCHARGE_LABELS[reason]},
            person_id=residency.person_id,
            region_code=residency.region_id,
        )
    return residency


def do_record_inspection(
    actor: User,
    institution_id: int,
    *,
    inspected_on: date,
    findings: str,
    result: str,
    rectify_by: date | None,
) -> Inspection:
    _editor(actor)
    findings = _text(findings, "检查发现", max_length=2000)
    _not_future(inspected_on, "检查日期")
    try:
        rules.check_rectify_by(inspected_on, result, rectify_by)
    except RuleError as exc:
        raise ValidationFailed(exc.message, code=exc.code) from None
    with transaction.atomic():
        institution = _institution(actor, institution_id, lock=True)
        inspection = Inspection.objects.create(
            institution=institution,
            region_id=institution.region_id,
            inspected_on=inspected_on,
            inspector=actor,
            findings=findings,
            result=result,
            rectify_by=rectify_by,
        )
        deadline = f"，整改期限{rectify_by}" if rectify_by else ""
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "institution_inspection",
            inspection.pk,
            summary=f"{institution.name}检查：{INSPECTION_RESULT_LABELS[result]}{deadline}",
            region_code=institution.region_id,
        )
    return inspection


def do_mark_rectified(actor: User, inspection_id: int, *, rectified_on: date) -> Inspection:
    _editor(actor)
    _not_future(rectified_on, "整改完成日期")
    with transaction.atomic():
        found = Inspection.objects.get_visible(actor, pk=inspection_id)
        inspection = (
            Inspection.objects.select_for_update().select_related("institution").get(pk=found.pk)
        )
        if inspection.result == "pass":
            raise ValidationFailed("检查合格，无须整改", code="nothing_to_rectify")
        if inspection.rectified_on is not None:
            raise ValidationFailed("已登记整改完成", code="already_rectified")
        if rectified_on < inspection.inspected_on:
            raise ValidationFailed("整改完成日期不能早于检查日期", code="date_invalid")
        inspection.rectified_on = rectified_on
        inspection.save(update_fields=["rectified_on"])
        late = rectified_on > inspection.rectify_by if inspection.rectify_by else False
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "institution_inspection",
            inspection.pk,
            summary=f"{inspection.institution.name}整改完成（{rectified_on}{'，逾期' if late else ''}）",
            after={"date": rectified_on},
            region_code=inspection.region_id,
        )
    return inspection


def do_add_policy(
    actor: User,
    institution_id: int,
    *,
    insurer: str,
    policy_no: str,
    starts_on: date,
    ends_on: date,
    premium: str | Decimal,
    cover: str | Decimal,
    insured_elderly: int,
) -> InsurancePolicy:
    _editor(actor)
    insurer = _text(insurer, "承保公司", max_length=100)
    policy_no = _text(policy_no, "保单号", max_length=40)
    premium_yuan = parse_amount(premium, "保费")
    cover_yuan = parse_amount(cover, "累计赔偿限额")
    if cover_yuan <= 0:
        raise ValidationFailed("累计赔偿限额应大于 0", code="invalid_amount")
    try:
        rules.check_period(starts_on, ends_on, "保险期间")
    except RuleError as exc:
        raise ValidationFailed(exc.message, code=exc.code) from None
    if insured_elderly < 0 or insured_elderly > MAX_COUNT:
        raise ValidationFailed("参保老年人数应为非负整数", code="count_invalid")
    with transaction.atomic():
        institution = _institution(actor, institution_id, lock=True)
        if InsurancePolicy.objects.filter(policy_no=policy_no).exists():
            raise ValidationFailed(f"保单号 {policy_no} 已登记", code="policy_taken")
        overlap = InsurancePolicy.objects.filter(
            institution=institution, starts_on__lte=ends_on, ends_on__gte=starts_on
        ).first()
        if overlap is not None:
            raise ValidationFailed(
                f"与已登记保单 {overlap.policy_no}（{overlap.starts_on}至{overlap.ends_on}）期间重叠",
                code="policy_overlap",
            )
        policy = InsurancePolicy.objects.create(
            institution=institution,
            region_id=institution.region_id,
            insurer=insurer,
            policy_no=policy_no,
            starts_on=starts_on,
            ends_on=ends_on,
            premium=premium_yuan,
            cover=cover_yuan,
            insured_elderly=insured_elderly,
            created_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "insurance_policy",
            policy.pk,
            summary=f"{institution.name}综合责任险保单 {policy_no}（{starts_on}至{ends_on}，"
            f"{insured_elderly} 人，保费 {premium_yuan} 元）",
            after={"amount": premium_yuan},
            region_code=institution.region_id,
        )
    return policy


def do_file_claim(
    actor: User,
    policy_id: int,
    *,
    incident_on: date,
    description: str,
    claimed: str | Decimal,
    person_id: int | None = None,
) -> Claim:
    _editor(actor)
    description = _text(description, "事故经过", max_length=300)
    claimed_yuan = parse_amount(claimed, "报案金额")
    if claimed_yuan <= 0:
        raise ValidationFailed("报案金额应大于 0", code="invalid_amount")
    _not_future(incident_on, "出险日期")
    person = Person.objects.get_visible(actor, pk=person_id) if person_id else None
    with transaction.atomic():
        found = InsurancePolicy.objects.get_visible(actor, pk=policy_id)
        policy = (
            InsurancePolicy.objects.select_for_update()
            .select_related("institution")
            .get(pk=found.pk)
        )
        if not policy.starts_on <= incident_on <= policy.ends_on:
            raise ValidationFailed(
                f"出险日期不在保险期间内（{policy.starts_on}至{policy.ends_on}）",
                code="outside_period",
            )
        claim = Claim.objects.create(
            policy=policy,
            region_id=policy.region_id,
            person=person,
            incident_on=incident_on,
            description=description,
            claimed=claimed_yuan,
            filed_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "insurance_claim",
            claim.pk,
            summary=f"{policy.institution.name}责任险报案：{claimed_yuan} 元",
            after={"amount": claimed_yuan},
            person_id=person.pk if person else None,
            region_code=policy.region_id,
        )
    return claim


def do_decide_claim(
    actor: User, claim_id: int, *, pay: bool, paid: str | Decimal = "", note: str = ""
) -> Claim:
    """The county closes a claim: paid (an amount up to the claim and what is left of the
    policy's cover) or refused (a note is required)."""
    if not actor.can(Capability.APPROVE):
        raise PermissionDenied("只有县级审核审批员可以确认理赔结果")
    note = _text(note, "结案说明", max_length=200, required=not pay)
    amount = parse_amount(paid, "赔付金额") if pay else None
    if amount is not None and amount <= 0:
        raise ValidationFailed("赔付金额应大于 0", code="invalid_amount")
    with transaction.atomic():
        found = Claim.objects.get_visible(actor, pk=claim_id)
        policy = InsurancePolicy.objects.select_for_update().get(pk=found.policy_id)
        claim = Claim.objects.select_for_update().get(pk=found.pk)
        if claim.status != "filed":
            raise ValidationFailed(
                f"该理赔已结案（{CLAIM_STATUS_LABELS[claim.status]}）", code="already_decided"
            )
        if amount is not None:
            if amount > claim.claimed:
                raise ValidationFailed("赔付金额不能超过报案金额", code="over_claimed")
            used = sum(
                (c.paid or Decimal("0") for c in policy.claims.filter(status="paid")),
                Decimal("0"),
            )
            if used + amount > policy.cover:
                raise ValidationFailed(
                    f"超出保单累计赔偿限额（剩余 {policy.cover - used} 元）", code="over_cover"
                )
        claim.status = "paid" if pay else "refused"
        claim.paid = amount
        claim.decided_on = clock.today()
        claim.decision_note = note
        claim.save(update_fields=["status", "paid", "decided_on", "decision_note"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "insurance_claim",
            claim.pk,
            summary=f"责任险理赔结案：{CLAIM_STATUS_LABELS[claim.status]}"
            + (f" {amount} 元" if amount is not None else f"（{note}）"),
            after={"status": CLAIM_STATUS_LABELS[claim.status], "amount": amount},
            person_id=claim.person_id,
            region_code=claim.region_id,
        )
    return claim
