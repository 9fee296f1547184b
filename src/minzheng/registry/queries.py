"""Reads of the registry, always through the region scope."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from django.db import connection, models
from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL

from minzheng.accounts.scope import ScopedActor
from minzheng.core import clock
from minzheng.core.errors import NotFound
from minzheng.core.idnumber import normalize as normalize_id_number
from minzheng.core.masking import birth_shown
from minzheng.core.pii import ID_NUMBER, PHONE, blind_index
from minzheng.core.regioncode import PREFIX_LENGTH
from minzheng.registry import history
from minzheng.registry.models import (
    ChangeRequest,
    Household,
    Membership,
    MembershipVersion,
    Person,
    PersonVersion,
    Relationship,
    Version,
    VersionOperation,
)


def search_persons(actor: ScopedActor, q: str = "") -> QuerySet[Person]:
    """Name prefix, a full ID number (blind index) or a full phone number, within scope."""
    persons = Person.objects.visible_to(actor).select_related("region")
    q = q.strip()
    if not q:
        # By village, then id: the region index gives this order, so the first page reads 20
        # index entries. Ordered by id alone SQLite sorted the whole scope (375 ms for a city of
        # 1M persons, benchmarks/person_list_page.py).
        return persons.order_by("region_id", "id")
    normalized = normalize_id_number(q)
    if len(normalized) == 18 and normalized[:17].isdigit():
        return persons.filter(id_number_index=blind_index(ID_NUMBER, normalized)).order_by("id")
    if q.isdigit() and len(q) == 11:
        return persons.filter(phone_index=blind_index(PHONE, q)).order_by("id")
    if connection.vendor == "sqlite" and actor.scope_code().depth < PREFIX_LENGTH["township"]:
        # Joined to regions, SQLite carries the scope's range over to `regions_region.code` and
        # drives from it (the (region, name) index once per village, then a sort): 126 ms p95 for a
        # city admin. Without the join it walks the name index in (name, id) order (61 ms p95).
        # Within a township the region-driven plan is the faster one, so it is kept there.
        persons = Person.objects.visible_to(actor).prefetch_related("region")
    return name_prefix(persons, q).order_by("name", "id")


def search_households_by_head(actor: ScopedActor, q: str) -> QuerySet[Household]:
    """Households in scope whose head's name starts with `q`, by head name then id.

    A range on the head's name copied onto the household (`Household.head_name`, index
    household_head_name), so no person is read to find them: it was a hash of every person with
    the prefix (92,252 index entries for 张 at 1M persons) joined to the scope's households."""
    return (
        name_prefix(Household.objects.visible_to(actor), q.strip(), field="head_name")
        .select_related("head", "region")
        .order_by("head_name", "id")
    )


def name_prefix[M: models.Model](
    rows: QuerySet[M], prefix: str, field: str = "name"
) -> QuerySet[M]:
    """Names (in `field`) starting with `prefix`, in a form the database answers from its index.

    Every name with the prefix lies in [prefix, prefix + U+10FFFF) when text is ordered by code
    point — SQLite's binary order, and PostgreSQL under a C / C.UTF-8 collation. That range walks the
    name index in order, so the first page of a common surname costs a few index entries instead of
    a sort (SQLite cannot use an index for Django's `LIKE … ESCAPE` at all). A name containing
    U+10FFFF (a noncharacter) right after the prefix would be missed. Under any other
    collation PostgreSQL gets LIKE alone, served by the `varchar_pattern_ops` index Django adds.
    """
    if _code_point_ordered():
        # The range alone: adding the LIKE as well made PostgreSQL misestimate the two correlated
        # conditions as one row and fetch and sort every match of a common surname (EXPLAIN).
        return rows.filter(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})
    return rows.filter(**{f"{field}__startswith": prefix})


def _code_point_ordered() -> bool:
    if connection.vendor == "sqlite":
        return True
    if connection.vendor != "postgresql":
        return False
    if _collation_cache.get("c") is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
            row = cursor.fetchone()
        _collation_cache["c"] = bool(row) and str(row[0]).split(".")[0] in {"C", "POSIX"}
    return bool(_collation_cache["c"])


