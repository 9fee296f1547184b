"""Resident identity numbers (公民身份号码, GB 11643-1999): normalise, check, convert, mask.

Pure: no Django and no clock; the caller passes `today`. The area-code list with its years of
validity is python-stdnum's `stdnum/cn/loc.dat`, read from the installed package once.
Rules and error codes: docs/idnumber.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from minzheng.core.divisions import current_county_for, name_for
from minzheng.core.errors import ValidationFailed
from minzheng.core.masking import mask_id_number

# GB 11643-1999 §8.2, ISO 7064 MOD 11-2 (policy.md §8).
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
LENGTH = 18
OLD_LENGTH = 15
# 15-digit numbers carry a two-digit year; all were issued to people born in the 1900s.
OLD_CENTURY = "19"
# Numbers were first issued in 1984 (居民身份证试行条例, 国务院 1984), with the code of the place of
# first registration: a code in force at any time from then on may appear, whatever the birth year.
FIRST_ISSUE_YEAR = 1984
MALE, FEMALE = "男", "女"

# Codes of residence permits for Taiwan residents (港澳台居民居住证申领发放办法, 2018), which follow
# GB 11643 but are missing from loc.dat (it has 810000 and 820000 for Hong Kong and Macao).
SUPPLEMENTARY_AREAS = {"830000": "[2018-]台湾居民居住证"}
# County-level names that mean nothing without their city.
AGGREGATE_NAMES = frozenset({"市辖区", "市区", "郊区", "县"})

_NORMALIZE = str.maketrans(
    {
        **{chr(0xFF10 + digit): str(digit) for digit in range(10)},  # full-width ０–９
        "x": "X",
        "ｘ": "X",
        "Ｘ": "X",
        # Separators people type or paste: spaces, dashes, zero-width characters, a BOM.
        **dict.fromkeys(" \t\r\n\u3000\xa0\u200b\ufeff-－‐‑‒–—―−", None),
    }
)


@dataclass(frozen=True, slots=True)
class AreaSpell:
    """One name of an area code and the years it was in force (None: open-ended)."""

    name: str
    start: int | None
    end: int | None

    def in_force_between(self, first_year: int, last_year: int) -> bool:
        return (self.start is None or self.start <= last_year) and (
            self.end is None or self.end >= first_year
        )

    def years(self) -> str:
        if self.start is None:
            return f"{self.end}年及以前"
        return f"{self.start}—{self.end}年" if self.end is not None else f"{self.start}年起"


@dataclass(frozen=True, slots=True)
class IdNumberError:
    code: str
    message: str

    def as_exception(self) -> InvalidIdNumber:
        return InvalidIdNumber(self.message, code=self.code)


class InvalidIdNumber(ValidationFailed):
    code = "invalid_id_number"


@dataclass(frozen=True, slots=True)
class IdNumberCheck:
    """The verdict on one number, with what it says about its holder when it is valid."""

    input: str
    valid: bool
    normalized: str  # 18 digits when valid; the cleaned input otherwise
    birth_date: date | None = None
    sex: str | None = None
    region_code: str | None = None
    region_name: str | None = None
    error: IdNumberError | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape used by the CLI and the API; `error` only when invalid."""
        result: dict[str, Any] = {
            "input": self.input,
            "valid": self.valid,
            "normalized": self.normalized,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex,
            "region_code": self.region_code,
            "region_name": self.region_name,
        }
        if self.error is not None:
            result["error"] = {"code": self.error.code, "message": self.error.message}
        return result

    def require_valid(self) -> IdNumberCheck:
        """Return self, or raise the error as a DomainError for a view or action to report."""
        if self.error is not None:
            raise self.error.as_exception()
        return self


def normalize(raw: str) -> str:
    """Full-width digits to ASCII, lower-case x to X, spaces and dashes removed."""
    if raw.isascii() and raw.isdigit():
        return raw  # the common case, and translate() is the slowest step of parse()
    return raw.translate(_NORMALIZE)


def check_digit(first17: str) -> str:
    """The 18th character for the first 17 digits (ISO 7064 MOD 11-2)."""
    if len(first17) != LENGTH - 1 or not _is_ascii_digits(first17):
        raise ValueError(f"not 17 digits: {first17!r}")
    # Σ aᵢ·WEIGHTS[i] mod 11 in one step: the weights are 2¹⁷…2¹ mod 11 and 13 ≡ 2 (mod 11), so the
    # sum equals 2 · (the digits read in base 13) mod 11. Several times faster than the loop.
    return CHECK_CHARACTERS[2 * int(first17, 13) % 11]


def to_18(fifteen: str) -> str:
    """A 15-digit number in its 18-digit form: the century goes in, a check digit goes on."""
    if len(fifteen) != OLD_LENGTH or not _is_ascii_digits(fifteen):
        raise ValueError(f"not a 15-digit number: {fifteen!r}")
    first17 = fifteen[:6] + OLD_CENTURY + fifteen[6:]
    return first17 + check_digit(first17)


def mask(normalized: str) -> str:
    """330203********123X: birthplace and last four kept, birth date hidden."""
    return mask_id_number(normalized)


