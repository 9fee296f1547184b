"""Text cleaning for a whole table in DuckDB SQL, not per-row Python.

`prepare_records` (normalize.py) hands every distinct raw value of a column to one SQL query
here. The rules are those of the scalar functions in normalize.py, pinyin.py and address.py
(which stay, for single records and for the other apps);
`tests/linkage/test_clean_sql_matches_the_scalar_rules.py` checks that both give identical
columns on the benchmark's noise kinds and on edge cases.

- half-width: `translate` with the full-width block, only on rows holding a full-width character;
- whitespace: a character class of every character `str.isspace` accepts (RE2's `\\s` is ASCII);
- traditional → simplified: strings that hold a character OpenCC would change are split into
  characters, joined with OpenCC's own character table (TSCharacters.txt) and put together
  again. OpenCC also has 277 phrases (TSPhrases.txt) matched longest-first; the rare strings
  that contain one go through OpenCC itself, so the result is OpenCC's to the character;
- pinyin: a character → toneless pinyin table built once per distinct character from pypinyin
  (`pinyin.char_pinyin`), joined on the characters of each name (`unnest` + `string_agg`), with
  the surname table in front;
- addresses: `regexp_replace` / `regexp_extract` (RE2 keeps Python's leftmost-first matching, so
  the same patterns find the same parts) and the old-name tables as `CASE`/`replace`;
- ID numbers: the GB 11643 check digit as an SQL sum, the birth date as a date check, the area
  code against python-stdnum's list through a join;
- dates, phones, sex: regular expressions.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from minzheng.core import idnumber
from minzheng.linkage.address import (
    COUNTY_OLD_NAMES,
    NINGBO_COUNTIES,
    ROAD_OLD_NAMES,
)
from minzheng.linkage.pinyin import COMPOUND_SURNAMES, SURNAME_READINGS, char_pinyin

_FULLWIDTH_FROM = "".join(chr(code) for code in range(0xFF01, 0xFF5F)) + "\u3000"
_FULLWIDTH_TO = "".join(chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)) + " "
_NAME_DOTS = ".·•・‧∙。-－—‐_･⋅"


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _char_class(chars: str) -> str:
    """An RE2 character class of exactly these characters."""
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in chars) + "]"


@cache
def _whitespace_class() -> str:
    # Every character str.isspace accepts lies below U+3001 (the last is the ideographic space).
    return _char_class("".join(chr(c) for c in range(0x3001) if chr(c).isspace()))


@cache
def _opencc_tables() -> tuple[str, str, str, str]:
    """(characters that make OpenCC act, translate-from, translate-to, phrase pattern)."""
    import opencc

    folder = Path(opencc.__file__).parent / "dictionary"
    trigger: list[str] = []
    source: list[str] = []
    target: list[str] = []
    for line in (folder / "TSCharacters.txt").read_text(encoding="utf-8").splitlines():
        char, _, targets = line.partition("\t")
        options = targets.split(" ")
        if not char:
            continue
        if char not in options:
            trigger.append(char)
        if options[0] != char:
            source.append(char)
            target.append(options[0])
    phrases = [
        line.partition("\t")[0]
        for line in (folder / "TSPhrases.txt").read_text(encoding="utf-8").splitlines()
        if line.partition("\t")[0]
    ]
    phrase_pattern = "|".join("".join(f"\\x{{{ord(c):x}}}" for c in phrase) for phrase in phrases)
    return _char_class("".join(trigger)), "".join(source), "".join(target), phrase_pattern


def _clean(column: str) -> str:
    """normalize._clean_text: half-width, no whitespace, empty → NULL. (`translate` costs per
    character of its table on every row, so it only runs on the rare rows that need it.)"""
    fullwidth = "[\\x{ff01}-\\x{ff5e}\\x{3000}]"
    halfwidth = (
        f"CASE WHEN regexp_matches({column}, '{fullwidth}') "
        f"THEN translate({column}, {_sql_string(_FULLWIDTH_FROM)}, {_sql_string(_FULLWIDTH_TO)}) "
        f"ELSE {column} END"
    )
    return f"nullif(regexp_replace({halfwidth}, '{_whitespace_class()}+', '', 'g'), '')"


def _simplified_table(connection: duckdb.DuckDBPyConnection, raw: str, out: str) -> None:
    """Table `out` (i, simple): each raw text of table `raw` (i, raw) cleaned and in simplified
    characters. Strings with a traditional character are split into characters, joined with
    OpenCC's character table and put together again; the rare ones holding an OpenCC phrase
    are converted by OpenCC itself."""
    trigger, source, target, phrases = _opencc_tables()
    connection.register(
        "t2s_chars",
        pa.table({"ch": pa.array(list(source), pa.string()), "simple": pa.array(list(target))}),
    )
    connection.sql(f"CREATE TEMP TABLE cleaned_{out} AS SELECT i, {_clean('raw')} AS c FROM {raw}")
    connection.sql(
        f"""
        CREATE TEMP TABLE {out} AS
        WITH traditional AS (
            SELECT i, c FROM cleaned_{out} WHERE regexp_matches(c, '{trigger}')
        ),
        chars AS (
            SELECT i, pos, substr(c, pos::BIGINT, 1) AS ch
            FROM (SELECT i, c, unnest(generate_series(1, length(c))) AS pos FROM traditional)
        ),
        converted AS (
            SELECT chars.i, string_agg(coalesce(t2s_chars.simple, chars.ch), '' ORDER BY pos)
                AS simple
            FROM chars LEFT JOIN t2s_chars USING (ch) GROUP BY chars.i
        )
        SELECT i, coalesce(converted.simple, c) AS simple
        FROM cleaned_{out} LEFT JOIN converted USING (i)
        """
    )
    phrased = connection.sql(
        f"SELECT i, c FROM cleaned_{out} "
        f"WHERE regexp_matches(c, '{trigger}') AND regexp_matches(c, '{phrases}')"
    ).fetchall()
    if phrased:
        from minzheng.linkage.normalize import to_simplified

        connection.register(
            f"phrased_{out}",
            pa.table(
                {
                    "i": pa.array([i for i, _ in phrased], pa.int64()),
                    "simple": pa.array([to_simplified(c) for _, c in phrased], pa.string()),
                }
            ),
        )
        connection.sql(
            f"UPDATE {out} SET simple = p.simple FROM phrased_{out} AS p WHERE {out}.i = p.i"
        )


def _connection() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.sql("SET threads TO 2")
    return connection


def _values(values: list[Any]) -> pa.Table:
    """Distinct raw values as text (None for missing), numbered in their order."""
    texts = [None if value is None else str(value) for value in values]
    return pa.table(
        {"i": pa.array(np.arange(len(texts), dtype=np.int64)), "raw": pa.array(texts, pa.string())}
    )


def _column(table: pa.Table, name: str) -> list[Any]:
    result: list[Any] = table.column(name).to_pylist()
    return result


def clean_texts(values: list[Any]) -> list[Any]:
    """normalize._clean_text for each value."""
    connection = _connection()
    connection.register("raw_texts", _values(values))
    result = connection.sql(
        f"SELECT i, {_clean('raw')} AS text FROM raw_texts ORDER BY i"
    ).to_arrow_table()
    texts = _column(result, "text")
    connection.close()
    return texts


def clean_names(values: list[Any]) -> tuple[list[Any], list[Any], list[Any]]:
    """(name, name_pinyin, surname) for each raw name, as normalize_name, name_pinyin and
    split_surname give them."""
    connection = _connection()
    connection.register("raw_names", _values(values))
    _simplified_table(connection, "raw_names", "simple_names")
    connection.sql(
        f"""
        CREATE TEMP TABLE names AS
        SELECT i, upper(regexp_replace(simple, '{_char_class(_NAME_DOTS)}', '', 'g')) AS name
        FROM simple_names
        """
    )
    _register_char_pinyin(connection)
    compound = ", ".join(_sql_string(s) for s in sorted(COMPOUND_SURNAMES))
    result = connection.sql(
        f"""
        WITH parts AS (
            SELECT i, name,
                NOT regexp_matches(name, '[^\\x00-\\x7f]') AS ascii,
                CASE WHEN length(name) >= 3 AND substr(name, 1, 2) IN ({compound})
                     THEN 2 ELSE 1 END AS surname_length
            FROM names WHERE name IS NOT NULL
        ),
        chars AS (
            SELECT i, pos, substr(name, pos::BIGINT, 1) AS ch, pos <= surname_length AS in_surname
            FROM (SELECT i, name, surname_length,
                         unnest(generate_series(1, length(name))) AS pos
                  FROM parts WHERE NOT ascii)
        ),
        readings AS (
            SELECT chars.i,
                string_agg(coalesce(char_pinyin.reading, ''), '' ORDER BY pos)
                    FILTER (WHERE in_surname) AS surname_chars,
                string_agg(coalesce(char_pinyin.reading, ''), '' ORDER BY pos)
                    FILTER (WHERE NOT in_surname) AS given_chars
            FROM chars LEFT JOIN char_pinyin USING (ch)
            GROUP BY chars.i
        )
        SELECT parts.i, parts.name,
            CASE WHEN ascii THEN regexp_replace(lower(parts.name), '[^a-z]', '', 'g')
                 ELSE coalesce(surname_readings.reading, readings.surname_chars, '')
                      || coalesce(readings.given_chars, '') END AS pinyin,
            substr(parts.name, 1, surname_length) AS surname
        FROM parts
        LEFT JOIN readings USING (i)
        LEFT JOIN surname_readings
            ON surname_readings.surname = substr(parts.name, 1, surname_length)
        ORDER BY parts.i
        """
    ).to_arrow_table()
    names: list[Any] = [None] * len(values)
    pinyins: list[Any] = [None] * len(values)
    surnames: list[Any] = [None] * len(values)
    for index, name, pinyin, surname in zip(
        _column(result, "i"),
        _column(result, "name"),
        _column(result, "pinyin"),
        _column(result, "surname"),
        strict=True,
    ):
        names[index], pinyins[index], surnames[index] = name, pinyin, surname
    connection.close()
    return names, pinyins, surnames


def _register_char_pinyin(connection: duckdb.DuckDBPyConnection) -> None:
    """The reading of every character the names hold (pypinyin, once per character), and
    the surname readings."""
    chars = connection.sql(
        """
        SELECT DISTINCT substr(name, pos::BIGINT, 1) AS ch
        FROM (SELECT name, unnest(generate_series(1, length(name))) AS pos
              FROM names WHERE name IS NOT NULL)
        """
    ).to_arrow_table()
    distinct = _column(chars, "ch")
    connection.register(
        "char_pinyin",
        pa.table(
            {
                "ch": pa.array(distinct, pa.string()),
                "reading": pa.array([char_pinyin(c) for c in distinct], pa.string()),
            }
        ),
    )
    connection.register(
        "surname_readings",
        pa.table(
            {
                "surname": pa.array(list(SURNAME_READINGS), pa.string()),
                "reading": pa.array(list(SURNAME_READINGS.values()), pa.string()),
            }
        ),
    )


_PREFIX = r"^(?:浙江省?|[^省市]{2,3}省)?(?:宁波市)?"
_OTHER_COUNTY = r"(?:[^省市区县]{2,5}市)?[^省市区县]{2,4}?(?:区|县)|[^省市区县]{2,4}?市"
_COUNTY = "^(?:(?:" + "|".join(NINGBO_COUNTIES) + ")|(?:" + _OTHER_COUNTY + "))"
_TOWNSHIP = r"^[^路号0-9]{1,8}?(?:街道|镇|乡)"
_ROAD = r"[^号0-9]{1,12}?(?:大道|路|街|巷|弄|道)"
_NUMBER = r"[0-9]+(?:弄[0-9]+)?号"


def _without_old_county(column: str) -> str:
    """An old county name at the start (鄞县, 江东区, 奉化市) becomes today's."""
    pattern = "^(?:" + "|".join(COUNTY_OLD_NAMES) + ")"
    cases = " ".join(
        f"WHEN {_sql_string(old)} THEN {_sql_string(now)}"
        for old, (now, _) in COUNTY_OLD_NAMES.items()
    )
    found = f"regexp_extract({column}, '{pattern}', 0)"
    return f"CASE {found} {cases} ELSE '' END || substr({column}, length({found}) + 1)"


