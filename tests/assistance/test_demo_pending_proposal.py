"""The demo shows a policy proposal waiting for a second person: 海曙's approver proposed it, the
city administrator (another person, with the scope) may confirm it, the proposer may not."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minzheng.assistance import actions
from minzheng.assistance.demo import seed_demo
from minzheng.assistance.models import PolicyParameter
from minzheng.core.errors import PermissionDenied
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_demo_leaves_one_pending_haishu_standard_for_a_second_person(
    approver_haishu: Any, city_admin: Any
) -> None:
    actions.do_load_parameter_catalog(None)
    seed_demo()
    seed_demo()  # idempotent
    pending = PolicyParameter.objects.get(status=PolicyParameter.Status.PENDING)
    assert (pending.key, pending.region_code) == ("dibao.standard_monthly", "330203")
    assert Decimal(str(pending.value)) == Decimal("800")
    assert pending.created_by == approver_haishu and pending.effective_from.day == 1
    assert "原文未见" in pending.source and pending.illustrative

    page = Client()
    page.login(username="city_admin", password=PASSWORD)
    html = page.get("/assistance/parameters/").content.decode()
    assert "待确认" in html and "800" in html

    with pytest.raises(PermissionDenied):
        actions.do_confirm_parameter(approver_haishu, pending)
    confirmed = actions.do_confirm_parameter(city_admin, pending)
    assert confirmed.status == PolicyParameter.Status.ACTIVE
