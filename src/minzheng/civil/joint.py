"""The 一件事 joint services: one event, one case, a checklist tracked to done.

身后一件事: a death — reported by the family, the funeral home, the police or the monitoring
feed — opens exactly one case (a unique constraint per person), whose items are: record the death,
stop every benefit from the next month, recover any overpayment, the funeral fee waiver, the
eco-burial subsidy, the household change and the notices to other departments.

The payment roll already stops paying after a death and books and recovers overpayments
(payments/jobs.py); this case stops the enrolments and then watches the ledger until nothing is
left to recover.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Sum, prefetch_related_objects
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.assistance.actions import do_end_enrolment, do_record_decision
from minzheng.assistance.errors import InvalidHouseholdFacts
from minzheng.assistance.models import Enrolment
from minzheng.assistance.programmes import get_programme
from minzheng.civil.models import Burial, CremationRecord, JointCase, JointItem
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.money import yuan
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.models import PaymentLine
from minzheng.registry import history
from minzheng.registry.models import ChangeRequest, Household, Membership, Person

AFTER_DEATH_ITEMS = (
    ("death_recorded", "登记死亡信息"),
    ("stop_benefits", "停发各项救助待遇（次月起）"),
    ("recover_overpayment", "追回多发资金"),
    ("funeral_waiver", "基本殡葬服务费减免"),
    ("burial_subsidy", "生态安葬补贴"),
    ("household_change", "家庭成员变更"),
    ("notify_departments", "通知相关部门"),
)
MARRIAGE_HOUSEHOLD_ITEMS = (
    ("marriage_registered", "结婚登记"),
    ("household_change", "家庭成员变更（迁入配偶家庭）"),
    ("reevaluate", "救助资格重新核定"),
)
DEPARTMENTS = ("公安（户籍注销）", "人力社保（养老保险）", "医疗保障", "残联", "住房保障")

Status = JointItem.Status


def _item(case: JointCase, code: str) -> JointItem:
    """One item of the case: from the case's items when they are prefetched (`refresh_case`
    reads them once, not once an item), else from the database."""
    for item in case.items.all():
        if item.code == code:
            return item
    raise JointItem.DoesNotExist(f"身后一件事#{case.pk}没有事项{code}")


def _set(item: JointItem, status: str, detail: str, on: date | None = None) -> None:
    item.status = status
    item.detail = detail[:300]
    item.done_on = on if status != Status.PENDING else None
    item.save(update_fields=["status", "detail", "done_on"])


def _create(
    kind: str,
    person: Person,
    event_date: date,
    source: str,
    items: tuple[tuple[str, str], ...],
    applicant: Person | None = None,
) -> JointCase:
    case = JointCase.objects.create(
        kind=kind,
        person=person,
        region_id=person.region_id,
        event_date=event_date,
        source=source,
        applicant=applicant,
    )
    JointItem.objects.bulk_create(
        JointItem(case=case, code=code, label=label, position=i)
        for i, (code, label) in enumerate(items)
    )
    return case


# ── 身后一件事 ───────────────────────────────────────────────────────────────────────────────


def open_after_death_case(
    person: Person,
    death_date: date,
    source: str,
    *,
    actor: User | None = None,
    applicant: Person | None = None,
) -> JointCase:
    """The one entry point for every death report: opens the case, or returns the one open.

    Idempotent: the funeral home, the police and the family may all report the same death.
    `source` is one of JointCase.Source (family, funeral, police, monitoring).
    """
    if source not in JointCase.Source.values:
        raise ValidationFailed(f"未知的死亡信息来源：{source}", code="bad_source")
    if actor is not None and not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("您的角色不能办理身后一件事")
    if person.birth_date and death_date < person.birth_date:
        raise ValidationFailed("死亡日期不能早于出生日期", code="bad_date")
    existing = JointCase.objects.filter(kind=JointCase.Kind.AFTER_DEATH, person=person).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            case = _create(
                JointCase.Kind.AFTER_DEATH,
                person,
                death_date,
                source,
                AFTER_DEATH_ITEMS,
                applicant,
            )
            _record_death(actor, person, death_date, case)
            _stop_benefits(actor, person, death_date, case)
            audit.record(
                actor,
                AuditEvent.Action.CREATE,
                "joint_case",
                case.pk,
                summary=f"身后一件事：{person.name}（{JointCase.Source(source).label}）",
                person_id=person.pk,
                region_code=person.region_id,
            )
    except IntegrityError:
        # Another feed opened it a moment ago.
        return JointCase.objects.get(kind=JointCase.Kind.AFTER_DEATH, person=person)
    refresh_case(case)
    return case


def _record_death(actor: User | None, person: Person, death_date: date, case: JointCase) -> None:
    item = _item(case, "death_recorded")
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.date_of_death is None:
        before = history.snapshot(locked)
        locked.date_of_death = death_date
        locked.save(update_fields=["date_of_death", "updated_at"])
        history.write_version(
            locked, before=before, actor=actor, at=timezone.now(), summary="身后一件事：登记死亡"
        )
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "person",
            locked.pk,
            summary=f"登记{locked.name}死亡日期{death_date.isoformat()}",
            before={"date_of_death": None},
            after={"date_of_death": death_date},
            person_id=locked.pk,
            region_code=locked.region_id,
        )
        person.date_of_death = death_date
        _set(item, Status.DONE, f"死亡日期{death_date.isoformat()}已登记", death_date)
    else:
        _set(
            item,
            Status.DONE,
            f"人员库已有死亡日期{locked.date_of_death.isoformat()}",
            locked.date_of_death,
        )


def _living_members(household_id: int, on: date, but: int) -> list[int]:
    return list(
        Membership.objects.filter(
            household_id=household_id, valid_from__lte=on, lives_together=True
        )
        .exclude(valid_to__lte=on)
        .exclude(person_id=but)
        .exclude(person__date_of_death__lte=on)
        .values_list("person_id", flat=True)
    )


def _stop_benefits(actor: User | None, person: Person, death_date: date, case: JointCase) -> None:
    """End the deceased's own benefits after the month of death; re-decide the household's."""
    month = YearMonth.of(death_date)
    ended: list[str] = []
    redecided: list[int] = []
    open_statuses = [
        Enrolment.Status.ACTIVE,
        Enrolment.Status.GRADUAL_EXIT,
        Enrolment.Status.SUSPENDED,
    ]
    households = Membership.objects.filter(person=person).values_list("household_id", flat=True)
    enrolments = Enrolment.objects.filter(status__in=open_statuses).filter(
        person=person
    ) | Enrolment.objects.filter(
        status__in=open_statuses, person__isnull=True, household_id__in=households
    )
    for enrolment in enrolments.distinct():
        others = _living_members(enrolment.household_id, death_date, person.pk)
        if enrolment.person_id == person.pk or not others:
            do_end_enrolment(
                actor, enrolment, last_paid_month=month, reason=f"{person.name}死亡（身后一件事）"
            )
            ended.append(f"{get_programme(enrolment.programme).name}#{enrolment.pk}")
        else:
            redecided.append(enrolment.household_id)
    waiting: list[int] = []
    for household in Household.objects.filter(pk__in=set(redecided)):
        try:
            with transaction.atomic():
                do_record_decision(None, household, death_date)
        except InvalidHouseholdFacts:  # the head died: decided again once a new head is named
            waiting.append(household.pk)
    redecided = [h for h in redecided if h not in waiting]
    item = _item(case, "stop_benefits")
    if not ended and not redecided and not waiting:
        _set(item, Status.NOT_APPLICABLE, "逝者未享受救助待遇", death_date)
        return
    parts = []
    if ended:
        parts.append(f"自{(month + 1)}起停发：{'、'.join(ended)}")
    if redecided:
        parts.append(f"家庭户{'、'.join(str(h) for h in sorted(set(redecided)))}已重新核定")
    if waiting:
        parts.append(
            f"家庭户{'、'.join(str(h) for h in sorted(waiting))}户主已故，"
            "待家庭成员变更确定新户主后重新核定"
        )
    _set(item, Status.DONE, "；".join(parts), death_date)


def outstanding_overpayment_fen(person: Person) -> tuple[int, int]:
    """(overpaid, still to recover) in fen, from the ledger lines paid to this person."""
    lines = PaymentLine.objects.filter(payee=person, source="e")
    overpaid = lines.filter(kind="overpayment").aggregate(s=Sum("amount_fen"))["s"] or 0
    recovered = lines.filter(kind="recovery").aggregate(s=Sum("amount_fen"))["s"] or 0
    return overpaid, overpaid - recovered


def refresh_case(case: JointCase) -> JointCase:
    """Re-read what the other offices have done since; close the case when every item is done."""
    prefetch_related_objects([case], "items")  # read once for every `_item` below
    try:
        if case.kind == JointCase.Kind.AFTER_DEATH:
            _refresh_after_death(case)
        else:
            _refresh_marriage_household(case)
    finally:
        case._prefetched_objects_cache.pop("items", None)  # type: ignore[attr-defined]
    with transaction.atomic():
        locked = JointCase.objects.select_for_update().get(pk=case.pk)
        open_items = locked.items.filter(status=Status.PENDING).exists()
        if not open_items and locked.status == JointCase.Status.OPEN:
            locked.status = JointCase.Status.DONE
            locked.closed_on = timezone.localdate()
            locked.save(update_fields=["status", "closed_on"])
            audit.record(
                None,
                AuditEvent.Action.TRANSITION,
                "joint_case",
                locked.pk,
                summary=f"{locked.get_kind_display()}办结",
                person_id=locked.person_id,
                region_code=locked.region_id,
            )
    case.refresh_from_db()
    return case


def _refresh_after_death(case: JointCase) -> None:
    person = case.person
    today = timezone.localdate()
    overpaid, left = outstanding_overpayment_fen(person)
    item = _item(case, "recover_overpayment")
    if overpaid == 0:
        _set(item, Status.DONE, "发放台账无死亡后多发资金", today)
    elif left > 0:
        _set(
            item,
            Status.PENDING,
            f"多发{(yuan(overpaid) / 100):.2f}元，尚待追回{(yuan(left) / 100):.2f}元",
        )
    else:
        _set(item, Status.DONE, f"多发{(yuan(overpaid) / 100):.2f}元已全部追回", today)

    cremation = CremationRecord.objects.filter(deceased=person).first()
    item = _item(case, "funeral_waiver")
    if cremation is not None:
        detail = (
            f"减免基本殡葬服务费{cremation.waived:.2f}元"
            if cremation.waived
            else "不属于减免对象，已告知家属"
        )
        _set(
            item,
            Status.DONE if cremation.waived else Status.NOT_APPLICABLE,
            detail,
            cremation.cremated_on,
        )
    burial = Burial.objects.filter(deceased=person).first()
    item = _item(case, "burial_subsidy")
    if burial is not None:
        if burial.is_eco:
            _set(
                item,
                Status.DONE,
                f"{burial.get_method_display()}补贴{burial.subsidy:.2f}元，发放个案#{burial.payment_case_id}",
                burial.buried_on,
            )
        else:
            _set(item, Status.NOT_APPLICABLE, "墓穴安葬，不享受生态安葬补贴", burial.buried_on)

    item = _item(case, "household_change")
    if item.status == Status.PENDING:
        memberships = Membership.objects.filter(person=person)
        if not memberships.exists():
            _set(item, Status.NOT_APPLICABLE, "逝者不在登记家庭户中", today)
        elif not memberships.filter(valid_to__isnull=True).exists():
            _set(item, Status.DONE, "已从家庭户中移除", today)
        elif not any(
            _living_members(m.household_id, today, person.pk)
            for m in memberships.filter(valid_to__isnull=True)
        ):
            _set(item, Status.NOT_APPLICABLE, "该户仅逝者一人，无需成员变更", today)
        else:
            change = (
                ChangeRequest.objects.filter(
                    kind=ChangeRequest.Kind.REMOVE_MEMBER, payload__person_id=person.pk
                )
                .order_by("-pk")
                .first()
            )
            if change is not None and change.status == ChangeRequest.Status.PENDING:
                _set(item, Status.PENDING, f"家庭变更申请#{change.pk}待审核")


def do_submit_household_change(actor: User, case: JointCase) -> ChangeRequest:
    """The caseworker submits the removal of the deceased; a reviewer approves it as usual."""
    from minzheng.registry.actions import do_submit_change_request

    JointCase.objects.get_visible(actor, pk=case.pk)
    membership = Membership.objects.filter(person=case.person, valid_to__isnull=True).first()
    if membership is None:
        raise ValidationFailed("逝者已不在任何家庭户中", code="no_membership")
    household = membership.household
    payload: dict[str, object] = {"person_id": case.person_id}
    if household.head_id == case.person_id:
        others = _living_members(household.pk, timezone.localdate(), case.person_id)
        if not others:
            raise ValidationFailed("该户无其他在世成员，请办理家庭户注销", code="last_member")
        payload["new_head_id"] = others[0]
    change = do_submit_change_request(
        actor,
        kind=ChangeRequest.Kind.REMOVE_MEMBER,
        household_id=household.pk,
        payload=payload,
        reason=f"身后一件事#{case.pk}：{case.person.name}已死亡",
    )
    _set(_item(case, "household_change"), Status.PENDING, f"家庭变更申请#{change.pk}待审核")
    return change


def do_notify_departments(actor: User, case: JointCase) -> JointItem:
    if not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("您的角色不能办理身后一件事")
    JointCase.objects.get_visible(actor, pk=case.pk)
    item = _item(case, "notify_departments")
    if item.status == Status.DONE:
        raise ValidationFailed("已通知相关部门", code="already_done")
    today = timezone.localdate()
    with transaction.atomic():
        _set(item, Status.DONE, f"已推送死亡信息至：{'、'.join(DEPARTMENTS)}", today)
        audit.record(
            actor,
            AuditEvent.Action.TRANSITION,
            "joint_case",
            case.pk,
            summary=f"身后一件事#{case.pk}通知相关部门",
            person_id=case.person_id,
            region_code=case.region_id,
        )
    refresh_case(case)
    return item


# ── 婚育户一件事 ─────────────────────────────────────────────────────────────────────────────


def do_open_marriage_household_case(
    actor: User,
    *,
    moving: Person,
    to_household: Household,
    marriage_on: date,
    registration_number: str,
) -> JointCase:
    """After a marriage: the spouse moves into the other's household, and benefits are re-decided."""
    from minzheng.registry.actions import do_submit_change_request

    if not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("您的角色不能办理婚育户一件事")
    membership = Membership.objects.filter(person=moving, valid_to__isnull=True).first()
    if membership is None:
        raise ValidationFailed("迁出人不在任何家庭户中", code="no_membership")
    payload: dict[str, object] = {
        "person_id": moving.pk,
        "to_household_id": to_household.pk,
        "relationship": "spouse",
    }
    if membership.household.head_id == moving.pk:
        others = _living_members(membership.household_id, marriage_on, moving.pk)
        if others:
            payload["new_head_id"] = others[0]
    with transaction.atomic():
        case = _create(
            JointCase.Kind.MARRIAGE_HOUSEHOLD,
            moving,
            marriage_on,
            JointCase.Source.REGISTRY,
            MARRIAGE_HOUSEHOLD_ITEMS,
        )
        _set(
            _item(case, "marriage_registered"),
            Status.DONE,
            f"结婚证{registration_number}",
            marriage_on,
        )
        change = do_submit_change_request(
            actor,
            kind=ChangeRequest.Kind.MOVE_MEMBER,
            household_id=membership.household_id,
            payload=payload,
            reason=f"婚育户一件事#{case.pk}：结婚后迁入配偶家庭",
        )
        _set(_item(case, "household_change"), Status.PENDING, f"家庭变更申请#{change.pk}待审核")
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "joint_case",
            case.pk,
            summary=f"婚育户一件事：{moving.name}迁入{to_household}",
            person_id=moving.pk,
            region_code=moving.region_id,
        )
    return case


