"""Marriage registration, the divorce through the cooling-off period, and what each changes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.assistance.models import EligibilityDecision
from minzheng.civil import marriage
from minzheng.civil.models import DivorceApplication, MarriageAppointment, PersonMaritalStatus
from minzheng.core.errors import ValidationFailed
from minzheng.core.yearmonth import YearMonth

pytestmark = pytest.mark.django_db

DOCS = {"id_cards_checked": True, "declaration_signed": True}


@pytest.fixture
def couple(household_li_three_members: Any, household_zhou_yinzhou: Any) -> tuple[Any, Any]:
    """李明 (海曙, b. 1980) and 周海燕 (鄞州, b. 1978) — registered in 海曙, nationwide service."""
    li_ming = marriage.person_by_id_number("330203198006204438")
    zhou = marriage.person_by_id_number("330227197809123320")
    return li_ming, zhou


@pytest.fixture
def married(approver_haishu: Any, office_haishu: Any, couple: Any, parameters_loaded: None) -> Any:
    return marriage.do_register_marriage(
        approver_haishu,
        office=office_haishu,
        party_a=couple[0],
        party_b=couple[1],
        on=date(2025, 6, 3),
        **DOCS,
    )


def _status(person: Any) -> str:
    return PersonMaritalStatus.objects.get(person=person).status


def test_a_marriage_gets_a_yearly_certificate_number_and_both_are_married(
    married: Any, couple: Any
) -> None:
    assert married.certificate_number == "J330203-2025-000001"
    assert [_status(p) for p in couple] == ["married", "married"]
    assert PersonMaritalStatus.objects.get(person=couple[0]).spouse == couple[1]


def test_a_married_person_cannot_marry_again(
    married: Any,
    approver_haishu: Any,
    office_haishu: Any,
    couple: Any,
    household_li_three_members: Any,
) -> None:
    wang = marriage.person_by_id_number("330203195203152346")
    with pytest.raises(ValidationFailed) as err:
        marriage.do_register_marriage(
            approver_haishu,
            office=office_haishu,
            party_a=couple[0],
            party_b=wang,
            on=date(2025, 7, 1),
            **DOCS,
        )
    assert err.value.code == "already_married"


def test_no_registration_without_the_signed_declaration(
    approver_haishu: Any, office_haishu: Any, couple: Any, parameters_loaded: None
) -> None:
    with pytest.raises(ValidationFailed) as err:
        marriage.do_register_marriage(
            approver_haishu,
            office=office_haishu,
            party_a=couple[0],
            party_b=couple[1],
            on=date(2025, 6, 3),
            id_cards_checked=True,
            declaration_signed=False,
        )
    assert err.value.code == "declaration_missing"
    assert not PersonMaritalStatus.objects.exists()


def test_one_party_withdraws_within_the_cooling_off_period(
    married: Any, approver_haishu: Any, office_haishu: Any, couple: Any
) -> None:
    application = marriage.do_receive_divorce_application(
        approver_haishu, office=office_haishu, marriage=married, on=date(2025, 9, 1), **DOCS
    )
    assert (application.cooling_off_last_day, application.certificate_last_day) == (
        date(2025, 10, 9),
        date(2025, 11, 10),
    )
    marriage.do_withdraw_divorce(
        approver_haishu, application, party=couple[1], on=date(2025, 10, 9)
    )
    application.refresh_from_db()
    assert application.status == DivorceApplication.Status.WITHDRAWN
    assert application.withdrawn_by == couple[1]
    assert [_status(p) for p in couple] == ["married", "married"]


def test_withdrawal_the_day_after_the_holiday_rollover_is_refused(
    married: Any, approver_haishu: Any, office_haishu: Any, couple: Any
) -> None:
    application = marriage.do_receive_divorce_application(
        approver_haishu, office=office_haishu, marriage=married, on=date(2025, 9, 1), **DOCS
    )
    with pytest.raises(ValidationFailed) as err:
        marriage.do_withdraw_divorce(
            approver_haishu, application, party=couple[0], on=date(2025, 10, 10)
        )
    assert err.value.code == "cooling_off_over"


def test_both_come_in_the_window_and_the_divorce_is_registered(
    married: Any, approver_haishu: Any, office_haishu: Any, couple: Any
) -> None:
    application = marriage.do_receive_divorce_application(
        approver_haishu, office=office_haishu, marriage=married, on=date(2025, 9, 1), **DOCS
    )
    with pytest.raises(ValidationFailed, match="冷静期至2025-10-09止，期满后方可申请发给离婚证"):
        marriage.do_issue_divorce_certificate(
            approver_haishu, application, on=date(2025, 10, 9), both_present=True, **DOCS
        )
    registration = marriage.do_issue_divorce_certificate(
        approver_haishu, application, on=date(2025, 11, 10), both_present=True, **DOCS
    )
    assert registration.certificate_number == "L330203-2025-000002"
    assert [_status(p) for p in couple] == ["divorced", "divorced"]


def test_nobody_comes_and_the_application_is_deemed_withdrawn_the_day_after_the_window(
    married: Any, approver_haishu: Any, office_haishu: Any
) -> None:
    application = marriage.do_receive_divorce_application(
        approver_haishu, office=office_haishu, marriage=married, on=date(2025, 9, 1), **DOCS
    )
    assert marriage.do_close_expired_divorces(date(2025, 11, 10)) == 0
    assert marriage.do_close_expired_divorces(date(2025, 11, 11)) == 1
    application.refresh_from_db()
    assert (application.status, application.closed_on) == ("deemed_withdrawn", date(2025, 11, 11))
    with pytest.raises(
        ValidationFailed, match="应于2025-11-10前申请发给离婚证，逾期未申请，视为撤回离婚登记申请"
    ):
        marriage.do_issue_divorce_certificate(
            approver_haishu, application, on=date(2025, 11, 11), both_present=True, **DOCS
        )


def test_reminders_go_to_both_parties_once_before_each_deadline(
    married: Any, approver_haishu: Any, office_haishu: Any
) -> None:
    marriage.do_receive_divorce_application(
        approver_haishu, office=office_haishu, marriage=married, on=date(2025, 9, 1), **DOCS
    )
    assert marriage.do_send_divorce_reminders(date(2025, 10, 5)) == 0  # 4 days before
    assert marriage.do_send_divorce_reminders(date(2025, 10, 6)) == 2  # 3 days before
    assert marriage.do_send_divorce_reminders(date(2025, 10, 7)) == 0  # already sent
    assert marriage.do_send_divorce_reminders(date(2025, 11, 7)) == 2


def test_a_marriage_re_evaluates_a_dibao_household(
    approver_haishu: Any,
    office_haishu: Any,
    couple: Any,
    parameters_loaded: None,
    household_li_three_members: Any,
) -> None:
    from minzheng.assistance.actions import do_enrol

    do_enrol(
        None,
        household=household_li_three_members,
        programme="dibao",
        start=YearMonth(2025, 1),
        amount=Decimal("750.00"),
    )
    marriage.do_register_marriage(
        approver_haishu,
        office=office_haishu,
        party_a=couple[0],
        party_b=couple[1],
        on=date(2025, 6, 3),
        **DOCS,
    )
    decided = EligibilityDecision.objects.get()
    assert (decided.household_id, decided.as_of) == (
        household_li_three_members.pk,
        date(2025, 6, 3),
    )


def test_a_marriage_is_registered_when_the_household_head_has_died_unreported(
    approver_haishu: Any,
    office_haishu: Any,
    couple: Any,
    parameters_loaded: None,
    household_li_three_members: Any,
) -> None:
    """李明's 低保 household lost its head (李建国) without anyone naming a new one: the rules
    cannot evaluate it, and that must not refuse 李明's marriage (the demo seed met this)."""
    from minzheng.assistance.actions import do_enrol

    do_enrol(
        None,
        household=household_li_three_members,
        programme="dibao",
        start=YearMonth(2025, 1),
        amount=Decimal("750.00"),
    )
    head = household_li_three_members.head
    head.date_of_death = date(2025, 3, 10)
    head.save(update_fields=["date_of_death"])
    registration = marriage.do_register_marriage(
        approver_haishu,
        office=office_haishu,
        party_a=couple[0],
        party_b=couple[1],
        on=date(2025, 6, 3),
        **DOCS,
    )
    assert registration.certificate_number == "J330203-2025-000001"
    assert [_status(p) for p in couple] == ["married", "married"]
    assert not EligibilityDecision.objects.exists()  # left for the caseworker


