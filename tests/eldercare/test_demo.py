"""The demo seeding: assessments with history for 南门街道, this month's 高龄津贴, meal points and
meals — and a second run adds nothing."""

from __future__ import annotations

from typing import Any

from minzheng.assistance.models import Enrolment
from minzheng.eldercare.demo import seed_demo
from minzheng.eldercare.models import (
    Adaptation,
    Assessment,
    CareOrder,
    CareVisit,
    MealPoint,
    MealRecord,
    TimeBankEntry,
)
from minzheng.payments.models import PaymentLine


def test_the_demo_fills_every_eldercare_page(
    elders_fuhu: dict[str, Any], household_li_three_members: Any
) -> None:
    from minzheng.demo import ensure_demo_staff

    ensure_demo_staff()
    made = seed_demo()
    # 李建国, 王秀英 and the four 钱/孙 elders of 福湖社区: each assessed, two a year and a half ago too
    assert Assessment.objects.values("person").distinct().count() == 6
    assert Assessment.objects.count() == 8
    assert Enrolment.objects.filter(programme="gaoling", status="active").count() == 4
    assert MealPoint.objects.filter(region__parent_id="330203001000").exists()
    # 南门's six elderly: adaptations at every step, and six service orders with visits
    statuses = sorted(Adaptation.objects.values_list("status", flat=True))
    assert statuses == ["applied", "approved", "completed", "paid", "paid", "visited"]
    assert PaymentLine.objects.filter(kind="adapt_payable").count() == 2
    # six, two paid from the time bank, and two of 福湖社区's own team (李明 volunteers)
    assert CareOrder.objects.count() == 10
    assert CareOrder.objects.filter(provider__region_id="330203001001").count() == 2
    assert not TimeBankEntry.objects.filter(balance__lt=0).exists()
    assert TimeBankEntry.objects.filter(kind="withdrawal").exists()
    visits = CareVisit.objects.count()
    assert visits > 8
    assert (
        MealRecord.objects.exists()
        and made == Assessment.objects.count() + MealRecord.objects.count() + 6 + visits
    )
    assert seed_demo() == 0
    assert Assessment.objects.count() == 8 and CareVisit.objects.count() == visits
