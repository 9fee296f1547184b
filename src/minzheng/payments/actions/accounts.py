"""Payees' bank accounts: registration and correction, numbers sealed and shown masked."""

from __future__ import annotations

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.permissions import require
from minzheng.accounts.roles import Capability
from minzheng.core import audit
from minzheng.core.crypto import keyring
from minzheng.core.errors import ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.payments.models import (
    BankAccount,
    BankFileLine,
    BankOutcome,
    ProviderPayee,
    TemporaryCase,
)
from minzheng.registry.models import Person

ACCOUNT = "bank_account"


def mask_account(number: str) -> str:
    """6222 **** **** 1234 style: the bank's prefix and the last four stay."""
    digits = number.replace(" ", "")
    if len(digits) <= 8:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def _account(
    *, person: Person | None, holder_name: str, bank_name: str, number: str
) -> BankAccount:
    """An unsaved account with its number checked, sealed, indexed and masked."""
    digits = number.replace(" ", "")
    if not digits.isdigit() or not 8 <= len(digits) <= 30:
        raise ValidationFailed("银行账号应为8至30位数字", code="invalid_account")
    ring = keyring()
    return BankAccount(
        person=person,
        holder_name=holder_name,
        bank_name=bank_name,
        number_cipher=ring.encrypt(digits),
        number_index=ring.blind_index(ACCOUNT, digits),
        number_masked=mask_account(digits),
    )


def _new_account(
    *, person: Person | None, holder_name: str, bank_name: str, number: str
) -> BankAccount:
    account = _account(person=person, holder_name=holder_name, bank_name=bank_name, number=number)
    account.save(force_insert=True)
    return account


# ── bank accounts ────────────────────────────────────────────────────────────────────────────


def do_register_bank_account(
    actor: User | None, person: Person, *, bank_name: str, number: str
) -> BankAccount:
    """Record (or replace) the account a registry person is paid into."""
    return do_register_bank_accounts(actor, [(person, bank_name, number)])[0]


def do_register_bank_accounts(
    actor: User | None, entries: list[tuple[Person, str, str]]
) -> list[BankAccount]:
    """Record (or replace) the accounts of many persons at once — (person, bank name, number) —
    in one transaction: the caseworker's batch of a month's new payees (the history replay
    registers thousands). Each gets the same checks and audit event as one registered alone; a
    bad number or a person outside the actor's area refuses the whole batch."""
    if not entries:
        return []
    user = None
    for person, _bank, _number in entries:
        user = require(actor, Capability.EDIT_CASES, region_code=person.region_id)
    accounts = [
        _account(person=person, holder_name=person.name, bank_name=bank, number=number)
        for person, bank, number in entries
    ]
    persons = [person.pk for person, _bank, _number in entries]
    if len(set(persons)) != len(persons):
        raise ValidationFailed("同一批次中同一人只能登记一个账户", code="duplicate_person")
    with transaction.atomic():
        old: dict[int, list[str]] = {}
        for person_id, masked in (
            BankAccount.objects.select_for_update()
            .filter(person_id__in=persons, active=True)
            .values_list("person_id", "number_masked")
        ):
            old.setdefault(person_id, []).append(masked)
        BankAccount.objects.filter(person_id__in=persons, active=True).update(active=False)
        BankAccount.objects.bulk_create(accounts, batch_size=500)
        audit.record_many(
            user,
            AuditEvent.Action.CREATE,
            "bank_account",
            [
                audit.Entry(
                    object_id=account.pk,
                    summary=f"登记银行账户 {account.number_masked}",
                    before={"accounts": old.get(person.pk, [])},
                    after={"account": account.number_masked, "bank": bank},
                    person_id=person.pk,
                    region_code=person.region_id,
                )
                for account, (person, bank, _number) in zip(accounts, entries, strict=True)
            ],
        )
    return accounts


def do_correct_account(
    actor: User | None, line: BankFileLine, *, bank_name: str, number: str
) -> BankAccount:
    """Correct the account behind a failed transfer; the line can then be re-issued."""
    outcome = BankOutcome.objects.filter(line=line).first()
    if outcome is None or outcome.status != BankOutcome.Status.FAILED:
        raise ValidationFailed("只有发放失败的记录可以更正账户", code="not_failed")
    if line.temporary_case_id is not None:
        case = TemporaryCase.objects.get(pk=line.temporary_case_id)
        user = require(actor, Capability.EDIT_CASES, region_code=case.region_id)
        with transaction.atomic():
            account = _new_account(
                person=case.person, holder_name=case.name, bank_name=bank_name, number=number
            )
            BankAccount.objects.filter(pk=case.account_id).update(active=False)
            TemporaryCase.objects.filter(pk=case.pk).update(account=account)
            audit.record(
                user,
                AuditEvent.Action.UPDATE,
                "bank_account",
                account.pk,
                summary=f"更正临时救助#{case.pk}账户为 {account.number_masked}",
                region_code=case.region_id,
            )
        return account
    if line.provider_id is not None:
        payee = ProviderPayee.objects.get(pk=line.provider_id)
        payee = do_register_provider_account(
            actor,
            payee.pk,
            holder_name=payee.name,
            bank_name=bank_name,
            number=number,
            reason=f"更正失败转账 {line.reference} 的账户",
        )
        assert payee.account is not None
        return payee.account
    if line.payee is None:
        raise ValidationFailed("该记录没有收款人，请先在救助对象中指定户主", code="no_payee")
    return do_register_bank_account(actor, line.payee, bank_name=bank_name, number=number)


def do_register_provider_account(
    actor: User | None,
    payee_id: int,
    *,
    holder_name: str,
    bank_name: str,
    number: str,
    reason: str,
) -> ProviderPayee:
    """Record (or replace) the account an organisation is paid into (对公账户): a county approver
    of the provider's place, with a reason; the old account stays on record, inactive."""
    from minzheng.payments.accounts import BANKS  # it imports this module's `_new_account`

    holder_name, reason = holder_name.strip(), reason.strip()
    if bank_name not in BANKS:
        raise ValidationFailed("请从列表中选择开户银行", code="unknown_bank")
    if not holder_name or len(holder_name) > 60:
        raise ValidationFailed("请填写账户户名（60字以内）", code="invalid_holder")
    if not reason:
        raise ValidationFailed("请填写登记或变更原因", code="reason_required")
    with transaction.atomic():
        payee = ProviderPayee.objects.select_for_update().filter(pk=payee_id).first()
        if payee is None:
            raise ValidationFailed("收款机构不存在", code="unknown_provider")
        user = require(actor, Capability.APPROVE, region_code=payee.region_id)
        old = payee.account
        account = _new_account(
            person=None, holder_name=holder_name, bank_name=bank_name, number=number
        )
        if old is not None:
            BankAccount.objects.filter(pk=old.pk).update(active=False)
        payee.account = account
        payee.save(update_fields=["account", "updated_at"])
        audit.record(
            user,
            AuditEvent.Action.UPDATE if old else AuditEvent.Action.CREATE,
            "provider_account",
            payee.pk,
            summary=f"{'变更' if old else '登记'}{payee.name}收款账户 {account.number_masked}：{reason}",
            before={"account": old.number_masked if old else ""},
            after={"account": account.number_masked, "bank": bank_name, "reason": reason},
            region_code=payee.region_id,
        )
    return payee