_collation_cache: dict[str, bool] = {}


def households_for(actor: ScopedActor, q: str = "") -> QuerySet[Household]:
    """Households in scope whose address contains `q` (LIKE semantics on both databases).

    PostgreSQL serves the LIKE from the pg_trgm GIN index (registry migration 0004). On SQLite a
    fragment of three or more characters is first looked up in the FTS5 trigram table, then the
    LIKE is applied to those candidates, so the result is exactly the LIKE's; shorter fragments
    (and a database whose FTS triggers are missing) get the plain LIKE, a scan of the scope.
    """
    households = Household.objects.visible_to(actor).select_related("head", "region")
    if q := q.strip():
        households = households.filter(address__contains=q)
        if connection.vendor == "sqlite" and len(q) >= 3 and _sqlite_address_index():
            phrase = '"' + q.replace('"', '""') + '"'
            households = households.filter(
                pk__in=RawSQL(f"SELECT rowid FROM {_FTS} WHERE {_FTS} MATCH %s", [phrase])
            )
    return households.order_by("id")


_FTS = "registry_household_address_fts"
_FTS_OBJECTS = (_FTS, f"{_FTS}_insert", f"{_FTS}_delete", f"{_FTS}_update")


def _sqlite_address_index() -> bool:
    """The FTS table and its three triggers exist (a remade household table loses the triggers)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE name IN (%s, %s, %s, %s)", _FTS_OBJECTS
        )
        row = cursor.fetchone()
    return bool(row) and row[0] == len(_FTS_OBJECTS)


# ---- history -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A membership and its person, both as they were on the day asked about."""

    membership: Membership
    person: Person


@dataclass(frozen=True)
class PersonAsOf:
    day: date
    person: Person
    before_history: bool  # the day predates recorded history: the earliest known state is shown
    memberships: list[Membership]


@dataclass(frozen=True)
class HouseholdAsOf:
    day: date
    household: Household
    before_history: bool
    members: list[Member]


def _pick[V: Version](versions: list[V], day: date) -> V | None:
    """From one record's versions (in valid_from order), the one in force at the end of `day`."""
    cutoff = history.end_of_day(day)
    in_force = [v for v in versions if v.valid_from < cutoff]
    if in_force:
        return in_force[-1]
    if versions and versions[0].operation == VersionOperation.BASELINE:
        return versions[0]
    return None


def _before_history(version: Version | None, day: date) -> bool:
    """True when `day` predates the record's history and its baseline is shown instead."""
    return version is not None and history.end_of_day(day) <= version.valid_from


def _memberships_as_of(memberships: list[Membership], day: date) -> list[Membership]:
    """Each membership with the relationship and 共同生活 it had on `day` (one query)."""
    by_membership: dict[int, list[MembershipVersion]] = defaultdict(list)
    for row in MembershipVersion.objects.filter(membership__in=memberships).order_by(
        "valid_from", "id"
    ):
        by_membership[row.membership_id].append(row)
    result = []
    for membership in memberships:
        version = _pick(by_membership[membership.pk], day)
        if version is not None:
            membership.relationship = version.snapshot["relationship"]
            membership.lives_together = version.snapshot["lives_together"]
        result.append(membership)
    return result


def _persons_as_of(persons: list[Person], day: date) -> dict[int, Person]:
    by_person: dict[int, list[PersonVersion]] = defaultdict(list)
    for row in PersonVersion.objects.filter(person__in=persons).order_by("valid_from", "id"):
        by_person[row.person_id].append(row)
    result = {}
    for person in persons:
        version = _pick(by_person[person.pk], day)
        result[person.pk] = (
            history.restore(Person, person.pk, version.snapshot) if version else person
        )
    return result


