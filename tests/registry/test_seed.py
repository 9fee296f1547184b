"""The synthetic Ningbo registry: deterministic, valid ID numbers, census shapes, article counts."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import numpy as np
import pytest

from minzheng.core.idnumber import parse
from minzheng.registry.seed import (
    AGE_BAND_SHARES,
    COUNTY_RESIDENTS,
    PERSONS_PER_HOUSEHOLD,
    SeedRefused,
    SyntheticRegistry,
    generate,
    seed_registry,
)

TODAY = date(2026, 1, 1)


@pytest.fixture(scope="module")
def ningbo_20k() -> SyntheticRegistry:
    return generate(20_000, seed=7)


def test_the_same_seed_gives_the_same_names_and_id_numbers() -> None:
    first, second = generate(2_000, seed=11), generate(2_000, seed=11)
    assert first.name.tolist() == second.name.tolist()
    assert first.id_number.tolist() == second.id_number.tolist()
    assert first.address.tolist() == second.address.tolist()
    other = generate(2_000, seed=12)
    assert other.id_number.tolist() != first.id_number.tolist()


def test_every_generated_id_number_is_valid_unique_and_matches_sex_and_birth(
    ningbo_20k: SyntheticRegistry,
) -> None:
    numbers = ningbo_20k.id_number.tolist()
    assert len(set(numbers)) == len(numbers)
    for i, number in enumerate(numbers):
        checked = parse(number, today=TODAY)
        assert checked.valid, (number, checked.error)
        assert checked.sex == ningbo_20k.sex[i]
        assert checked.birth_date == date.fromordinal(int(ningbo_20k.birth_ordinal[i]))


def test_older_people_carry_the_legacy_county_codes(ningbo_20k: SyntheticRegistry) -> None:
    areas = Counter(n[:6] for n in ningbo_20k.id_number.tolist())
    assert areas["330204"] > 0 and areas["330283"] > 0 and areas["330227"] > 0  # 江东 奉化市 鄞县
    born = np.array([int(n[6:10]) for n in ningbo_20k.id_number.tolist()])
    jiangdong = np.array([n.startswith("330204") for n in ningbo_20k.id_number.tolist()])
    assert born[jiangdong].max() < 2016


def test_ages_and_household_size_follow_the_2020_census(ningbo_20k: SyntheticRegistry) -> None:
    shares = np.bincount(ningbo_20k.band, minlength=3) / ningbo_20k.persons
    assert shares == pytest.approx(AGE_BAND_SHARES, abs=0.005)
    ages = ningbo_20k.age
    assert ((ages >= 0) & (ages <= 14)).sum() == (ningbo_20k.band == 0).sum()
    family = ningbo_20k.household_kind == "family"
    sizes = np.bincount(ningbo_20k.household, minlength=ningbo_20k.households)
    assert sizes[family].mean() == pytest.approx(PERSONS_PER_HOUSEHOLD, abs=0.02)
    heads = Counter(ningbo_20k.relationship.tolist())["head"]
    assert heads == ningbo_20k.households


def test_persons_are_spread_over_the_ten_units_by_population(ningbo_20k: SyntheticRegistry) -> None:
    counts = Counter(v[:6] for v in ningbo_20k.village.tolist())
    total = sum(COUNTY_RESIDENTS.values())
    for county, residents in COUNTY_RESIDENTS.items():
        assert counts[county] / ningbo_20k.persons == pytest.approx(residents / total, abs=0.01)


def test_seeding_writes_the_registry_and_a_second_run_changes_nothing(regions: Any) -> None:
    from minzheng.core.models import AuditEvent
    from minzheng.registry.models import Household, IdentityTag, Membership, Person

    report = seed_registry("test", 5)
    assert Person.objects.count() == report.persons == 400
    assert Household.objects.count() == report.households
    assert Membership.objects.count() == 400
    assert IdentityTag.objects.filter(source="规则认定（合成数据）").count() == sum(
        report.tags.values()
    )
    person = Person.objects.order_by("id")[3]
    assert parse(person.id_number_plain(), today=TODAY).valid
    assert (
        person.id_number_masked
        == person.id_number_plain()[:6] + "********" + (person.id_number_plain()[-4:])
    )
    events = AuditEvent.objects.count()
    again = seed_registry("test", 5)
    assert again.already_seeded and Person.objects.count() == 400
    assert AuditEvent.objects.count() == events
    with pytest.raises(
        SeedRefused, match="人员库已有 400 人，且不是用同一规模和种子生成的：演示数据只能写入空库"
    ):
        seed_registry("test", 6)
