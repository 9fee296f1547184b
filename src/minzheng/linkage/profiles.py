"""A person's identity profile: every identity, from the registry and from departments' records,
with its source and dates, and the conflict warnings in force on a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from minzheng.accounts.scope import ScopedActor
from minzheng.linkage.conflicts import Conflict, Identity, Rule, find_conflicts
from minzheng.linkage.models import ConflictRule, SourceRecord
from minzheng.registry.models import IdentityTag, Person

REGISTRY_ORIGIN = "登记身份"
TAG_LABELS = dict(IdentityTag.Tag.choices)


@dataclass(frozen=True)
class Profile:
    person: Person
    as_of: date
    identities: list[Identity]
    conflicts: list[Conflict]
    source_records: list[SourceRecord]

    def as_json(self) -> dict[str, Any]:
        return {
            "person_id": self.person.pk,
            "name": self.person.name,
            "id_number": self.person.id_number_masked,
            "as_of": self.as_of.isoformat(),
            "identities": [
                {
                    "tag": i.tag,
                    "label": i.label,
                    "source": i.source,
                    "origin": i.origin,
                    "valid_from": i.valid_from.isoformat() if i.valid_from else None,
                    "valid_to": i.valid_to.isoformat() if i.valid_to else None,
                    "current": i.current_on(self.as_of),
                }
                for i in self.identities
            ],
            "warnings": [
                {
                    "rule": c.rule.key,
                    "message": c.message,
                    "source": c.rule.source,
                    "confidence": c.rule.confidence,
                    "illustrative": c.rule.illustrative,
                    "tags": sorted({i.tag for i in c.identities}),
                }
                for c in self.conflicts
            ],
        }


def rules() -> list[Rule]:
    return [
        Rule(
            key=r.key,
            tag_a=r.tag_a,
            tag_b=r.tag_b,
            message=r.message,
            effective_from=r.effective_from,
            effective_to=r.effective_to,
            source=r.source,
            confidence=r.confidence,
            illustrative=r.illustrative,
        )
        for r in ConflictRule.objects.order_by("key", "effective_from")
    ]


def identities_of(person: Person, records: list[SourceRecord]) -> list[Identity]:
    found = [
        Identity(
            tag=t.tag,
            label=TAG_LABELS.get(t.tag, t.tag),
            source=t.source,
            valid_from=t.valid_from,
            valid_to=t.valid_to,
            origin=REGISTRY_ORIGIN,
        )
        for t in IdentityTag.objects.filter(person=person).order_by("valid_from", "id")
    ]
    found += [
        Identity(
            tag=r.identity,
            label=TAG_LABELS.get(r.identity, r.identity),
            source=f"{r.department}（记录 {r.record_id}）",
            valid_from=r.identity_from,
            valid_to=r.identity_to,
            origin=r.department,
        )
        for r in records
        if r.identity
    ]
    return found


def identity_profile(actor: ScopedActor, person_id: int, as_of: date) -> Profile:
    """The profile of a person in the actor's scope (NotFound otherwise)."""
    person = Person.objects.get_visible(actor, pk=person_id)
    records = list(SourceRecord.objects.filter(person=person).order_by("department", "record_id"))
    identities = identities_of(person, records)
    return Profile(
        person=person,
        as_of=as_of,
        identities=identities,
        conflicts=find_conflicts(identities, rules(), as_of),
        source_records=records,
    )
