"""南门街道's winter 大排摸 reaches 福湖社区, so the village assistant's 大排摸 is not empty: the
demo city gave the village nobody a rule picks, so 残联's report of a working-age resident's
二级肢体残疾 is recorded first (through the person action), then the township's campaign picks
him and the village assistant records the visit; a second run adds nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from minzheng.core.models import AuditEvent
from minzheng.outreach.demo import NANMEN_CAMPAIGN, seed_nanmen_campaign
from minzheng.outreach.models import Campaign, Target
from minzheng.registry.models import Person
from tests.conftest import PASSWORD, _household
from tests.eldercare.conftest import id_number

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def zhao_family_fuhu(regions: None) -> Any:
    """赵凯 (46) and his wife in 福湖社区, on no assistance, no disability recorded."""
    return _household(
        "330203001001",
        "海曙区南门街道福湖社区通途路397号",
        [
            ("赵凯", id_number("330203", date(1980, 9, 2), "013"), "head", date(1980, 9, 2), ""),
            (
                "王红",
                id_number("330203", date(1982, 1, 27), "024"),
                "spouse",
                date(1982, 1, 27),
                "",
            ),
        ],
    )


def test_the_village_assistant_finds_the_townships_campaign_and_its_visit(
    zhao_family_fuhu: Any, caseworker_nanmen: Any, assistant_fuhu: Any
) -> None:
    with time_machine.travel(DEMO_TODAY, tick=False):
        assert seed_nanmen_campaign() == 1
        events = AuditEvent.objects.count()
        assert seed_nanmen_campaign() == 0  # a second demo start adds nothing
        assert AuditEvent.objects.count() == events

    zhao = Person.objects.get(name="赵凯")
    assert (zhao.disability_category, zhao.disability_grade) == ("physical", 2)
    campaign = Campaign.objects.get()
    assert (campaign.name, campaign.region_id, campaign.started_on) == (
        NANMEN_CAMPAIGN,
        "330203001000",
        date(2026, 11, 12),  # 21 days before the demo's today
    )
    target = Target.objects.get()
    assert (target.person_id, target.reasons, target.assigned_to_id) == (
        zhao.pk,
        ["severe_disability"],
        assistant_fuhu.pk,
    )
    assert (target.outcome, target.visited_on) == ("referred", date(2026, 11, 17))
    visit = AuditEvent.objects.get(object_type="outreach_target")
    assert (visit.actor_id, visit.summary) == (assistant_fuhu.pk, "排摸走访：转介帮扶")

    client = Client()
    assert client.login(username="assistant_fuhu", password=PASSWORD)
    page = client.get("/outreach/").content.decode()
    assert "暂无大排摸" not in page and NANMEN_CAMPAIGN in page
    detail = client.get(f"/outreach/{campaign.pk}/").content.decode()
    assert "赵凯" in detail
