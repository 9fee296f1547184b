"""Ningbo's administrative divisions (行政区划) read from the committed CSV files
(`regions/data/`), without Django: the kernel reads the file, so it imports no app.

The data and its sources are described in data/SOURCES.md. The files are read once, on first use.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "regions" / "data"
COUNTY_CODE_LENGTH = 6
FULL_CODE_LENGTH = 12


@dataclass(frozen=True, slots=True)
class Division:
    code: str  # 12-digit statistical code
    name: str
    level: str  # city, county, township, village
    parent_code: str | None
    generated: bool  # True for demo villages/communities that are not real places
    source: str

    @property
    def county_code(self) -> str:
        return self.code[:COUNTY_CODE_LENGTH]


@dataclass(frozen=True, slots=True)
class LegacyCode:
    """A county-level code that is no longer in force but still appears in ID numbers."""

    code: str  # 6 digits
    name: str
    valid_from_year: int | None  # None: before the lists begin (1980)
    valid_to_year: int | None  # None: never formally retired
    successor_code: str | None  # today's county-level unit; None for aggregate codes
    source: str


@cache
def divisions() -> tuple[Division, ...]:
    with (DATA / "ningbo_divisions.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(
            Division(
                code=row["code"],
                name=row["name"],
                level=row["level"],
                parent_code=row["parent_code"] or None,
                generated=row["generated"] == "1",
                source=row["source"],
            )
            for row in csv.DictReader(handle)
        )


@cache
def legacy_codes() -> tuple[LegacyCode, ...]:
    with (DATA / "ningbo_legacy_codes.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(
            LegacyCode(
                code=row["code"],
                name=row["name"],
                valid_from_year=_year(row["valid_from_year"]),
                valid_to_year=_year(row["valid_to_year"]),
                successor_code=row["successor_code"] or None,
                source=row["source"],
            )
            for row in csv.DictReader(handle)
        )


def _year(text: str) -> int | None:
    return int(text) if text else None


@cache
def _by_code() -> dict[str, Division]:
    return {division.code: division for division in divisions()}


@cache
def _legacy_by_code() -> dict[str, tuple[LegacyCode, ...]]:
    grouped: dict[str, list[LegacyCode]] = {}
    for legacy in legacy_codes():
        grouped.setdefault(legacy.code, []).append(legacy)
    return {code: tuple(rows) for code, rows in grouped.items()}


def division(code: str) -> Division | None:
    """The unit with this 12-digit code, or with this 6-digit county-level code."""
    return _by_code().get(_full(code))


def children_of(code: str) -> tuple[Division, ...]:
    full = _full(code)
    return tuple(d for d in divisions() if d.parent_code == full)


def counties() -> tuple[Division, ...]:
    return tuple(d for d in divisions() if d.level == "county")


def current_county_for(code6: str) -> str | None:
    """Today's county-level code for a current or legacy 6-digit code (江东区 330204 → 330212).

    None when the code is not a Ningbo county-level code, or stands for no single unit (市辖区).
    """
    current = _by_code().get(_full(code6))
    if current is not None and current.level == "county":
        return current.county_code
    for legacy in _legacy_by_code().get(code6, ()):
        if legacy.successor_code is not None:
            return legacy.successor_code
    return None


def legacy_code(code6: str) -> LegacyCode | None:
    """The most recent legacy entry for a 6-digit code, if it ever had one."""
    rows = _legacy_by_code().get(code6, ())
    return rows[-1] if rows else None


def name_for(code: str) -> str | None:
    """The name of a 12-digit unit, or of a current or legacy 6-digit county-level code."""
    current = _by_code().get(_full(code))
    if current is not None:
        return current.name
    legacy = legacy_code(code)
    return legacy.name if legacy is not None else None


def _full(code: str) -> str:
    # A 6-digit county-level code names the same unit as its 12-digit form with six zeros.
    return code.ljust(FULL_CODE_LENGTH, "0") if len(code) == COUNTY_CODE_LENGTH else code
