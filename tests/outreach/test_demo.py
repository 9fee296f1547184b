"""The demo's campaign: targets in 海曙, a third of them visited, about one in ten newly covered;
started a month ago and each visit recorded through the visit action on its day, by the target's
village assistant (audited), not written into the rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minzheng.core.models import AuditEvent
from minzheng.outreach.demo import seed_demo
from minzheng.outreach.models import Campaign, Target

from .test_campaign import nanmen  # noqa: F401 — the fixture, by name

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_demo_runs_one_campaign_once(
    nanmen: dict[str, Any],  # noqa: F811
    approver_haishu: Any,
    assistant_fuhu: Any,
) -> None:
    with time_machine.travel(DEMO_TODAY, tick=False):
        assert seed_demo() == 4
        events = AuditEvent.objects.count()
        assert seed_demo() == 0
        assert AuditEvent.objects.count() == events  # a second run adds no audit event
    assert Campaign.objects.get().started_on == date(2026, 11, 3)
    visited = Target.objects.exclude(outcome="").order_by("id")
    assert [(t.outcome, t.visited_on) for t in visited] == [  # targets 1 and 4 of 4
        ("newly_covered", date(2026, 11, 4)),
        ("newly_covered", date(2026, 11, 5)),
    ]
    visits = AuditEvent.objects.filter(object_type="outreach_target").order_by("id")
    assert [(e.actor_id, e.at.date()) for e in visits] == [
        (assistant_fuhu.pk, date(2026, 11, 4)),
        (assistant_fuhu.pk, date(2026, 11, 5)),
    ]