def test_the_last_place_in_a_slot_goes_to_one_booking_only(
    office_haishu: Any, couple: Any, household_li_three_members: Any
) -> None:
    from minzheng.civil.parameter_catalog import civil_parameters

    capacity, _ = civil_parameters("330203", date(2026, 3, 3)).integer(
        "civil.marriage.slot_capacity"
    )
    people = list(household_li_three_members.memberships.values_list("person", flat=True))
    assert capacity == 20
    from minzheng.registry.models import Person

    booker = Person.objects.get(pk=people[0])
    for _ in range(capacity):
        MarriageAppointment.objects.create(
            office=office_haishu,
            region_id="330203000000",
            day=date(2026, 3, 3),
            period="am",
            kind="marriage",
            booker=couple[1],
            partner_name="某",
            channel="window",
        )
    with pytest.raises(ValidationFailed) as err:
        marriage.do_book_appointment(
            office=office_haishu,
            day=date(2026, 3, 3),
            period="am",
            kind="marriage",
            booker=booker,
            partner_name="王某",
            today=date(2026, 3, 1),
        )
    assert err.value.code == "slot_full"
    ok = marriage.do_book_appointment(
        office=office_haishu,
        day=date(2026, 3, 3),
        period="pm",
        kind="marriage",
        booker=booker,
        partner_name="王某",
        today=date(2026, 3, 1),
    )
    assert ok.channel == "portal"


def test_no_booking_on_a_public_holiday(office_haishu: Any, couple: Any) -> None:
    with pytest.raises(ValidationFailed) as err:
        marriage.do_book_appointment(
            office=office_haishu,
            day=date(2026, 10, 1),
            period="am",
            kind="marriage",
            booker=couple[0],
            partner_name="周海燕",
            today=date(2026, 9, 20),
        )
    assert err.value.code == "closed"
    days = {s.day for s in marriage.open_slots(office_haishu, date(2026, 9, 28), 14)}
    assert date(2026, 10, 1) not in days and date(2026, 10, 8) in days


def test_the_daily_command_closes_expired_applications_and_rejects_a_bad_date(
    married: Any, approver_haishu: Any, office_haishu: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from minzheng.cli import main

    marriage.do_receive_divorce_application(
        approver_haishu, office=office_haishu, marriage=married, on=date(2025, 9, 1), **DOCS
    )
    assert main(["civil", "daily", "--date", "2025-11-11"]) == 0
    assert '"deemed_withdrawn": 1' in capsys.readouterr().out
    assert main(["civil", "daily", "--date", "11/11/2025"]) == 2
    assert "日期格式应为YYYY-MM-DD" in capsys.readouterr().err
