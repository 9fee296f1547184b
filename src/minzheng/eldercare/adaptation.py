"""适老化改造 (home adaptation) actions: apply → 入户评估 → 改造项目 → 县级审批 → 竣工验收（照片）→
支付施工单位 (a ledger payable). Each step is one transaction on the locked row, permission-checked
and audited; a refusal is a Chinese message and changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core import audit, clock
from minzheng.core.errors import NotFound, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.regioncode import county_of
from minzheng.core.uploads import PHOTO_KINDS, Readable, check_upload
from minzheng.core.yearmonth import YearMonth
from minzheng.eldercare import home_rules, queries
from minzheng.eldercare.home_queries import in_scope
from minzheng.eldercare.home_queries import person as _person
from minzheng.eldercare.home_queries import require_or_system as _require
from minzheng.eldercare.home_rules import ITEM_LABELS, ItemLine
from minzheng.eldercare.models import Adaptation, AdaptationItem, AdaptationPhoto
from minzheng.registry.models import Person

S = Adaptation.Status
OPEN_STATUSES = (S.APPLIED, S.VISITED, S.APPROVED, S.COMPLETED)
MAX_PHOTOS = 9


def _locked(actor: User | None, adaptation_id: int, *expected: str) -> Adaptation:
    row = (
        in_scope(actor, Adaptation.objects.all())
        .select_for_update()
        .filter(pk=adaptation_id)
        .first()
    )
    if row is None:
        raise NotFound("适老化改造记录不存在或不在您的管辖范围内")
    if expected and row.status not in expected:
        wanted = "、".join(S(s).label for s in expected)
        raise ValidationFailed(
            f"该改造当前为“{S(row.status).label}”，此操作只能在“{wanted}”时进行",
            code="adaptation_wrong_status",
        )
    return row


def _audit(actor: User | None, row: Adaptation, summary: str, **after: object) -> None:
    audit.record(
        actor,
        AuditEvent.Action.TRANSITION if row.status != S.APPLIED else AuditEvent.Action.CREATE,
        "home_adaptation",
        row.pk,
        summary=summary,
        after={"status": row.status, **after},
        person_id=row.person_id,
        region_code=row.region_id,
    )


def _not_future(day: date, what: str) -> None:
    if day > clock.today():
        raise ValidationFailed(f"{what}不能晚于今天", code="date_in_future")


def _text(value: str, limit: int, what: str, *, required: bool = False) -> str:
    value = value.strip()
    if required and not value:
        raise ValidationFailed(f"请填写{what}", code="text_missing")
    if len(value) > limit:
        raise ValidationFailed(f"{what}不超过{limit}个字", code="text_too_long")
    return value


def do_apply(
    actor: User | None,
    person_id: int,
    *,
    applied_by: str,
    applicant_name: str = "",
    note: str = "",
    applied_on: date | None = None,
) -> Adaptation:
    """An application by or for an elderly person of the actor's area: one open one per person."""
    _require(actor, Capability.EDIT_CASES, "只有乡镇经办员、村社协理员可以受理适老化改造申请")
    person = _person(actor, person_id)
    day = applied_on or clock.today()
    _not_future(day, "申请日期")
    if applied_by not in Adaptation.AppliedBy.values:
        raise ValidationFailed("请选择申请方式", code="applied_by_invalid")
    applicant_name = _text(applicant_name, 60, "代办人姓名", required=applied_by == "family")
    note = _text(note, 500, "申请说明")
    if person.date_of_death is not None:
        raise ValidationFailed(f"{person.name}已于{person.date_of_death}死亡", code="deceased")
    elderly_age, _ = queries.parameters(person.region_id, day).integer("eldercare.elderly_age")
    from minzheng.eldercare.rules import age_on

    if person.birth_date is None or age_on(person.birth_date, day) < elderly_age:
        raise ValidationFailed(
            f"{person.name}未满{elderly_age}周岁，不属于适老化改造对象", code="not_elderly"
        )
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if Adaptation.objects.filter(person=person, status__in=OPEN_STATUSES).exists():
            raise ValidationFailed(
                f"{person.name}已有办理中的适老化改造申请", code="adaptation_open"
            )
        if Adaptation.objects.filter(person=person, status=S.PAID).exists():
            raise ValidationFailed(
                f"{person.name}的家庭已完成适老化改造补贴，不再重复补贴", code="adaptation_done"
            )
        row = Adaptation.objects.create(
            person=person,
            region_id=person.region_id,
            status=S.APPLIED,
            applied_by=applied_by,
            applicant_name=applicant_name,
            applied_on=day,
            note=note,
            created_by=actor,
        )
        _audit(actor, row, f"受理{person.name}的适老化改造申请（{row.get_applied_by_display()}）")
    return row


