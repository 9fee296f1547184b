"""变更银行账户: the account a recipient is paid into changes only through a request that a
caseworker files and another person, an approver, decides. The new number is sealed at filing
(ciphertext and masked form, never shown whole); approval makes it the one active account and
retires the old one, in one transaction, audited with both masked numbers."""

from __future__ import annotations

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core import audit, clock
from minzheng.core.crypto import keyring
from minzheng.core.errors import NotFound, PermissionDenied, ValidationFailed
from minzheng.core.masking import mask_name
from minzheng.core.models import AuditEvent
from minzheng.payments.accounts import AccountForm, active_account
from minzheng.payments.actions import mask_account
from minzheng.payments.actions.accounts import _new_account
from minzheng.payments.models import AccountChange, BankAccount
from minzheng.registry.models import Person


def _holder(form: AccountForm) -> str:
    if form.holder_relation:
        return f"代理人{mask_name(form.holder_name)}（{form.holder_relation}）"
    return "本人"


def do_file_account_change(
    actor: User, person: Person, form: AccountForm, *, reason: str
) -> AccountChange:
    """File a change of account for `person` (a caseworker in whose scope they are)."""
    if not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("您的角色无权提交银行账户变更")
    Person.objects.get_visible(actor, pk=person.pk)
    if not reason.strip():
        raise ValidationFailed("请填写变更理由", code="reason_missing")
    return _file(
        person,
        form,
        reason=reason,
        filed_by=actor,
        pending_message="该对象已有待审核的账户变更申请",
        summary=f"申请变更{person.name}的银行账户为 {form.bank_name} {{masked}}，"
        f"收款人{_holder(form)}",
    )


def do_decide_account_change(
    actor: User, change_id: int, *, approve: bool, comment: str = ""
) -> AccountChange:
    """Approve (the new account replaces the old) or reject; never by the person who filed it."""
    if not actor.can(Capability.APPROVE):
        raise PermissionDenied("只有审核审批人员可以审核银行账户变更")
    with transaction.atomic():
        # The row lock makes a second decision on the same request wait, then see it decided.
        change = (
            AccountChange.objects.visible_to(actor)
            .select_for_update(of=("self",))
            .select_related("person", "old_account")
            .filter(pk=change_id)
            .first()
        )
        if change is None:
            raise NotFound("记录不存在或不在您的管辖范围内")
        if change.status != AccountChange.Status.PENDING:
            raise ValidationFailed("该申请已审核", code="already_decided")
        if change.filed_by_id == actor.pk:
            raise PermissionDenied("不能审核本人提交的账户变更申请")
        if not approve and not comment.strip():
            raise ValidationFailed("驳回须填写审核意见", code="comment_missing")
        person = change.person
        if approve:
            old = list(BankAccount.objects.select_for_update().filter(person=person, active=True))
            BankAccount.objects.filter(pk__in=[a.pk for a in old]).update(active=False)
            account = _new_account(
                person=person,
                holder_name=change.holder_name,
                bank_name=change.bank_name,
                number=keyring().decrypt(change.number_cipher),
            )
            if change.holder_relation:
                account.holder_relation = change.holder_relation
                account.save(update_fields=["holder_relation"])
            change.new_account = account
        change.status = AccountChange.Status.APPROVED if approve else AccountChange.Status.REJECTED
        change.decided_by = actor
        change.decided_at = timezone.now()
        change.comment = comment.strip()[:300]
        change.save(update_fields=["status", "decided_by", "decided_at", "comment", "new_account"])
        audit.record(
            actor,
            AuditEvent.Action.APPROVE,
            "account_change",
            change.pk,
            summary=f"{'批准' if approve else '驳回'}{person.name}的银行账户变更"
            f"（{change.number_masked}）" + (f"：{change.comment}" if change.comment else ""),
            before={"account": change.old_account.number_masked if change.old_account else ""},
            after={"account": change.number_masked if approve else ""},
            person_id=person.pk,
            region_code=change.region_id,
        )
    return change


def do_file_resident_account_change(
    person: Person, form: AccountForm, *, reason: str, request: HttpRequest | None = None
) -> AccountChange:
    """The signed-in resident asks on the portal to change the account their benefit is paid into.

    Only for themself (the portal passes the signed-in person, never an id from the form), only
    while their household is enrolled; the same request a caseworker files, pending until a
    county approver decides it on 银行账户变更."""
    from minzheng.assistance.models import OPEN_STATUSES, Enrolment
    from minzheng.registry.models import Membership

    reason = reason.strip()
    if not reason:
        raise ValidationFailed("请填写变更理由", code="reason_missing")
    today = clock.today()
    households = Membership.objects.filter(person=person, valid_from__lte=today).filter(
        models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=today)
    )
    if not Enrolment.objects.filter(
        household_id__in=households.values("household_id"), status__in=OPEN_STATUSES
    ).exists():
        raise PermissionDenied("您的家庭目前没有在保的救助，无需登记发放账户")
    return _file(
        person,
        form,
        reason=reason,
        filed_by=None,
        pending_message="您已有待审核的账户变更申请，请等待审核结果",
        summary=f"居民网上申请变更银行账户为 {form.bank_name} {{masked}}，收款人{_holder(form)}",
        actor_name=f"居民 {mask_name(person.name)}",
        request=request,
    )


def _file(
    person: Person,
    form: AccountForm,
    *,
    reason: str,
    filed_by: User | None,
    pending_message: str,
    summary: str,
    actor_name: str | None = None,
    request: HttpRequest | None = None,
) -> AccountChange:
    """The one way a request is filed, by staff or by the resident: the person's row is locked so
    two filings cannot both pass the one-pending-request check; sealed, masked, audited."""
    with transaction.atomic():
        if Person.objects.select_for_update().filter(pk=person.pk).first() is None:
            raise NotFound("记录不存在")
        if AccountChange.objects.filter(
            person=person, status=AccountChange.Status.PENDING
        ).exists():
            raise ValidationFailed(pending_message, code="change_pending")
        old = active_account(person)
        change = AccountChange.objects.create(
            person=person,
            region_id=person.region_id,
            old_account=old,
            bank_name=form.bank_name,
            holder_name=form.holder_name,
            holder_relation=form.holder_relation,
            number_cipher=keyring().encrypt(form.number),
            number_masked=mask_account(form.number),
            reason=reason.strip()[:300],
            filed_by=filed_by,
        )
        audit.record(
            filed_by,
            AuditEvent.Action.CREATE,
            "account_change",
            change.pk,
            summary=summary.replace("{masked}", change.number_masked),
            before={"account": old.number_masked if old else ""},
            after={"account": change.number_masked, "bank": form.bank_name},
            person_id=person.pk,
            region_code=person.region_id,
            actor_name=actor_name,
            request=request,
        )
    return change
