"""Bring department records to one form before they are compared.

Every field has a scalar function (easy to test and to reuse on a single record) and
`prepare_records` applies the same rules to a whole table: each column's *distinct* raw values
(`pandas.factorize`) go through one DuckDB query (`clean_sql.py`) and the result is broadcast
back to the rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from minzheng.core import idnumber
from minzheng.linkage.address import canonical_address, strip_city_prefix

RECORD_COLUMNS: tuple[str, ...] = (
    "record_id",
    "source",
    "name",
    "id_number",
    "birth_date",
    "sex",
    "phone",
    "address",
)

_FULLWIDTH = str.maketrans(
    {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
)
_WHITESPACE = re.compile(r"\s+")
# Minority names are written with a middle dot (买买提·艾力); clerks type any dot they find, a
# hyphen, a space or nothing. Spaces are gone already; every dot is dropped, so all forms agree.
_NAME_DOTS = str.maketrans(dict.fromkeys(".·•・‧∙。-－—‐_･⋅", ""))
_DATE = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$")
_NINGBO_LANDLINE_PREFIX = "0574"
# A number on more records than this is an office, a care home or a placeholder (13800000000):
# blocking on it would compare every pair of those records for no gain in recall.
SHARED_PHONE_BLOCK_LIMIT = 30


def to_halfwidth(text: str) -> str:
    """Full-width letters, digits and punctuation (ＡＢＣ１２３) to their ASCII forms."""
    return text.translate(_FULLWIDTH)


@cache
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@cache
def _traditional_chars() -> re.Pattern[str]:
    """A character class of the characters OpenCC would change, to skip the (slow) conversion
    for the great majority of strings that are already simplified."""
    import opencc

    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars: list[str] = []
    for line in table.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        if source and source not in targets.split(" "):
            chars.append(source)
    return re.compile("[" + re.escape("".join(chars)) + "]")


def to_simplified(text: str) -> str:
    """Traditional characters to simplified (OpenCC t2s), e.g. 寧波 → 宁波."""
    if not _traditional_chars().search(text):
        return text
    return str(_t2s().convert(text))


def _clean_text(raw: object) -> str | None:
    if raw is None or (isinstance(raw, float) and np.isnan(raw)) or raw is pd.NA:
        return None
    text = _WHITESPACE.sub("", to_halfwidth(str(raw)))
    return text or None


def normalize_name(raw: object) -> str | None:
    """Simplified characters, no spaces, no middle dot; Latin letters (pinyin) upper-cased."""
    text = _clean_text(raw)
    if text is None:
        return None
    return to_simplified(text).translate(_NAME_DOTS).upper()


def normalize_date(raw: object) -> date | None:
    """Read 1990-01-02, 1990/1/2, 1990.1.2, 19900102, 1990年1月2日 (a time part is ignored)."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = _clean_text(raw if not isinstance(raw, str) else raw.strip().split(" ")[0])
    if text is None:
        return None
    text = text.split("T")[0]
    match = _DATE.match(text)
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def normalize_sex(raw: object) -> str | None:
    """Sex as "M" or "F". Codes follow GB/T 2261.1 (1 男, 2 女); 0 and 9 mean unknown."""
    text = _clean_text(raw)
    if text is None:
        return None
    lowered = text.lower()
    if lowered in {"男", "m", "1", "male", "男性"}:
        return "M"
    if lowered in {"女", "f", "2", "female", "女性"}:
        return "F"
    return None


def normalize_phone(raw: object) -> str | None:
    """Mobile numbers as their 11 digits (country code and separators dropped); landlines as
    digits with the area code, a bare 7- or 8-digit number being a Ningbo (0574) line."""
    text = _clean_text(raw)
    if text is None:
        return None
    digits = re.sub(r"\D", "", text)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
    if len(digits) == 11 and digits.startswith("1"):
        return digits
    if len(digits) in (7, 8):
        return _NINGBO_LANDLINE_PREFIX + digits
    if digits.startswith("0") and len(digits) in (10, 11, 12):
        return digits
    return None


def normalize_address(raw: object) -> str | None:
    """Simplified, half-width, no spaces, without the 浙江省宁波市 prefix."""
    text = _clean_text(raw)
    if text is None:
        return None
    return canonical_address(strip_city_prefix(to_simplified(text))) or None


@dataclass(frozen=True)
class PreparedIdNumber:
    """An ID number in its 18-digit form and what it tells about the person."""

    number: str | None
    valid: bool
    birth_date: date | None
    sex: str | None