def _with_full_county(column: str) -> str:
    """A county written short at the start (海曙) gets its 区/县/市, 街办 becomes 街道 and old
    road names become today's (the rest of address.canonical_address)."""
    pattern = "^(?:" + "|".join(county[:-1] for county in NINGBO_COUNTIES) + ")"
    cases = " ".join(
        f"WHEN {_sql_string(county[:-1])} THEN {_sql_string(county)}" for county in NINGBO_COUNTIES
    )
    found = f"regexp_extract({column}, '{pattern}', 0)"
    step = (
        f"CASE WHEN {found} <> '' AND substr({column}, 3, 1) NOT IN ('区', '县', '市') "
        f"THEN (CASE {found} {cases} END) || substr({column}, 3) ELSE {column} END"
    )
    step = f"replace({step}, '街办', '街道')"
    for now, old in ROAD_OLD_NAMES.items():
        step = f"replace({step}, {_sql_string(old)}, {_sql_string(now)})"
    return step


def clean_addresses(values: list[Any]) -> dict[str, list[Any]]:
    """address, county, township, road, house_number for each raw address, as
    normalize_address and parse_address give them."""
    connection = _connection()
    connection.register("raw_addresses", _values(values))
    _simplified_table(connection, "raw_addresses", "simple_addresses")
    result = connection.sql(
        f"""
        WITH stripped AS (
            SELECT i, regexp_replace(simple, '{_PREFIX}', '') AS a
            FROM simple_addresses WHERE simple IS NOT NULL
        ),
        renamed AS (
            SELECT i, {_without_old_county("a")} AS a FROM stripped
        ),
        canonical AS (
            SELECT i, nullif({_with_full_county("a")}, '') AS address FROM renamed
        ),
        county AS (
            SELECT i, address, rest, regexp_extract(rest, '{_COUNTY}', 0) AS county
            FROM (SELECT i, address, regexp_replace(address, '{_PREFIX}', '') AS rest
                  FROM canonical WHERE address IS NOT NULL)
        ),
        township AS (
            SELECT i, address, county, rest,
                regexp_extract(rest, '{_TOWNSHIP}', 0) AS township
            FROM (SELECT i, address, county, substr(rest, length(county) + 1) AS rest
                  FROM county)
        ),
        road AS (
            SELECT i, address, county, township, rest,
                regexp_extract(rest, '{_ROAD}', 0) AS road
            FROM (SELECT i, address, county, township, substr(rest, length(township) + 1) AS rest
                  FROM township)
        )
        SELECT canonical.i, canonical.address,
            nullif(county, '') AS county, nullif(township, '') AS township,
            nullif(road, '') AS road,
            nullif(regexp_extract(
                CASE WHEN road = '' THEN rest
                     ELSE substr(rest, instr(rest, road) + length(road)) END,
                '{_NUMBER}', 0), '') AS house_number
        FROM canonical LEFT JOIN road USING (i)
        ORDER BY canonical.i
        """
    ).to_arrow_table()
    columns = ("address", "county", "township", "road", "house_number")
    out: dict[str, list[Any]] = {column: [None] * len(values) for column in columns}
    indexes = _column(result, "i")
    for column in columns:
        target = out[column]
        for index, value in zip(indexes, _column(result, column), strict=True):
            target[index] = value
    connection.close()
    return out


