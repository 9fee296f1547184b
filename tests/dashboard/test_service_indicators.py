"""Indicators for warnings, medical assistance, 儿童保障, 高龄津贴, 助餐 and the imported history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.assistance.actions import do_enrol, do_load_parameter_catalog
from minzheng.core.yearmonth import YearMonth
from minzheng.dashboard.indicators import BY_CODE, compute_month
from minzheng.payments.jobs import run_roll
from minzheng.payments.models import Roll
from tests.conftest import PASSWORD

HAISHU, NANMEN, FUHU, CITY = "330203000000", "330203001000", "330203001001", "330200000000"
YINZHOU = "330212000000"
OCTOBER = YearMonth(2026, 10)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10))


def _warning(person: Any, *, month: date, deadline: date, closed: date | None, n: int) -> Any:
    from minzheng.monitoring.models import Warning

    w = Warning.objects.create(
        month=month,
        kind="vehicle",
        severity="medium",
        id_number_index=f"idx{n}",
        id_number_masked="330203********1238",
        person=person,
        household=None,
        region_id=FUHU,
        ref=f"plate-{n}",
        source="vehicle",
        evidence={},
        rule="测试",
        action="review",
        deadline=deadline,
        status="closed" if closed else "open",
        closed_at=_at(closed) if closed else None,
    )
    # created_at is auto_now_add: put it in the warning's month, as the monitor would have
    type(w).objects.filter(pk=w.pk).update(created_at=_at(month))
    return w


@pytest.fixture
def services(household_li_three_members: Any) -> dict[str, Any]:
    from minzheng.eldercare.models import MealPoint, MealRecord
    from minzheng.medical.models import Hospital, Settlement

    do_load_parameter_catalog(None)
    household = household_li_three_members
    li, wang, ming = (m.person for m in household.memberships.order_by("id"))
    # warnings: two raised in October (one closed in October), one from September overdue
    _warning(
        li, month=date(2026, 10, 1), deadline=date(2026, 11, 30), closed=date(2026, 10, 20), n=1
    )
    _warning(wang, month=date(2026, 10, 1), deadline=date(2026, 11, 30), closed=None, n=2)
    _warning(
        ming, month=date(2026, 9, 1), deadline=date(2026, 10, 15), closed=date(2026, 11, 3), n=3
    )
    # a settlement in October and one reversed (not counted)
    hospital = Hospital.objects.create(code="H33020300001", name="海曙区人民医院", region_id=HAISHU)
    money = Decimal("0.00")
    for n, (status, paid) in enumerate((("settled", "2450.00"), ("reversed", "999.00"))):
        Settlement.objects.create(
            hospital=hospital, claim_id=f"C{n}", person=li, region_id=FUHU,
            visit_kind="inpatient", admitted_on=date(2026, 10, 1), discharged_on=date(2026, 10, 9),
            total_cost=Decimal("10000.00"), compliant_cost=Decimal("9000.00"),
            basic_insurance_paid=Decimal("5500.00"), critical_illness_paid=money, other_paid=money,
            category="dibao", assistance_amount=Decimal(paid), patient_pays=Decimal("2050.00"),
            annual_cap=Decimal("80000.00"), cap_used=Decimal(paid), cap_left=money,
            deductible_applied=money, explanation=[], request_digest="x" * 64, status=status,
            settled_on=date(2026, 10, 9),
        )  # fmt: skip
    # 助餐: 李 three days, 王 one day, at one point in 福湖
    point = MealPoint.objects.create(name="福湖社区老年食堂", region_id=FUHU)
    clerk = _user()
    for person, day, meals in ((li, 3, 2), (li, 4, 1), (li, 5, 2), (wang, 3, 1)):
        MealRecord.objects.create(
            point=point, person=person, region_id=FUHU, day=date(2026, 10, day), meals=meals,
            category="gaoling", subsidy_per_meal=Decimal("5.00"),
            subsidy=Decimal("5.00") * meals, recorded_by=clerk,
        )  # fmt: skip
    # 高龄津贴 for 李 and 儿童保障 for 李明 (as a person of the household), paid by October's roll
    do_enrol(None, household=household, person=li, programme="gaoling",
             start=YearMonth(2026, 10), amount=Decimal("100.00"))  # fmt: skip
    do_enrol(None, household=household, person=ming, programme="ertong",
             start=YearMonth(2026, 10), amount=Decimal("2100.00"))  # fmt: skip
    roll = run_roll(HAISHU, OCTOBER).roll
    Roll.objects.filter(pk=roll.pk).update(status=Roll.Status.APPROVED)
    return {"household": household, "li": li}


def _user() -> Any:
    from minzheng.accounts.models import User

    return User.objects.create_user("meal_clerk", password=PASSWORD, region_id=FUHU)


def test_warnings_medical_and_services_roll_up_to_the_city(services: Any) -> None:
    figures = compute_month(OCTOBER)
    for region in (NANMEN, HAISHU, CITY):
        values = figures[region]
        assert values["warnings_raised"] == 2
        assert values["warnings_handled"] == 1
        assert values["warnings_overdue"] == 1  # September's, deadline 10-15, closed 11-03
        assert values["medical_settlements"] == 1  # the reversed one is not spending
        assert values["medical_assistance_paid"] == Decimal("2450.00")
        assert values["meal_persons"] == 2
        assert values["meal_count"] == 6
        assert values["meal_subsidy"] == Decimal("30.00")
        assert values["gaoling_persons"] == 1 and values["gaoling_funds"] == Decimal("100.00")
        assert values["ertong_persons"] == 1 and values["ertong_funds"] == Decimal("2100.00")
    assert "warnings_raised" not in figures.get(YINZHOU, {})
    november = compute_month(OCTOBER + 1)[HAISHU]
    assert november["warnings_handled"] == 1  # September's, closed 11-03
    assert november["warnings_overdue"] == 1  # 王's, due 11-30 and still open at November's end
    assert "warnings_raised" not in november


def test_each_new_indicator_has_a_definition_on_the_page(services: Any, city_admin: Any) -> None:
    codes = (
        "warnings_raised", "warnings_handled", "warnings_overdue", "medical_settlements",
        "medical_assistance_paid", "ertong_persons", "ertong_funds", "gaoling_persons",
        "gaoling_funds", "meal_persons", "meal_count", "meal_subsidy", "legacy_funds",
    )  # fmt: skip
    client = Client()
    client.login(username=city_admin.username, password=PASSWORD)
    page = client.get("/statistics/indicators/").content.decode()
    for code in codes:
        indicator = BY_CODE[code]
        assert indicator.name in page and indicator.definition in page
    home = client.get("/statistics/?month=2026-10").content.decode()
    assert "医疗救助支出" in home and "2450.00" in home
