"""State changes of children's welfare: identify, register, apply, review, decide, extend for
schooling, end at the end age, appoint a 儿童主任 and record visits. Each one transaction, checked
against the actor's capability and region scope, audited, the case row locked."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.assistance.models import Enrolment
from minzheng.assistance.queries import parameter_set
from minzheng.children.identification import candidates
from minzheng.children.models import (
    ChildCase,
    ChildDirector,
    ChildVisit,
    ParentSituation,
)
from minzheng.children.queries import villages_visible
from minzheng.children.rules import (
    ChildCategory,
    ChildDecision,
    ChildFacts,
    Parent,
    allowance,
    classify,
    last_paid_month,
)
from minzheng.core import audit
from minzheng.core.clock import today as platform_today
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.regioncode import county_of
from minzheng.core.yearmonth import YearMonth
from minzheng.registry.models import IdentityTag, Membership, Person

S = ChildCase.Status
IDENTITY_TAG = {
    ChildCategory.INSTITUTIONAL_ORPHAN: IdentityTag.Tag.ORPHAN,
    ChildCategory.SCATTERED_ORPHAN: IdentityTag.Tag.ORPHAN,
    ChildCategory.UNSUPPORTED: IdentityTag.Tag.UNSUPPORTED_CHILD,
}


def _require(actor: User | None, capability: Capability) -> None:
    if actor is not None and not actor.can(capability):
        raise PermissionDenied("您的角色无权执行此操作")


def _locked(actor: User | None, case: ChildCase) -> ChildCase:
    rows = ChildCase.objects.select_for_update()
    if actor is not None:
        return rows.get_visible(actor, pk=case.pk)
    return rows.get(pk=case.pk)


def facts_of(case: ChildCase) -> ChildFacts:
    assert case.child.birth_date is not None
    return ChildFacts(
        birth_date=case.child.birth_date,
        in_institution=case.in_institution,
        father=Parent("父亲", case.father_situation, case.father_months),
        mother=Parent("母亲", case.mother_situation, case.mother_months),
        education_until=case.education_until,
    )


def _classify(case: ChildCase, day: date) -> ChildDecision:
    return classify(facts_of(case), parameter_set(county_of(case.region_id), day), day)


def do_identify_children(actor: User | None, scope: User) -> int:
    """Open a case (status 待申请) for every child in `scope`'s region the registry and the police
    feed show to be an orphan, de-facto unsupported or in difficulty. Safe to run again."""
    _require(actor, Capability.EDIT_CASES)
    day = platform_today()
    made = 0
    params = parameter_set(county_of(scope.region_id), day)
    for c in candidates(scope, params, day):
        assert c.decision.category is not None
        try:
            with transaction.atomic():
                case = ChildCase.objects.create(
                    child=c.child,
                    household_id=c.household_id,
                    region_id=c.region_id,
                    category=c.decision.category.value,
                    source=ChildCase.Source.REGISTRY,
                    father=c.father,
                    mother=c.mother,
                    father_situation=c.facts.father.situation,
                    mother_situation=c.facts.mother.situation,
                    father_months=c.facts.father.months,
                    mother_months=c.facts.mother.months,
                    decision=c.decision.as_dict(),
                    identified_on=day,
                    created_by=actor,
                )
                audit.record(
                    actor,
                    AuditEvent.Action.CREATE,
                    "child_case",
                    case.pk,
                    summary=f"比对发现：{c.decision.summary}",
                    person_id=c.child.pk,
                    region_code=c.region_id,
                )
        except IntegrityError:
            continue  # another run opened it first (one open case per child)
        made += 1
    return made


def do_register_child_case(
    actor: User,
    *,
    child_id: int,
    father_situation: str,
    mother_situation: str,
    father_months: int = 0,
    mother_months: int = 0,
    in_institution: bool = False,
    note: str = "",
) -> ChildCase:
    """A case registered at the window (a guardian or the village reports the child)."""
    _require(actor, Capability.EDIT_CASES)
    for value in (father_situation, mother_situation):
        if value not in ParentSituation.values:
            raise ValidationFailed("请选择父母情况", code="bad_situation")
    if father_months < 0 or mother_months < 0 or max(father_months, mother_months) > 600:
        raise ValidationFailed("持续月数应为0至600之间的整数", code="bad_months")
    day = platform_today()
    with transaction.atomic():
        child = Person.objects.visible_to(actor).select_for_update().get_visible(actor, pk=child_id)
        if child.birth_date is None:
            raise ValidationFailed("该人员没有出生日期，无法认定", code="no_birth_date")
        membership = (
            Membership.objects.filter(person=child, valid_to__isnull=True)
            .select_related("household")
            .first()
        )
        if membership is None:
            raise ValidationFailed("该儿童不在任何家庭户中，请先登记家庭户", code="no_household")
        case = ChildCase(
            child=child,
            household=membership.household,
            region_id=membership.household.region_id,
            source=ChildCase.Source.WINDOW,
            father_situation=father_situation,
            mother_situation=mother_situation,
            father_months=father_months,
            mother_months=mother_months,
            in_institution=in_institution,
            note=note.strip()[:300],
            identified_on=day,
            created_by=actor,
        )
        decision = _classify(case, day)
        if decision.category is None:
            raise ValidationFailed(f"不能登记：{decision.summary}", code="not_a_child_in_need")
        case.category = decision.category.value
        case.decision = decision.as_dict()
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError as exc:
            raise ValidationFailed("该儿童已有在办或在保的保障档案", code="case_open") from exc
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "child_case",
            case.pk,
            summary=f"窗口登记：{decision.summary}",
            person_id=child.pk,
            region_code=case.region_id,
        )
    return case


def do_apply(
    actor: User | None, case: ChildCase, *, guardian_name: str, guardian_relation: str
) -> ChildCase:
    """The guardian applies for the child (申请): the guardian is recorded on the case."""
    _require(actor, Capability.EDIT_CASES)
    guardian_name, guardian_relation = guardian_name.strip(), guardian_relation.strip()
    if not guardian_name or not guardian_relation:
        raise ValidationFailed("请填写监护人姓名及与儿童关系", code="guardian_missing")
    if len(guardian_name) > 60 or len(guardian_relation) > 30:
        raise ValidationFailed("监护人姓名或关系过长", code="guardian_too_long")
    with transaction.atomic():
        locked = _locked(actor, case)
        if locked.status != S.IDENTIFIED:
            raise ValidationFailed("只有待申请的档案可以提交申请", code="bad_status")
        locked.guardian_name = guardian_name
        locked.guardian_relation = guardian_relation
        locked.status = S.APPLIED
        locked.applied_on = platform_today()
        locked.save(update_fields=["guardian_name", "guardian_relation", "status", "applied_on"])
        audit.record(
            actor,
            AuditEvent.Action.TRANSITION,
            "child_case",
            locked.pk,
            summary=f"监护人{guardian_name}（{guardian_relation}）提出申请",
            person_id=locked.child_id,
            region_code=locked.region_id,
        )
    return locked


def do_review(actor: User | None, case: ChildCase, *, approve: bool, note: str = "") -> ChildCase:
    """The township's review (乡镇审核): the rule is run again on today's facts."""
    _require(actor, Capability.EDIT_CASES)
    with transaction.atomic():
        locked = _locked(actor, case)
        if locked.status != S.APPLIED:
            raise ValidationFailed("只有已申请的档案可以审核", code="bad_status")
        if not approve and not note.strip():
            raise ValidationFailed("不予认定须填写理由", code="reason_missing")
        day = platform_today()
        decision = _classify(locked, day)
        if approve and decision.category is None:
            raise ValidationFailed(f"不能通过审核：{decision.summary}", code="not_eligible")
        locked.status = S.REVIEWED if approve else S.REFUSED
        locked.reviewed_by = actor
        locked.reviewed_on = day
        locked.decision = decision.as_dict()
        if decision.category is not None:
            locked.category = decision.category.value
        if note.strip():
            locked.note = note.strip()[:300]
        locked.save(
            update_fields=["status", "reviewed_by", "reviewed_on", "decision", "category", "note"]
        )
        audit.record(
            actor,
            AuditEvent.Action.TRANSITION,
            "child_case",
            locked.pk,
            summary=("乡镇审核通过：" if approve else "乡镇审核不予认定：")
            + (decision.summary if approve else note.strip()),
            person_id=locked.child_id,
            region_code=locked.region_id,
        )
    return locked


def do_decide(actor: User | None, case: ChildCase, *, approve: bool, note: str = "") -> ChildCase:
    """County approval (县级审批). A paid category is enrolled in programme `ertong` from the next
    month with the allowance of its category, ending after the end-age month (or the end of
    full-time education); the child's identity tag is added."""
    _require(actor, Capability.APPROVE)
    from minzheng.assistance.actions import do_enrol

    with transaction.atomic():
        locked = _locked(actor, case)
        if locked.status != S.REVIEWED:
            raise ValidationFailed("只有乡镇已审核的档案可以审批", code="bad_status")
        if not approve and not note.strip():
            raise ValidationFailed("不予认定须填写理由", code="reason_missing")
        day = platform_today()
        locked.decided_by = actor
        locked.decided_on = day
        if not approve:
            locked.status = S.REFUSED
            locked.note = note.strip()[:300]
            locked.save(update_fields=["status", "decided_by", "decided_on", "note"])
            audit.record(
                actor,
                AuditEvent.Action.APPROVE,
                "child_case",
                locked.pk,
                summary=f"县级审批不予认定：{note.strip()}",
                person_id=locked.child_id,
                region_code=locked.region_id,
            )
            return locked
        params = parameter_set(county_of(locked.region_id), day)
        decision = classify(facts_of(locked), params, day)
        if decision.category is None:
            raise ValidationFailed(f"不能批准：{decision.summary}", code="not_eligible")
        locked.category = decision.category.value
        locked.decision = decision.as_dict()
        locked.status = S.ENROLLED
        start = YearMonth.of(day) + 1
        if decision.paid:
            amount, version = allowance(decision.category, params)
            last, _ = last_paid_month(facts_of(locked), params)
            if last < start:
                raise ValidationFailed("该儿童在发放起始月前已到终止年龄", code="too_old")
            enrolment = do_enrol(
                actor,
                household=locked.household,
                person=locked.child,
                programme="ertong",
                start=start,
                amount=amount,
                components={"category": decision.category.value, "parameter": version},
                decision=decision.as_dict(),
            )
            Enrolment.objects.filter(pk=enrolment.pk).update(end_month=(last + 1).first_day())
            locked.enrolment = enrolment
            locked.monthly_amount = amount
            IdentityTag.objects.create(
                person_id=locked.child_id,
                tag=IDENTITY_TAG[decision.category],
                source=f"儿童保障档案#{locked.pk}",
                valid_from=start.first_day(),
                valid_to=(last + 1).first_day(),
                region_id=locked.region_id,
            )
        locked.save(
            update_fields=[
                "category",
                "decision",
                "status",
                "decided_by",
                "decided_on",
                "enrolment",
                "monthly_amount",
            ]
        )
        paid = f"，自{start}起每月{locked.monthly_amount}元" if decision.paid else "，纳入关爱帮扶"
        audit.record(
            actor,
            AuditEvent.Action.APPROVE,
            "child_case",
            locked.pk,
            summary=f"县级审批：{decision.summary}{paid}",
            person_id=locked.child_id,
            region_code=locked.region_id,
        )
    return locked


