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
def li_paid_since_january(household_li_three_members: Any) -> Any:
    """李建国's family on 低保 at 600 yuan from January 2026, with his account at 宁波银行: what
    the demo's 海曙 roll of last month (payments.demo.seed_demo) pays."""
    from minzheng.assistance.actions import do_enrol
    from minzheng.payments.actions.accounts import _new_account

    head = household_li_three_members.head
    do_enrol(
        None,
        household=household_li_three_members,
        programme="dibao",
        start=YearMonth(2026, 1),
        amount=Decimal("600.00"),
    )
    _new_account(
        person=head, holder_name=head.name, bank_name="宁波银行", number="6222021234567894"
    )
    return household_li_three_members


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


@pytest.fixture
def approved_march(
    dibao_li: Any, tekun_zhao: Any, approver_haishu: Any, make_staff: Any, caseworker_nanmen: Any
) -> Any:
    """March 2020 in 海曙, made by approver_haishu and approved by a second approver: 李建国's
    family 750 yuan to 宁波银行 …7890, 赵德顺 1325 yuan to 农业银行 …2333."""
    from minzheng.payments.actions import do_approve_roll, do_register_bank_account, do_run_roll

    do_register_bank_account(
        caseworker_nanmen, dibao_li.household.head, bank_name="宁波银行", number="6222021234567890"
    )
    do_register_bank_account(
        caseworker_nanmen, tekun_zhao.person, bank_name="农业银行", number="6228480011112222333"
    )
    checker = make_staff("approver_haishu_2", "county_approver", "330203000000")
    roll = do_run_roll(approver_haishu, "330203", YearMonth(2020, 3)).roll
    return do_approve_roll(checker, roll)
