"""Policy parameters as data: dated, regional, sourced values; the set read for one region/day."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from minzheng.assistance.errors import (
    InvalidRegion,
    ParameterInvalid,
    ParameterMissing,
    RegionWithoutStandard,
)
from minzheng.core.regioncode import RegionCode

type ParameterValue = Decimal | int | bool | str | tuple[str, ...]

NATIONAL = "000000"
STANDARD_KEY = "dibao.standard_monthly"
_REGION = re.compile(r"^\d{6}$")


class Confidence(StrEnum):
    A = "A"  # primary legal text read in full
    B = "B"  # official page or faithful reprint, in excerpt
    C = "C"  # secondary or another locality's example
    NF = "NF"  # not found: the value is illustrative


class ValueKind(StrEnum):
    DECIMAL = "decimal"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    ROUNDING = "rounding"
    CODES = "codes"


@dataclass(frozen=True, slots=True)
class CatalogValue:
    """One dated value of a parameter for a region (000000 = national, 330000 = province …)."""

    region_code: str
    effective_from: date
    value: ParameterValue
    source: str
    confidence: Confidence
    illustrative: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class ParameterSpec:
    key: str
    name: str  # Chinese name shown to staff
    unit: str
    kind: ValueKind
    values: tuple[CatalogValue, ...]
    description: str = ""


@dataclass(frozen=True, slots=True)
class ParameterRow:
    """A flattened catalogue value: what the database stores, one row per key, region and date."""

    key: str
    region_code: str
    effective_from: date
    value: ParameterValue
    source: str
    confidence: Confidence
    illustrative: bool

    @property
    def version_id(self) -> str:
        return f"{self.key}@{self.region_code}@{self.effective_from.isoformat()}"


@dataclass(frozen=True, slots=True)
class ResolvedParameter:
    """The value in force for one region on one day, with what is needed to replay a decision."""

    key: str
    value: ParameterValue
    version_id: str
    effective_from: date
    source: str
    region_code: str = NATIONAL
    effective_to: date | None = None  # exclusive; None while no later value is known
    confidence: Confidence = Confidence.A
    illustrative: bool = False

    def covers(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)


@dataclass(frozen=True)
class ParameterSet:
    """Resolved parameters for one region and day. The rules read only through the typed getters."""

    region_code: str
    as_of: date
    parameters: tuple[ResolvedParameter, ...]
    _by_key: Mapping[str, ResolvedParameter] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {p.key: p for p in self.parameters})

    def __iter__(self) -> Iterator[ResolvedParameter]:
        return iter(self.parameters)

    def get(self, key: str) -> ResolvedParameter:
        found = self._by_key.get(key)
        if found is None:
            if key == STANDARD_KEY:
                raise RegionWithoutStandard(self.region_code)
            raise ParameterMissing(key, self.as_of)
        if not found.covers(self.as_of):
            raise ParameterMissing(key, self.as_of)
        return found

    def decimal(self, key: str) -> tuple[Decimal, ResolvedParameter]:
        p = self.get(key)
        if isinstance(p.value, bool) or not isinstance(p.value, Decimal | int):
            raise _wrong_kind(p, "数值")
        return Decimal(p.value), p

    def integer(self, key: str) -> tuple[int, ResolvedParameter]:
        p = self.get(key)
        if isinstance(p.value, bool) or not isinstance(p.value, int):
            raise _wrong_kind(p, "整数")
        return p.value, p

    def boolean(self, key: str) -> tuple[bool, ResolvedParameter]:
        p = self.get(key)
        if not isinstance(p.value, bool):
            raise _wrong_kind(p, "是/否")
        return p.value, p

    def text(self, key: str) -> tuple[str, ResolvedParameter]:
        p = self.get(key)
        if not isinstance(p.value, str):
            raise _wrong_kind(p, "文本")
        return p.value, p

    def codes(self, key: str) -> tuple[frozenset[str], ResolvedParameter]:
        p = self.get(key)
        if not isinstance(p.value, tuple):
            raise _wrong_kind(p, "代码列表")
        return frozenset(p.value), p

    def replace(self, key: str, value: ParameterValue) -> ParameterSet:
        """A copy with one value changed (what-if analysis and tests); the version id says so."""
        old = self.get(key)
        new = ResolvedParameter(
            key=key,
            value=value,
            version_id=f"{old.version_id}+override",
            effective_from=old.effective_from,
            source=f"调整值（原：{old.source}）",
            region_code=old.region_code,
            effective_to=old.effective_to,
            confidence=old.confidence,
            illustrative=True,
        )
        rest = tuple(p for p in self.parameters if p.key != key)
        return ParameterSet(self.region_code, self.as_of, (*rest, new))


def _wrong_kind(p: ResolvedParameter, expected: str) -> ParameterInvalid:
    return ParameterInvalid(f"政策参数 {p.key}（{p.version_id}）应为{expected}，实际为 {p.value!r}")


def region_chain(region_code: str) -> tuple[str, ...]:
    """Most specific first: county, city, province, nation (GB/T 2260 codes)."""
    if not _REGION.match(region_code):
        raise InvalidRegion(region_code)
    unit = RegionCode.of(region_code)
    chain = [region_code, unit.key6("city"), unit.key6("province"), NATIONAL]
    return tuple(dict.fromkeys(chain))


def resolve_parameters(rows: Iterable[ParameterRow], region_code: str, as_of: date) -> ParameterSet:
    """Pick, for each key, the latest value on or before `as_of` from the most specific region.

    A county value overrides the city's from its own start date on; `effective_to` is the next
    start date that would replace the chosen value for this region.
    """
    chain = region_chain(region_code)
    rank = {code: i for i, code in enumerate(chain)}
    by_key: dict[str, list[ParameterRow]] = {}
    for row in rows:
        if row.region_code in rank:
            by_key.setdefault(row.key, []).append(row)
    if STANDARD_KEY not in by_key:
        raise RegionWithoutStandard(region_code)

    resolved: list[ResolvedParameter] = []
    for key, candidates in by_key.items():
        in_force = [r for r in candidates if r.effective_from <= as_of]
        if not in_force:
            if key == STANDARD_KEY:
                raise ParameterMissing(key, as_of)
            continue  # the rules raise ParameterMissing when they read it
        chosen = min(in_force, key=lambda r: (rank[r.region_code], -r.effective_from.toordinal()))
        later = [
            r.effective_from
            for r in candidates
            if rank[r.region_code] <= rank[chosen.region_code]
            and r.effective_from > chosen.effective_from
        ]
        resolved.append(
            ResolvedParameter(
                key=key,
                value=chosen.value,
                version_id=chosen.version_id,
                effective_from=chosen.effective_from,
                source=chosen.source,
                region_code=chosen.region_code,
                effective_to=min(later) if later else None,
                confidence=chosen.confidence,
                illustrative=chosen.illustrative,
            )
        )
    return ParameterSet(region_code, as_of, tuple(sorted(resolved, key=lambda p: p.key)))
