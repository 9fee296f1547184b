"""The synthetic test city with enrolled households and a month of feeds with planted truths."""

from __future__ import annotations

from typing import Any

import pytest

from minzheng.core.yearmonth import YearMonth

MONTH = YearMonth(2020, 9)


@pytest.fixture
def test_city(regions: None) -> None:
    """The `test`-scale synthetic Ningbo (400 persons), the parameter catalogue loaded."""
    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.registry.seed import seed_registry

    do_load_parameter_catalog(None)
    seed_registry("test", 7)


@pytest.fixture
def enrolled_city(test_city: None) -> Any:
    """24 households enrolled in 低保 in 2020-09 (two full turns of the planted scenarios): those
    the seed's rules enrolled, and more from 2020-03 up to 24."""
    from minzheng.verification.demo import enrol_sample, enrolled_households

    enrol_sample(24 - len(enrolled_households(MONTH)), MONTH - 6)


@pytest.fixture
def planted(enrolled_city: None) -> Any:
    from minzheng.verification.demo import plant

    return plant(MONTH, seed=3)
