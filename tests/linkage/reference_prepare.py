"""The per-row preparation that `clean_sql` replaced, kept as the oracle of
test_clean_sql_matches_the_scalar_rules.py: each distinct raw value through the scalar functions
of normalize.py, pinyin.py and address.py (which the other apps still use one record at a time).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from minzheng.linkage.address import parse_address
from minzheng.linkage.normalize import (
    RECORD_COLUMNS,
    SHARED_PHONE_BLOCK_LIMIT,
    _clean_text,
    _Distinct,
    normalize_address,
    normalize_date,
    normalize_name,
    normalize_phone,
    normalize_sex,
    prepare_id_number,
)
from minzheng.linkage.pinyin import name_pinyin, split_surname


def _map(values: Any, func: Callable[[Any], Any]) -> Any:
    distinct = _Distinct(values)
    return distinct.broadcast([func(value) for value in distinct.values])


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def reference_prepare(records: pd.DataFrame, *, today: date) -> pd.DataFrame:
    frame = records.reindex(columns=list(RECORD_COLUMNS))
    out = pd.DataFrame(index=frame.index)
    out["record_id"] = frame["record_id"].astype(str)
    out["source"] = _map(frame["source"], _clean_text)
    names = _map(frame["name"], normalize_name)
    out["name"] = names
    name_series = pd.Series(names, index=frame.index)
    out["name_pinyin"] = _map(name_series, name_pinyin)
    out["surname"] = _map(name_series, lambda name: split_surname(name)[0])
    raw_ids = _Distinct(frame["id_number"])
    ids = [prepare_id_number(raw, today=today) for raw in raw_ids.values]
    out["id_number"] = raw_ids.broadcast([item.number for item in ids])
    out["id_valid"] = raw_ids.broadcast([item.valid for item in ids]).astype(bool)
    id_birth = raw_ids.broadcast([_iso(item.birth_date) for item in ids])
    id_sex = raw_ids.broadcast([item.sex for item in ids])
    stated_birth = _map(frame["birth_date"], lambda raw: _iso(normalize_date(raw)))
    from_id = out["id_valid"].to_numpy() & ~pd.isna(id_birth)
    out["birth_date"] = np.where(
        from_id, id_birth, np.where(pd.isna(stated_birth), id_birth, stated_birth)
    )
    out["birth_year"] = out["birth_date"].str.slice(0, 4)
    stated_sex = _map(frame["sex"], normalize_sex)
    out["sex"] = np.where(pd.isna(stated_sex), id_sex, stated_sex)
    out["phone"] = _map(frame["phone"], normalize_phone)
    phone_counts = out["phone"].map(out["phone"].value_counts())
    out["phone_block"] = out["phone"].where(phone_counts <= SHARED_PHONE_BLOCK_LIMIT)
    raw_addresses = _Distinct(frame["address"])
    addresses = [normalize_address(raw) for raw in raw_addresses.values]
    parsed = [None if text is None else parse_address(text) for text in addresses]
    out["address"] = raw_addresses.broadcast(addresses)
    for part, column in (
        ("county", "county"),
        ("township", "township"),
        ("road", "road"),
        ("number", "house_number"),
    ):
        out[column] = raw_addresses.broadcast(
            [None if item is None else getattr(item, part) for item in parsed]
        )
    return out.reset_index(drop=True)
