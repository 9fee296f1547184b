"""先行救助 (help first, verify after) under “三快一缓”, and the 45-working-day special case."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minzheng.applications import actions, rules
from minzheng.applications.models import Application, FastTrackPeriod, SmsMessage
from minzheng.assistance.actions import amount_for
from minzheng.assistance.models import Enrolment
from minzheng.assistance.queries import parameter_set
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions import do_decide_temporary_case
from minzheng.payments.models import TemporaryCase

from .conftest import at, walk_to_public_notice

pytestmark = pytest.mark.django_db

BANK = {"bank_name": "宁波银行", "account_number": "6222021234567890123"}


@pytest.fixture
def fast_track_haishu(clock: Any, caseworker_nanmen: Any) -> FastTrackPeriod:
    return FastTrackPeriod.objects.create(
        region_id="330203000000",
        starts_on=date(2020, 9, 1),
        ends_on=date(2020, 12, 31),
        reason="疫情防控",
        created_by=caseworker_nanmen,
    )


def _grant(caseworker: Any, app: Application, **kw: Any) -> Application:
    return actions.do_grant_advance_aid(
        caseworker,
        app,
        reason="外来务工人员，停工无收入",
        **{"temporary": True, "enrol": True, **BANK, **kw},
    )


def test_granted_under_fast_track_before_the_visit(
    fast_track_haishu: Any,
    application_li: Application,
    caseworker_nanmen: Any,
    approver_haishu: Any,
) -> None:
    app = _grant(caseworker_nanmen, application_li)
    assert app.advance_aid and app.step == "visit"  # the investigation continues
    case = TemporaryCase.objects.get(pk=app.advance_temporary_case_id)
    assert case.amount == Decimal("1000.00") and case.status == "draft"
    assert "先行救助" in case.reason
    # its own maker-checker: the county approves it, the maker cannot
    assert do_decide_temporary_case(approver_haishu, case, approve=True).status == "approved"
    provisional = Enrolment.objects.get(source_application_id=app.pk, programme="dibao")
    assert provisional.start_month == date(2020, 10, 1)
    assert provisional.decision["provisional"] is True
    assert "先行救助" in SmsMessage.objects.latest("id").body
    assert AuditEvent.objects.filter(
        object_type="application", summary__startswith="先行救助"
    ).exists()
    parameter = rules.policy_amount(
        "advance_aid.temporary_amount", parameter_set("330203", date(2020, 9, 25))
    )
    assert parameter.illustrative and parameter.confidence == "NF"


def test_refused_outside_the_fast_track(
    application_li: Application, caseworker_nanmen: Any
) -> None:
    with pytest.raises(actions.WorkflowRefused) as refused:
        _grant(caseworker_nanmen, application_li)
    assert refused.value.code == "not_fast_track"
    application_li.refresh_from_db()
    assert not application_li.advance_aid
    assert not TemporaryCase.objects.exists() and not Enrolment.objects.exists()


def test_refused_for_a_staff_relative(
    fast_track_haishu: Any, caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    app = actions.do_submit_application(
        caseworker_nanmen,
        applicant=household_li_three_members.head,
        programmes=["dibao"],
        declared_income=Decimal("600"),
        staff_relative_name="王科长",
        staff_relation="外甥",
        consents_confirmed=True,
    )
    with pytest.raises(actions.WorkflowRefused) as refused:
        _grant(caseworker_nanmen, app)
    assert refused.value.code == "relative_needs_visit"
    assert not TemporaryCase.objects.exists() and not Enrolment.objects.exists()


def test_a_county_refusal_ends_the_provisional_enrolment_next_month(
    fast_track_haishu: Any,
    application_li: Application,
    caseworker_nanmen: Any,
    approver_haishu: Any,
    clock: Any,
) -> None:
    app = _grant(caseworker_nanmen, application_li, temporary=False)
    app = walk_to_public_notice(app, caseworker_nanmen)
    clock.move_to(at(date(2020, 10, 12)))
    app = actions.do_close_public_notice(caseworker_nanmen, app)
    app = actions.do_county_decide(approver_haishu, app, approve=False, reason="隐瞒车辆")
    provisional = Enrolment.objects.get(source_application_id=app.pk)
    assert provisional.status == "ended" and provisional.end_month == date(2020, 11, 1)
    assert amount_for(provisional, YearMonth(2020, 10)) is not None  # October was paid
    assert app.decision["provisional_ended"][0]["end"] == "2020-11"
    assert "2020-11起停止" in SmsMessage.objects.latest("id").body
    client = Client()
    client.force_login(approver_haishu)
    pdf = client.get(f"/applications/{app.pk}/refusal.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_approval_keeps_the_provisional_enrolment(
    fast_track_haishu: Any,
    application_li: Application,
    caseworker_nanmen: Any,
    approver_haishu: Any,
    clock: Any,
) -> None:
    app = _grant(caseworker_nanmen, application_li, temporary=False)
    app = walk_to_public_notice(app, caseworker_nanmen)
    clock.move_to(at(date(2020, 10, 12)))
    app = actions.do_close_public_notice(caseworker_nanmen, app)
    app = actions.do_county_decide(approver_haishu, app, approve=True)
    enrolment = Enrolment.objects.get(source_application_id=app.pk)  # only one, not two
    assert enrolment.status == "active" and enrolment.start_month == date(2020, 10, 1)
    assert app.decision["enrolled"][0]["confirmed_provisional"] is True


def test_marked_cases_on_the_queue_and_the_case_page(
    fast_track_haishu: Any, application_li: Application, caseworker_nanmen: Any
) -> None:
    client = Client()
    client.force_login(caseworker_nanmen)
    page = client.get(f"/applications/{application_li.pk}/").content.decode()
    assert "do-advance-aid" in page
    _grant(caseworker_nanmen, application_li)
    page = client.get(f"/applications/{application_li.pk}/").content.decode()
    assert 'id="advance-aid-tag"' in page and "do-advance-aid" not in page
    queue = client.get("/applications/").content.decode()
    assert 'id="advance-aid-count"' in queue and "先行救助</span>" in queue


def test_visit_after_check_is_only_a_reordering(
    fast_track_haishu: Any, application_li: Application, caseworker_nanmen: Any
) -> None:
    app = actions.do_defer_home_visit(caseworker_nanmen, application_li, reason="隔离期间")
    assert app.visit_deferred and not app.advance_aid
    assert rules.TRANSITIONS[rules.Move.DEFER_VISIT].label == "先核对，入户后补"


def test_special_case_extends_the_limit_to_45_working_days(
    application_li: Application, caseworker_nanmen: Any
) -> None:
    assert application_li.limit_due == rules.add_working_days(date(2020, 9, 25), 30).on
    with pytest.raises(Exception, match="理由"):
        actions.do_extend_limit(caseworker_nanmen, application_li, reason=" ")
    app = actions.do_extend_limit(caseworker_nanmen, application_li, reason="申请人住院，无法入户")
    assert app.special_case and app.special_case_reason == "申请人住院，无法入户"
    assert app.limit_due == rules.add_working_days(date(2020, 9, 25), 45).on
    assert app.step_due == rules.add_working_days(date(2020, 10, 22), 15).on
    record = app.steps.get(step="visit")
    assert record.due_on == app.step_due and "特殊情况" in record.deadline_basis
    with pytest.raises(actions.WorkflowRefused, match="本案已按特殊情况延长"):
        actions.do_extend_limit(caseworker_nanmen, app, reason="再次")


def test_the_api_carries_the_marks(
    fast_track_haishu: Any, application_li: Application, caseworker_nanmen: Any
) -> None:
    _grant(caseworker_nanmen, application_li)
    client = Client()
    client.force_login(caseworker_nanmen)
    row = client.get(f"/api/v1/applications/{application_li.pk}").json()
    assert row["advance_aid"] is True and row["spot_check"] is False
    assert row["limit_due"] == rules.add_working_days(date(2020, 9, 25), 30).on.isoformat()
