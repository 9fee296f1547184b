"""The synthetic test city with enrolled households and a month of feeds with planted truths.

Each level is there per test (`test_city`, `enrolled_city`, `planted`) and, for modules whose
every test reads the same city, once per module (`enrolled_city_of_the_module`,
`planted_and_loaded`): built inside the module's shared transaction, each test's writes rolled
back after it (`tests.conftest.shared_by_the_module`). A module uses one level only."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from minzheng.core.yearmonth import YearMonth
from tests.conftest import shared_by_the_module

MONTH = YearMonth(2020, 9)


def _seed_test_city() -> None:
    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.registry.seed import seed_registry

    do_load_parameter_catalog(None)
    seed_registry("test", 7)


def _enrol_24() -> None:
    from minzheng.verification.demo import enrol_sample, enrolled_households

    enrol_sample(24 - len(enrolled_households(MONTH)), MONTH - 6)


def _plant() -> Any:
    from minzheng.verification.demo import plant

    return plant(MONTH, seed=3)


@pytest.fixture
def test_city(regions: None) -> None:
    """The `test`-scale synthetic Ningbo (400 persons), the parameter catalogue loaded."""
    _seed_test_city()


@pytest.fixture
def enrolled_city(test_city: None) -> Any:
    """24 households enrolled in 低保 in 2020-09 (two full turns of the planted scenarios): those
    the seed's rules enrolled, and more from 2020-03 up to 24."""
    _enrol_24()


@pytest.fixture
def planted(enrolled_city: None) -> Any:
    return _plant()


@pytest.fixture(scope="module")
def _enrolled_city_built(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with shared_by_the_module(django_db_blocker):
        with django_db_blocker.unblock():
            _seed_test_city()
            _enrol_24()
        yield


@pytest.fixture
def enrolled_city_of_the_module(_enrolled_city_built: None, regions: None) -> None:
    """`enrolled_city`, built once for the module."""


@pytest.fixture(scope="module")
def _planted_and_loaded_built(django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    from minzheng.verification.demo import load_all

    with shared_by_the_module(django_db_blocker):
        with django_db_blocker.unblock():
            _seed_test_city()
            _enrol_24()
            feeds = _plant()
            load_all(feeds)
        yield feeds


@pytest.fixture
def planted_and_loaded(_planted_and_loaded_built: Any, regions: None) -> Any:
    """`planted`, its feeds loaded (`load_all`), built once for the module; each test gets its
    own copy of the feeds."""
    return copy.deepcopy(_planted_and_loaded_built)
