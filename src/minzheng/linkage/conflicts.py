"""Identity conflicts: which of a person's identities should not be held together on a day.

Pure functions over plain dataclasses; the rules come from `ConflictRule` rows (dated policy
data), loaded by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Identity:
    tag: str
    label: str
    source: str
    valid_from: date | None
    valid_to: date | None
    origin: str  # "登记身份" (IdentityTag) or the department that attested it

    def current_on(self, day: date) -> bool:
        starts = self.valid_from is None or self.valid_from <= day
        return starts and (self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True)
class Rule:
    key: str
    tag_a: str
    tag_b: str
    message: str
    effective_from: date
    effective_to: date | None
    source: str
    confidence: str
    illustrative: bool

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)


@dataclass(frozen=True)
class Conflict:
    """A warning: the rule that fired, and the identities that made it fire (its reasons)."""

    rule: Rule
    identities: tuple[Identity, ...]

    @property
    def message(self) -> str:
        return self.rule.message


def find_conflicts(
    identities: Sequence[Identity], rules: Iterable[Rule], day: date
) -> list[Conflict]:
    current = [identity for identity in identities if identity.current_on(day)]
    found: list[Conflict] = []
    for rule in rules:
        if not rule.in_force_on(day):
            continue
        involved = tuple(i for i in current if i.tag in (rule.tag_a, rule.tag_b))
        if {i.tag for i in involved} >= {rule.tag_a, rule.tag_b}:
            found.append(Conflict(rule=rule, identities=involved))
    return found
