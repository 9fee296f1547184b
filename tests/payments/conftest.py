"""Named cases for the payment tests: 李建国's 低保 family in 海曙, 赵德顺 in 特困, accounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.core.yearmonth import YearMonth


def enrol(household: Any, programme: str, start: str, amount: str, **kw: Any) -> Any:
    from minzheng.assistance.actions import do_enrol

    return do_enrol(
        None,
        household=household,
        programme=programme,
        start=YearMonth.parse(start),
        amount=Decimal(amount),
        **kw,
    )


def person_household(village: str, name: str, id_number: str, born: date) -> Any:
    """A one-person household (the 特困 and single-person cases)."""
    from minzheng.registry.models import Household, Membership, Person

    household = Household.objects.create(region_id=village, address=f"{name}家")
    person = Person(name=name, birth_date=born, region_id=village, address=f"{name}家")
    person.set_id_number(id_number)
    person.save()
    Membership.objects.create(
        household=household, person=person, relationship="head", valid_from=date(2018, 1, 1)
    )
    household.head = person
    household.save(update_fields=["head"])
    return household


@pytest.fixture
def dibao_li(household_li_three_members: Any) -> Any:
    """李建国's family: 低保 from 2020-01, 600 yuan difference plus a 150 yuan 分类施保 supplement."""
    return enrol(
        household_li_three_members,
        "dibao",
        "2020-01",
        "750.00",
        components={"difference": "600.00", "category_supplement": "150.00"},
    )


@pytest.fixture
def tekun_zhao(regions: None) -> Any:
    """赵德顺, 78, alone in 福湖社区: 特困 basic living 975 plus care 350 (partial)."""
    household = person_household("330203001001", "赵德顺", "330203194205061237", date(1942, 5, 6))
    return enrol(
        household,
        "tekun",
        "2020-01",
        "1325.00",
        person=household.head,
        care_level="partial",
        components={"basic_living": "975.00", "care": "350.00"},
    )


def lines_of(**filters: Any) -> list[tuple[str, str, str, int]]:
    from minzheng.payments.models import PaymentLine

    return sorted(
        (line.kind, f"{line.month:%Y-%m}", str(line.source_id), line.amount_fen)
        for line in PaymentLine.objects.filter(**filters)
    )
