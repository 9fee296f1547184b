"""A death in the synthetic city: one 身后一件事 case, every benefit closed, nothing left to recover."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Count

from minzheng.assistance.actions import do_enrol
from minzheng.assistance.models import Enrolment
from minzheng.civil import funeral, joint
from minzheng.civil.models import JointCase
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions import do_run_roll
from minzheng.payments.models import PaymentLine
from minzheng.registry.models import Household
from minzheng.registry.seed import seed_registry

pytestmark = pytest.mark.django_db


def test_a_late_reported_death_in_the_synthetic_city_closes_every_benefit(
    regions: None,
    parameters_loaded: None,
    make_staff: Any,
    funeral_home_ningbo: Any,
) -> None:
    seed_registry("test", 2020)
    alone = (
        Household.objects.annotate(n=Count("memberships"))
        .filter(n=1, head__isnull=False)
        .select_related("head")
        .order_by("pk")
        .first()
    )
    assert alone is not None and alone.head is not None
    person = alone.head
    county = alone.region_id[:6]
    caseworker = make_staff("caseworker_here", "township_caseworker", alone.region_id[:9] + "000")
    # Two benefits: 特困 for the person, and 低保 for the (one-person) household.
    tekun = do_enrol(
        None,
        household=alone,
        programme="tekun",
        start=YearMonth(2020, 1),
        amount=Decimal("1325.00"),
        person=person,
    )
    dibao = do_enrol(
        None, household=alone, programme="dibao", start=YearMonth(2020, 1), amount=Decimal("300.00")
    )
    for month in ("2020-01", "2020-02", "2020-03", "2020-04"):
        do_run_roll(None, county, YearMonth.parse(month))

    # Died on 10 February; the police feed reports it in May, the funeral home the cremation.
    case = joint.open_after_death_case(person, date(2020, 2, 10), "police")
    funeral.do_record_cremation(
        caseworker,
        deceased=person,
        funeral_home=funeral_home_ningbo,
        date_of_death=date(2020, 2, 10),
        cremated_on=date(2020, 2, 13),
    )
    assert JointCase.objects.filter(person=person).count() == 1  # two reports, one case

    for month in ("2020-05", "2020-06", "2020-07", "2020-08"):
        do_run_roll(None, county, YearMonth.parse(month))
    for enrolment in (tekun, dibao):
        enrolment.refresh_from_db()
        assert (enrolment.status, enrolment.end_month) == ("ended", date(2020, 3, 1))
    assert not Enrolment.objects.filter(person=person).exclude(status="ended").exists()
    # Paid for March and April after the death: (1325 + 300) × 2 = 3250.00 overpaid, all recovered.
    overpaid, left = joint.outstanding_overpayment_fen(person)
    assert (overpaid, left) == (325000, 0)
    assert not PaymentLine.objects.filter(payee=person, kind="benefit", month__gte=date(2020, 5, 1))

    funeral.do_record_burial(
        caseworker,
        deceased=person,
        method="sea",
        buried_on=date(2020, 2, 20),
        bank_name="宁波银行",
        account_number="6222020000000001",
    )
    joint.do_notify_departments(caseworker, case)
    case.refresh_from_db()
    assert case.status == "done"
    assert sorted(case.items.values_list("status", flat=True)) == ["done"] * 6 + ["na"]