def do_record_education(actor: User, case: ChildCase, *, until: date) -> ChildCase:
    """Full-time education recorded: the allowance runs to the month schooling ends, within the
    education age cap."""
    _require(actor, Capability.EDIT_CASES)
    with transaction.atomic():
        locked = _locked(actor, case)
        if locked.status != S.ENROLLED:
            raise ValidationFailed("只有在保儿童可以登记在校情况", code="bad_status")
        if until <= platform_today():
            raise ValidationFailed("在校截止日期应晚于今天", code="bad_date")
        before = locked.education_until
        locked.education_until = until
        locked.save(update_fields=["education_until"])
        params = parameter_set(county_of(locked.region_id), platform_today())
        last, _ = last_paid_month(facts_of(locked), params)
        if locked.enrolment_id is not None:
            Enrolment.objects.filter(pk=locked.enrolment_id).update(
                end_month=(last + 1).first_day()
            )
            IdentityTag.objects.filter(
                person_id=locked.child_id, source=f"儿童保障档案#{locked.pk}"
            ).update(valid_to=(last + 1).first_day())
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "child_case",
            locked.pk,
            summary=f"登记全日制在校至{until}，发放至{last}",
            before={"date": before},
            after={"date": until, "month": str(last)},
            person_id=locked.child_id,
            region_code=locked.region_id,
        )
    return locked


