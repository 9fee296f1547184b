"""Reads for linkage pages and runs, always through the region scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from django.db.models import Count, Q, QuerySet

from minzheng.accounts.scope import ScopedActor
from minzheng.core.pii import unseal
from minzheng.linkage.conflicts import Rule
from minzheng.linkage.models import CandidatePair, LinkageAction, SourceRecord
from minzheng.linkage.profiles import rules
from minzheng.regions.models import Level
from minzheng.registry.models import IdentityTag, Person

PERSON_PREFIX = "P"
SOURCE_PREFIX = "S"
REGISTRY_DEPARTMENT = "民政登记"


def person_key(pk: int) -> str:
    return f"{PERSON_PREFIX}{pk}"


def source_key(pk: int) -> str:
    return f"{SOURCE_PREFIX}{pk}"


def ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def merged_away_ids() -> QuerySet[LinkageAction, int]:
    """Persons merged into another (and not undone): they take no further part in linkage."""
    return LinkageAction.objects.filter(
        kind=LinkageAction.Kind.MERGE, undone_at__isnull=True
    ).values_list("other_id", flat=True)


def persons_for_linkage(actor: ScopedActor | None) -> QuerySet[Person]:
    persons = Person.objects.all() if actor is None else Person.objects.visible_to(actor)
    return persons.exclude(pk__in=merged_away_ids())


def sources_for_linkage(actor: ScopedActor | None) -> QuerySet[SourceRecord]:
    return SourceRecord.objects.all() if actor is None else SourceRecord.objects.visible_to(actor)


def _source_row(s: SourceRecord) -> dict[str, Any]:
    return {
        "record_id": source_key(s.pk),
        "source": s.department,
        "name": s.name,
        "id_number": s.id_number_plain() or None,
        "birth_date": s.birth_date.isoformat() if s.birth_date else None,
        "sex": s.sex or None,
        "phone": s.phone_plain() or None,
        "address": s.address or None,
    }


@dataclass(frozen=True)
class LinkageInput:
    """The records of a run, the shown (masked) form of each, and each record's region."""

    frame: pd.DataFrame
    shown: dict[str, dict[str, str]]
    region: dict[str, str]
    linked_person: dict[str, int | None]


def linkage_input(actor: ScopedActor | None) -> LinkageInput:
    rows: list[dict[str, Any]] = []
    shown: dict[str, dict[str, str]] = {}
    region: dict[str, str] = {}
    linked: dict[str, int | None] = {}
    # The registry's persons as values, not models: a county's run reads tens of thousands.
    for (
        pk,
        name,
        id_cipher,
        id_masked,
        born,
        sex,
        phone_cipher,
        phone_masked,
        address,
        region_id,
    ) in (
        persons_for_linkage(actor)
        .order_by("pk")
        .values_list(
            "pk",
            "name",
            "id_number_cipher",
            "id_number_masked",
            "birth_date",
            "sex",
            "phone_cipher",
            "phone_masked",
            "address",
            "region_id",
        )
    ):
        key = person_key(pk)
        rows.append(
            {
                "record_id": key,
                "source": REGISTRY_DEPARTMENT,
                "name": name,
                "id_number": unseal(id_cipher or "") or None,
                "birth_date": born.isoformat() if born else None,
                "sex": sex or None,
                "phone": unseal(phone_cipher or "") or None,
                "address": address or None,
            }
        )
        shown[key] = _shown(REGISTRY_DEPARTMENT, name, id_masked, born, sex, phone_masked, address)
        region[key] = region_id
        linked[key] = pk
    for s in sources_for_linkage(actor).order_by("pk"):
        key = source_key(s.pk)
        rows.append(_source_row(s))
        shown[key] = _shown(
            s.department, s.name, s.id_number_masked, s.birth_date, s.sex, s.phone_masked, s.address
        )
        region[key] = s.region_id
        linked[key] = s.person_id
    frame = pd.DataFrame(
        rows,
        columns=[
            "record_id",
            "source",
            "name",
            "id_number",
            "birth_date",
            "sex",
            "phone",
            "address",
        ],
    )
    return LinkageInput(frame=frame, shown=shown, region=region, linked_person=linked)


