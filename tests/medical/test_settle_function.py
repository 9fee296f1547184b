"""The database function `medical_settle` (PostgreSQL) settles exactly as the Python way does.

The same worked examples go through both ways and must give the same answers, rows, accumulators
and audit events; retry, conflict and reversal behave the same through both; simultaneous claims
through the function never overrun the cap and one claim is stored once.

The races are held in the database, not in Python (the rule runs inside the function): a separate
connection holds the table of live claim numbers (`medical_settlement_claim`, written by the
settlement's trigger) in SHARE mode, so each settlement stops at its insert — after it has taken the
person's row lock and applied the rule — until every request has arrived. With the row lock the
second claim for the person waits for the first to commit and then reads the new accumulator;
without it (`FOR UPDATE` taken out of the function) both read the same accumulator and the cap is
overrun. Without the key on (hospital, claim id) one claim number is stored twice.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from minzheng.assistance.models import Enrolment
from minzheng.core.models import AuditEvent
from minzheng.medical import actions, store
from minzheng.medical.models import CapAccount, Settlement
from minzheng.medical.queries import clear_parameter_cache, medical_parameters
from minzheng.medical.rules import VisitKind
from minzheng.registry.models import Membership, Person
from tests.medical.conftest import (
    LI_JIANGUO,
    LI_MING,
    WANG_XIUYING,
    ZHOU_HAIYAN,
    body,
    in_threads,
    post,
)

D = Decimal
ZHOU_XIAODONG = "330212200305060012"  # 支出型: an open individual 医疗救助 (yiliao) enrolment

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="medical_settle is a PostgreSQL function"
)


@pytest.fixture
def zhichu(patients: Any) -> Any:
    person = Person.objects.get(name="周晓东")
    Enrolment.objects.create(
        household=Membership.objects.get(person=person).household,
        person=person,
        programme="yiliao",
        region_id=person.region_id,
        start_month=date(2024, 1, 1),
    )
    return person


@pytest.fixture(
    params=[
        pytest.param("function", marks=postgres_only),
        "python",
    ]
)
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(actions, "SETTLE_IN_DATABASE", request.param == "function")
    actions._counties.clear()
    return str(request.param)


# ── the same answers both ways ────────────────────────────────────────────────────────────────

BIG = {
    "total_cost": "100000.00",
    "compliant_cost": "90000.00",
    "basic_insurance_paid": "30000.00",
    "critical_illness_paid": "0",
    "other_paid": "0",
}

# (who, visit kind, figures, assistance by hand)
EXAMPLES: list[tuple[str, str, dict[str, str], str]] = [
    # compliant self-pay 9000 − 5500 = 3500 unless said otherwise
    (WANG_XIUYING, "inpatient", {}, "2450.00"),  # 低保: 3500 × 70 %
    (LI_JIANGUO, "outpatient", {}, "2450.00"),  # 特困
    (LI_JIANGUO, "chronic", {}, "2450.00"),
    (ZHOU_HAIYAN, "inpatient", {}, "0.00"),  # 低边: all 3500 to the 6000 deductible
    # 低边 again: 2500 of the deductible left, (11000 − 2500) × 60 % = 5100
    (ZHOU_HAIYAN, "inpatient", {"total_cost": "30000.00", "compliant_cost": "28000.00",
                                "basic_insurance_paid": "14000.00",
                                "critical_illness_paid": "2000.00",
                                "other_paid": "1000.00"}, "5100.00"),
    (ZHOU_HAIYAN, "outpatient", {}, "2100.00"),  # 3500 × 60 %, no outpatient deductible
    (ZHOU_XIAODONG, "chronic", {}, "1750.00"),  # 支出型: 3500 × 50 %
    (ZHOU_XIAODONG, "inpatient", {}, "0.00"),  # 支出型 inpatient: 15000 deductible
    (LI_MING, "inpatient", {}, "0.00"),  # no category
    # 低保: 2450 used; 60000 × 70 % = 42000, then 42000 again but only 35550 left (the cap midway)
    (WANG_XIUYING, "inpatient", BIG, "42000.00"),
    (WANG_XIUYING, "inpatient", BIG, "35550.00"),
    (WANG_XIUYING, "outpatient", {}, "0.00"),  # nothing left of the cap
    # 特困 outpatient: (100.01 − 50) × 70 % = 35.007 → 35.01
    (LI_JIANGUO, "outpatient", {"total_cost": "100.01", "compliant_cost": "100.01",
                                "basic_insurance_paid": "50.00", "critical_illness_paid": "0",
                                "other_paid": "0"}, "35.01"),
    # 特困 outpatient: 0.15 × 70 % = 0.105 → 0.11 (half up, not half even)
    (LI_JIANGUO, "outpatient", {"total_cost": "100", "compliant_cost": "100",
                                "basic_insurance_paid": "99.85", "critical_illness_paid": "0",
                                "other_paid": "0"}, "0.11"),
]  # fmt: skip

_ROW = [
    f.attname for f in Settlement._meta.concrete_fields if f.attname not in ("id", "settled_at")
]


def _settle_examples(hospital: Client) -> dict[str, Any]:
    answers = []
    for n, (who, kind, figures, _) in enumerate(EXAMPLES):
        response = post(hospital, body(f"ZY-{n}", who, visit_kind=kind, **figures))
        assert response.status_code == 200, response.content
        answer = response.json()
        del answer["settlement_id"]
        answers.append(answer)
    rows = [list(r) for r in Settlement.objects.order_by("claim_id").values_list(*_ROW)]
    accounts = list(
        CapAccount.objects.exclude(cap_used=0, deductible_met_inpatient=0)
        .order_by("person_id")
        .values_list("person_id", "year", "cap_used", "deductible_met_inpatient",
                     "deductible_met_outpatient", "deductible_met_chronic")
    )  # fmt: skip
    events = list(
        AuditEvent.objects.filter(object_type="medical_settlement")
        .order_by("id")
        .values_list("actor_name", "action", "person_id", "region_code", "summary", "after")
    )
    return {"answers": answers, "rows": rows, "accounts": accounts, "events": events}


@postgres_only
def test_the_function_and_the_python_way_give_the_same_answers(
    patients: Any, zhichu: Any, hospital: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(actions, "SETTLE_IN_DATABASE", False)
    by_python = _settle_examples(hospital)
    Settlement.objects.all().delete()
    CapAccount.objects.all().delete()

    monkeypatch.setattr(actions, "SETTLE_IN_DATABASE", True)
    actions._counties.clear()  # 周海燕 and 周晓东 live in 鄞州, the hospital is in 海曙
    calls: list[str] = []
    original = store.settle_in_database

    def counted(call: store.SettleCall) -> store.InDatabase:
        done = original(call)
        calls.append(done.outcome)
        return done

    monkeypatch.setattr(store, "settle_in_database", counted)
    by_function = _settle_examples(hospital)

    assert [a["assistance_amount"] for a in by_function["answers"]] == [e[3] for e in EXAMPLES]
    assert by_function["answers"] == by_python["answers"]
    assert by_function["rows"] == by_python["rows"]
    assert by_function["accounts"] == by_python["accounts"]
    # The audit trail cannot be deleted: the function's events follow the Python way's.
    assert by_function["events"] == by_python["events"] * 2
    # Every example through the function: 鄞州's two people once each with the wrong county first.
    assert calls.count("settled") == len(EXAMPLES) and calls.count("county") == 2
    assert set(calls) == {"settled", "county"}
    capped = by_function["answers"][10]["explanation"][3]
    assert capped["ratio"]["amount"] == "42000.00" and capped["cap"]["left_before"] == "35550.00"
    assert capped["cap"]["applied"] is True
    assert (by_function["answers"][10]["cap_used"], by_function["answers"][10]["cap_left"]) == (
        "80000.00",
        "0.00",
    )


# ── retry, conflict, reversal: both ways ──────────────────────────────────────────────────────


def test_a_retry_gets_the_same_answer_and_stores_once(
    patients: Any, hospital: Client, path: str
) -> None:
    first = post(hospital, body())
    again = post(hospital, body())
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and first.json()["assistance_amount"] == "2450.00"
    assert Settlement.objects.count() == 1
    assert CapAccount.objects.get(year=2024).cap_used == D("2450.00")


def test_the_same_claim_with_changed_figures_is_refused_with_409(
    patients: Any, hospital: Client, path: str
) -> None:
    first = post(hospital, body()).json()
    response = post(hospital, body(compliant_cost="9000.01"))
    assert response.status_code == 409
    assert response.json()["code"] == "claim_conflict"
    assert f"结算单 {first['settlement_id']}" in response.json()["message"]
    assert Settlement.objects.count() == 1
    assert CapAccount.objects.get(year=2024).cap_used == D("2450.00")


def test_a_reversal_restores_the_cap_and_the_corrected_claim_settles_afresh(
    patients: Any, hospital: Client, path: str
) -> None:
    big = post(hospital, body("ZY-BIG", **BIG)).json()
    assert (big["assistance_amount"], big["cap_left"]) == ("42000.00", "38000.00")
    reversed_ = hospital.post(f"/api/v1/medical/settlements/{big['settlement_id']}/reverse")
    assert reversed_.json()["cap_used"] == "0.00"
    corrected = post(hospital, body("ZY-BIG", **{**BIG, "compliant_cost": "80000.00"})).json()
    # (80000 − 30000) × 70 % = 35000, against the whole cap again
    assert (corrected["assistance_amount"], corrected["cap_used"]) == ("35000.00", "35000.00")
    assert corrected["settlement_id"] != big["settlement_id"]
    assert Settlement.objects.filter(status="settled").count() == 1


def test_a_person_not_in_the_registry_is_refused_and_nothing_is_stored(
    patients: Any, hospital: Client, path: str
) -> None:
    response = post(hospital, body(id_number="330203199901010000"))
    assert response.status_code == 400 and response.json()["code"] == "person_not_found"
    assert not Settlement.objects.exists() and not CapAccount.objects.exists()


@postgres_only
def test_parameters_the_function_cannot_take_exactly_are_settled_the_python_way(
    patients: Any, hospital: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 13-digit ratio is left out of the function's arguments: 低保 falls back, 特困 does not.
    clear_parameter_cache()
    params = medical_parameters("330203", date(2024, 5, 20))
    odd = params.replace("medical.ratio.dibao.inpatient", D("0.7000000000001"))
    monkeypatch.setattr(actions, "medical_parameters", lambda county, day: odd)
    policies = json.loads(actions.function_policies(odd, VisitKind.INPATIENT))
    assert set(policies) == {"tekun", "dibian", "zhichu"}
    snapshots: list[str] = []
    original = store.snapshot
    monkeypatch.setattr(store, "snapshot", lambda *a: snapshots.append(a[0]) or original(*a))

    dibao = post(hospital, body("ZY-1", WANG_XIUYING)).json()
    tekun = post(hospital, body("ZY-2", LI_JIANGUO)).json()
    # 3500 × 0.7000000000001 = 2450.00000000035 → 2450.00
    assert (dibao["assistance_amount"], tekun["assistance_amount"]) == ("2450.00", "2450.00")
    assert dibao["explanation"][3]["ratio"]["value"] == "0.7000000000001"
    assert len(snapshots) == 1  # only 低保 took the Python way


# ── races through the function ────────────────────────────────────────────────────────────────


@pytest.fixture
def held_at_insert() -> Iterator[Callable[[int], None]]:
    """Hold every settlement at its insert until `parties` of them wait there (or behind the row
    lock of one that does), then let them all go."""
    db = connections["default"]
    holder = db.get_new_connection(db.get_connection_params())
    holder.execute("LOCK TABLE medical_settlement_claim IN SHARE MODE")
    released = threading.Event()

    def release_when(parties: int) -> None:
        def watch() -> None:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                waiting = holder.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock' AND query LIKE '%%medical_settle(%%'"
                ).fetchone()
                if waiting and waiting[0] >= parties:
                    break
                time.sleep(0.02)
            holder.commit()
            released.set()

        threading.Thread(target=watch, daemon=True).start()

    yield release_when
    if not released.wait(15):
        holder.commit()
    holder.close()


def _hospital(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_stays_through_the_function_never_overrun_the_cap(
    patients: Any, hospital_token: str, held_at_insert: Callable[[int], None]
) -> None:
    for person in patients.values():
        CapAccount.objects.create(person=person, year=2024)
    held_at_insert(2)
    answers = in_threads(
        [
            lambda n=n: post(_hospital(hospital_token), body(f"ZY-{n}", **BIG)).json()  # type: ignore[misc]
            for n in range(2)
        ]
    )
    paid = sorted(D(a["assistance_amount"]) for a in answers)
    assert paid == [D("38000.00"), D("42000.00")]  # the second gets what is left
    assert sum(s.assistance_amount for s in Settlement.objects.all()) == D("80000.00")
    assert CapAccount.objects.get(year=2024, person=patients["王秀英"]).cap_used == D("80000.00")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_claim_number_sent_at_once_for_two_people_through_the_function_is_stored_once(
    patients: Any, hospital_token: str, held_at_insert: Callable[[int], None]
) -> None:
    for person in patients.values():
        CapAccount.objects.create(person=person, year=2024)
    held_at_insert(2)
    statuses = in_threads(
        [
            lambda who=who: post(_hospital(hospital_token), body("ZY-SAME", who)).status_code  # type: ignore[misc]
            for who in (WANG_XIUYING, LI_JIANGUO)
        ]
    )
    assert sorted(statuses) == [200, 409]
    assert Settlement.objects.filter(claim_id="ZY-SAME").count() == 1
    assert sum(a.cap_used for a in CapAccount.objects.all()) == D("2450.00")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_retry_racing_the_first_attempt_through_the_function_gets_the_same_answer(
    patients: Any, hospital_token: str, held_at_insert: Callable[[int], None]
) -> None:
    for person in patients.values():
        CapAccount.objects.create(person=person, year=2024)
    held_at_insert(2)
    answers = in_threads(
        [lambda: post(_hospital(hospital_token), body("ZY-RETRY")).json() for _ in range(2)]
    )
    assert answers[0] == answers[1] and answers[0]["assistance_amount"] == "2450.00"
    assert Settlement.objects.count() == 1
    assert CapAccount.objects.get(year=2024, person=patients["王秀英"]).cap_used == D("2450.00")