def do_end_aged_out(actor: User | None, day: date) -> int:
    """Close every enrolled case whose allowance has run out (its end month has come): the
    enrolment is ended, the case is marked 已终止. The roll stopped paying already by end month."""
    month = YearMonth.of(day).first_day()
    ended = 0
    due = ChildCase.objects.filter(status=S.ENROLLED, enrolment__end_month__lte=month)
    for case in due.select_related("enrolment"):
        with transaction.atomic():
            locked = ChildCase.objects.select_for_update().get(pk=case.pk)
            if locked.status != S.ENROLLED:
                continue
            locked.status = S.ENDED
            locked.ended_on = day
            locked.end_reason = "年满终止年龄或毕业，停发"
            locked.save(update_fields=["status", "ended_on", "end_reason"])
            if locked.enrolment_id is not None:
                Enrolment.objects.filter(pk=locked.enrolment_id).update(
                    status=Enrolment.Status.ENDED
                )
            audit.record(
                actor,
                AuditEvent.Action.TRANSITION,
                "child_case",
                locked.pk,
                summary=locked.end_reason,
                person_id=locked.child_id,
                region_code=locked.region_id,
            )
        ended += 1
    return ended


def do_appoint_director(
    actor: User, *, region_code: str, name: str, appointed_on: date
) -> ChildDirector:
    """A village's 儿童主任; the one serving before leaves the same day."""
    _require(actor, Capability.EDIT_CASES)
    name = name.strip()
    if not name or len(name) > 60:
        raise ValidationFailed("请填写儿童主任姓名（不超过60字）", code="name_missing")
    region = villages_visible(actor).filter(code=region_code.strip()).first()
    if region is None:
        raise ValidationFailed("请选择您管辖范围内的一个村（社区）", code="not_a_village")
    with transaction.atomic():
        for serving in ChildDirector.objects.select_for_update().filter(
            region=region, left_on__isnull=True
        ):
            serving.left_on = appointed_on
            serving.save(update_fields=["left_on"])
        director = ChildDirector.objects.create(region=region, name=name, appointed_on=appointed_on)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "child_director",
            director.pk,
            summary=f"{region.name}儿童主任：{name}",
            region_code=region.code,
        )
    return director


def do_record_visit(
    actor: User, case: ChildCase, *, visited_on: date, finding: str, note: str
) -> ChildVisit:
    _require(actor, Capability.EDIT_CASES)
    if finding not in ChildVisit.Finding.values:
        raise ValidationFailed("请选择走访结论", code="bad_finding")
    note = note.strip()
    if not note or len(note) > 500:
        raise ValidationFailed("请填写走访情况（不超过500字）", code="note_missing")
    if visited_on > platform_today():
        raise ValidationFailed("走访日期不能晚于今天", code="future_visit")
    with transaction.atomic():
        locked = _locked(actor, case)
        director = ChildDirector.objects.filter(
            region_id=locked.region_id, left_on__isnull=True
        ).first()
        visit = ChildVisit.objects.create(
            case=locked,
            region_id=locked.region_id,
            director=director,
            visited_on=visited_on,
            finding=finding,
            note=note,
            recorded_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "child_visit",
            visit.pk,
            summary=f"走访：{ChildVisit.Finding(finding).label}",
            person_id=locked.child_id,
            region_code=locked.region_id,
        )
    return visit
