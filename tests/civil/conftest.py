"""Named offices and places for the civil tests: 海曙区婚姻登记处, 宁波市殡仪馆, 福泉山公墓."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest


@pytest.fixture
def office_haishu(regions: None) -> Any:
    from minzheng.civil.models import RegistryOffice

    return RegistryOffice.objects.create(
        name="海曙区婚姻登记处",
        region_id="330203000000",
        address="海曙区县前街1号",
        rating="国家4A",
    )


@pytest.fixture
def funeral_home_ningbo(regions: None) -> Any:
    from minzheng.civil.models import FuneralHome

    return FuneralHome.objects.create(
        name="宁波市殡仪馆",
        region_id="330203000000",
        address="海曙区",
        basic_fee=Decimal("1800.00"),
    )


@pytest.fixture
def cemetery_fuquan(regions: None) -> Any:
    from minzheng.civil.models import Cemetery

    return Cemetery.objects.create(name="福泉山公墓", region_id="330212000000", address="鄞州区")


@pytest.fixture
def parameters_loaded(db: None) -> None:
    from minzheng.assistance.actions import do_load_parameter_catalog

    do_load_parameter_catalog(None)


def single_person(village: str, name: str, id_number: str, born: date) -> Any:
    from minzheng.registry.models import Household, Membership, Person

    household = Household.objects.create(region_id=village, address=f"{name}家")
    person = Person(
        name=name,
        birth_date=born,
        sex="男" if int(id_number[16]) % 2 else "女",
        region_id=village,
        address=f"{name}家",
    )
    person.set_id_number(id_number)
    person.save()
    Membership.objects.create(
        household=household, person=person, relationship="head", valid_from=date(2018, 1, 1)
    )
    household.head = person
    household.save(update_fields=["head"])
    return household