def prepare_id_number(raw: object, *, today: date) -> PreparedIdNumber:
    """Upper-case, 15 → 18 digits, validity, and the birth date and sex the number carries.

    Validity is `minzheng.core.idnumber.parse` (check digit, real birth date, known area code).
    An invalid number keeps its birth date when the date part is a real date: a typo is far more
    often in one digit than in all eight, and the date still helps to block and compare.
    """
    text = _clean_text(raw)
    if text is None:
        return PreparedIdNumber(None, False, None, None)
    parsed = idnumber.parse(text.upper(), today=today)
    if parsed.valid:
        return PreparedIdNumber(parsed.normalized, True, parsed.birth_date, _sex_code(parsed.sex))
    number = parsed.normalized or None
    if number is None or len(number) != idnumber.LENGTH:
        return PreparedIdNumber(number, False, None, None)
    birth = normalize_date(number[6:14])
    sex = ("M" if int(number[16]) % 2 else "F") if number[16].isdigit() else None
    return PreparedIdNumber(number, False, birth, sex)


def _sex_code(sex: object) -> str | None:
    return normalize_sex(getattr(sex, "value", sex))


class _Distinct:
    """The distinct values of a column and, for each row, which one it holds."""

    def __init__(self, values: pd.Series | np.ndarray[Any, Any]) -> None:
        self.codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
        self.values: list[Any] = list(uniques)

    def broadcast(self, mapped: list[Any]) -> np.ndarray[Any, Any]:
        """Rows get the mapped value of their distinct value; missing values get None."""
        table = np.empty(len(mapped) + 1, dtype=object)
        table[: len(mapped)] = mapped
        table[-1] = None  # code -1 (missing) indexes the last slot
        result: np.ndarray[Any, Any] = table[self.codes]
        return result


def prepare_records(records: pd.DataFrame, *, today: date) -> pd.DataFrame:
    """The comparison table: one row per record, every field normalised and derived.

    Missing columns among the eight input columns are treated as empty. Birth date and sex are
    taken from the ID number when the record itself leaves them empty. `today` bounds the birth
    dates an ID number may carry.

    Each column's distinct raw values are cleaned by one DuckDB query (`clean_sql`), with the
    rules of the scalar functions above, and broadcast back to the rows.
    """
    from minzheng.linkage import clean_sql

    frame = records.reindex(columns=list(RECORD_COLUMNS))
    out = pd.DataFrame(index=frame.index)
    out["record_id"] = frame["record_id"].astype(str)
    sources = _Distinct(frame["source"])
    out["source"] = sources.broadcast(clean_sql.clean_texts(sources.values))

    raw_names = _Distinct(frame["name"])
    names, pinyins, surnames = clean_sql.clean_names(raw_names.values)
    out["name"] = raw_names.broadcast(names)
    out["name_pinyin"] = raw_names.broadcast(pinyins)
    out["surname"] = raw_names.broadcast(surnames)

    raw_ids = _Distinct(frame["id_number"])
    ids = clean_sql.clean_id_numbers(raw_ids.values, today=today)
    out["id_number"] = raw_ids.broadcast(ids["number"])
    out["id_valid"] = raw_ids.broadcast(ids["valid"]).astype(bool)  # missing: None → False
    id_birth = raw_ids.broadcast(ids["birth"])
    id_sex = raw_ids.broadcast(ids["sex"])

    raw_births = _Distinct(frame["birth_date"])
    stated_birth = raw_births.broadcast(clean_sql.clean_dates(raw_births.values))
    # A valid ID number's birth date is the registered one: a stated date that disagrees with it
    # (day and month swapped, a typo) is the clerk's error. Otherwise the stated date comes first.
    from_id = out["id_valid"].to_numpy() & ~pd.isna(id_birth)
    out["birth_date"] = np.where(
        from_id, id_birth, np.where(pd.isna(stated_birth), id_birth, stated_birth)
    )
    out["birth_year"] = out["birth_date"].str.slice(0, 4)

    raw_sexes = _Distinct(frame["sex"])
    stated_sex = raw_sexes.broadcast(clean_sql.clean_sexes(raw_sexes.values))
    out["sex"] = np.where(pd.isna(stated_sex), id_sex, stated_sex)

    raw_phones = _Distinct(frame["phone"])
    out["phone"] = raw_phones.broadcast(clean_sql.clean_phones(raw_phones.values))
    phone_counts = out["phone"].map(out["phone"].value_counts())
    out["phone_block"] = out["phone"].where(phone_counts <= SHARED_PHONE_BLOCK_LIMIT)

    raw_addresses = _Distinct(frame["address"])
    addresses = clean_sql.clean_addresses(raw_addresses.values)
    for column in ("address", "county", "township", "road", "house_number"):
        out[column] = raw_addresses.broadcast(addresses[column])
    return out.reset_index(drop=True)
