"""The demo's 银行账户变更 page shows one approved change (an agent holds the account) and one
waiting for the county approver."""

from __future__ import annotations

from typing import Any

import pytest

from minzheng.payments.demo import seed_account_changes
from minzheng.payments.models import AccountChange, BankAccount

pytestmark = pytest.mark.django_db


def test_the_demo_files_one_approved_and_one_pending_change_once(
    approved_march: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    seed_account_changes()
    seed_account_changes()
    changes = list(AccountChange.objects.order_by("id"))
    assert [(c.person.name, c.status) for c in changes] == [
        ("李建国", "approved"),
        ("赵德顺", "pending"),
    ]
    held = BankAccount.objects.get(person=changes[0].person, active=True)
    assert (held.holder_name, held.holder_relation, held.number_masked) == (
        "李晓梅",
        "子女",
        "6217***********5677",
    )
