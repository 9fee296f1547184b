"""Bank accounts taken with an application (窗口受理 or the portal): the bank from a list, the
number checked for form, the holder the applicant or a named agent with the relation stated."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.masking import mask_name
from minzheng.core.models import AuditEvent
from minzheng.payments.actions.accounts import _new_account
from minzheng.payments.models import BankAccount
from minzheng.registry.models import Person

# The banks that pay social assistance in the city (the account must be at one of them).
BANKS: tuple[str, ...] = (
    "中国工商银行",
    "中国农业银行",
    "中国银行",
    "中国建设银行",
    "交通银行",
    "中国邮政储蓄银行",
    "宁波银行",
    "宁波鄞州农村商业银行",
    "浙江农村商业银行",
)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


@dataclass(frozen=True)
class AccountForm:
    bank_name: str
    number: str
    holder_name: str
    holder_relation: str  # "" when the applicant holds the account


def check_account_form(
    applicant: Person, *, bank_name: str, number: str, holder: str, agent_name: str, relation: str
) -> AccountForm:
    """Validate what the form says; raises with a Chinese message naming the field."""
    if bank_name not in BANKS:
        raise ValidationFailed("请从列表中选择开户银行", code="unknown_bank")
    digits = number.replace(" ", "").strip()
    if not digits.isdigit() or not 12 <= len(digits) <= 25:
        raise ValidationFailed("银行账号应为12至25位数字", code="invalid_account")
    # A UnionPay card number (16–19 digits, 62…) carries a Luhn check digit.
    if digits.startswith("62") and 16 <= len(digits) <= 19 and not luhn_ok(digits):
        raise ValidationFailed("银行卡号校验位不正确，请核对", code="invalid_account")
    if holder == "agent":
        if not agent_name.strip() or not relation.strip():
            raise ValidationFailed(
                "由代理人收款时须填写代理人姓名及与申请人的关系", code="agent_missing"
            )
        return AccountForm(bank_name, digits, agent_name.strip()[:60], relation.strip()[:20])
    return AccountForm(bank_name, digits, applicant.name, "")


def do_record_intake_account(
    actor: User | None, applicant: Person, form: AccountForm, *, application_id: int
) -> BankAccount:
    """The account the applicant's assistance is paid into. An account already on file is not
    replaced here: a change goes through a change request (变更银行账户)."""
    if actor is not None and not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("您的角色无权执行此操作")
    with transaction.atomic():
        existing = (
            BankAccount.objects.select_for_update().filter(person=applicant, active=True).first()
        )
        if existing is not None:
            return existing
        account = _new_account(
            person=applicant,
            holder_name=form.holder_name,
            bank_name=form.bank_name,
            number=form.number,
        )
        if form.holder_relation:
            account.holder_relation = form.holder_relation
            account.save(update_fields=["holder_relation"])
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "bank_account",
            account.pk,
            summary=f"申请#{application_id}登记银行账户 {form.bank_name} {account.number_masked}"
            + (
                f"（代理人{mask_name(form.holder_name)}，{form.holder_relation}）"
                if form.holder_relation
                else ""
            ),
            after={"account": account.number_masked, "bank": form.bank_name},
            person_id=applicant.pk,
            region_code=applicant.region_id,
            actor_name=None if actor else f"居民 {mask_name(applicant.name)}",
        )
    return account


def active_account(person: Person) -> BankAccount | None:
    return BankAccount.objects.filter(person=person, active=True).first()