_DATE = r"^([0-9]{4})[-/.年]?([0-9]{1,2})[-/.月]?([0-9]{1,2})日?$"


def _date_parts(column: str) -> str:
    """The year, month and day a date text shows (empty strings when it shows none)."""
    return f"regexp_extract({column}, '{_DATE}', ['y', 'm', 'd'])"


def _date_from_parts(p: str) -> str:
    """normalize_date: the ISO date of the parts, NULL when there is none or it is not real."""
    y, m, d = f"{p}.y", f"{p}.m", f"{p}.d"
    return f"""CASE
        WHEN {y} = '' THEN NULL
        WHEN {y}::INT < 1 OR {m}::INT NOT BETWEEN 1 AND 12 OR {d}::INT < 1
             OR {d}::INT > day(last_day(make_date({y}::INT, {m}::INT, 1))) THEN NULL
        ELSE {y} || '-' || lpad({m}::INT::VARCHAR, 2, '0') || '-'
             || lpad({d}::INT::VARCHAR, 2, '0') END"""


def clean_dates(values: list[Any]) -> list[Any]:
    """ISO birth dates (text) as normalize_date reads them."""
    connection = _connection()
    texts = [value.isoformat()[:10] if isinstance(value, date) else value for value in values]
    connection.register("raw_dates", _values(texts))
    ws = _whitespace_class()
    result = connection.sql(
        f"""
        SELECT i, {_date_from_parts("p")} AS birth FROM (
            SELECT i, {_date_parts(f"split_part({_clean('first')}, 'T', 1)")} AS p FROM (
                SELECT i, split_part(regexp_replace(raw, '^{ws}+|{ws}+$', '', 'g'), ' ', 1)
                    AS first FROM raw_dates))
        ORDER BY i
        """
    ).to_arrow_table()
    births = _column(result, "birth")
    connection.close()
    return births


