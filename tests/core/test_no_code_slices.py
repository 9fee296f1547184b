"""No hand-written region arithmetic outside the region-code type.

A region code is compared, sliced and padded in `core/regioncode.py` (and scoped in
`accounts/scope.py`) only. Everywhere else asks `RegionCode`, `county_of`, `full_code`,
`actor.covers`, `visible_to`, `scope_q`/`region_q`. This test reads the source and fails on a new
slice of a code (`region_id[:6]`), a padded range (`.ljust(12, …)`), a hand-written range filter
(`region_id__gte=low`) or a range comparison against a scope (`low <= code <= high`).
"""

from __future__ import annotations

import re
from pathlib import Path

import minzheng

PACKAGE = Path(minzheng.__file__).resolve().parent

# The two modules that own the arithmetic, and the standalone script that builds the data file.
ALLOWED = {
    "core/regioncode.py",
    "accounts/scope.py",
    "regions/data/build_divisions.py",
}

CODEISH = r"(?:region|code|county|township|village|scope|\blow|\bhigh)"
PATTERNS = {
    "slice of a region code": re.compile(CODEISH + r"[\w\"'\[\]().]*\[:(?:2|4|6|9)\]"),
    "padding to 12 digits": re.compile(r"\.ljust\(\s*12\b"),
    "hand-written range filter": re.compile(
        r"(?:region|county|code)\w*__(?:gte|lte)\s*=\s*(?:low|high|\w*\[)"
    ),
    "range comparison against a scope": re.compile(
        r"\blow\s*<=\s*[\w.\[\]\"'()]*(?:region|code|county|village|_id)[\w.\[\]\"'()]*\s*<=\s*high\b"
    ),
    "scope bounds read by hand": re.compile(
        r"\.scope_bounds\(\)\s*$|low, high = \w+\.scope_bounds\(\)"
    ),
}


def offences(text: str) -> list[tuple[int, str, str]]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0]
        for what, pattern in PATTERNS.items():
            if pattern.search(code):
                found.append((number, what, line.strip()))
    return found


def test_no_code_slice_or_range_check_outside_the_region_type() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{number}: {what}: {line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if str(path.relative_to(PACKAGE)) not in ALLOWED
        for number, what, line in offences(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_check_catches_each_kind() -> None:
    sample = "\n".join(
        [
            "county = household.region_id[:6]",
            'low = code.ljust(12, "0")',
            "qs.filter(region_id__gte=low, region_id__lte=high)",
            "if not low <= person.region_id <= high:",
            "low, high = actor.scope_bounds()",
            "digits[:4] + '*'",  # a bank account's prefix: not a region code
            "if data[:4] == MAGIC:",
        ]
    )
    kinds = [what for _, what, _ in offences(sample)]
    assert kinds == [
        "slice of a region code",
        "padding to 12 digits",
        "hand-written range filter",
        "range comparison against a scope",
        "scope bounds read by hand",
    ]
