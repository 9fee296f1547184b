"""鄞州's approver finds a 大排摸 on first login (issue #14): the demo starts a campaign over
鄞州 as approver_yinzhou, and its first targets are visited through the visit action with the
article's proportions; a second run adds nothing, audit events included."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from minzheng.core.idnumber import check_digit
from tests.conftest import FUHUI, PASSWORD, _household

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_county_seed_runs_a_campaign_over_yinzhou_once(regions: None) -> None:
    from minzheng.accounts.models import User
    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.core.models import AuditEvent
    from minzheng.demo import ensure_demo_staff
    from minzheng.outreach.demo import seed_county
    from minzheng.outreach.models import Campaign, Target
    from minzheng.registry.seed import seed_registry

    do_load_parameter_catalog(None)
    seed_registry("test", 7)
    ensure_demo_staff()
    for n, name in enumerate(("周阿婆", "吴阿公", "郑阿婆", "冯阿公", "褚阿婆", "卫阿公")):
        born = date(1935 + n, 4, 1 + n)  # 85 and older, living alone: 独居老人
        first17 = f"330212{born:%Y%m%d}{51 + n:03d}"
        _household(
            FUHUI,
            f"鄞州区下应街道福晖新村社区东湖路{n + 1}号",
            [(name, first17 + check_digit(first17), "head", born, "")],
        )
    with time_machine.travel(DEMO_TODAY, tick=False):
        targets = seed_county("330212000000", visits=5)
        events = AuditEvent.objects.count()
        assert seed_county("330212000000", visits=5) == 0
    assert AuditEvent.objects.count() == events
    campaign = Campaign.objects.get()
    assert (campaign.name, campaign.region_id, campaign.started_on) == (
        "2026年困难群众大排摸（鄞州区）",
        "330212000000",
        date(2026, 11, 12),
    )
    assert campaign.created_by == User.objects.get(username="approver_yinzhou")
    assert targets == Target.objects.filter(campaign=campaign).count() >= 6
    visited = Target.objects.exclude(outcome="").order_by("id")
    assert Counter(visited.values_list("outcome", flat=True)) == {
        "newly_covered": 2,
        "applied": 3,
    }  # the first five of PATTERN
    assert all(t.region_id.startswith("330212") for t in visited)
    assert [t.visited_on for t in visited] == [date(2026, 11, 13 + n) for n in range(5)]

    client = Client()
    assert client.login(username="approver_yinzhou", password=PASSWORD)
    page = client.get("/outreach/").content.decode()
    assert "2026年困难群众大排摸（鄞州区）" in page
