"""身后一件事: one death, one case, every benefit closed and nothing left to recover."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.assistance.actions import do_enrol
from minzheng.civil import funeral, joint
from minzheng.civil.models import JointCase
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions import do_run_roll
from minzheng.payments.models import PaymentLine, TemporaryCase
from minzheng.registry.models import IdentityTag, Person

from .conftest import single_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def tekun_zhao(regions: None, parameters_loaded: None) -> Any:
    """赵德顺, 78, alone in 福湖社区: 特困 1325 yuan a month from 2020-01."""
    household = single_person("330203001001", "赵德顺", "330203194205061237", date(1942, 5, 6))
    IdentityTag.objects.create(
        person=household.head,
        tag="tekun",
        source="测试",
        valid_from=date(2020, 1, 1),
        region_id="330203001001",
    )
    return do_enrol(
        None,
        household=household,
        programme="tekun",
        start=YearMonth(2020, 1),
        amount=Decimal("1325.00"),
        person=household.head,
    )


def _items(case: JointCase) -> dict[str, str]:
    return {i.code: i.status for i in case.items.all()}


def test_a_death_reported_twice_opens_one_case(tekun_zhao: Any) -> None:
    zhao = tekun_zhao.person
    first = joint.open_after_death_case(zhao, date(2020, 2, 20), "police")
    second = joint.open_after_death_case(zhao, date(2020, 2, 20), "funeral")
    assert first.pk == second.pk
    assert JointCase.objects.count() == 1
    zhao.refresh_from_db()
    assert zhao.date_of_death == date(2020, 2, 20)


def test_benefits_stop_from_the_month_after_the_death(tekun_zhao: Any) -> None:
    case = joint.open_after_death_case(tekun_zhao.person, date(2020, 2, 20), "monitoring")
    tekun_zhao.refresh_from_db()
    assert (tekun_zhao.status, tekun_zhao.end_month) == ("ended", date(2020, 3, 1))
    assert _items(case)["stop_benefits"] == "done"
    do_run_roll(None, "330203", YearMonth(2020, 2))
    do_run_roll(None, "330203", YearMonth(2020, 3))
    assert [f"{x.month:%Y-%m}" for x in PaymentLine.objects.filter(kind="benefit")] == ["2020-02"]


def test_a_late_death_is_recovered_and_the_case_closes_with_nothing_left(
    tekun_zhao: Any, caseworker_nanmen: Any, funeral_home_ningbo: Any, cemetery_fuquan: Any
) -> None:
    for month in ("2020-01", "2020-02", "2020-03"):
        do_run_roll(None, "330203", YearMonth.parse(month))
    # Died on 15 January, reported by the family in April after three payments.
    zhao = tekun_zhao.person
    case = joint.open_after_death_case(zhao, date(2020, 1, 15), "family")
    for month in ("2020-04", "2020-05", "2020-06"):
        do_run_roll(None, "330203", YearMonth.parse(month))
    overpaid, left = joint.outstanding_overpayment_fen(zhao)
    assert (overpaid, left) == (265000, 0)  # February and March, 1325.00 each, all recovered

    funeral.do_record_cremation(
        caseworker_nanmen,
        deceased=zhao,
        funeral_home=funeral_home_ningbo,
        date_of_death=date(2020, 1, 15),
        cremated_on=date(2020, 1, 18),
    )
    funeral.do_record_burial(
        caseworker_nanmen,
        deceased=zhao,
        method="tree",
        buried_on=date(2020, 4, 4),
        cemetery=cemetery_fuquan,
        bank_name="宁波银行",
        account_number="6222021234567890",
    )
    case = joint.refresh_case(case)
    assert _items(case) == {
        "death_recorded": "done",
        "stop_benefits": "done",
        "recover_overpayment": "done",
        "funeral_waiver": "done",
        "burial_subsidy": "done",
        "household_change": "na",  # alone: no member change to make
        "notify_departments": "pending",
    }
    joint.do_notify_departments(caseworker_nanmen, case)
    case.refresh_from_db()
    assert case.status == "done"


def test_the_funeral_fee_is_waived_for_tekun_up_to_the_cap(
    tekun_zhao: Any, caseworker_nanmen: Any, funeral_home_ningbo: Any
) -> None:
    record = funeral.do_record_cremation(
        caseworker_nanmen,
        deceased=tekun_zhao.person,
        funeral_home=funeral_home_ningbo,
        date_of_death=date(2020, 2, 20),
        cremated_on=date(2020, 2, 22),
    )
    # Fee 1800.00, cap 1500.00 (illustrative parameter): 1500.00 waived.
    assert record.waived == Decimal("1500.00")
    assert record.waiver_reasons[0].startswith("身份特困人员")
    assert record.waiver_reasons[1] == "基本服务费1800.00元，减免上限1500.00元，减免1500.00元"
    assert JointCase.objects.get(person=tekun_zhao.person).source == "funeral"


def test_the_eco_burial_subsidy_becomes_a_payment_case_for_the_ledger(
    tekun_zhao: Any, caseworker_nanmen: Any
) -> None:
    burial = funeral.do_record_burial(
        caseworker_nanmen,
        deceased=tekun_zhao.person,
        method="sea",
        buried_on=date(2020, 4, 4),
        bank_name="宁波银行",
        account_number="6222021234567890",
    )
    payment = TemporaryCase.objects.get(pk=burial.payment_case_id)
    assert (burial.subsidy, payment.amount, payment.status) == (
        Decimal("3000.00"),
        Decimal("3000.00"),
        "draft",
    )


def test_the_household_change_is_submitted_for_a_member_of_a_family(
    household_li_three_members: Any, caseworker_nanmen: Any, parameters_loaded: None
) -> None:
    head = Person.objects.get(name="李建国")
    case = joint.open_after_death_case(head, date(2020, 2, 20), "family")
    change = joint.do_submit_household_change(caseworker_nanmen, case)
    assert change.payload["person_id"] == head.pk
    assert change.payload["new_head_id"] == Person.objects.get(name="王秀英").pk
    assert _items(joint.refresh_case(case))["household_change"] == "pending"


def test_the_checklist_names_the_stopped_benefit_in_chinese(tekun_zhao: Any) -> None:
    case = joint.open_after_death_case(tekun_zhao.person, date(2020, 2, 20), "monitoring")
    detail = case.items.get(code="stop_benefits").detail
    assert detail == f"自2020-03起停发：特困人员救助供养#{tekun_zhao.pk}"


def test_the_head_of_a_dibao_family_dies_and_the_case_opens(
    household_li_three_members: Any, parameters_loaded: None
) -> None:
    """The rules cannot evaluate a household without a head: the case opens (the demo seed
    stopped here with 家庭应有且只有一名申请人) and says the household waits for its new head."""
    enrolment = do_enrol(
        None,
        household=household_li_three_members,
        programme="dibao",
        start=YearMonth(2020, 1),
        amount=Decimal("750.00"),
    )
    head = Person.objects.get(name="李建国")
    head.date_of_death = date(2020, 2, 20)
    head.save(update_fields=["date_of_death"])
    case = joint.open_after_death_case(head, date(2020, 2, 20), "family")
    detail = case.items.get(code="stop_benefits").detail
    household = enrolment.household_id
    assert detail == f"家庭户{household}户主已故，待家庭成员变更确定新户主后重新核定"
    enrolment.refresh_from_db()
    assert enrolment.status == "active"  # the family's 低保 goes on for the living members
