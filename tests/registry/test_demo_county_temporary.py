"""鄞州's approver finds 临时救助 on first login (issue #14): the demo records two cases for the
first families of 鄞州's busiest village — one approved by approver_yinzhou three weeks ago, one
waiting for them; a second run adds nothing, audit events included."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.conftest import FUHUI, PASSWORD, fuhui_families

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_county_seed_records_yinzhou_families_temporary_assistance(regions: None) -> None:
    from minzheng.accounts.models import User
    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.assistance.policy import load_policy
    from minzheng.assistance.queries import parameter_set
    from minzheng.core.models import AuditEvent
    from minzheng.demo import ensure_demo_staff
    from minzheng.payments.models import TemporaryCase
    from minzheng.registry.demo import seed_county_cases
    from minzheng.registry.seed import seed_registry

    do_load_parameter_catalog(None)
    seed_registry("test", 7)
    ensure_demo_staff()
    first, second, *_ = fuhui_families()
    with time_machine.travel(DEMO_TODAY, tick=False):
        assert seed_county_cases("330212000000") == 2
        events = AuditEvent.objects.count()
        assert seed_county_cases("330212000000") == 0
        standard = load_policy(parameter_set("330212", date(2026, 12, 3))).standard.value
    assert AuditEvent.objects.count() == events
    cases = list(TemporaryCase.objects.order_by("id"))
    assert [(c.person, c.region_id, c.status) for c in cases] == [
        (first.head, FUHUI, "approved"),
        (second.head, FUHUI, "draft"),
    ]
    assert [c.amount for c in cases] == [2 * standard, standard]
    approver = User.objects.get(username="approver_yinzhou")
    assert cases[0].approved_by == approver and cases[0].approved_month == date(2026, 11, 1)
    assert cases[0].made_by.region_id == "330212003000"  # 下应街道's caseworker

    client = Client()
    assert client.login(username="approver_yinzhou", password=PASSWORD)
    page = client.get("/payments/temporary/").content.decode()
    assert "周海波" in page and "厨房失火" in page
