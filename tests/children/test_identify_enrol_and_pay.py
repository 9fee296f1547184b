"""A child whose parents died is found in the registry, applies through her grandmother, passes the
township review and the county approval, and the monthly roll pays her allowance from the next
month; her allowance stops after the month she turns 18."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from minzheng.assistance.models import Enrolment
from minzheng.children import actions
from minzheng.children.models import ChildCase
from minzheng.core.clock import today
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.jobs import run_roll
from minzheng.payments.models import PaymentLine
from minzheng.registry.models import IdentityTag

from .conftest import person

pytestmark = pytest.mark.django_db


def enrolled_case(caseworker: Any, approver: Any) -> ChildCase:
    assert actions.do_identify_children(caseworker, caseworker) == 1
    case = ChildCase.objects.get()
    case = actions.do_apply(caseworker, case, guardian_name="张桂芳", guardian_relation="祖母")
    case = actions.do_review(caseworker, case, approve=True)
    return actions.do_decide(approver, case, approve=True)


def test_the_registry_finds_the_orphan_and_a_second_run_finds_no_one_new(
    household_li_orphan: Any, caseworker_nanmen: Any
) -> None:
    assert actions.do_identify_children(caseworker_nanmen, caseworker_nanmen) == 1
    case = ChildCase.objects.get()
    assert case.child.name == "李小雨"
    assert (case.category, case.status) == ("scattered_orphan", "identified")
    assert (case.father_situation, case.mother_situation) == ("dead", "dead")
    assert case.decision["summary"] == "认定为社会散居孤儿"
    assert actions.do_identify_children(caseworker_nanmen, caseworker_nanmen) == 0


def test_a_caseworker_of_another_county_finds_nothing(
    household_li_orphan: Any, caseworker_xiaying: Any
) -> None:
    assert actions.do_identify_children(caseworker_xiaying, caseworker_xiaying) == 0


def test_the_approved_child_is_paid_by_the_roll_from_next_month(
    household_li_orphan: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    case = enrolled_case(caseworker_nanmen, approver_haishu)
    assert case.status == "enrolled" and case.monthly_amount == Decimal("1600.00")
    enrolment = Enrolment.objects.get(pk=case.enrolment_id)
    start = YearMonth.of(today()) + 1
    born = person("李小雨").birth_date
    assert enrolment.programme == "ertong" and enrolment.person_id == person("李小雨").pk
    assert enrolment.start_month == start.first_day()
    assert enrolment.end_month == (YearMonth(born.year + 18, born.month) + 1).first_day()
    assert IdentityTag.objects.filter(person=person("李小雨"), tag="orphan").count() == 1

    run_roll("330203", start)
    line = PaymentLine.objects.get(source="e", source_id=enrolment.pk, kind="benefit")
    assert line.amount_fen == 160000 and line.programme == "ertong"
    assert line.payee_id == person("李小雨").pk


def test_the_roll_stops_after_the_eighteenth_birthday_month_and_the_case_ends(
    household_li_orphan: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    case = enrolled_case(caseworker_nanmen, approver_haishu)
    enrolment = Enrolment.objects.get(pk=case.enrolment_id)
    end = YearMonth.of(enrolment.end_month)  # type: ignore[arg-type]
    run_roll("330203", end - 1)
    run_roll("330203", end)
    paid = set(
        PaymentLine.objects.filter(source_id=enrolment.pk, kind="benefit").values_list(
            "month", flat=True
        )
    )
    assert (end - 1).first_day() in paid and end.first_day() not in paid

    assert actions.do_end_aged_out(None, end.first_day()) == 1
    case.refresh_from_db()
    enrolment.refresh_from_db()
    assert (case.status, enrolment.status) == ("ended", "ended")


def test_full_time_education_moves_the_end_month(
    household_li_orphan: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    case = enrolled_case(caseworker_nanmen, approver_haishu)
    born = person("李小雨").birth_date
    until = born.replace(year=born.year + 19, month=6, day=30)
    actions.do_record_education(caseworker_nanmen, case, until=until)
    enrolment = Enrolment.objects.get(pk=case.enrolment_id)
    assert enrolment.end_month == until.replace(month=7, day=1)


def test_only_the_county_approves_and_a_refusal_needs_a_reason(
    household_li_orphan: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    actions.do_identify_children(caseworker_nanmen, caseworker_nanmen)
    case = ChildCase.objects.get()
    case = actions.do_apply(
        caseworker_nanmen, case, guardian_name="张桂芳", guardian_relation="祖母"
    )
    case = actions.do_review(caseworker_nanmen, case, approve=True)
    with pytest.raises(PermissionDenied, match="您的角色无权执行此操作"):
        actions.do_decide(caseworker_nanmen, case, approve=True)
    with pytest.raises(ValidationFailed, match="不予认定须填写理由"):
        actions.do_decide(approver_haishu, case, approve=False)
    case.refresh_from_db()
    assert case.status == "reviewed" and not Enrolment.objects.exists()
    events = AuditEvent.objects.filter(object_type="child_case").values_list("summary", flat=True)
    assert "乡镇审核通过：认定为社会散居孤儿" in list(events)


def test_a_window_registration_of_an_unsupported_child(
    household_li_orphan: Any, caseworker_nanmen: Any
) -> None:
    from minzheng.registry.models import Person

    Person.objects.filter(name__in=["李志强", "陈美华"]).update(date_of_death=None)
    case = actions.do_register_child_case(
        caseworker_nanmen,
        child_id=person("李小雨").pk,
        father_situation="detained",
        father_months=14,
        mother_situation="lost_contact",
        mother_months=8,
    )
    assert case.category == "unsupported" and case.source == "window"
    with pytest.raises(ValidationFailed, match="已有在办或在保"):
        actions.do_register_child_case(
            caseworker_nanmen,
            child_id=person("李小雨").pk,
            father_situation="dead",
            mother_situation="dead",
        )
    with pytest.raises(ValidationFailed, match="超过保障年龄"):
        actions.do_register_child_case(
            caseworker_nanmen,
            child_id=person("张桂芳").pk,
            father_situation="present",
            mother_situation="present",
        )


def test_the_registry_reads_each_parents_situation_and_links_the_parents(
    household_li_orphan: Any, caseworker_nanmen: Any
) -> None:
    """The father alive with a grade-1 disability certificate, the mother dead: the case names
    both parents, each with their own situation."""
    from minzheng.registry.models import Person

    Person.objects.filter(name="李志强").update(date_of_death=None, disability_grade=1)
    assert actions.do_identify_children(caseworker_nanmen, caseworker_nanmen) == 1
    case = ChildCase.objects.get()
    assert (case.child.name, case.father.name, case.mother.name) == ("李小雨", "李志强", "陈美华")
    assert (case.father_situation, case.mother_situation) == ("severe_disability", "dead")
    assert (case.category, case.household_id, case.region_id) == (
        "unsupported",
        household_li_orphan.pk,
        "330203001001",
    )
    event = AuditEvent.objects.get(object_type="child_case")
    assert (event.person_id, event.summary) == (
        case.child_id,
        f"比对发现：{case.decision['summary']}",
    )
    # Both parents present: no one to find.
    Person.objects.filter(name="陈美华").update(date_of_death=None)
    Person.objects.filter(name="李志强").update(disability_grade=None)
    ChildCase.objects.all().delete()
    assert actions.do_identify_children(caseworker_nanmen, caseworker_nanmen) == 0