def do_record_visit(
    actor: User | None, adaptation_id: int, *, visited_on: date, notes: str, contractor: str
) -> Adaptation:
    """入户评估: what the home needs, and the contractor chosen to do it."""
    _require(actor, Capability.EDIT_CASES, "只有乡镇经办员、村社协理员可以登记入户评估")
    _not_future(visited_on, "入户评估日期")
    notes = _text(notes, 1000, "评估情况", required=True)
    contractor = _text(contractor, 100, "施工单位", required=True)
    with transaction.atomic():
        row = _locked(actor, adaptation_id, S.APPLIED, S.VISITED)
        if visited_on < row.applied_on:
            raise ValidationFailed("入户评估日期不能早于申请日期", code="visit_before_apply")
        row.visited_on, row.visit_notes, row.contractor = visited_on, notes, contractor
        row.visited_by = actor
        row.status = S.VISITED
        row.save()
        _audit(
            actor, row, f"{row.person.name}适老化改造入户评估（{visited_on}），施工单位{contractor}"
        )
    return row


def _reprice(row: Adaptation) -> home_rules.AdaptationSubsidy:
    """Decide the subsidy over the whole list again, with the cap of the visit's day."""
    params = queries.parameters(row.region_id, row.visited_on or row.applied_on)
    cap, p_cap = params.decimal("eldercare.adaptation.cap")
    items = list(row.items.order_by("position", "id"))
    result = home_rules.adaptation_subsidy(
        [ItemLine(i.code, i.quantity, i.unit_price) for i in items], cap
    )
    for item, share in zip(items, result.lines, strict=True):
        item.subsidy, item.own_share = share.subsidy, share.own_share
    AdaptationItem.objects.bulk_update(items, ["subsidy", "own_share"])
    row.cap, row.total, row.subsidy, row.own_share = (
        cap,
        result.total,
        result.subsidy,
        result.own_share,
    )
    row.parameter_versions = [p_cap.version_id]
    row.save(update_fields=["cap", "total", "subsidy", "own_share", "parameter_versions"])
    return result


def do_add_item(
    actor: User | None, adaptation_id: int, *, code: str, quantity: int, unit_price: Decimal
) -> AdaptationItem:
    _require(actor, Capability.EDIT_CASES, "只有乡镇经办员、村社协理员可以填写改造项目")
    line = home_rules.check_item(code, quantity, unit_price)
    with transaction.atomic():
        row = _locked(actor, adaptation_id, S.VISITED)
        if row.items.filter(code=code).exists():
            raise ValidationFailed(
                f"“{ITEM_LABELS[code]}”已在清单中，请删除后重新填写", code="item_duplicate"
            )
        last = row.items.order_by("-position").values_list("position", flat=True).first() or 0
        item = AdaptationItem.objects.create(
            adaptation=row,
            position=last + 1,
            code=code,
            basic=home_rules.is_basic(code),
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.amount,
        )
        result = _reprice(row)
        _audit(
            actor,
            row,
            f"{row.person.name}适老化改造增加项目：{ITEM_LABELS[code]} {quantity}×{unit_price}元",
            subsidy=result.subsidy,
        )
    item.refresh_from_db()
    return item


def do_remove_item(actor: User | None, adaptation_id: int, item_id: int) -> Adaptation:
    _require(actor, Capability.EDIT_CASES, "只有乡镇经办员、村社协理员可以修改改造项目")
    with transaction.atomic():
        row = _locked(actor, adaptation_id, S.VISITED)
        item = row.items.filter(pk=item_id).first()
        if item is None:
            raise ValidationFailed("该项目不在清单中", code="item_not_found")
        item.delete()
        _reprice(row)
        _audit(actor, row, f"{row.person.name}适老化改造删除项目：{ITEM_LABELS[item.code]}")
    return row


