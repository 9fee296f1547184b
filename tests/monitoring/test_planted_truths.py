"""On the synthetic city every planted truth raises its warning, and nothing else is flagged."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from typing import Any

from minzheng.core.idnumber import mask
from minzheng.monitoring.actions import do_run_monitor
from minzheng.monitoring.models import Task, Warning
from tests.monitoring.conftest import MONTH


def _warning_keys() -> set[tuple[str, str, int | None]]:
    return set(Warning.objects.values_list("kind", "id_number_masked", "household_id"))


def test_every_planted_truth_raises_its_warning_and_nothing_else(planted_and_loaded: Any) -> None:
    result = do_run_monitor(None, MONTH)

    truths = planted_and_loaded.truths
    expected = {(t.kind, mask(t.id_number), t.household_id) for t in truths}
    assert len(expected) == len(truths) == 20  # 2 × 9 kinds, 1 of 2 residents, 1 outsider
    assert _warning_keys() == expected
    assert result.created == len(expected)
    kinds = {t.kind for t in truths}
    assert kinds == {
        "death",
        "imprisonment",
        "hukou_moved_out",
        "vehicle",
        "property",
        "business",
        "income_over_line",
        "deposits_over_limit",
        "high_medical_cost",
    }


def test_a_second_run_of_the_month_adds_nothing(planted_and_loaded: Any) -> None:
    first = do_run_monitor(None, MONTH)
    before = Warning.objects.count()
    again = do_run_monitor(None, MONTH)
    assert again.created == 0
    # The deaths the first run recorded are no longer found; everything else is found again.
    deaths = Warning.objects.filter(kind="death").count()
    assert deaths > 0 and again.found == first.found - deaths
    assert Warning.objects.count() == before


def test_actions_follow_the_kind(planted_and_loaded: Any) -> None:
    from minzheng.applications.models import ReviewTask
    from minzheng.assistance.models import Enrolment

    do_run_monitor(None, MONTH)
    actions = dict(Warning.objects.values_list("kind", "action").distinct())
    assert actions["death"] == "stop_payment"
    assert actions["vehicle"] == "review"
    assert actions["income_over_line"] == "gradual_exit"  # the rise is a wage: 渐退
    assert actions["high_medical_cost"] == "visit"
    deaths = Warning.objects.filter(kind="death")
    assert all(w.person is not None and w.person.date_of_death is not None for w in deaths)
    assert Task.objects.filter(kind=Task.Kind.AFTER_DEATH).count() == deaths.count() == 2
    assert (
        Task.objects.filter(kind=Task.Kind.VISIT).count() == 4
    )  # 2 enrolled, 1 resident, 1 outsider
    reviewed = Warning.objects.filter(action="review").exclude(household=None)
    for warning in reviewed:
        task = ReviewTask.objects.get(enrolment__household=warning.household, status="open")
        assert task.due_on <= warning.deadline
    exits = Enrolment.objects.filter(status=Enrolment.Status.GRADUAL_EXIT)
    assert exits.count() == 2
    assert {e.end_month.isoformat() for e in exits} == {"2021-04-01"}  # paid to 2021-03: 6 months


def test_the_warnings_command_prints_one_json_object_per_warning(planted_and_loaded: Any) -> None:
    from minzheng.cli import main

    do_run_monitor(None, MONTH)
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["warnings", "--month", str(MONTH), "--format", "jsonl"]) == 0
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == 20
    assert set(lines[0]) == {"id_number", "household_id", "kind", "source", "evidence", "action"}
    vehicle = next(line for line in lines if line["kind"] == "vehicle")
    assert vehicle["source"] == "vehicle"
    assert vehicle["evidence"]["detail"] == "car"
    assert vehicle["id_number"].count("*") == 8  # masked: full numbers leave only in request.csv


def test_the_set_based_run_agrees_with_the_household_loop(planted_and_loaded: Any) -> None:
    from minzheng.monitoring import jobs, reference
    from minzheng.registry.models import Household

    findings, policies = jobs.find(MONTH)
    loop: set[tuple[str, str, str]] = set()
    for household_id in Household.objects.values_list("id", flat=True):
        loop |= reference.household_findings(household_id, MONTH, policies)
    in_registry = {f.key for f in findings if f.household_id is not None}
    assert loop == in_registry
    assert len(in_registry) == 19  # all but the outsider, who has no household to loop over
