"""A death the police report two months late stops the next roll and recovers the months overpaid."""

from __future__ import annotations

from datetime import date
from typing import Any

from minzheng.assistance.models import Enrolment
from minzheng.core.yearmonth import YearMonth
from minzheng.monitoring.actions import do_run_monitor
from minzheng.monitoring.models import Warning
from minzheng.payments.actions import do_run_roll
from minzheng.payments.models import PaymentLine
from minzheng.verification.demo import load_all
from tests.monitoring.conftest import MONTH


def _lines(enrolment: Enrolment, kind: str) -> dict[str, int]:
    rows = PaymentLine.objects.filter(source="e", source_id=enrolment.pk, kind=kind)
    return {line.month.strftime("%Y-%m"): line.amount_fen for line in rows}


def test_a_late_death_stops_the_next_roll_and_recovers_the_overpaid_months(planted: Any) -> None:
    death = next(t for t in planted.truths if t.kind == "death")
    enrolment = Enrolment.objects.get(household_id=death.household_id, programme="dibao")
    county = enrolment.region_id[:6]
    # Paid 2020-03 … 2020-08 while the family said nothing; the head died on 2020-07-10.
    for month in range(3, 9):
        do_run_roll(None, county, YearMonth(2020, month))
    assert set(_lines(enrolment, "benefit")) == {f"2020-{m:02d}" for m in range(3, 9)}

    load_all(planted)
    do_run_monitor(None, MONTH)
    warning = Warning.objects.get(kind="death", household_id=death.household_id)
    assert warning.person is not None
    assert warning.person.date_of_death == date(2020, 7, 10)
    assert warning.evidence["date"] == "2020-07-10"
    assert warning.evidence["source"] in {"police", "funeral"}

    do_run_roll(None, county, MONTH)
    benefits = _lines(enrolment, "benefit")
    assert "2020-09" not in benefits  # stopped: the month after the death is not paid
    # July is paid (alive on 1 July); August was paid but not due: 300 元 to recover.
    assert _lines(enrolment, "overpayment") == {"2020-08": 30000}
    assert sum(_lines(enrolment, "recovery").values()) > 0


def test_a_death_already_recorded_is_not_reported_again(planted: Any) -> None:
    from minzheng.registry.actions import do_record_death
    from minzheng.registry.models import Person

    death = next(t for t in planted.truths if t.kind == "death")
    enrolment = Enrolment.objects.get(household_id=death.household_id, programme="dibao")
    head = Person.objects.get(pk=enrolment.household.head_id)
    assert do_record_death(None, head, date(2020, 7, 10), source="民政") is True
    assert do_record_death(None, head, date(2020, 7, 10), source="公安") is False

    load_all(planted)
    do_run_monitor(None, MONTH)
    assert not Warning.objects.filter(kind="death", household_id=death.household_id).exists()
