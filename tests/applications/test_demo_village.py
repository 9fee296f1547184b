"""The demo village (福湖社区) has the assistant's own cases on first login: one 低保 application
at each step — approved and enrolled, in 公示, at 核对, at 入户调查, refused — and a household
change waiting for the county; 救助申请 and 家庭变更申请 were empty for `assistant_fuhu`."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from minzheng.core.idnumber import check_digit
from tests.conftest import PASSWORD, _household

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
SURNAMES = "王李张刘陈杨"


def _id(born: date, serial: int) -> str:
    first17 = f"330203{born:%Y%m%d}{serial:03d}"
    return first17 + check_digit(first17)


@pytest.fixture
def fuhu_six_families(regions: None) -> None:
    """The demo's staff and six two-person families in 福湖社区."""
    from minzheng.demo import ensure_demo_staff

    ensure_demo_staff()
    for n, surname in enumerate(SURNAMES):
        address = f"海曙区南门街道福湖社区柳汀街{n + 1}号"
        _household(
            "330203001001",
            address,
            [
                (
                    f"{surname}建国",
                    _id(date(1970, 1, n + 1), 11 + 2 * n),
                    "head",
                    date(1970, 1, n + 1),
                    "",
                ),
                (
                    f"{surname}秀英",
                    _id(date(1972, 2, n + 1), 22 + 2 * n),
                    "spouse",
                    date(1972, 2, n + 1),
                    "",
                ),
            ],
        )


def test_the_village_seed_leaves_an_application_at_every_step(fuhu_six_families: None) -> None:
    from minzheng.applications.demo import seed_demo
    from minzheng.applications.models import Application
    from minzheng.assistance.models import Enrolment
    from minzheng.registry.models import ChangeRequest

    with time_machine.travel(DEMO_TODAY, tick=False):
        report = seed_demo()
        again = seed_demo()  # a second demo start adds nothing
    assert (report.applications, report.change_requests) == (5, 1)
    assert (again.applications, again.change_requests) == (0, 0)
    steps = Counter(Application.objects.values_list("step", flat=True))
    assert steps == {
        "approved": 1,
        "public_notice": 1,
        "verification": 1,
        "visit": 1,
        "refused": 1,
    }
    approved = Application.objects.get(step="approved")
    enrolment = Enrolment.objects.get(household=approved.household, programme="dibao")
    assert enrolment.status == "active" and enrolment.start_month == date(
        2026, 12, 1
    )  # approved in November
    change = ChangeRequest.objects.get()
    assert change.status == "pending" and change.household.region_id == "330203001001"

    client = Client()
    assert client.login(username="assistant_fuhu", password=PASSWORD)
    queue = client.get("/applications/").content.decode()
    assert "暂无待办" not in queue
    assert queue.count("/applications/") > 3
    changes = client.get("/registry/change-requests/").content.decode()
    assert "原户主入住养老机构" in changes or f"/registry/change-requests/{change.pk}/" in changes
