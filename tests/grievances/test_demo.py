"""The demo seeding gives every grievance page data: an answered complaint, an escalated one, a
12345 transfer, a 骗保 report with its review and an appeal, once."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minzheng.core.models import AuditEvent
from minzheng.grievances.demo import seed_demo
from minzheng.grievances.models import Appeal, Grievance
from minzheng.registry.models import IdentityTag, Person

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_demo_fills_the_pages_once(
    household_li_three_members: Any, parameters: None, approver_haishu: Any
) -> None:
    for person in Person.objects.all():
        IdentityTag.objects.create(
            person=person,
            tag="dibao",
            source="测试",
            valid_from=date(2020, 1, 1),
            region_id=person.region_id,
        )
    with time_machine.travel(DEMO_TODAY, tick=False):
        assert seed_demo() == 4
    statuses = sorted(Grievance.objects.values_list("status", flat=True))
    assert statuses == ["answered", "open", "open", "open"]
    assert Grievance.objects.get(channel="letter").escalation_level == 1
    assert Appeal.objects.count() == 1
    # The two letters were received 40 days back through the action, audited on that day.
    old = Grievance.objects.filter(channel__in=("portal", "letter")).order_by("id")
    assert [(g.channel, g.received_on) for g in old] == [
        ("portal", date(2026, 10, 24)),
        ("letter", date(2026, 10, 24)),
    ]
    received = AuditEvent.objects.filter(
        object_type="grievance", object_id__in=[str(g.pk) for g in old], action="create"
    )
    assert sorted(e.at.date() for e in received) == [date(2026, 10, 24)] * 2
    with time_machine.travel(DEMO_TODAY, tick=False):
        events = AuditEvent.objects.count()
        assert seed_demo() == 0
        assert AuditEvent.objects.count() == events
