"""The synthetic benchmark data is deterministic, labelled and realistic where it matters."""

from __future__ import annotations

from datetime import date

from pypinyin import lazy_pinyin

from minzheng.core import idnumber
from minzheng.linkage.synthetic import HOMOPHONE_GROUPS, NINGBO_COUNTIES, synthetic_records


def test_the_same_seed_gives_the_same_records() -> None:
    first = synthetic_records(300, seed=5)
    second = synthetic_records(300, seed=5)
    assert first.equals(second)
    assert not first.equals(synthetic_records(300, seed=6))


def test_every_homophone_group_shares_one_reading() -> None:
    for group in HOMOPHONE_GROUPS:
        assert len({lazy_pinyin(char)[0] for char in group}) == 1, group


def test_clean_records_carry_valid_ningbo_id_numbers() -> None:
    records = synthetic_records(400, seed=3)
    clean = records.loc[records["noise_kind"] == "clean", "id_number"]
    checks = [idnumber.parse(number, today=date(2026, 1, 1)) for number in clean]
    assert all(check.valid for check in checks)
    assert {number[:6] for number in clean} <= set(NINGBO_COUNTIES)


def test_records_are_labelled_with_their_person_and_noise_kind() -> None:
    records = synthetic_records(2000, seed=3)
    assert records["true_person"].notna().all()
    assert set(records["noise_kind"]) >= {
        "clean",
        "homophone",
        "traditional",
        "id_typo",
        "id_transposition",
        "missing_fields",
        "id_15",
        "namesake",
        "twin",
        "lookalike",
        "pinyin_name",
        "date_swapped",
        "id_check",
        "address_abbreviated",
        "moved_county",
        "household",
        "namesake_township",
        "minority_dot",
    }
    typos = records.loc[records["noise_kind"] == "id_typo", "id_number"]
    assert not any(idnumber.parse(n, today=date(2026, 1, 1)).valid for n in typos)
    fifteen = records.loc[records["noise_kind"] == "id_15", "id_number"]
    assert fifteen.str.len().eq(15).all()


def test_the_harder_kinds_carry_the_noise_they_name() -> None:
    records = synthetic_records(3000, seed=3)
    today = date(2026, 1, 1)
    by_kind = records.groupby("noise_kind")
    checks = by_kind.get_group("id_check")["id_number"]
    assert not any(idnumber.parse(n, today=today).valid for n in checks)
    # The first 17 characters of a wrong check character are still a real person's.
    assert checks.str.len().eq(18).all()
    pinyin = by_kind.get_group("pinyin_name")["name"]
    assert pinyin.map(lambda name: name.replace(" ", "").isascii()).all()
    dots = by_kind.get_group("minority_dot")["name"]
    assert not dots.str.contains("·").all()
    # Household members share the door and, mostly, the phone, but never the person.
    household = by_kind.get_group("household")
    shared = household.groupby("address")["true_person"].nunique()
    assert (shared > 1).any()
    township = by_kind.get_group("namesake_township")
    same_name = township.groupby(["name"])["true_person"].nunique()
    assert (same_name > 1).any()