def person_as_of(actor: ScopedActor, person_id: int, day: date) -> PersonAsOf:
    """The person's attributes and households at the end of `day`."""
    current = Person.objects.select_related("region").get_visible(actor, pk=person_id)
    versions = list(current.versions.order_by("valid_from", "id"))
    version = _pick(versions, day)
    if versions and version is None:
        raise NotFound(f"{day:%Y年%m月%d日}时尚未登记此人", code="not_yet_recorded")
    person = history.restore(Person, current.pk, version.snapshot) if version else current
    memberships = list(
        current.memberships.filter(history.membership_current_on(day))
        .select_related("household")
        .order_by("valid_from", "id")
    )
    return PersonAsOf(
        day=day,
        person=person,
        before_history=_before_history(version, day),
        memberships=_memberships_as_of(memberships, day),
    )


def household_as_of(actor: ScopedActor, household_id: int, day: date) -> HouseholdAsOf:
    """The household, its head and its members at the end of `day`."""
    current = Household.objects.select_related("region").get_visible(actor, pk=household_id)
    versions = list(current.versions.order_by("valid_from", "id"))
    version = _pick(versions, day)
    if versions and version is None:
        raise NotFound(f"{day:%Y年%m月%d日}时尚无此家庭户", code="not_yet_recorded")
    household = history.restore(Household, current.pk, version.snapshot) if version else current
    memberships = list(
        current.memberships.filter(history.membership_current_on(day))
        .select_related("person")
        .order_by("valid_from", "id")
    )
    people = _persons_as_of([m.person for m in memberships], day)
    members = [Member(m, people[m.person_id]) for m in _memberships_as_of(memberships, day)]
    members.sort(key=lambda m: (m.membership.relationship != Relationship.HEAD, m.person.pk))
    return HouseholdAsOf(
        day=day,
        household=household,
        before_history=_before_history(version, day),
        members=members,
    )


def current_person(actor: ScopedActor, person_id: int) -> PersonAsOf:
    """The live record, in the same shape as `person_as_of` (a future edit never shows early)."""
    person = Person.objects.select_related("region").get_visible(actor, pk=person_id)
    memberships = person.memberships.filter(valid_to__isnull=True).select_related("household")
    return PersonAsOf(clock.today(), person, False, list(memberships.order_by("id")))


def current_household(actor: ScopedActor, household_id: int) -> HouseholdAsOf:
    household = Household.objects.select_related("region").get_visible(actor, pk=household_id)
    memberships = household.memberships.filter(valid_to__isnull=True).select_related("person")
    members = [Member(m, m.person) for m in memberships.order_by("valid_from", "id")]
    members.sort(key=lambda m: (m.membership.relationship != Relationship.HEAD, m.person.pk))
    return HouseholdAsOf(clock.today(), household, False, members)


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    what: str
    operation: str
    summary: str
    actor: str
    change_request_id: int | None
    changes: list[tuple[str, Any, Any]]


def _label(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name.removesuffix("_id"))
    return str(getattr(field, "verbose_name", name))


def _entries[V: Version](
    versions: list[V],
    subject: Callable[[V], int],
    model: type[models.Model],
    what: Callable[[V], str],
) -> list[HistoryEntry]:
    entries = []
    previous: dict[int, dict[str, Any]] = {}
    for version in versions:
        key = subject(version)
        old = previous.get(key, {})
        diff = [
            (_label(model, name), old.get(name), value)
            for name, value in version.snapshot.items()
            if key in previous and old.get(name) != value
        ]
        previous[key] = version.snapshot
        if version.operation == VersionOperation.BASELINE:
            continue
        entries.append(
            HistoryEntry(
                at=version.valid_from,
                what=what(version),
                operation=version.get_operation_display(),
                summary=version.summary,
                actor=str(version.actor) if version.actor else "系统",
                change_request_id=version.change_request_id,
                changes=diff,
            )
        )
    return entries


def person_history(person: Person, *, full_birth: bool = True) -> list[HistoryEntry]:
    """The person's changes, newest first; birth dates as a year unless `full_birth`."""
    versions = list(person.versions.select_related("actor").order_by("valid_from", "id"))
    entries = _entries(versions, lambda v: v.person_id, Person, lambda v: person.name)
    if not full_birth:
        label = _label(Person, "birth_date")
        entries = [
            replace(
                e,
                changes=[
                    (name, birth_shown(old, full=False), birth_shown(new, full=False))
                    if name == label
                    else (name, old, new)
                    for name, old, new in e.changes
                ],
            )
            for e in entries
        ]
    return sorted(entries, key=lambda e: e.at, reverse=True)


