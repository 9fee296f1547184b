"""特困 procedure (policy §3): county spot checks ≥ 30 %, a 7-day notice before ending; 渐退期."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minzheng.applications import actions, rules
from minzheng.applications.models import Application, ReviewTask
from minzheng.assistance.actions import amount_for, do_enrol
from minzheng.assistance.models import Enrolment
from minzheng.assistance.queries import parameter_set
from minzheng.core.errors import ValidationFailed
from minzheng.core.yearmonth import YearMonth
from tests.conftest import _household

from .conftest import at, walk_to_public_notice

pytestmark = pytest.mark.django_db


def test_the_draw_never_falls_below_the_ratio(regions: None) -> None:
    drawn = 0
    for total in range(50):
        if rules.spot_check_due(drawn, total, 0.30):
            drawn += 1
        assert drawn >= 0.30 * (total + 1)
    assert drawn == 15  # exactly ceil(30 % of 50)
    # Before 2021-07-01 the 特困 ratio of 民发〔2016〕178号 was not seen: labelled illustrative
    # (the old row cited 民发〔2012〕220号第26条, which is the 低保 spot check, not 特困).
    before = rules.policy_amount(
        "tekun.spot_check_ratio", parameter_set("330203", date(2020, 9, 25))
    )
    assert before.value == "0.30" and before.confidence == "NF" and before.illustrative
    after = rules.policy_amount("tekun.spot_check_ratio", parameter_set("330203", date(2021, 9, 1)))
    assert after.value == "0.30" and after.confidence == "A" and "民发〔2021〕43号" in after.source


def _tekun_at_county(
    household: Any, caseworker: Any, clock: Any, day: date = date(2020, 9, 25)
) -> Application:
    clock.move_to(at(day))
    app = actions.do_submit_application(
        caseworker,
        applicant=household.head,
        programmes=["tekun"],
        declared_income=Decimal("600"),
        consents_confirmed=True,
    )
    app = walk_to_public_notice(app, caseworker)
    clock.move_to(at(date(2020, 10, 12)))
    return actions.do_close_public_notice(caseworker, app)


@pytest.fixture
def household_sun_alone(regions: None) -> Any:
    """孙桂兰, 79, alone in 福湖社区 with no legal supporter registered (李建国's household has an
    adult son who can support him, so since issue #11 it is no 特困 case)."""
    return _household(
        "330203001001",
        "海曙区南门街道福湖社区柳汀街3号",
        [("孙桂兰", "330203194103052341", "head", date(1941, 3, 5), "")],
    )


def test_a_drawn_tekun_case_needs_the_spot_check_before_approval(
    clock: Any, household_sun_alone: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    app = _tekun_at_county(household_sun_alone, caseworker_nanmen, clock)
    assert app.spot_check and app.spot_check_pending  # the county's first 特困 case is drawn
    client = Client()
    client.force_login(approver_haishu)
    queue = client.get("/applications/").content.decode()
    assert 'id="spot-check-count"' in queue and "<strong>1</strong>" in queue
    assert "抽查</span>" in queue
    with pytest.raises(actions.WorkflowRefused) as refused:
        actions.do_county_decide(approver_haishu, app, approve=True)
    assert refused.value.code == "spot_check_pending"
    with pytest.raises(ValidationFailed, match="抽查日期不能晚于今天"):
        actions.do_record_spot_check(
            approver_haishu, app, visited_on=date(2020, 10, 13), note="明天"
        )
    actions.do_record_spot_check(
        approver_haishu, app, visited_on=date(2020, 10, 12), note="入户核实，独居无收入"
    )
    app = actions.do_county_decide(approver_haishu, app, approve=True)
    assert app.step == "approved"
    queue = client.get("/applications/").content.decode()
    assert "<strong>0</strong>" in queue


def test_non_tekun_cases_are_not_drawn(
    application_li: Application, caseworker_nanmen: Any, clock: Any
) -> None:
    app = walk_to_public_notice(application_li, caseworker_nanmen)
    clock.move_to(at(date(2020, 10, 12)))
    app = actions.do_close_public_notice(caseworker_nanmen, app)
    assert not app.spot_check


@pytest.fixture
def tekun_task(clock: Any, household_li_three_members: Any) -> ReviewTask:
    clock.move_to(at(date(2021, 8, 2)))
    enrolment = do_enrol(
        None,
        household=household_li_three_members,
        programme="tekun",
        start=YearMonth(2021, 9),
        amount=Decimal("1300"),
        person=household_li_three_members.head,
    )
    task = actions.schedule_review(enrolment)
    assert task is not None
    return task


def test_ending_tekun_goes_through_a_7_day_notice(
    tekun_task: ReviewTask, caseworker_nanmen: Any, clock: Any
) -> None:
    clock.move_to(at(date(2021, 10, 12)))
    with pytest.raises(actions.WorkflowRefused) as refused:
        actions.do_complete_review(caseworker_nanmen, tekun_task, outcome="exit", note="有赡养人")
    assert refused.value.code == "termination_notice_required"
    task = actions.do_start_termination_notice(caseworker_nanmen, tekun_task, note="女儿返乡赡养")
    assert task.termination_notice_ends_on == date(2021, 10, 19)
    clock.move_to(at(date(2021, 10, 18)))
    with pytest.raises(actions.WorkflowRefused) as refused:
        actions.do_complete_review(caseworker_nanmen, task, outcome="exit", note="有赡养人")
    assert refused.value.code == "termination_notice_running"
    clock.move_to(at(date(2021, 10, 19)))
    actions.do_complete_review(caseworker_nanmen, task, outcome="exit", note="公示无异议")
    enrolment = Enrolment.objects.get(pk=task.enrolment_id)
    assert enrolment.status == "ended" and enrolment.end_month == date(2021, 11, 1)


def test_the_termination_notice_form_is_on_the_review_page(
    tekun_task: ReviewTask, caseworker_nanmen: Any, clock: Any
) -> None:
    client = Client()
    client.force_login(caseworker_nanmen)
    url = f"/applications/reviews/{tekun_task.pk}/"
    assert "do-termination-notice" in client.get(url).content.decode()
    response = client.post(url, {"action": "termination_notice", "note": "女儿返乡赡养"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "终止公示" in page and "do-termination-notice" not in page


def test_gradual_exit_shows_the_exit_period_and_keeps_paying(
    clock: Any, household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    clock.move_to(at(date(2021, 8, 2)))
    enrolment = do_enrol(
        None,
        household=household_li_three_members,
        programme="dibao",
        start=YearMonth(2021, 9),
        amount=Decimal("1650"),
    )
    task = actions.schedule_review(enrolment)
    assert task is not None
    actions.do_complete_review(caseworker_nanmen, task, outcome="gradual_exit", note="儿子就业")
    enrolment.refresh_from_db()
    assert enrolment.status == "gradual_exit" and enrolment.end_month == date(2022, 3, 1)
    assert amount_for(enrolment, YearMonth(2022, 2)) == Decimal("1650.00")
    client = Client()
    client.force_login(caseworker_nanmen)
    page = client.get(f"/applications/reviews/{task.pk}/").content.decode()
    assert "渐退期，发放至 2022-02" in page