def parse(raw: str, *, today: date) -> IdNumberCheck:
    """Check one number. A failure carries a stable code and a Chinese message."""
    number = normalize(raw)
    if not number:
        return _invalid(raw, number, "empty", "身份证号码为空")
    if len(number) == OLD_LENGTH:
        if not _is_ascii_digits(number):
            return _invalid(raw, number, "bad_format", "15位身份证号码只能由数字组成")
        number = to_18(number)
    elif len(number) == LENGTH:
        if not _is_ascii_digits(number[:17]) or number[17] not in CHECK_CHARACTERS:
            return _invalid(
                raw, number, "bad_format", "身份证号码前17位只能是数字，最后一位是数字或X"
            )
    else:
        message = f"身份证号码应为18位（旧号码为15位），这里是{len(number)}位"
        return _invalid(raw, number, "bad_length", message)

    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        message = f"身份证号码中的出生日期“{number[6:14]}”不存在"
        return _invalid(raw, number, "bad_birth_date", message)
    if birth > today:
        message = f"身份证号码中的出生日期{_chinese_date(birth)}晚于今天"
        return _invalid(raw, number, "birth_in_future", message)

    area = number[:6]
    spells = area_spells().get(area)
    if spells is None:
        message = f"身份证号码前6位“{area}”不是已知的行政区划代码"
        return _invalid(raw, number, "unknown_area", message)
    spell = _spell_in_force(area, max(birth.year, FIRST_ISSUE_YEAR), today.year)
    if spell is None:
        return _invalid(raw, number, "area_not_in_force", _not_in_force(area, spells, birth))

    if number[17] != check_digit(number[:17]):
        message = "身份证号码校验码不符，可能有数字输错，请逐位核对"
        return _invalid(raw, number, "bad_check_digit", message)

    return IdNumberCheck(
        input=raw,
        valid=True,
        normalized=number,
        birth_date=birth,
        sex=MALE if int(number[16]) % 2 else FEMALE,
        region_code=area,
        region_name=_region_name(area, spell),
    )


def area_spells() -> dict[str, tuple[AreaSpell, ...]]:
    """Every area code in loc.dat (plus SUPPLEMENTARY_AREAS) with its names and years."""
    if not _AREAS:
        _AREAS.update(_read_loc_dat())
    return _AREAS


# Module-level caches: loc.dat is parsed once per process, verdicts once per (area, years).
_AREAS: dict[str, tuple[AreaSpell, ...]] = {}
_IN_FORCE: dict[tuple[str, int, int], AreaSpell | None] = {}
_REGION_NAMES: dict[tuple[str, AreaSpell], str] = {}


def _read_loc_dat() -> dict[str, tuple[AreaSpell, ...]]:
    # Format: `33 province="浙江省"` then `  0204 county="[1983-2016]江东区"` lines below it.
    text = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    values: dict[str, str] = {}
    province = ""
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line[:2]
            continue
        values[province + line[2:6]] = line.split('county="', 1)[1].rstrip('"')
    values.update(SUPPLEMENTARY_AREAS)
    return {
        code: tuple(_spell(part) for part in value.split(",")) for code, value in values.items()
    }


def _spell(part: str) -> AreaSpell:
    if not part.startswith("["):
        return AreaSpell(part, None, None)
    years, name = part[1:].split("]", 1)
    start, end = years.split("-")
    return AreaSpell(name, int(start) if start else None, int(end) if end else None)


def _spell_in_force(area: str, first_year: int, last_year: int) -> AreaSpell | None:
    """The earliest name the code had between the first possible registration and today."""
    key = (area, first_year, last_year)
    if key not in _IN_FORCE:
        spells = area_spells()[area]
        _IN_FORCE[key] = next(
            (s for s in spells if s.in_force_between(first_year, last_year)), None
        )
    return _IN_FORCE[key]


def _region_name(area: str, spell: AreaSpell) -> str:
    key = (area, spell)
    if key not in _REGION_NAMES:
        name = spell.name
        if name in AGGREGATE_NAMES:
            city = area_spells().get(area[:4] + "00")
            name = (city[-1].name if city else "") + name
        today_code = current_county_for(area)
        today_name = name_for(today_code) if today_code else None
        # A Ningbo code that has since been retired or renamed also names today's unit.
        if (
            today_name
            and today_name != spell.name
            and (today_code != area or spell.end is not None)
        ):
            name = f"{name}（今{today_name}）"
        _REGION_NAMES[key] = name
    return _REGION_NAMES[key]


def _not_in_force(area: str, spells: tuple[AreaSpell, ...], birth: date) -> str:
    used = "、".join(f"{s.name}（{s.years()}）" for s in spells)
    if birth.year < FIRST_ISSUE_YEAR:
        return f"行政区划代码{area}只用于{used}，身份证{FIRST_ISSUE_YEAR}年起才发放，不会用到它"
    return f"行政区划代码{area}只用于{used}，{birth.year}年出生的人的号码不会用到它"


def _invalid(raw: str, number: str, code: str, message: str) -> IdNumberCheck:
    return IdNumberCheck(
        input=raw, valid=False, normalized=number, error=IdNumberError(code, message)
    )


def _is_ascii_digits(text: str) -> bool:
    # str.isdigit alone accepts other scripts' digits (e.g. "٣"); int() would then read them.
    return text.isascii() and text.isdigit()


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
