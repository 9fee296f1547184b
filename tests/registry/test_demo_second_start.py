"""A second `minzheng demo` start on the same database adds nothing: today's month's rolls,
made by the replay and left for the approvers, are not made again (the replay re-made all ten
counties' on every start, each with a job, a roll and their audit events), and a month's
高龄津贴 run the demo has done is not run again (a past month's run re-enrolled the dead whose
enrolments the current month's run had ended, for that run to end them again)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minzheng.assistance.models import Enrolment
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from minzheng.eldercare.demo import enrol_allowances_once
from minzheng.payments.models import Roll
from minzheng.regions.models import Region
from minzheng.registry.year import MonthReport, make_roll
from tests.conftest import FUHU_HEADS, enrolled_fuhu_heads
from tests.eldercare.conftest import elders_fuhu, parameters  # noqa: F401 — fixtures, by name

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_todays_month_roll_is_made_once(regions: None, approver_haishu: Any) -> None:
    assert enrolled_fuhu_heads(FUHU_HEADS, YearMonth(2026, 10)) == 3
    haishu = Region.objects.get(pk="330203000000")
    with time_machine.travel(DEMO_TODAY, tick=False):
        first = MonthReport("2026-12")
        make_roll(haishu, YearMonth(2026, 12), first, approve=False)
        events = AuditEvent.objects.count()
        again = MonthReport("2026-12")
        make_roll(haishu, YearMonth(2026, 12), again, approve=False)
    assert (first.rolls, first.lines, again.rolls) == (1, 3, 0)
    roll = Roll.objects.get(county=haishu)
    assert (roll.status, roll.lines.count()) == (Roll.Status.DRAFT, 3)
    assert AuditEvent.objects.count() == events


def test_a_months_allowance_run_is_done_once(elders_fuhu: dict[str, Any]) -> None:  # noqa: F811
    with time_machine.travel(DEMO_TODAY, tick=False):
        assert enrol_allowances_once("330203000000", YearMonth(2026, 8)) is True
        events = AuditEvent.objects.count()
        assert enrol_allowances_once("330203000000", YearMonth(2026, 8)) is False
    assert AuditEvent.objects.count() == events
    assert Enrolment.objects.filter(programme="gaoling").count() == 4  # 福湖社区's four elderly
