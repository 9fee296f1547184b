"""A 骗保 report about an enrolled household head brings its review forward to today; appeals are
recorded with their outcome."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.applications.models import ReviewTask
from minzheng.assistance.actions import do_enrol
from minzheng.core.clock import today
from minzheng.core.errors import ValidationFailed
from minzheng.core.yearmonth import YearMonth
from minzheng.grievances import actions
from minzheng.grievances.models import Appeal

pytestmark = pytest.mark.django_db


def test_a_fraud_report_opens_a_review_of_the_case_due_today(
    li_jianguo: Any, household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    enrolment = do_enrol(
        None,
        household=household_li_three_members,
        programme="dibao",
        start=YearMonth(2025, 1),
        amount=Decimal("1325.00"),
    )
    g = actions.do_receive(
        caseworker_nanmen,
        kind="fraud",
        channel="hotline",
        category="eligibility",
        content="举报李建国家新购小汽车一辆，仍在领取低保。",
        region=li_jianguo.region,
        subject_person=li_jianguo,
        complainant_name="匿名群众",
    )
    task = ReviewTask.objects.get(pk=g.review_task_id)
    assert task.enrolment_id == enrolment.pk and task.due_on == today()
    assert "新购小汽车" in task.note and g.subject_enrolment_id == enrolment.pk
    assert list(g.events.values_list("action", flat=True)) == ["received", "review_opened"]


def test_an_appeal_is_recorded_and_its_outcome_later(
    li_jianguo: Any, caseworker_nanmen: Any
) -> None:
    appeal = actions.do_record_appeal(
        caseworker_nanmen,
        kind="reconsideration",
        person=li_jianguo,
        decision="不予纳入低保边缘决定",
        body="海曙区人民政府",
        filed_on=date(2025, 11, 3),
    )
    assert appeal.outcome == "pending"
    with pytest.raises(ValidationFailed, match="决定日期应在申请日期与今天之间"):
        actions.do_record_appeal_outcome(
            caseworker_nanmen, appeal, outcome="upheld", decided_on=date(2025, 10, 1)
        )
    actions.do_record_appeal_outcome(
        caseworker_nanmen, appeal, outcome="revoked", decided_on=date(2025, 12, 20)
    )
    assert Appeal.objects.get().get_outcome_display() == "撤销原决定"
