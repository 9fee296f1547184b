"""Every integrity rule refuses with a clear Chinese reason and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.applications import actions
from minzheng.applications.models import Application, StepRecord
from minzheng.core.errors import NotFound, PermissionDenied
from minzheng.core.models import AuditEvent

from .conftest import at, walk_to_public_notice

pytestmark = pytest.mark.django_db


def _snapshot(app: Application) -> tuple[Any, ...]:
    app.refresh_from_db()
    return (app.step, app.step_due, StepRecord.objects.count(), AuditEvent.objects.count())


def test_an_illegal_transition_is_a_chinese_error_that_changes_nothing(
    application_li: Any, approver_haishu: Any
) -> None:
    before = _snapshot(application_li)
    with pytest.raises(actions.WorkflowRefused) as refused:
        actions.do_county_decide(approver_haishu, application_li, approve=True)
    assert refused.value.code == "illegal_transition"
    assert "当前环节为“入户调查”" in refused.value.message
    assert _snapshot(application_li) == before


def test_only_the_county_approves(application_li: Any, caseworker_nanmen: Any, clock: Any) -> None:
    app = walk_to_public_notice(application_li, caseworker_nanmen)
    clock.move_to(at(date(2020, 10, 2)))
    app = actions.do_close_public_notice(caseworker_nanmen, app)
    before = _snapshot(app)
    with pytest.raises(PermissionDenied, match="您的角色无权执行此操作"):
        actions.do_county_decide(caseworker_nanmen, app, approve=True)
    assert _snapshot(app) == before


def test_the_county_cannot_investigate(application_li: Any, approver_haishu: Any) -> None:
    with pytest.raises(actions.WorkflowRefused) as refused:
        actions.do_record_home_visit(
            approver_haishu, application_li, visited_on=date(2020, 9, 25), notes="入户"
        )
    assert refused.value.code == "role_not_allowed"


def test_the_approver_cannot_be_the_investigator(
    application_li: Any, caseworker_nanmen: Any, clock: Any
) -> None:
    app = walk_to_public_notice(application_li, caseworker_nanmen)
    clock.move_to(at(date(2020, 10, 2)))
    app = actions.do_close_public_notice(caseworker_nanmen, app)
    # The investigator has since become the county's approver.
    caseworker_nanmen.role, caseworker_nanmen.region_id = "county_approver", "330203000000"
    caseworker_nanmen.save(update_fields=["role", "region"])
    caseworker_nanmen.refresh_from_db()
    before = _snapshot(app)
    with pytest.raises(actions.WorkflowRefused) as refused:
        actions.do_county_decide(caseworker_nanmen, app, approve=True)
    assert refused.value.code == "approver_is_investigator"
    assert refused.value.message == "审批人不能是本案的入户调查人"
    assert _snapshot(app) == before


def test_a_second_open_application_for_the_same_programme_is_refused(
    application_li: Any, caseworker_nanmen: Any
) -> None:
    count = Application.objects.count()
    with pytest.raises(actions.WorkflowRefused) as refused:
        actions.do_submit_application(
            caseworker_nanmen,
            applicant=application_li.applicant,
            programmes=["linshi", "dibao"],
            declared_income=Decimal("100"),
        )
    assert refused.value.code == "duplicate_open_application"
    assert f"已有未办结的低保申请（编号 {application_li.number}）" in refused.value.message
    assert Application.objects.count() == count


def test_another_programme_for_the_same_household_is_fine(
    application_li: Any, caseworker_nanmen: Any
) -> None:
    other = actions.do_submit_application(
        caseworker_nanmen,
        applicant=application_li.applicant,
        programmes=["linshi"],
        declared_income=Decimal("100"),
    )
    assert other.programmes == ["linshi"]


def test_a_staff_relative_is_registered_and_cannot_skip_the_visit(
    clock: Any,
    caseworker_nanmen: Any,
    township_head_nanmen: Any,
    household_li_three_members: Any,
    make_staff: Callable[..., Any],
    regions: None,
) -> None:
    from minzheng.applications.models import FastTrackPeriod

    FastTrackPeriod.objects.create(
        region_id="330203000000",
        starts_on=date(2020, 9, 1),
        ends_on=date(2020, 12, 31),
        reason="演练",
        created_by=caseworker_nanmen,
    )
    township_head_nanmen.display_name = "王科长"
    township_head_nanmen.save(update_fields=["display_name"])
    app = actions.do_submit_application(
        caseworker_nanmen,
        applicant=household_li_three_members.head,
        programmes=["dibao"],
        declared_income=Decimal("600"),
        staff_relative_name="王科长",
        staff_relation="外甥",
        consents_confirmed=True,
    )
    assert app.staff_relative and app.staff_relative_user == township_head_nanmen
    assert app.fast_track
    before = _snapshot(app)
    with pytest.raises(actions.WorkflowRefused) as refused:
        actions.do_defer_home_visit(caseworker_nanmen, app, reason="疫情期间")
    assert refused.value.code == "relative_needs_visit"
    assert _snapshot(app) == before


def test_verification_cannot_start_without_the_signed_consents(
    clock: Any, caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    app = actions.do_submit_application(
        caseworker_nanmen,
        applicant=household_li_three_members.head,
        programmes=["dibao"],
        declared_income=Decimal("600"),
    )
    with pytest.raises(actions.WorkflowRefused, match="尚未签署诚信承诺书和核对授权书"):
        actions.do_record_home_visit(
            caseworker_nanmen, app, visited_on=date(2020, 9, 25), notes="入户"
        )
    assert not app.visits.exists()
    actions.do_sign_consents(caseworker_nanmen, app, ip="10.1.1.1", confirmed_on_screen=True)
    app.refresh_from_db()
    assert app.pledge_ip == "10.1.1.1" and app.authorisation_signed_at is not None
    actions.do_record_home_visit(caseworker_nanmen, app, visited_on=date(2020, 9, 25), notes="入户")
    app.refresh_from_db()
    assert app.step == "verification"


def test_another_countys_staff_cannot_see_or_move_the_case(
    application_li: Any, caseworker_xiaying: Any, approver_yinzhou: Any
) -> None:
    with pytest.raises(NotFound, match="记录不存在或不在您的管辖范围内"):
        actions.do_record_home_visit(
            caseworker_xiaying, application_li, visited_on=date(2020, 9, 25), notes="入户"
        )
    assert not Application.objects.visible_to(approver_yinzhou).exists()


def test_the_notice_cannot_close_early(application_li: Any, caseworker_nanmen: Any) -> None:
    app = walk_to_public_notice(application_li, caseworker_nanmen)
    with pytest.raises(actions.WorkflowRefused, match="公示期至2020-10-02"):
        actions.do_close_public_notice(caseworker_nanmen, app)


def test_every_move_is_audited_with_the_region(application_li: Any) -> None:
    events = AuditEvent.objects.filter(object_type="application", object_id=str(application_li.pk))
    assert events.get().region_code == "330203001001"
