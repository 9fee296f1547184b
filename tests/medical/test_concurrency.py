"""Simultaneous claims never exceed the annual cap, and one claim is stored once.

Each test holds every request inside the rule until the others arrive (or a second and a half
passes), and runs twice on PostgreSQL: the usual way (a compare-and-set write of settlement and
accumulator, then the locked way for the one that lost) and the locked way alone. With the row lock,
the second request waits for the lock and never reaches the rule while the first holds it; with the
compare-and-set, the second write finds the accumulator changed and writes nothing. Remove the row
lock in `medical.store._LOCK` (ON CONFLICT DO UPDATE), the comparison in the guarded UPDATE of
`store.write_settlement`, or the unique key on (hospital, claim id), and a test fails.
PostgreSQL only: SQLite runs one writing transaction at a time (BEGIN IMMEDIATE), so there is no race
to show there; `test_sqlite_serialises_claims` checks the same totals on SQLite.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from minzheng.medical import actions, rules
from minzheng.medical.models import CapAccount, Settlement
from tests.medical.conftest import LI_JIANGUO, WANG_XIUYING, body, in_threads, post

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks race only on PostgreSQL"
)


@pytest.fixture(params=["guarded_then_locked", "locked_only"], autouse=True)
def write_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    # The Python way; the database function `medical_settle` races in test_settle_function.py.
    monkeypatch.setattr(actions, "SETTLE_IN_DATABASE", False)
    monkeypatch.setattr(actions, "GUARDED_WRITE", request.param == "guarded_then_locked")
    return str(request.param)


@pytest.fixture
def held_in_rule(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], None]]:
    """Make `parties` requests meet inside the rule before any of them goes on."""
    original = rules.settle
    barrier: list[threading.Barrier] = []

    def arm(parties: int) -> None:
        barrier.append(threading.Barrier(parties, timeout=1.5))

    def settle(*args: Any, **kwargs: Any) -> Any:
        # A broken barrier: the others are waiting for our lock, so go on alone.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier[0].wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(rules, "settle", settle)
    yield arm


def _accounts_exist(patients: Any) -> None:
    # The year's first claim creates the row, and that insert alone would make the other request
    # wait on the unique index: start from existing rows, as for everyone after their first stay.
    for person in patients.values():
        CapAccount.objects.create(person=person, year=2024)


# A 低保 stay: (90000 − 30000) × 70 % = 42000 each; two of them would be 84000 > the 80000 cap.
BIG = {
    "total_cost": "100000.00",
    "compliant_cost": "90000.00",
    "basic_insurance_paid": "30000.00",
    "critical_illness_paid": "0",
    "other_paid": "0",
}


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_stays_never_overrun_the_cap(
    patients: Any, hospital_token: str, held_in_rule: Callable[[int], None]
) -> None:
    _accounts_exist(patients)
    held_in_rule(2)
    answers = in_threads(
        [
            lambda n=n: post(  # type: ignore[misc]
                Client(HTTP_AUTHORIZATION=f"Bearer {hospital_token}"),
                body(f"ZY-{n}", WANG_XIUYING, **BIG),
            ).json()
            for n in range(2)
        ]
    )
    paid = sorted(Decimal(a["assistance_amount"]) for a in answers)
    assert paid == [Decimal("38000.00"), Decimal("42000.00")]  # the second gets what is left
    assert CapAccount.objects.get(year=2024, person=patients["王秀英"]).cap_used == Decimal(
        "80000.00"
    )
    assert sum(s.assistance_amount for s in Settlement.objects.all()) == Decimal("80000.00")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_claim_number_sent_twice_at_once_for_two_people_is_stored_once(
    patients: Any, hospital_token: str, held_in_rule: Callable[[int], None]
) -> None:
    _accounts_exist(patients)
    held_in_rule(2)
    answers = in_threads(
        [
            lambda who=who: (
                post(  # type: ignore[misc]
                    Client(HTTP_AUTHORIZATION=f"Bearer {hospital_token}"), body("ZY-SAME", who)
                ).status_code
            )
            for who in (WANG_XIUYING, LI_JIANGUO)
        ]
    )
    assert sorted(answers) == [200, 409]
    assert Settlement.objects.filter(claim_id="ZY-SAME").count() == 1
    assert sum(a.cap_used for a in CapAccount.objects.all()) == Decimal("2450.00")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_retry_racing_the_first_attempt_gets_the_same_answer(
    patients: Any, hospital_token: str, held_in_rule: Callable[[int], None]
) -> None:
    _accounts_exist(patients)
    held_in_rule(2)
    answers = in_threads(
        [
            lambda: post(
                Client(HTTP_AUTHORIZATION=f"Bearer {hospital_token}"), body("ZY-RETRY")
            ).json()
            for _ in range(2)
        ]
    )
    assert answers[0] == answers[1] and answers[0]["assistance_amount"] == "2450.00"
    assert Settlement.objects.count() == 1
    assert CapAccount.objects.get(year=2024, person=patients["王秀英"]).cap_used == Decimal(
        "2450.00"
    )


@pytest.mark.django_db(transaction=True)
def test_many_simultaneous_stays_for_one_person_add_up_to_the_cap(
    patients: Any, hospital_token: str
) -> None:
    _accounts_exist(patients)
    answers = in_threads(
        [
            lambda n=n: (
                post(  # type: ignore[misc]
                    Client(HTTP_AUTHORIZATION=f"Bearer {hospital_token}"),
                    body(f"ZY-{n}", WANG_XIUYING, **BIG),
                ).status_code
            )
            for n in range(6)
        ]
    )
    assert answers == [200] * 6
    assert CapAccount.objects.get(year=2024, person=patients["王秀英"]).cap_used == Decimal(
        "80000.00"
    )
    assert sum(s.assistance_amount for s in Settlement.objects.all()) == Decimal("80000.00")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_first_stays_of_the_year_at_once_never_overrun_the_cap(
    patients: Any, hospital_token: str, held_in_rule: Callable[[int], None]
) -> None:
    # No accumulator row yet: both requests would create it; one creates it, the other writes
    # nothing and settles again behind the lock.
    held_in_rule(2)
    answers = in_threads(
        [
            lambda n=n: post(  # type: ignore[misc]
                Client(HTTP_AUTHORIZATION=f"Bearer {hospital_token}"),
                body(f"ZY-FIRST-{n}", WANG_XIUYING, **BIG),
            ).json()
            for n in range(2)
        ]
    )
    paid = sorted(Decimal(a["assistance_amount"]) for a in answers)
    assert paid == [Decimal("38000.00"), Decimal("42000.00")]
    assert CapAccount.objects.get(year=2024, person=patients["王秀英"]).cap_used == Decimal(
        "80000.00"
    )