def _refresh_marriage_household(case: JointCase) -> None:
    today = timezone.localdate()
    item = _item(case, "household_change")
    change = (
        ChangeRequest.objects.filter(
            kind=ChangeRequest.Kind.MOVE_MEMBER, payload__person_id=case.person_id
        )
        .order_by("-pk")
        .first()
    )
    if change is None or item.status != Status.PENDING:
        return
    if change.status == ChangeRequest.Status.APPROVED:
        _set(item, Status.DONE, f"家庭变更申请#{change.pk}已批准", today)
        households = [change.household_id, change.payload.get("to_household_id")]
        decided = []
        for household in Household.objects.filter(pk__in=households):
            if Enrolment.objects.filter(
                household=household,
                status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.GRADUAL_EXIT],
            ).exists():
                do_record_decision(None, household, today)
                decided.append(str(household.pk))
        _set(
            _item(case, "reevaluate"),
            Status.DONE,
            f"已重新核定家庭户{'、'.join(decided)}" if decided else "两户均未享受救助，无需核定",
            today,
        )
    elif change.status == ChangeRequest.Status.REJECTED:
        _set(
            item,
            Status.NOT_APPLICABLE,
            f"家庭变更申请#{change.pk}被驳回：{change.review_comment}",
            today,
        )
        _set(_item(case, "reevaluate"), Status.NOT_APPLICABLE, "家庭未变更，无需核定", today)
