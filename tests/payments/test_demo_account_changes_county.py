"""鄞州's approver finds 银行账户变更 on first login (issue #14): the demo files the same two
changes for 鄞州's first paid recipients as for 南门街道's — the agent's approved by
approver_yinzhou, the new card's waiting for them; a second run adds nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import PASSWORD, fuhui_families

pytestmark = pytest.mark.django_db


def test_the_county_seed_files_one_approved_and_one_pending_change_in_yinzhou(
    caseworker_xiaying: Any,
) -> None:
    from minzheng.accounts.models import User
    from minzheng.core.models import AuditEvent
    from minzheng.demo import ensure_demo_staff
    from minzheng.payments.actions import do_register_bank_account
    from minzheng.payments.demo import seed_county_account_changes
    from minzheng.payments.models import AccountChange, BankAccount

    ensure_demo_staff()
    families = fuhui_families(3)
    for family in families:
        do_register_bank_account(
            caseworker_xiaying,
            family.head,
            bank_name="中国农业银行",
            number=f"621700{family.head.pk:010d}",
        )
    assert seed_county_account_changes("330212000000") == 2
    events = AuditEvent.objects.count()
    assert seed_county_account_changes("330212000000") == 0
    assert AuditEvent.objects.count() == events
    changes = list(AccountChange.objects.order_by("id"))
    assert [(c.person.name, c.status) for c in changes] == [
        ("周海波", "approved"),
        ("吴海波", "pending"),
    ]
    approver = User.objects.get(username="approver_yinzhou")
    assert changes[0].decided_by == approver
    assert changes[0].filed_by == caseworker_xiaying  # 下应街道's caseworker
    held = BankAccount.objects.get(person=changes[0].person, active=True)
    assert (held.holder_name, held.holder_relation) == ("周晓梅", "子女")

    client = Client()
    assert client.login(username="approver_yinzhou", password=PASSWORD)
    page = client.get("/payments/account-changes/").content.decode()
    assert "吴海波" in page and "没有账户变更申请" not in page
