"""The demo caseworker records two 临时救助 cases for 福湖社区's families — one approved by 海曙's
approver last month, one waiting — so the village assistant's 临时救助 page is not empty; a second
run adds nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_village_assistant_sees_its_families_temporary_assistance(
    household_li_three_members: Any,
    household_zhou_yinzhou: Any,
    caseworker_nanmen: Any,
    approver_haishu: Any,
    assistant_fuhu: Any,
) -> None:
    from minzheng.assistance.policy import load_policy
    from minzheng.assistance.queries import parameter_set
    from minzheng.payments.models import TemporaryCase
    from minzheng.registry.demo import seed_village_cases

    with time_machine.travel(DEMO_TODAY, tick=False):
        assert seed_village_cases(caseworker_nanmen) == 1  # one family in 福湖社区: one case
        assert seed_village_cases(caseworker_nanmen) == 0  # a second demo start adds nothing
        standard = load_policy(parameter_set("330203", date(2026, 12, 3))).standard.value
    case = TemporaryCase.objects.get()
    assert (case.person, case.region_id, case.status) == (
        household_li_three_members.head,
        "330203001001",
        "approved",
    )
    assert case.amount == 2 * standard
    assert (case.made_by, case.approved_by) == (caseworker_nanmen, approver_haishu)
    assert case.approved_month == date(2026, 11, 1)

    client = Client()
    assert client.login(username="assistant_fuhu", password=PASSWORD)
    page = client.get("/payments/temporary/").content.decode()
    assert "暂无临时救助" not in page
    assert "李建国" in page and "户主突发脑梗住院" in page
