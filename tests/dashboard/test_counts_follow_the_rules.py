"""低保, 低边 and 渐退 persons are the persons the rules counted when each enrolment was decided
(Enrolment.persons, 民发〔2021〕57号 art 7), not the household's size — on a 20,000-person city."""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from minzheng.applications.queries import parameters_for
from minzheng.assistance.eligibility import household_facts
from minzheng.assistance.models import Enrolment
from minzheng.assistance.rules import evaluate_household
from minzheng.core.yearmonth import YearMonth
from minzheng.dashboard.indicators import compute_month
from minzheng.registry.city_seed import seed_city
from minzheng.registry.economy import DECISION_DAY
from tests.conftest import shared_by_the_module

CITY = "330200000000"
DECEMBER = YearMonth(2020, 12)
backfill_migration = importlib.import_module(
    "minzheng.assistance.migrations.0007_enrolment_persons"
)


@pytest.fixture(scope="module")
def _city_of_20k_built(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    # Seeded once for the module's tests, each of which rolls back its own writes.
    with shared_by_the_module(django_db_blocker):
        with django_db_blocker.unblock():
            seed_city("test", 2020, persons=20_000)
        yield


@pytest.fixture
def city_of_20k(_city_of_20k_built: None, regions: None) -> None:
    """A 20,000-person city seeded for 2020 (`seed_city`), shared by the module's tests."""


def _included(decision: Any) -> set[str]:
    return {line.member_id for line in decision.membership if line.included}


def test_counts_follow_the_rules(city_of_20k: None) -> None:
    household_enrolments = list(
        Enrolment.objects.filter(person__isnull=True, programme__in=("dibao", "dibian"))
        .select_related("household")
        .order_by("pk")
    )
    alone = Counter(
        Enrolment.objects.filter(programme="dibao", person__isnull=False).values_list(
            "household_id", flat=True
        )
    )
    assert household_enrolments and alone  # the city has both kinds to count
    # Each household enrolment counts what the rules, run again household by household on the
    # registry, include: 低保 without the 特困 person, 低边 without members enrolled alone.
    for e in household_enrolments:
        facts = household_facts(e.household, DECISION_DAY)
        decisions = evaluate_household(
            facts, parameters_for(e.region_id, DECISION_DAY), ["dibao", "dibian", "tekun"]
        )
        decision = next(d for d in decisions if d.programme == e.programme and d.member_id is None)
        expected = len(_included(decision)) - (
            alone[e.household_id] if e.programme == "dibian" else 0
        )
        assert (e.pk, e.persons) == (e.pk, expected)

    figures = compute_month(DECEMBER)[CITY]
    paying = Enrolment.objects.filter(status__in=("active", "gradual_exit"))
    assert figures["dibao_persons"] == sum(
        paying.filter(programme="dibao").values_list("persons", flat=True)
    )
    counted = (
        figures["dibao_persons"],
        figures["dibian_persons"],
        figures["single_person"],
        figures["gradual_exit_persons"],
        figures["tekun_persons"],
    )
    # 低保 persons include the 渐退 households still paid — 122 paid in full + 4 in 渐退 — and
    # are the article's 59,337 in proportion (20,000 / 9,404,283 of it: 126).
    assert counted == (126, 35, 28, 4, 7)
    assert counted[0] == round(59_337 * 20_000 / 9_404_283)


def test_the_migration_backfills_the_counted_persons(city_of_20k: None) -> None:
    from django.apps import apps

    seeded = dict(Enrolment.objects.values_list("pk", "persons"))
    Enrolment.objects.update(persons=1)
    backfill_migration.backfill(apps, None)
    assert dict(Enrolment.objects.values_list("pk", "persons")) == seeded