def clean_phones(values: list[Any]) -> list[Any]:
    connection = _connection()
    connection.register("raw_phones", _values(values))
    result = connection.sql(
        f"""
        WITH digits AS (
            SELECT i, regexp_replace({_clean("raw")}, '[^0-9]', '', 'g') AS d FROM raw_phones
        ),
        stripped AS (
            SELECT i, CASE
                WHEN d LIKE '0086%' AND length(d) = 15 THEN substr(d, 5)
                WHEN d LIKE '86%' AND length(d) = 13 THEN substr(d, 3)
                ELSE d END AS d
            FROM digits
        )
        SELECT i, CASE
            WHEN length(d) = 11 AND d LIKE '1%' THEN d
            WHEN length(d) IN (7, 8) THEN '0574' || d
            WHEN d LIKE '0%' AND length(d) IN (10, 11, 12) THEN d
            END AS phone
        FROM stripped ORDER BY i
        """
    ).to_arrow_table()
    phones = _column(result, "phone")
    connection.close()
    return phones


def clean_sexes(values: list[Any]) -> list[Any]:
    connection = _connection()
    connection.register("raw_sexes", _values(values))
    result = connection.sql(
        f"""
        SELECT i, CASE
            WHEN s IN ('男', 'm', '1', 'male', '男性') THEN 'M'
            WHEN s IN ('女', 'f', '2', 'female', '女性') THEN 'F' END AS sex
        FROM (SELECT i, lower({_clean("raw")}) AS s FROM raw_sexes) ORDER BY i
        """
    ).to_arrow_table()
    sexes = _column(result, "sex")
    connection.close()
    return sexes