def do_decide(actor: User | None, adaptation_id: int, *, approve: bool, reason: str) -> Adaptation:
    """县级审批 of the plan: the subsidy is fixed at approval; a refusal needs a reason."""
    _require(actor, Capability.APPROVE, "只有县级审核审批员可以审批适老化改造")
    reason = _text(reason, 500, "审批意见", required=not approve)
    with transaction.atomic():
        row = _locked(actor, adaptation_id, S.VISITED)
        if approve and not row.items.exists():
            raise ValidationFailed("改造项目清单为空，不能审批通过", code="no_items")
        if approve:
            _reprice(row)
        row.status = S.APPROVED if approve else S.REFUSED
        row.decided_by, row.decided_on, row.decision_reason = actor, clock.today(), reason
        row.save()
        verdict = f"同意改造，补贴{row.subsidy}元" if approve else f"不予改造：{reason}"
        _audit(actor, row, f"{row.person.name}适老化改造审批：{verdict}", subsidy=row.subsidy)
    return row


def do_complete(
    actor: User | None,
    adaptation_id: int,
    *,
    completed_on: date,
    notes: str,
    photos: Sequence[Readable | bytes],
) -> Adaptation:
    """竣工验收 with photos: at least one, each a real JPEG or PNG (checked by content)."""
    _require(actor, Capability.EDIT_CASES, "只有乡镇经办员、村社协理员可以登记竣工验收")
    _not_future(completed_on, "验收日期")
    notes = _text(notes, 1000, "验收情况", required=True)
    photo_list = list(photos)
    if not photo_list:
        raise ValidationFailed("请上传至少一张验收照片", code="photos_missing")
    if len(photo_list) > MAX_PHOTOS:
        raise ValidationFailed(f"验收照片最多{MAX_PHOTOS}张", code="too_many_photos")
    # Checked before anything is written: a refused photo leaves no half-recorded check.
    checked = [check_upload(p, PHOTO_KINDS) for p in photo_list]
    with transaction.atomic():
        row = _locked(actor, adaptation_id, S.APPROVED)
        if row.decided_on is not None and completed_on < row.decided_on:
            raise ValidationFailed("验收日期不能早于审批日期", code="complete_before_decision")
        for c in checked:
            AdaptationPhoto.objects.create(
                adaptation=row, image=ContentFile(c.data, c.name), uploaded_by=actor
            )
        row.status, row.completed_on, row.completion_notes = S.COMPLETED, completed_on, notes
        row.checked_by = actor
        row.save()
        _audit(
            actor,
            row,
            f"{row.person.name}适老化改造竣工验收（{completed_on}，照片{len(checked)}张）",
        )
    return row


def do_pay(actor: User | None, adaptation_id: int, *, reason: str = "") -> Adaptation:
    """The subsidy to the contractor: a payable in the ledger (借 支出 / 贷 应付) in the county's
    roll of this month. Not by the person who checked the completion."""
    from minzheng.eldercare.actions import _county
    from minzheng.payments.jobs import book_payable

    _require(actor, Capability.APPROVE, "只有县级审核审批员可以支付适老化改造补贴")
    with transaction.atomic():
        row = _locked(actor, adaptation_id, S.COMPLETED)
        if actor is not None and row.checked_by_id == actor.pk:
            raise ValidationFailed("验收人不能同时支付该笔补贴", code="same_person")
        month = YearMonth.of(clock.today())
        if row.subsidy > 0:
            line = book_payable(
                source="a",
                source_id=row.pk,
                kind="adapt_payable",
                programme="shilaohua",
                county=_county(county_of(row.region_id)),
                month=month,
                region_id=row.region_id,
                amount=row.subsidy,
                actor=actor,
            )
            row.payment_line_id = line.pk
        row.status, row.paid_on, row.paid_by = S.PAID, clock.today(), actor
        row.save()
        _audit(
            actor,
            row,
            f"支付{row.person.name}适老化改造补贴{row.subsidy}元给{row.contractor}"
            + (f"（{reason.strip()[:200]}）" if reason.strip() else ""),
            amount=row.subsidy,
        )
    return row
