"""A caseworker's batch of new payees' accounts: each registered as one alone would be, with its
audit event; one bad entry refuses the batch and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from minzheng.core.crypto import keyring
from minzheng.core.errors import DomainError, NotFound
from minzheng.core.models import AuditEvent
from minzheng.payments.actions import do_register_bank_account, do_register_bank_accounts
from minzheng.payments.models import BankAccount

pytestmark = pytest.mark.django_db


def test_a_batch_registers_each_payee_with_its_own_audit_event(
    caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    from minzheng.registry.models import Person

    li, wang, ming = Person.objects.filter(region_id="330203001001").order_by("id")[:3]
    first = do_register_bank_account(
        caseworker_nanmen, li, bank_name="宁波银行", number="6222021234567894"
    )
    accounts = do_register_bank_accounts(
        caseworker_nanmen,
        [
            (li, "鄞州银行", "6228480000000011"),
            (wang, "鄞州银行", "6228 4800 0000 0029"),
        ],
    )

    assert [a.number_masked for a in accounts] == ["6228********0011", "6228********0029"]
    assert all(a.pk for a in accounts)
    active = BankAccount.objects.filter(active=True, person__in=[li, wang, ming])
    assert dict(active.values_list("person_id", "bank_name")) == {
        li.pk: "鄞州银行",
        wang.pk: "鄞州银行",
    }
    first.refresh_from_db()
    assert first.active is False
    assert keyring().decrypt(accounts[1].number_cipher) == "6228480000000029"
    assert accounts[1].number_index == keyring().blind_index("bank_account", "6228480000000029")

    events = AuditEvent.objects.filter(object_type="bank_account").order_by("id")
    assert [(e.object_id, e.person_id, e.actor_name) for e in events] == [
        (str(first.pk), li.pk, "caseworker_nanmen"),
        (str(accounts[0].pk), li.pk, "caseworker_nanmen"),
        (str(accounts[1].pk), wang.pk, "caseworker_nanmen"),
    ]
    assert events[1].before == {"accounts": ["6222********7894"]}
    assert events[2].before == {"accounts": []}
    assert events[2].after == {"account": "6228********0029", "bank": "鄞州银行"}
    assert events[2].region_code == "330203001001"


def test_one_bad_entry_refuses_the_whole_batch(
    caseworker_nanmen: Any, household_li_three_members: Any, household_zhou_yinzhou: Any
) -> None:
    from minzheng.registry.models import Person

    li = Person.objects.get(name="李建国")
    zhou = Person.objects.get(name="周海燕")  # 鄞州: outside 南门街道
    with pytest.raises(NotFound, match="不在您的管辖范围内"):
        do_register_bank_accounts(
            caseworker_nanmen,
            [(li, "鄞州银行", "6228480000000011"), (zhou, "鄞州银行", "6228480000000037")],
        )
    with pytest.raises(DomainError, match="银行账号应为8至30位数字"):
        do_register_bank_accounts(
            caseworker_nanmen, [(li, "鄞州银行", "6228480000000011"), (li, "鄞州银行", "12ab")]
        )
    with pytest.raises(DomainError, match="同一人只能登记一个账户"):
        do_register_bank_accounts(
            caseworker_nanmen,
            [(li, "鄞州银行", "6228480000000011"), (li, "宁波银行", "6228480000000045")],
        )
    assert not BankAccount.objects.exists()
    assert not AuditEvent.objects.filter(object_type="bank_account").exists()
