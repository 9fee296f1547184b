"""鄞州's approver finds applications on first login (issue #14): the demo carries 低保
applications in 鄞州's busiest village at every step — one approved by approver_yinzhou, one
waiting for them — and a household change waiting for them; a second run adds nothing, audit events included."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.conftest import FUHUI, PASSWORD, fuhui_families

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
YINZHOU = "330212000000"


@pytest.fixture
def city_with_fuhui(regions: None) -> None:
    """The test city, the demo's staff, and six families in 福晖新村社区."""
    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.demo import ensure_demo_staff
    from minzheng.registry.seed import seed_registry

    do_load_parameter_catalog(None)
    seed_registry("test", 7)
    ensure_demo_staff()
    fuhui_families()


def test_the_county_seed_leaves_an_application_at_every_step_for_yinzhou(
    city_with_fuhui: None,
) -> None:
    from minzheng.accounts.models import User
    from minzheng.applications.demo import seed_county
    from minzheng.applications.models import Application
    from minzheng.assistance.models import Enrolment
    from minzheng.core.models import AuditEvent
    from minzheng.registry.models import ChangeRequest

    with time_machine.travel(DEMO_TODAY, tick=False):
        report = seed_county(YINZHOU)
        events = AuditEvent.objects.count()
        again = seed_county(YINZHOU)
    assert (report.applications, report.change_requests) == (5, 1)
    assert (again.applications, again.change_requests) == (0, 0)
    assert AuditEvent.objects.count() == events
    assert Counter(Application.objects.values_list("step", flat=True)) == {
        "approved": 1,
        "county_approval": 1,
        "public_notice": 1,
        "verification": 1,
        "refused": 1,
    }
    assert set(Application.objects.values_list("household__region_id", flat=True)) == {FUHUI}
    approved = Application.objects.get(step="approved")
    approver = User.objects.get(username="approver_yinzhou")
    assert approved.decided_by == approver
    assert approved.submitted_on == date(2026, 10, 24)  # taken in 40 days before the demo's today
    enrolment = Enrolment.objects.get(household=approved.household, programme="dibao")
    assert (enrolment.status, enrolment.start_month) == ("active", date(2026, 12, 1))
    taker = approved.created_by
    assert (taker.role, taker.region_id, taker.has_usable_password()) == (
        "village_assistant",
        FUHUI,
        False,
    )  # the replay's account for the village: it acts, it cannot sign in
    change = ChangeRequest.objects.get()
    assert (change.status, change.household.region_id) == ("pending", FUHUI)

    client = Client()
    assert client.login(username="approver_yinzhou", password=PASSWORD)
    waiting = Application.objects.get(step="county_approval")
    queue = client.get("/applications/").content.decode()
    assert waiting.applicant.name == "吴海波"  # the second family: the plans go in turn
    assert "吴海波" in queue and "暂无" not in queue
    changes = client.get("/registry/change-requests/").content.decode()
    assert "原户主入住养老机构" in changes
