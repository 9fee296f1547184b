"""The demo's city dashboard shows the children's and old-age allowances and the month's warnings
from the demo's own months: 困境儿童基本生活费人数, 高龄津贴人数 and 新增预警 were 0 on first login."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from minzheng.assistance.models import Enrolment
from minzheng.core.yearmonth import YearMonth
from minzheng.monitoring.models import Warning
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TODAY = datetime(2020, 10, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
LAST_MONTH = YearMonth(2020, 9)


@pytest.fixture
def demo_city(regions: None) -> None:
    """The `test`-scale synthetic Ningbo, the demo's staff, 24 enrolled 低保 households, and a
    福湖社区 family whose two parents the children's demo records as dead."""
    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.demo import ensure_demo_staff
    from minzheng.registry.seed import seed_registry
    from minzheng.verification.demo import enrol_sample, enrolled_households
    from tests.conftest import _household

    do_load_parameter_catalog(None)
    seed_registry("test", 7)
    ensure_demo_staff()
    enrol_sample(24 - len(enrolled_households(LAST_MONTH)), LAST_MONTH - 6)
    _household(
        "330203001001",
        "海曙区南门街道福湖社区柳汀街8号",
        [
            ("李志强", "330203198503031235", "head", date(1985, 3, 3), ""),
            ("陈美华", "330203198707072341", "spouse", date(1987, 7, 7), ""),
            ("李小雨", "330203201404160025", "child", date(2014, 4, 16), ""),
        ],
    )


def _card(page: str, name: str) -> int:
    match = re.search(
        rf'<div class="card-label">{name}</div><div class="card-value">([\d,]+)</div>', page
    )
    assert match, name
    return int(match.group(1).replace(",", ""))


def test_the_city_dashboard_counts_the_demo_allowances_and_warnings(demo_city: None) -> None:
    from minzheng.demo import seed_allowances_before_history
    from minzheng.verification.demo import seed_recent_monitoring

    with time_machine.travel(TODAY, tick=False):
        seed_allowances_before_history()
        raised = seed_recent_monitoring()
        assert seed_recent_monitoring() == 0  # a second demo start adds nothing
        client = Client()
        assert client.login(username="city_admin", password=PASSWORD)
        page = client.get("/statistics/").content.decode()
    elders = Enrolment.objects.filter(programme="gaoling", start_month=date(2020, 6, 1)).count()
    children = Enrolment.objects.filter(programme="ertong", start_month__lte=date(2020, 9, 1))
    warnings = Warning.objects.filter(month=date(2020, 9, 1)).count()
    assert elders > 0 and children.count() == 1 and raised == warnings > 0
    assert "2020-09" in page
    assert _card(page, "高龄津贴人数") == elders
    assert _card(page, "困境儿童基本生活费人数") == 1
    assert _card(page, "新增预警") == warnings
