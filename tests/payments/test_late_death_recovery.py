from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions import do_run_roll
from minzheng.payments.models import PaymentLine
from minzheng.payments.rules import recovery_instalment_fen
from minzheng.registry.models import Person

pytestmark = pytest.mark.django_db


def _roll(month: str) -> Any:
    return do_run_roll(None, "330203", YearMonth.parse(month)).roll


def test_no_payment_is_made_for_a_month_after_the_recipients_death(tekun_zhao: Any) -> None:
    Person.objects.filter(pk=tekun_zhao.person_id).update(date_of_death=date(2020, 2, 20))
    _roll("2020-02")
    march = _roll("2020-03")
    assert [f"{x.month:%Y-%m}" for x in PaymentLine.objects.filter(kind="benefit")] == ["2020-02"]
    assert not march.lines.exists()


def test_a_death_recorded_late_makes_the_next_roll_recover_the_months_already_paid(
    tekun_zhao: Any,
) -> None:
    for month in ("2020-01", "2020-02", "2020-03"):
        _roll(month)
    # 赵德顺 died on 15 January; the death is recorded in April, after three payments.
    Person.objects.filter(pk=tekun_zhao.person_id).update(date_of_death=date(2020, 1, 15))
    april = _roll("2020-04")

    overpaid = PaymentLine.objects.filter(kind="overpayment").order_by("month")
    assert [(f"{x.month:%Y-%m}", x.amount_fen, x.debit, x.credit) for x in overpaid] == [
        ("2020-02", 132500, "receivable", "expense"),
        ("2020-03", 132500, "receivable", "expense"),
    ]
    # 2 × 1325.00 = 2650.00 over 3 instalments: 883.34 now (rounded up to the fen).
    recovery = april.lines.get(kind="recovery")
    assert recovery.amount_fen == 88334 == recovery_instalment_fen(265000, 0, 3)
    assert not april.lines.filter(kind="benefit").exists()


def test_the_recovery_is_spread_over_the_instalments_and_stops_at_the_total(
    tekun_zhao: Any,
) -> None:
    for month in ("2020-01", "2020-02", "2020-03"):
        _roll(month)
    Person.objects.filter(pk=tekun_zhao.person_id).update(date_of_death=date(2020, 1, 15))
    for month in ("2020-04", "2020-05", "2020-06", "2020-07", "2020-07"):
        _roll(month)
    recovered = [
        (f"{x.month:%Y-%m}", x.amount_fen)
        for x in PaymentLine.objects.filter(kind="recovery").order_by("month")
    ]
    assert recovered == [("2020-04", 88334), ("2020-05", 88334), ("2020-06", 88332)]
    assert sum(a for _, a in recovered) == 265000
