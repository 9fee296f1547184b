"""鄞州's approver finds 标准地址 and 地名管理 on first login (issue #14): the demo builds the
register of 鄞州's busiest village's township from its households' addresses, links each
household, and 下应街道's caseworker proposes three names that approver_yinzhou reviews; a
second run adds nothing, audit events included."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.conftest import FUHUI, PASSWORD, fuhui_families

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_county_seed_builds_xiayings_register_and_names(
    caseworker_xiaying: Any, approver_yinzhou: Any
) -> None:
    from minzheng.civil.demo import seed_county_addresses
    from minzheng.civil.models import HouseholdAddressLink, PlaceName
    from minzheng.core.models import AuditEvent

    families = fuhui_families()
    with time_machine.travel(DEMO_TODAY, tick=False):
        assert seed_county_addresses("330212000000") == 6
        events = AuditEvent.objects.count()
        assert seed_county_addresses("330212000000") == 0
    assert AuditEvent.objects.count() == events
    links = HouseholdAddressLink.objects.select_related("address")
    assert {link.household_id for link in links} == {f.pk for f in families}
    assert {link.address.region_id for link in links} == {FUHUI}
    names = PlaceName.objects.order_by("id")
    assert [(p.name, p.status, p.approving_body, p.region_id) for p in names] == [
        ("惠风东路", "announced", "鄞州区人民政府", FUHUI),
        ("福晖路", "approved", "鄞州区人民政府", FUHUI),
        ("下应桥", "proposed", "", FUHUI),
    ]

    client = Client()
    assert client.login(username="approver_yinzhou", password=PASSWORD)
    assert "下应桥" in client.get("/civil/place-names/").content.decode()
    assert "天童南路" in client.get("/civil/addresses/").content.decode()
