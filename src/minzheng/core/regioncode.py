"""行政区划代码 as a value: the one place that knows how a 12-digit statistical code is built.

GB/T 2260 and the statistical division codes nest by prefix: 2 digits the province, 4 the city,
6 the county-level unit, 9 the township (乡镇、街道), 12 the village or community. Every other
module asks this type — `county`, `township`, `parent`, `range`, `contains`, `level` — instead of
slicing the string itself (tests/core/test_no_code_slices.py fails on a new slice).

Shorter codes (`"330203"`, the form policy parameters and the demo use) are read as the unit they
name, padded with zeros to twelve digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

FULL = 12
#: How many leading digits name a unit of each level.
PREFIX_LENGTH: dict[str, int] = {
    "province": 2,
    "city": 4,
    "county": 6,
    "township": 9,
    "village": 12,
}
_LEVEL_BY_LENGTH = {length: level for level, length in PREFIX_LENGTH.items()}
_PARENT_LEVEL = {"city": "province", "county": "city", "township": "county", "village": "township"}


class BadRegionCode(ValueError):
    """Not a division code: digits only, 2, 4, 6, 9 or 12 of them."""


def _infer_level(code: str) -> str:
    for level in ("province", "city", "county", "township"):
        if code[PREFIX_LENGTH[level] :].strip("0") == "":
            return level
    return "village"


@dataclass(frozen=True, slots=True, order=True)
class RegionCode:
    """A unit of the division tree: its 12-digit code and its level."""

    code: str
    level: str

    @classmethod
    def of(cls, code: str, level: str | None = None) -> Self:
        """The unit a code names; `level` when the caller knows it (a Region row), else inferred
        from the trailing zeros (330203000000 is a county, 330203001000 a township)."""
        text = str(code).strip()
        if not text.isdigit() or len(text) not in _LEVEL_BY_LENGTH:
            raise BadRegionCode(f"区划代码应为 2、4、6、9 或 12 位数字：{text[:20]}")
        full = text.ljust(FULL, "0")
        if level is None:
            level = _infer_level(full)
        elif level not in PREFIX_LENGTH:
            raise BadRegionCode(f"未知的区划层级：{level}")
        return cls(full, level)

    def __str__(self) -> str:
        return self.code

    @property
    def prefix(self) -> str:
        """The leading digits that name this unit (6 for a county, 9 for a township …)."""
        return self.code[: PREFIX_LENGTH[self.level]]

    @property
    def depth(self) -> int:
        """How many leading digits name this unit: 4 for a city, 6 a county, 9 a township …"""
        return PREFIX_LENGTH[self.level]

    @property
    def county_prefix(self) -> str:
        """The six digits of the county-level unit this code lies in (the key of county policy)."""
        return self.code[: PREFIX_LENGTH["county"]]

    @property
    def township_prefix(self) -> str:
        return self.code[: PREFIX_LENGTH["township"]]

    def key6(self, level: str) -> str:
        """The six-digit key of the unit at `level` above this code (330203 → city 330200,
        province 330000): the form policy parameters and price indices are keyed by."""
        return self.code[: PREFIX_LENGTH[level]].ljust(PREFIX_LENGTH["county"], "0")

    @property
    def county(self) -> RegionCode:
        """The county-level unit this code lies in (itself for a county)."""
        return self._at("county")

    @property
    def township(self) -> RegionCode:
        """The township this code lies in (itself for a township); a county has none."""
        if PREFIX_LENGTH[self.level] < PREFIX_LENGTH["township"]:
            raise BadRegionCode(f"{self.code} 不是乡镇或村级区划")
        return self._at("township")

    @property
    def city(self) -> RegionCode:
        return self._at("city")

    @property
    def parent(self) -> RegionCode | None:
        """The unit one level up; None for a province."""
        up = _PARENT_LEVEL.get(self.level)
        return self._at(up) if up else None

    def _at(self, level: str) -> RegionCode:
        if PREFIX_LENGTH[level] > PREFIX_LENGTH[self.level]:
            raise BadRegionCode(f"{self.code} 是{self.level}级区划，没有所属{level}")
        return RegionCode(self.code[: PREFIX_LENGTH[level]].ljust(FULL, "0"), level)

    @property
    def range(self) -> tuple[str, str]:
        """The inclusive range of 12-digit codes inside this unit: an index range scan."""
        return self.prefix.ljust(FULL, "0"), self.prefix.ljust(FULL, "9")

    def contains(self, other: RegionCode | str) -> bool:
        """Whether `other` (a code or a unit) lies inside this unit, itself included."""
        code = other.code if isinstance(other, RegionCode) else str(other).ljust(FULL, "0")
        return code.startswith(self.prefix)

    def encloses(self, other: RegionCode) -> bool:
        """Whether the whole of `other` lies inside this unit (a county encloses its townships;
        a township does not enclose its county although the county's code starts with it)."""
        return self.depth <= other.depth and self.contains(other)


def full_code(code: str) -> str:
    """Any prefix of a code (a form field, a parameter's region) as the 12-digit code it names.
    Lenient: it pads and never refuses; look the result up to know whether it exists."""
    return str(code).strip().ljust(FULL, "0")


def county_code(code: str) -> str:
    """The 12-digit code of the county-level unit a code lies in."""
    return full_code(county_of(code))


def county_of(code: str) -> str:
    """The six-digit county key of any code of six digits or more; "" for no code."""
    return str(code)[: PREFIX_LENGTH["county"]] if code else ""


def code_range(code: str, level: str) -> tuple[str, str]:
    """The inclusive range of 12-digit codes inside a unit of a known level."""
    return RegionCode.of(code[: PREFIX_LENGTH[level]], level).range


def overlap(a: tuple[str, str], b: tuple[str, str]) -> tuple[str, str]:
    """The codes two inclusive ranges share (empty when low > high)."""
    return max(a[0], b[0]), min(a[1], b[1])


def in_range(code: str, bounds: tuple[str, str]) -> bool:
    """Whether a 12-digit code lies within inclusive bounds (a scope's `scope_bounds()`)."""
    low, high = bounds
    return low <= code.ljust(FULL, "0") <= high
