"""Migrants outside the registry who need 临时救助: planted with valid, non-Ningbo ID numbers."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from minzheng.core.idnumber import parse
from minzheng.registry import economy


def test_migrants_carry_valid_id_numbers_from_outside_ningbo() -> None:
    found = economy.migrants(np.random.default_rng(1), 30)
    assert len(found) == 30
    for migrant in found:
        checked = parse(migrant.id_number, today=date(2020, 12, 1))
        assert checked.valid, (migrant.id_number, checked.error)
        assert not migrant.id_number.startswith("3302")
        assert migrant.id_number[:6] in economy.MIGRANT_AREAS
    assert economy.migrants(np.random.default_rng(1), 30) == found


def test_the_demo_records_their_cases_for_the_county_approver_once(make_staff: Any) -> None:
    from minzheng.payments.models import TemporaryCase
    from minzheng.registry.demo import seed_demo
    from minzheng.registry.models import Person

    make_staff("caseworker_nanmen", "township_caseworker", "330203001000")
    assert seed_demo(count=3) == 3
    cases = list(TemporaryCase.objects.order_by("id"))
    assert len(cases) == 3
    assert all(c.person_id is None and c.status == "draft" for c in cases)
    assert all(c.region_id == "330203001000" for c in cases)
    assert all(c.reason.startswith("外来务工人员") for c in cases)
    from minzheng.assistance.policy import load_policy
    from minzheng.assistance.queries import parameter_set
    from minzheng.core.clock import today

    standard = load_policy(parameter_set("330203", today())).standard.value
    assert {c.amount for c in cases} <= {standard, 2 * standard, 3 * standard}
    assert not Person.objects.exists()  # outside the registry
    assert seed_demo(count=3) == 0
    assert TemporaryCase.objects.count() == 3


def test_the_county_approver_sees_the_migrants_cases_on_the_temporary_assistance_page(
    make_staff: Any, client: Any
) -> None:
    from minzheng.payments.models import TemporaryCase
    from minzheng.registry.demo import seed_demo
    from tests.conftest import PASSWORD

    make_staff("caseworker_nanmen", "township_caseworker", "330203001000")
    approver = make_staff("approver_haishu", "county_approver", "330203000000")
    seed_demo(count=2)
    assert client.login(username=approver.username, password=PASSWORD)
    page = client.get("/payments/temporary/").content.decode()
    for case in TemporaryCase.objects.all():
        assert case.name in page
        assert case.id_number_masked in page or case.reason in page