def _shown(
    source: str,
    name: str,
    id_masked: str,
    born: date | None,
    sex: str,
    phone_masked: str,
    address: str,
) -> dict[str, str]:
    return {
        "来源": source,
        "姓名": name,
        "身份证号": id_masked,
        "出生日期": born.isoformat() if born else "",
        "性别": sex,
        "手机号": phone_masked,
        "地址": address,
    }


def decided_links() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Clerical matches and non-matches, as must-link / cannot-link pairs for the clustering."""
    decided = CandidatePair.objects.exclude(status=CandidatePair.Status.PENDING).values_list(
        "left_key", "right_key", "status"
    )
    must = [(a, b) for a, b, s in decided if s == CandidatePair.Status.MATCH]
    cannot = [(a, b) for a, b, s in decided if s == CandidatePair.Status.NON_MATCH]
    return must, cannot


def queue(actor: ScopedActor, status: str = "", reason: str = "") -> QuerySet[CandidatePair]:
    pairs = CandidatePair.objects.visible_to(actor)
    if status:
        pairs = pairs.filter(status=status)
    if reason:
        pairs = pairs.filter(reason=reason)
    return pairs.select_related("region", "decided_by").order_by("-match_probability", "pk")


def queue_counts(actor: ScopedActor) -> dict[str, int]:
    counts = dict(
        CandidatePair.objects.visible_to(actor)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in CandidatePair.Status.values}


def queue_reasons(actor: ScopedActor) -> list[str]:
    return sorted(
        set(CandidatePair.objects.visible_to(actor).values_list("reason", flat=True).distinct())
    )


def _holders(tag: str, day: date, within: QuerySet[Person] | None = None) -> set[int]:
    """Who holds `tag` on `day`, by an identity tag or a department's record linked to them —
    among the persons `within`, when given.

    Read as two small id lists (the holders of one identity are a few thousand at `city` scale)
    rather than as `pk IN (…) OR pk IN (…)` on the person table, which PostgreSQL answered by
    reading every person in scope: 4–6 s for the city administrator at 1M persons
    (benchmarks/list_pages.py, 2026-12-03). A township's or a village's own persons are few, so
    there the lists are read for them only (6,513 低保 holders of the city read for a village's
    page before)."""
    tagged = IdentityTag.objects.filter(tag=tag, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )
    recorded = (
        SourceRecord.objects.filter(identity=tag, person__isnull=False)
        .filter(Q(identity_from__isnull=True) | Q(identity_from__lte=day))
        .filter(Q(identity_to__isnull=True) | Q(identity_to__gt=day))
    )
    if within is not None:
        tagged = tagged.filter(person__in=within.values("pk"))
        recorded = recorded.filter(person__in=within.values("pk"))
    return set(tagged.values_list("person_id", flat=True)) | {
        pk for pk in recorded.values_list("person_id", flat=True) if pk is not None
    }


@dataclass(frozen=True)
class ConflictRow:
    person: Person
    rule: Rule


def conflict_rows(actor: ScopedActor, day: date) -> list[ConflictRow]:
    """Every person in scope who holds two conflicting identities on `day`, rule by rule."""
    found: list[ConflictRow] = []
    holders: dict[str, set[int]] = {}
    small = actor.scope_code().level in (Level.TOWNSHIP, Level.VILLAGE)
    within = Person.objects.visible_to(actor) if small else None
    for rule in rules():
        if not rule.in_force_on(day):
            continue
        for tag in (rule.tag_a, rule.tag_b):
            if tag not in holders:
                holders[tag] = _holders(tag, day, within)
        both = holders[rule.tag_a] & holders[rule.tag_b]
        if not both:
            continue
        persons = (
            Person.objects.visible_to(actor)
            .filter(pk__in=sorted(both))
            .select_related("region")
            .order_by("region_id", "name", "pk")
        )
        found += [ConflictRow(person=p, rule=rule) for p in persons]
    return found