def _areas_in_force(today: date) -> pa.Table:
    """Per area code, the last year it was in force among its names in force by today
    (9999: still in force); codes never in force by today are left out."""
    codes: list[str] = []
    last: list[int] = []
    for code, spells in idnumber.area_spells().items():
        ends = [
            9999 if spell.end is None else spell.end
            for spell in spells
            if spell.start is None or spell.start <= today.year
        ]
        if ends:
            codes.append(code)
            last.append(max(ends))
    return pa.table({"area": pa.array(codes, pa.string()), "last_year": pa.array(last)})


_ID_SEPARATORS = " \t\r\n\u3000\xa0\u200b\ufeff-－‐‑‒–—―−"


def _check_digit_sql(column: str) -> str:
    terms = " + ".join(
        f"(ascii(substr({column}, {position + 1}, 1)) - 48) * {weight}"
        for position, weight in enumerate(idnumber.WEIGHTS)
    )
    return f"substr('{idnumber.CHECK_CHARACTERS}', (({terms}) % 11)::INT + 1, 1)"


def clean_id_numbers(values: list[Any], *, today: date) -> dict[str, list[Any]]:
    """number, valid, birth (ISO), sex for each raw ID number, as prepare_id_number gives them."""
    connection = _connection()
    connection.register("raw_ids", _values(values))
    connection.register("areas", _areas_in_force(today))
    separators = _char_class(_ID_SEPARATORS)
    digits17 = "regexp_matches(n, '^[0-9]{17}')"
    result = connection.sql(
        f"""
        WITH cleaned AS (
            SELECT i, regexp_replace(upper({_clean("raw")}), '{separators}', '', 'g') AS n FROM raw_ids
        ),
        eighteen AS (
            SELECT i, CASE
                WHEN length(n) = 15 AND regexp_matches(n, '^[0-9]{{15}}$')
                    THEN f || {_check_digit_sql("f")}
                ELSE n END AS n,
                length(n) = 15 AND regexp_matches(n, '^[0-9]{{15}}$')
                    OR length(n) = 18 AND {digits17}
                       AND contains('{idnumber.CHECK_CHARACTERS}', substr(n, 18, 1))
                    AS well_formed
            FROM (SELECT i, n, substr(n, 1, 6) || '19' || substr(n, 7) AS f FROM cleaned)
        ),
        dated AS (
            SELECT i, n, well_formed, {_date_from_parts("p")} AS birth
            FROM (SELECT *, {_date_parts("substr(n, 7, 8)")} AS p FROM eighteen)
        ),
        checked AS (
            SELECT dated.i, dated.n, dated.birth,
                coalesce(well_formed AND regexp_matches(substr(n, 7, 8), '^[0-9]{{8}}$')
                    AND birth IS NOT NULL AND birth <= '{today.isoformat()}'
                    AND areas.last_year >= greatest(substr(birth, 1, 4)::INT,
                                                    {idnumber.FIRST_ISSUE_YEAR})
                    AND substr(n, 18, 1) = {_check_digit_sql("n")}, false) AS valid
            FROM dated LEFT JOIN areas ON areas.area = substr(dated.n, 1, 6)
        )
        SELECT i, nullif(n, '') AS number, valid,
            CASE WHEN length(n) = 18 THEN birth END AS birth,
            CASE WHEN length(n) = 18 AND regexp_matches(substr(n, 17, 1), '[0-9]')
                 THEN CASE WHEN substr(n, 17, 1)::INT % 2 = 1 THEN 'M' ELSE 'F' END END AS sex
        FROM checked ORDER BY i
        """
    ).to_arrow_table()
    out = {column: _column(result, column) for column in ("number", "valid", "birth", "sex")}
    connection.close()
    return out


def as_objects(values: list[Any]) -> np.ndarray[Any, Any]:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


__all__ = [
    "as_objects",
    "clean_addresses",
    "clean_dates",
    "clean_id_numbers",
    "clean_names",
    "clean_phones",
    "clean_sexes",
    "clean_texts",
]
