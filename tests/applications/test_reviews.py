"""Reviews (复核) scheduled from parameters; continue, change, gradual exit, exit; exits held on the fast track."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minzheng.applications import actions, jobs
from minzheng.applications.models import FastTrackPeriod, ReviewTask, SmsMessage
from minzheng.assistance.actions import amount_for, do_enrol
from minzheng.assistance.models import Enrolment
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolment_li(clock: Any, household_li_three_members: Any) -> Enrolment:
    clock.move_to(at(date(2021, 8, 2)))
    return do_enrol(
        None,
        household=household_li_three_members,
        programme="dibao",
        start=YearMonth(2021, 9),
        amount=Decimal("1650"),
        decision={"income_variable": True},
    )


@pytest.fixture
def task_li(enrolment_li: Enrolment) -> ReviewTask:
    task = actions.schedule_review(enrolment_li)
    assert task is not None
    return task


def test_reviews_follow_the_dated_interval_for_the_household_type(
    task_li: ReviewTask, household_li_three_members: Any, clock: Any
) -> None:
    # Variable income, from 2021-07-01: every six months (民发〔2021〕57号第31条).
    assert task_li.due_on == date(2022, 3, 1)
    assert task_li.interval_version == "review.interval_months.variable@000000@2021-07-01"
    stable = do_enrol(
        None,
        household=household_li_three_members,
        programme="dibian",
        start=YearMonth(2021, 9),
        amount=Decimal("0"),
    )
    assert jobs.schedule_reviews() == 1
    assert ReviewTask.objects.get(enrolment=stable).due_on == date(2022, 9, 1)  # yearly


def test_continue_schedules_the_next_review(task_li: ReviewTask, caseworker_nanmen: Any) -> None:
    actions.do_complete_review(caseworker_nanmen, task_li, outcome="continue", note="无变化")
    task_li.refresh_from_db()
    assert task_li.status == "done" and task_li.outcome == "continue"
    assert ReviewTask.objects.filter(status="open").get().due_on == date(2022, 2, 2)


def test_change_amount_takes_effect_next_month(
    task_li: ReviewTask, enrolment_li: Enrolment, caseworker_nanmen: Any
) -> None:
    actions.do_complete_review(
        caseworker_nanmen, task_li, outcome="change", note="儿子收入增加", amount=Decimal("900")
    )
    assert amount_for(enrolment_li, YearMonth(2021, 8)) is None  # not yet started
    assert amount_for(enrolment_li, YearMonth(2021, 9)) == Decimal("900.00")


def test_gradual_exit_pays_the_grace_months(
    task_li: ReviewTask, enrolment_li: Enrolment, caseworker_nanmen: Any
) -> None:
    actions.do_complete_review(caseworker_nanmen, task_li, outcome="gradual_exit", note="儿子就业")
    enrolment_li.refresh_from_db()
    # 6 grace months (parameter gradual_exit.grace_months): paid to 2022-02, stops 2022-03.
    assert enrolment_li.end_month == date(2022, 3, 1)
    assert amount_for(enrolment_li, YearMonth(2022, 2)) == Decimal("1650.00")


def test_exit_takes_effect_next_month_with_a_notice(
    task_li: ReviewTask, enrolment_li: Enrolment, caseworker_nanmen: Any, clock: Any
) -> None:
    clock.move_to(at(date(2021, 10, 12)))
    actions.do_complete_review(caseworker_nanmen, task_li, outcome="exit", note="家庭收入超过标准")
    enrolment_li.refresh_from_db()
    assert enrolment_li.status == "ended" and enrolment_li.end_month == date(2021, 11, 1)
    assert "2021年11月起停止" in SmsMessage.objects.latest("id").body
    client = Client()
    client.force_login(caseworker_nanmen)
    pdf = client.get(f"/applications/reviews/{task_li.pk}/notice.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_exits_are_held_back_during_a_fast_track_period_and_the_refusal_is_recorded(
    task_li: ReviewTask, enrolment_li: Enrolment, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    actions.do_start_fast_track(
        approver_haishu,
        region_code="330203000000",
        starts_on=date(2021, 8, 1),
        ends_on=date(2021, 8, 31),
        reason="台风灾后",
    )
    for outcome in ("exit", "gradual_exit"):
        with pytest.raises(actions.WorkflowRefused) as refused:
            actions.do_complete_review(caseworker_nanmen, task_li, outcome=outcome, note="收入超标")
        assert refused.value.code == "exit_held_fast_track"
    enrolment_li.refresh_from_db()
    task_li.refresh_from_db()
    assert enrolment_li.status == "active" and enrolment_li.end_month is None
    assert task_li.status == "open" and "退出缓" in task_li.held_reason
    assert (
        AuditEvent.objects.filter(object_type="review_task", summary__contains="退出缓").count()
        == 2
    )


def test_the_fast_track_is_set_only_within_ones_scope(approver_yinzhou: Any, regions: None) -> None:
    from minzheng.core.errors import NotFound

    with pytest.raises(NotFound, match="区域不存在或不在您的管辖范围内"):
        actions.do_start_fast_track(
            approver_yinzhou,
            region_code="330203000000",
            starts_on=date(2020, 2, 1),
            ends_on=date(2020, 6, 30),
            reason="疫情",
        )
    assert not FastTrackPeriod.objects.exists()


def test_gradual_exit_of_a_dibian_enrolment_uses_the_dibian_period(
    clock: Any, household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    clock.move_to(at(date(2021, 8, 2)))
    dibian = do_enrol(
        None,
        household=household_li_three_members,
        programme="dibian",
        start=YearMonth(2021, 9),
        amount=Decimal("0"),
    )
    task = actions.schedule_review(dibian)
    assert task is not None
    actions.do_complete_review(caseworker_nanmen, task, outcome="gradual_exit", note="女儿就业")
    dibian.refresh_from_db()
    assert dibian.end_month == date(2022, 3, 1)  # 6 months of 低边 渐退, to 2022-02
    event = AuditEvent.objects.filter(object_type="enrolment").latest("id")
    assert "dibian.gradual_exit.grace_months@330200@2020-01-01" in event.summary
