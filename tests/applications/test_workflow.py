"""A window application walks every step to approval; benefits start the next month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.applications import actions
from minzheng.applications.models import ApplicationProgramme, ReviewTask, SmsMessage
from minzheng.assistance.models import Enrolment
from minzheng.core.models import AuditEvent

from .conftest import at, walk_to_public_notice

pytestmark = pytest.mark.django_db


def test_a_window_application_is_accepted_at_once_with_the_township_deadline(
    application_li: Any,
) -> None:
    app = application_li
    assert app.channel == "window" and app.step == "visit"
    assert app.accepted_on == date(2020, 9, 25)
    assert app.step_due == date(2020, 10, 22)  # 15 working days across National Day
    # not 特困 (changed with issue #11): 李建国 lives with his adult son 李明, a capable supporter
    assert app.suggested == ["dibao"]
    assert [s.step for s in app.steps.all()] == ["submitted", "visit"]


def test_the_whole_walk_enrols_the_household_from_the_next_month(
    application_li: Any, caseworker_nanmen: Any, approver_haishu: Any, clock: Any
) -> None:
    app = walk_to_public_notice(application_li, caseworker_nanmen)
    assert app.step == "public_notice" and app.notice_ends_on == date(2020, 10, 2)
    clock.move_to(at(date(2020, 10, 2)))
    app = actions.do_close_public_notice(caseworker_nanmen, app)
    assert app.step == "county_approval" and app.step_due == date(2020, 10, 14)
    app = actions.do_county_decide(approver_haishu, app, approve=True)
    assert app.step == "approved"
    enrolment = Enrolment.objects.get(source_application_id=app.pk)
    assert enrolment.programme == "dibao"
    assert enrolment.start_month == date(2020, 11, 1)
    assert enrolment.amounts.get().amount == Decimal("1650.00")  # (750 − 200) × 3
    assert not ApplicationProgramme.objects.filter(is_open=True).exists()
    assert ReviewTask.objects.get(enrolment=enrolment).due_on == date(2021, 5, 1)  # every 6 months
    assert "已批准" in SmsMessage.objects.latest("id").body
    transitions = AuditEvent.objects.filter(object_type="application", action="transition")
    assert transitions.count() == 5  # visit, check, review, notice, approval


def test_objections_are_recorded_and_answered_before_the_notice_closes(
    application_li: Any, caseworker_nanmen: Any, clock: Any
) -> None:
    app = walk_to_public_notice(application_li, caseworker_nanmen)
    objection = actions.do_record_objection(
        caseworker_nanmen, app, objector="邻居张某", content="其子有稳定工作"
    )
    clock.move_to(at(date(2020, 10, 3)))
    with pytest.raises(actions.WorkflowRefused, match="1条异议未答复"):
        actions.do_close_public_notice(caseworker_nanmen, app)
    actions.do_answer_objection(
        caseworker_nanmen, objection, answer="经核实其子为灵活就业，收入已计入"
    )
    assert actions.do_close_public_notice(caseworker_nanmen, app).step == "county_approval"


def test_a_county_refusal_records_reasons_and_tells_the_applicant(
    application_li: Any, caseworker_nanmen: Any, approver_haishu: Any, clock: Any
) -> None:
    app = walk_to_public_notice(application_li, caseworker_nanmen)
    clock.move_to(at(date(2020, 10, 9)))
    app = actions.do_close_public_notice(caseworker_nanmen, app)
    app = actions.do_county_decide(approver_haishu, app, approve=False, reason="家庭存款超过规定")
    assert app.step == "refused" and app.refusal_reason == "家庭存款超过规定"
    refused = app.steps.get(step="refused")
    assert refused.due_on == date(2020, 10, 13)  # 3 working days: Sat 10th, 12th, 13th
    assert "不予批准" in SmsMessage.objects.latest("id").body
    assert not Enrolment.objects.exists()


def test_the_township_can_refuse_at_review(application_li: Any, caseworker_nanmen: Any) -> None:
    app = actions.do_record_home_visit(
        caseworker_nanmen, application_li, visited_on=date(2020, 9, 25), notes="已入户"
    ).application
    actions.do_record_verification(
        caseworker_nanmen, app, verified_income=Decimal("9000"), passed=False, note="工资收入较高"
    )
    app = actions.do_township_review(caseworker_nanmen, app, passed=False, note="收入超过标准")
    assert app.step == "refused"
    # the household may apply again once the case is closed
    again = actions.do_submit_application(
        caseworker_nanmen,
        applicant=app.applicant,
        programmes=["dibao"],
        declared_income=Decimal("300"),
    )
    assert again.step == "visit"


def test_approval_skips_programmes_the_checked_income_does_not_support(
    clock: Any, caseworker_nanmen: Any, approver_haishu: Any, household_li_three_members: Any
) -> None:
    app = actions.do_submit_application(
        caseworker_nanmen,
        applicant=household_li_three_members.head,
        programmes=["dibao", "dibian"],
        declared_income=Decimal("600"),
        consents_confirmed=True,
    )
    app = walk_to_public_notice(app, caseworker_nanmen)
    clock.move_to(at(date(2020, 10, 2)))
    app = actions.do_close_public_notice(caseworker_nanmen, app)
    app = actions.do_county_decide(approver_haishu, app, approve=True)
    assert [row["programme"] for row in app.decision["enrolled"]] == ["dibao"]
    assert [row["programme"] for row in app.decision["skipped"]] == ["dibian"]
