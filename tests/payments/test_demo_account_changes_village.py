"""The demo's 银行账户变更 are filed for 福湖社区's paid recipients first, so the village assistant's
page is not empty even when another village of 南门街道 has recipients registered earlier."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from minzheng.payments.demo import seed_account_changes
from minzheng.payments.models import AccountChange
from tests.conftest import PASSWORD
from tests.payments.conftest import person_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_earlier_in_heshan(caseworker_nanmen: Any) -> None:
    """钱阿大 of 和山花园社区 (南门街道), paid before 福湖社区's recipients are registered."""
    from minzheng.payments.actions import do_register_bank_account

    household = person_household("330203001002", "钱阿大", "330203195503031239", date(1955, 3, 3))
    assert household.head is not None
    do_register_bank_account(
        caseworker_nanmen, household.head, bank_name="中国银行", number="6216600000000001"
    )


def test_the_village_assistant_sees_its_recipients_account_changes(
    paid_earlier_in_heshan: None,
    approved_march: Any,
    caseworker_nanmen: Any,
    approver_haishu: Any,
    assistant_fuhu: Any,
) -> None:
    seed_account_changes()
    seed_account_changes()  # a second demo start adds nothing
    changes = list(AccountChange.objects.order_by("id"))
    assert [(c.person.name, c.person.region_id, c.status) for c in changes] == [
        ("李建国", "330203001001", "approved"),
        ("赵德顺", "330203001001", "pending"),
    ]

    client = Client()
    assert client.login(username="assistant_fuhu", password=PASSWORD)
    page = client.get("/payments/account-changes/").content.decode()
    assert "没有账户变更申请" not in page
    assert "李建国" in page and "赵德顺" in page
