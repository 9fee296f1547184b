"""A transactional test's flush keeps Ningbo's divisions only while they read as loaded
(tests/conftest.py): the next test that needs them does not insert 3,040 rows again, and a test
that changed a division cannot leave the change to the tests after it."""

from __future__ import annotations

import csv

import pytest
from django.core.management import call_command

from minzheng.regions.loader import DIVISIONS_FILE
from minzheng.regions.models import Region
from minzheng.registry.models import Household

FUHU = "330203001001"


def _divisions_in_file() -> int:
    with DIVISIONS_FILE.open(encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def _flush() -> None:
    call_command("flush", verbosity=0, interactive=False)


@pytest.mark.django_db(transaction=True)
def test_a_flush_keeps_the_divisions_as_loaded_and_empties_the_rest(regions: None) -> None:
    Household.objects.create(region_id=FUHU, address="海曙区南门街道福湖社区解放南路12号")
    _flush()
    assert Region.objects.count() == _divisions_in_file()
    assert Region.objects.get(code=FUHU).name == "福湖社区"
    assert Household.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_flush_drops_divisions_a_test_renamed(regions: None) -> None:
    Region.objects.filter(code=FUHU).update(name="改名社区")
    _flush()
    assert Region.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_flush_drops_divisions_a_test_added_to(regions: None) -> None:
    Region.objects.create(
        code="330203001999", name="新设社区", level="village", parent_id="330203001000"
    )
    _flush()
    assert Region.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_next_test_reads_the_divisions_as_loaded(regions: None) -> None:
    assert Region.objects.get(code=FUHU).name == "福湖社区"
    assert Region.objects.count() == _divisions_in_file()
