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


def held_statuses(person_id: int, day: date) -> frozenset[str]:
    """One person's held set on one day in one query, the way the meal action read it before
    `held_statuses_on`: the oracle the batch reading is held to."""
    from django.db.models import Q

    from minzheng.assistance.models import Enrolment
    from minzheng.registry.models import Membership

    tags = (
        IdentityTag.objects.filter(person_id=person_id, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .values_list("tag", flat=True)
    )
    households = Membership.objects.filter(person_id=person_id, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )
    programmes = (
        Enrolment.objects.filter(start_month__lte=day)
        .filter(Q(end_month__isnull=True) | Q(end_month__gt=day))
        .exclude(status__in=(Enrolment.Status.ENDED, Enrolment.Status.SUSPENDED))
        .filter(
            Q(person_id=person_id)
            | Q(person__isnull=True, household_id__in=households.values("household_id"))
        )
        .values_list("programme", flat=True)
    )
    return frozenset(tags.union(programmes, all=True))


def test_a_register_is_recorded_as_its_meals_one_by_one(
    canteen: Any, elders_fuhu: dict[str, Any], caseworker_nanmen: Any
) -> None:
    """`do_record_meals` writes what `do_record_meal` writes, meal by meal: each diner's best
    category of the day (李建国 is 特困 until 6 June; their household's 低保 starts in July),
    one audit event per record with the same summary."""
    from minzheng.assistance.models import Enrolment
    from minzheng.core.models import AuditEvent
    from minzheng.eldercare.actions import MealEntry, do_record_meals
    from minzheng.eldercare.queries import held_statuses_on

    li = Person.objects.get(name="李建国")
    wang = Person.objects.get(name="王秀英")
    IdentityTag.objects.filter(person=li).update(valid_to=date(2024, 6, 6))
    IdentityTag.objects.filter(person=wang).delete()
    Enrolment.objects.create(
        household_id=wang.memberships.get().household_id,
        programme="dibao",
        region_id=wang.region_id,
        start_month=date(2024, 7, 1),
    )
    days = (DAY, date(2024, 6, 6), date(2024, 7, 1))
    wanted = [(p.pk, d) for p in (li, wang) for d in days]
    assert held_statuses_on(wanted) == {(pid, d): held_statuses(pid, d) for pid, d in wanted}
    assert held_statuses_on(wanted)[(li.pk, DAY)] == {"tekun"}
    assert held_statuses_on(wanted)[(wang.pk, date(2024, 7, 1))] == {"dibao"}
    assert held_statuses_on(wanted)[(li.pk, date(2024, 6, 6))] == set()

    made = do_record_meals(
        caseworker_nanmen,
        point_id=canteen.pk,
        entries=[MealEntry(number, d, 2) for d in days for number in (LI_JIANGUO, WANG_XIUYING)],
    )
    assert [(r.person.name, r.day, r.category, r.subsidy) for r in made] == [
        ("李建国", DAY, "tekun", Decimal("20.00")),
        ("王秀英", DAY, "elderly", Decimal("6.00")),  # 72: 老年人 3 × 2
        ("李建国", date(2024, 6, 6), "elderly", Decimal("6.00")),  # 特困 ended that day
        ("王秀英", date(2024, 6, 6), "elderly", Decimal("6.00")),
        ("李建国", date(2024, 7, 1), "dibao", Decimal("16.00")),  # his household's 低保
        ("王秀英", date(2024, 7, 1), "dibao", Decimal("16.00")),
    ]
    assert MealRecord.objects.count() == 6
    events = AuditEvent.objects.filter(object_type="meal_record").order_by("id")
    assert [(e.object_id, e.summary, e.person_id, e.region_code) for e in events] == [
        (
            str(r.pk),
            f"{r.person.name} {r.day.isoformat()} 在福湖社区老年食堂就餐2次，补贴{r.subsidy}元",
            r.person_id,
            "330203001001",
        )
        for r in made
    ]
    one = do_record_meal(
        caseworker_nanmen, point_id=canteen.pk, id_number=LI_JIANGUO, day=date(2024, 7, 2), meals=2
    )
    assert (one.category, one.subsidy) == ("dibao", Decimal("16.00"))


def test_a_register_with_one_bad_meal_records_none(canteen: Any, caseworker_nanmen: Any) -> None:
    from minzheng.eldercare.actions import MealEntry, do_record_meals

    def refused(*entries: MealEntry) -> str:
        with pytest.raises(DomainError) as caught:
            do_record_meals(caseworker_nanmen, point_id=canteen.pk, entries=list(entries))
        return caught.value.message

    good = MealEntry(LI_JIANGUO, DAY, 1)
    assert "李建国 2024-06-03 在福湖社区老年食堂的就餐已记录" in refused(good, good)
    assert "每人每天补贴餐次为 1～2 次" in refused(good, MealEntry(WANG_XIUYING, DAY, 3))
    assert "不在人员库中" in refused(good, MealEntry("不是号码", DAY, 1))
    assert "晚于今天" in refused(good, MealEntry(WANG_XIUYING, date(2099, 1, 1), 1))
    assert MealRecord.objects.count() == 0
    assert do_record_meals(caseworker_nanmen, point_id=canteen.pk, entries=[]) == []
