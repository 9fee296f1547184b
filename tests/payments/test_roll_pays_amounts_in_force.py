from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from minzheng.assistance.actions import do_change_enrolment_amount
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions import do_run_roll
from minzheng.payments.models import PaymentLine

from .conftest import enrol, lines_of

pytestmark = pytest.mark.django_db
MARCH = YearMonth(2020, 3)


def test_the_roll_pays_each_enrolment_the_amount_in_force_that_month(
    dibao_li: Any, tekun_zhao: Any
) -> None:
    do_change_enrolment_amount(
        None, dibao_li, month=MARCH, amount=Decimal("900.00"), reason="复核调整"
    )
    result = do_run_roll(None, "330203", MARCH)
    assert lines_of(roll=result.roll) == [
        ("benefit", "2020-03", str(dibao_li.pk), 90000),
        ("benefit", "2020-03", str(tekun_zhao.pk), 132500),
    ]
    tekun_line = PaymentLine.objects.get(source_id=tekun_zhao.pk)
    assert tekun_line.payee == tekun_zhao.person
    assert (tekun_line.debit, tekun_line.credit) == ("expense", "payable")
    assert tekun_line.amount == Decimal("1325.00")


def test_running_the_roll_twice_inserts_each_line_once(dibao_li: Any, tekun_zhao: Any) -> None:
    first = do_run_roll(None, "330203", MARCH)
    second = do_run_roll(None, "330203", MARCH)
    assert (first.inserted, second.inserted) == (2, 0)
    assert second.roll.pk == first.roll.pk
    assert PaymentLine.objects.count() == 2


def test_a_later_roll_pays_arrears_for_an_approval_that_took_effect_in_a_past_month(
    dibao_li: Any, regions: None
) -> None:
    from .conftest import person_household

    do_run_roll(None, "330203", YearMonth(2020, 1))
    from datetime import date

    late = person_household("330203001001", "孙桂芳", "330203196003031225", date(1960, 3, 3))
    enrol(late, "dibao", "2020-02", "480.00", person=late.head)
    result = do_run_roll(None, "330203", MARCH)
    lines = PaymentLine.objects.filter(roll=result.roll, source_id=late.enrolments.get().pk)
    assert sorted((f"{x.month:%Y-%m}", x.amount_fen, x.is_arrears) for x in lines) == [
        ("2020-02", 48000, True),
        ("2020-03", 48000, False),
    ]
    # Li's February was never rolled either (no February roll): it is caught up the same way.
    assert lines_of(roll=result.roll, source_id=dibao_li.pk) == [
        ("benefit", "2020-02", str(dibao_li.pk), 75000),
        ("benefit", "2020-03", str(dibao_li.pk), 75000),
    ]


def test_a_roll_does_not_reach_back_before_the_countys_first_roll(dibao_li: Any) -> None:
    result = do_run_roll(None, "330203", MARCH)
    assert result.months == ["2020-03"]


def test_another_countys_enrolments_are_not_in_the_roll(
    dibao_li: Any, household_zhou_yinzhou: Any
) -> None:
    enrol(household_zhou_yinzhou, "dibao", "2020-01", "500.00")
    result = do_run_roll(None, "330203", MARCH)
    assert [line.source_id for line in result.roll.lines.all()] == [dibao_li.pk]
