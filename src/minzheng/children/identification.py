"""Finding children in the registry whose parents are dead, detained, severely disabled (or missing,
as a caseworker records it): a few set reads over the scoped registry and the police feed, then the
pure rule for each candidate. No per-child query."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from minzheng.accounts.scope import ScopedActor
from minzheng.assistance.parameters import ParameterSet
from minzheng.children.models import OPEN_CASE_STATUSES, ChildCase
from minzheng.children.rules import ChildDecision, ChildFacts, Parent, classify, severe_disability
from minzheng.registry.models import Membership, Person

PARENT_RELATIONS = {"child": ("head", "spouse"), "grandchild": ("child", "child_in_law")}


@dataclass(frozen=True)
class Candidate:
    child: Person
    household_id: int
    region_id: str
    father: Person | None
    mother: Person | None
    facts: ChildFacts
    decision: ChildDecision


def _months_between(start: date, end: date) -> int:
    return max(0, (end.year - start.year) * 12 + end.month - start.month)


class ParentRecord(Protocol):
    """What the rule reads of a parent: a `Person`, or `Adult` (the same fields, read as values)."""

    @property
    def date_of_death(self) -> date | None: ...
    @property
    def id_number_index(self) -> str: ...
    @property
    def disability_category(self) -> str: ...
    @property
    def disability_grade(self) -> int | None: ...


@dataclass(frozen=True)
class Adult:
    """A household member as `candidates` reads them: the fields the rule needs, no model."""

    pk: int
    sex: str
    date_of_death: date | None
    id_number_index: str
    disability_category: str
    disability_grade: int | None


ADULT_FIELDS = (
    "person_id",
    "person__sex",
    "person__date_of_death",
    "person__id_number_index",
    "person__disability_category",
    "person__disability_grade",
)


def parent_situation(
    person: ParentRecord | None,
    detained_since: dict[str, tuple[date, date | None]],
    params: ParameterSet,
    today: date,
) -> tuple[str, int]:
    """What the registry and the feeds say of a parent: dead, detained (with months), severely
    disabled — else present. Missing and lost contact are not in any feed: a caseworker records
    them on the case."""
    if person is None:
        return "present", 0
    if person.date_of_death is not None:
        return "dead", 0
    if person.id_number_index in detained_since:
        start, end = detained_since[person.id_number_index]
        return "detained", _months_between(start, end or today)
    if severe_disability(person.disability_category, person.disability_grade, params).passed:
        return "severe_disability", 0
    return "present", 0


def candidates(actor: ScopedActor, params: ParameterSet, today: date) -> list[Candidate]:
    """Children under the end age in the actor's scope whose rule gives a category, without an
    open case already. The children and their households' members are read as values (a city
    has tens of thousands); only the candidates found, and their parents, become `Person`s."""
    end_age, _ = params.integer("children.end_age")
    born_after = date(today.year - end_age, today.month, min(today.day, 28))
    child_rows = list(
        Membership.objects.filter(
            valid_to__isnull=True,
            relationship__in=PARENT_RELATIONS,
            person__in=Person.objects.visible_to(actor).filter(
                birth_date__gt=born_after, date_of_death__isnull=True
            ),
        )
        .exclude(
            person__child_cases__status__in=OPEN_CASE_STATUSES,
        )
        .values_list(
            "person_id",
            "household_id",
            "relationship",
            "person__birth_date",
            "household__region_id",
        )
    )
    households = {household_id for _, household_id, _, _, _ in child_rows}
    adults: dict[tuple[int, str], list[Adult]] = defaultdict(list)
    for household_id, relationship, *fields in Membership.objects.filter(
        household_id__in=households, valid_to__isnull=True
    ).values_list("household_id", "relationship", *ADULT_FIELDS):
        adults[(household_id, relationship)].append(Adult(*fields))
    parent_indexes = {
        p.id_number_index for people in adults.values() for p in people if p.id_number_index
    }
    detained: dict[str, tuple[date, date | None]] = {}
    from minzheng.verification.models import FeedRecord

    for idx, day, end in FeedRecord.objects.filter(
        source="police", kind="imprisonment", id_number_index__in=parent_indexes
    ).values_list("id_number_index", "day", "end_day"):
        if day is not None:
            detained[idx] = (day, end)
    found: list[tuple[int, int, str, Adult | None, Adult | None, ChildFacts, ChildDecision]] = []
    for child_id, household_id, relationship, birth_date, region_id in child_rows:
        parents = [
            p
            for relation in PARENT_RELATIONS[relationship]
            for p in adults[(household_id, relation)]
            if p.pk != child_id
        ]
        father = next((p for p in parents if p.sex == "男"), None)
        mother = next((p for p in parents if p.sex == "女"), None)
        f_sit, f_months = parent_situation(father, detained, params, today)
        m_sit, m_months = parent_situation(mother, detained, params, today)
        if f_sit == "present" and m_sit == "present":
            continue
        assert birth_date is not None
        facts = ChildFacts(
            birth_date=birth_date,
            in_institution=False,
            father=Parent("父亲", f_sit, f_months),
            mother=Parent("母亲", m_sit, m_months),
        )
        decision = classify(facts, params, today)
        if decision.category is None:
            continue
        found.append((child_id, household_id, region_id, father, mother, facts, decision))
    persons = Person.objects.in_bulk(
        {child_id for child_id, *_ in found}
        | {p.pk for *_, father, mother, _, _ in found for p in (father, mother) if p is not None}
    )
    return [
        Candidate(
            persons[child_id],
            household_id,
            region_id,
            persons[father.pk] if father is not None else None,
            persons[mother.pk] if mother is not None else None,
            facts,
            decision,
        )
        for child_id, household_id, region_id, father, mother, facts, decision in found
    ]


def open_case_exists(child_id: int) -> bool:
    return ChildCase.objects.filter(child_id=child_id, status__in=OPEN_CASE_STATUSES).exists()
