"""助餐: a meal point per village, a day's meals per person with the subsidy of the diner's best
category, the month settled to the point through the ledger, and the coverage of villages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minzheng.core.errors import DomainError
from minzheng.core.yearmonth import YearMonth
from minzheng.eldercare.actions import do_add_meal_point, do_confirm_meal_statement, do_record_meal
from minzheng.eldercare.models import MealRecord, MealStatement
from minzheng.payments.models import PaymentLine
from minzheng.regions.models import Region
from minzheng.registry.models import IdentityTag, Person

LI_JIANGUO, WANG_XIUYING, LI_MING = "330203195001011238", "330203195203152346", "330203198006204438"
DAY = date(2024, 6, 3)


def tag(person: Any, code: str) -> None:
    IdentityTag.objects.create(
        person=person,
        tag=code,
        source="测试",
        valid_from=date(2020, 1, 1),
        region_id=person.region_id,
    )


@pytest.fixture
def canteen(
    household_li_three_members: Any, elders_fuhu: dict[str, Any], caseworker_nanmen: Any
) -> Any:
    people = {p.name: p for p in Person.objects.all()}
    tag(people["李建国"], "tekun")
    tag(people["王秀英"], "dibao")
    return do_add_meal_point(
        caseworker_nanmen,
        name="福湖社区老年食堂",
        village_code="330203001001",
        operator="福湖社工站",
    )


def test_each_diner_gets_the_subsidy_of_their_best_category(
    canteen: Any, elders_fuhu: dict[str, Any], caseworker_nanmen: Any
) -> None:
    qian = elders_fuhu["钱老太"]
    Person.objects.filter(pk=qian.pk).update(disability_grade=2)
    made = [
        do_record_meal(
            caseworker_nanmen, point_id=canteen.pk, id_number=LI_JIANGUO, day=DAY, meals=2
        ),
        do_record_meal(
            caseworker_nanmen, point_id=canteen.pk, id_number=WANG_XIUYING, day=DAY, meals=1
        ),
        do_record_meal(
            caseworker_nanmen,
            point_id=canteen.pk,
            id_number=qian.id_number_plain(),
            day=DAY,
            meals=2,
        ),
        do_record_meal(
            caseworker_nanmen,
            point_id=canteen.pk,
            id_number=elders_fuhu["钱永福"].id_number_plain(),
            day=DAY,
            meals=1,
        ),
    ]
    assert [(r.person.name, r.category, r.subsidy_per_meal, r.subsidy) for r in made] == [
        ("李建国", "tekun", Decimal("10.00"), Decimal("20.00")),  # 特困 10 元/餐 × 2
        ("王秀英", "dibao", Decimal("8.00"), Decimal("8.00")),  # 低保 8
        ("钱老太", "disabled", Decimal("6.00"), Decimal("12.00")),  # 残疾 6 beats 高龄 5
        ("钱永福", "gaoling", Decimal("5.00"), Decimal("5.00")),  # 84: 高龄 5
    ]


def test_bad_meal_input_is_refused_and_changes_nothing(
    canteen: Any, caseworker_nanmen: Any, caseworker_xiaying: Any
) -> None:
    def refused(**kw: Any) -> str:
        args = {"point_id": canteen.pk, "id_number": LI_JIANGUO, "day": DAY, "meals": 1} | kw
        with pytest.raises(DomainError) as caught:
            do_record_meal(caseworker_nanmen, **args)
        return caught.value.message

    assert "未满60周岁" in refused(id_number=LI_MING)
    assert "每人每天补贴餐次为 1～2 次" in refused(meals=3)
    assert "不在人员库中" in refused(id_number="110105194912310021")
    assert "不在人员库中" in refused(id_number="不是号码")
    assert "晚于今天" in refused(day=date(2099, 1, 1))
    do_record_meal(caseworker_nanmen, point_id=canteen.pk, id_number=LI_JIANGUO, day=DAY, meals=1)
    assert "的就餐已记录" in refused()
    with pytest.raises(DomainError, match="运营中的助餐点"):
        do_record_meal(
            caseworker_xiaying, point_id=canteen.pk, id_number=LI_JIANGUO, day=DAY, meals=1
        )
    assert MealRecord.objects.count() == 1


def test_the_month_is_settled_to_the_point_through_the_ledger(
    canteen: Any, caseworker_nanmen: Any, approver_haishu: Any, caseworker_xiaying: Any
) -> None:
    for day in (DAY, date(2024, 6, 4), date(2024, 6, 30)):
        do_record_meal(
            caseworker_nanmen, point_id=canteen.pk, id_number=LI_JIANGUO, day=day, meals=2
        )
    do_record_meal(caseworker_nanmen, point_id=canteen.pk, id_number=WANG_XIUYING, day=DAY, meals=1)
    do_record_meal(
        caseworker_nanmen, point_id=canteen.pk, id_number=LI_JIANGUO, day=date(2024, 7, 1), meals=1
    )
    statement = do_confirm_meal_statement(approver_haishu, canteen.pk, YearMonth(2024, 6))
    assert (statement.meals, statement.diners, statement.total) == (7, 2, Decimal("68.00"))
    line = PaymentLine.objects.get(source="z", source_id=statement.pk)
    assert (line.kind, line.programme, line.amount_fen, line.debit, line.credit) == (
        "meal_payable",
        "zhucan",
        6800,
        "expense",
        "payable",
    )
    assert line.roll.county_id == "330203000000" and line.roll.month == date(2024, 6, 1)
    assert MealRecord.objects.filter(statement=statement).count() == 4
    with pytest.raises(DomainError, match="已确认"):
        do_confirm_meal_statement(approver_haishu, canteen.pk, YearMonth(2024, 6))
    with pytest.raises(DomainError, match="已结算，不能补录"):
        do_record_meal(
            caseworker_nanmen,
            point_id=canteen.pk,
            id_number=WANG_XIUYING,
            day=date(2024, 6, 5),
            meals=1,
        )
    with pytest.raises(DomainError, match="县级审核审批员"):
        do_confirm_meal_statement(caseworker_nanmen, canteen.pk, YearMonth(2024, 7))
    assert MealStatement.objects.count() == 1


def test_the_coverage_of_villages_is_counted(canteen: Any, caseworker_nanmen: Any) -> None:
    villages = Region.objects.filter(level="village", parent_id="330203001000").count()
    client = Client()
    client.force_login(caseworker_nanmen)
    page = client.get("/eldercare/meals/").content.decode()
    share = f"{100 / villages:.1f}%"
    assert f"<td>{villages}</td><td>1</td><td>{share}</td>" in page
    do_add_meal_point(caseworker_nanmen, name="助餐服务点", village_code="330203001002")
    page = client.get("/eldercare/meals/").content.decode()
    assert f"<td>{villages}</td><td>2</td><td>{200 / villages:.1f}%</td>" in page
    refused = client.post(
        "/eldercare/meals/", {"name": "外区食堂", "village": "330212003001"}
    ).content.decode()
    assert "不存在或不在您的管辖范围内" in refused


def test_the_pages_record_and_confirm(
    canteen: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    worker = Client()
    worker.force_login(caseworker_nanmen)
    page = worker.post(
        "/eldercare/meals/records/",
        {"point": canteen.pk, "day": "2024-06-03", "id_number": LI_JIANGUO, "meals": "2"},
    ).content.decode()
    assert "已记录：李建国 2024-06-03 2 餐次，特困人员，补贴 20.00 元" in page
    bad = worker.post(
        "/eldercare/meals/records/",
        {"point": canteen.pk, "day": "六月三日", "id_number": LI_JIANGUO, "meals": "2"},
    ).content.decode()
    assert "就餐日期应为 YYYY-MM-DD" in bad
    approver = Client()
    approver.force_login(approver_haishu)
    response = approver.post(
        "/eldercare/meals/statements/", {"point": canteen.pk, "month": "2024-06"}
    )
    assert response.status_code == 302
    listed = approver.get("/eldercare/meals/statements/?month=2024-06").content.decode()
    assert "已确认" in listed and "20.00" in listed
