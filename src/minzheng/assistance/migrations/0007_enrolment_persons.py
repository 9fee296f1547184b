"""Enrolment.persons: the persons an enrolment counts, fixed at decision time.

Existing household enrolments are backfilled by the rule of 民发〔2021〕57号 art 7 over the
registry as it stood on the day it was decided (the decision's `as_of`, else its first month;
the facts `eligibility.household_facts` reads): the head, the spouse, children under the adult age or unable to live independently or
full-time students up to bachelor level, and members with a legal support duty who live together;
never a member in prison, in compulsory rehabilitation, declared missing, or clergy away for the
set number of years. Left out, as the rules leave them out: a 低保 household's 特困 person, and
members enrolled in 低保 on their own (单人户). Individual enrolments count one (the default).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db import migrations, models
from django.db.models import Q

CHUNK = 2000
OPEN = ("active", "gradual_exit", "suspended")
EXCLUDED_AWAY = ("prison", "compulsory_rehab", "missing")
DUTY_BY_DEFAULT = ("spouse", "parent", "child")  # 民法典 arts 1059, 1067


def _parameter(apps: Any, key: str, as_of: date, cache: dict[tuple[str, date], int]) -> int:
    if (key, as_of) not in cache:
        PolicyParameter = apps.get_model("assistance", "PolicyParameter")
        row = (
            PolicyParameter.objects.filter(key=key, status="active", effective_from__lte=as_of)
            .order_by("-effective_from")
            .values_list("value", flat=True)
            .first()
        )
        if row is None:  # no catalogue loaded: the catalogue's own dated value
            from minzheng.assistance.parameter_catalog import spec_for

            row = max(
                (v for v in spec_for(key).values if v.effective_from <= as_of),
                key=lambda v: v.effective_from,
            ).value
        cache[(key, as_of)] = int(row)
    return cache[(key, as_of)]


def _age(born: date | None, day: date) -> int:
    if born is None:
        return 0
    return day.year - born.year - int((day.month, day.day) < (born.month, born.day))


def _decided_on(decision: Any) -> date | None:
    try:
        return date.fromisoformat(str(decision.get("as_of", "")))
    except (AttributeError, ValueError):
        return None


def backfill(apps: Any, schema_editor: Any) -> None:
    Enrolment = apps.get_model("assistance", "Enrolment")
    Membership = apps.get_model("registry", "Membership")
    cache: dict[tuple[str, date], int] = {}
    last = 0
    while True:
        batch = list(
            Enrolment.objects.filter(person__isnull=True, pk__gt=last)
            .order_by("pk")
            .values_list("pk", "household_id", "programme", "start_month", "decision")[:CHUNK]
        )
        if not batch:
            return
        last = batch[-1][0]
        households = {row[1] for row in batch}
        members: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for row in Membership.objects.filter(household_id__in=households).values_list(
            "household_id",
            "person_id",
            "relationship",
            "lives_together",
            "valid_from",
            "valid_to",
            "person__birth_date",
            "person__date_of_death",
            "person__circumstance__away_reason",
            "person__circumstance__away_years",
            "person__circumstance__student",
            "person__circumstance__unable_to_live_independently",
            "person__circumstance__has_legal_support_duty",
        ):
            members[row[0]].append(row[1:])
        alone: dict[int, set[int]] = defaultdict(set)
        tekun: dict[int, set[int]] = defaultdict(set)
        for household, person, programme in Enrolment.objects.filter(
            Q(programme="dibao") | Q(programme="tekun"),
            household_id__in=households,
            person__isnull=False,
            status__in=OPEN,
        ).values_list("household_id", "person_id", "programme"):
            (alone if programme == "dibao" else tekun)[household].add(person)
        changed = []
        for pk, household, programme, start_month, decision in batch:
            start = _decided_on(decision) or start_month
            adult = _parameter(apps, "household.adult_age", start, cache)
            clergy = _parameter(apps, "household.clergy_away_min_years", start, cache)
            left_out = alone[household] | (tekun[household] if programme == "dibao" else set())
            n = 0
            for (
                person,
                relationship,
                lives_together,
                valid_from,
                valid_to,
                born,
                died,
                away,
                away_years,
                student,
                unable,
                duty,
            ) in members[household]:
                if valid_from > start or (valid_to is not None and valid_to <= start):
                    continue
                if (died is not None and died <= start) or person in left_out:
                    continue
                if away in EXCLUDED_AWAY or (away == "clergy" and (away_years or 0) >= clergy):
                    continue
                dependent_child = relationship == "child" and (
                    _age(born, start) < adult
                    or bool(unable)
                    or student == "full_time_up_to_bachelor"
                )
                owes = duty if duty is not None else relationship in DUTY_BY_DEFAULT
                if (
                    relationship in ("head", "spouse")
                    or dependent_child
                    or (owes and lives_together)
                ):
                    n += 1
            changed.append(Enrolment(pk=pk, persons=max(1, n)))
        Enrolment.objects.bulk_update(changed, ["persons"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0006_alter_enrolment_programme"),
        ("registry", "0005_alter_changerequest_submitted_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="persons",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="计入人数"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