def household_history(household: Household) -> list[HistoryEntry]:
    """Changes of the household and of its memberships, newest first."""
    own = list(household.versions.select_related("actor").order_by("valid_from", "id"))
    of_members = list(
        MembershipVersion.objects.filter(membership__household=household)
        .select_related("actor", "membership__person")
        .order_by("valid_from", "id")
    )
    entries = _entries(own, lambda v: v.household_id, Household, lambda v: "家庭户")
    entries += _entries(
        of_members, lambda v: v.membership_id, Membership, lambda v: v.membership.person.name
    )
    return sorted(entries, key=lambda e: e.at, reverse=True)


# ---- change requests ---------------------------------------------------------------------------


def change_requests_for(actor: ScopedActor, status: str = "") -> QuerySet[ChangeRequest]:
    requests = ChangeRequest.objects.visible_to(actor).select_related(
        "household__head", "other_household__head", "submitted_by", "reviewed_by"
    )
    if status in ChangeRequest.Status.values:
        requests = requests.filter(status=status)
    return requests.order_by("-submitted_at", "-id")


def change_request_counts(actor: ScopedActor) -> dict[str, int]:
    """How many requests in scope are in each status (one query)."""
    counts = {status: 0 for status in ChangeRequest.Status.values}
    rows = (
        ChangeRequest.objects.visible_to(actor)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for status, n in rows:
        counts[status] = n
    return counts


@dataclass(frozen=True)
class ChangeRow:
    """A request and a sentence saying what it would do, for the queue and the household page."""

    change: ChangeRequest
    description: str


def describe_change_requests(requests: list[ChangeRequest]) -> list[ChangeRow]:
    """Sentences for a page of requests, with every named person fetched in one query."""
    ids: set[int] = set()
    for change in requests:
        payload = change.payload
        ids.update(
            int(payload[k])
            for k in ("person_id", "new_head_id", "remaining_head_id")
            if payload.get(k)
        )
        ids.update(int(p) for p in payload.get("person_ids", []))
    names = dict(Person.objects.filter(pk__in=ids).values_list("pk", "name"))
    relationship = dict(Relationship.choices)

    def name(key: str, payload: dict[str, Any]) -> str:
        return names.get(payload.get(key) or 0, "—")

    rows = []
    for change in requests:
        p = change.payload
        kind = change.kind
        if kind == ChangeRequest.Kind.ADD_MEMBER:
            text = f"增加成员 {name('person_id', p)}（{relationship.get(p['relationship'], '')}）"
        elif kind == ChangeRequest.Kind.REMOVE_MEMBER:
            text = f"减少成员 {name('person_id', p)}"
        elif kind == ChangeRequest.Kind.MOVE_MEMBER:
            text = f"{name('person_id', p)} 迁至 {change.other_household}"
        elif kind == ChangeRequest.Kind.SPLIT_HOUSEHOLD:
            leaving = "、".join(names.get(i, "—") for i in p.get("person_ids", []))
            text = f"{leaving} 分户至 {p.get('address', '')}，户主 {name('new_head_id', p)}"
        elif kind == ChangeRequest.Kind.MERGE_HOUSEHOLDS:
            text = f"{change.other_household} 并入本户"
        else:
            text = f"户主变更为 {name('new_head_id', p)}"
        if p.get("new_head_id") and kind in (
            ChangeRequest.Kind.REMOVE_MEMBER,
            ChangeRequest.Kind.MOVE_MEMBER,
        ):
            text += f"，新户主 {name('new_head_id', p)}"
        if p.get("remaining_head_id"):
            text += f"，原户新户主 {name('remaining_head_id', p)}"
        rows.append(ChangeRow(change, text))
    return rows
