"""An assessor records an assessment on the form; the result, items, assessor and history show;
bad input changes nothing; another county cannot see it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from minzheng.core.models import AuditEvent
from minzheng.eldercare.models import Assessment
from minzheng.eldercare.rules import ITEMS
from tests.eldercare.conftest import best_answers


def _staff(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, person: Any, **extra: str) -> Any:
    data = {"person": str(person.pk), "assessed_on": timezone.localdate().isoformat(), **extra}
    return client.post("/eldercare/assessments/new/", data)


def test_an_assessor_records_an_assessment_and_sees_the_result(
    household_li_three_members: Any, parameters: None, caseworker_nanmen: Any
) -> None:
    li = household_li_three_members.head
    client = _staff(caseworker_nanmen)
    # 66 points: six self-care items at 0; dementia makes it 中度失能
    form = best_answers(**{f"B_1_{i}": 0 for i in range(1, 7)})
    response = _post(client, li, **form, dementia="on", second_assessor="陈医生")
    assert response.status_code == 302
    saved = Assessment.objects.get()
    assert (saved.total, saved.preliminary_level, saved.level) == (66, "mild", "moderate")
    assert (saved.self_care_score, saved.movement_score) == (8, 15)
    assert saved.assessor == caseworker_nanmen and saved.reason == "first"
    today = timezone.localdate()
    assert (saved.next_due.year, saved.next_due.month) == (today.year + 1, today.month)
    page = client.get(response["Location"]).content.decode()
    for text in (
        "李建国",
        "总分 <strong>66</strong>（满分 90）",
        "中度失能",
        "轻度失能",
        "陈医生",
        "确诊痴呆",
    ):
        assert text in page
    assert "部分丧失生活自理能力" in page  # the 特困 care level it suggests
    event = AuditEvent.objects.get(object_type="eldercare_assessment")
    assert event.person_id == li.pk and "总分66" in event.summary


def test_a_reassessment_keeps_the_history(
    household_li_three_members: Any, parameters: None, caseworker_nanmen: Any
) -> None:
    li = household_li_three_members.head
    client = _staff(caseworker_nanmen)
    earlier = (timezone.localdate() - timedelta(days=400)).isoformat()
    _post(client, li, **best_answers(), assessed_on=earlier)
    fall = (timezone.localdate() - timedelta(days=2)).isoformat()
    response = _post(
        client,
        li,
        **best_answers(B_3_7=0),
        reason="change",
        event_kind_0="fall",
        event_day_0=fall,
        event_kind_1="choking",
        event_day_1=timezone.localdate().isoformat(),
    )
    latest = Assessment.objects.order_by("-assessed_on").first()
    assert latest is not None and (latest.total, latest.level) == (89, "moderate")
    assert latest.reason == "change" and latest.adjustments == ["risk_events"]
    page = client.get(response["Location"]).content.decode()
    assert page.count("<td>能力完好</td>") == 1 and "状况变化复评" in page and "跌倒" in page
    listed = client.get("/eldercare/assessments/").content.decode()
    assert listed.count("李建国") == 1 and "由轻度失能调整" in listed
    due = client.get("/eldercare/assessments/?due=1").content.decode()
    assert "李建国" not in due  # the newest assessment is not due for a year


def test_bad_input_gets_a_chinese_error_and_saves_nothing(
    household_li_three_members: Any, parameters: None, caseworker_nanmen: Any
) -> None:
    li = household_li_three_members.head
    from minzheng.registry.models import Person

    child = Person.objects.get(name="李明")
    client = _staff(caseworker_nanmen)
    form = best_answers()
    del form["B.4.5"]
    page = _post(client, li, **form).content.decode()
    assert "评估项目未填写完整：B.4.5 社会交往能力" in page
    page = _post(client, li, **best_answers(B_2_4=4)).content.decode()
    assert "B.2.4 上下楼梯 的得分只能是 3、2、1、0 之一" in page
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert (
        "评估日期不能晚于今天"
        in _post(client, li, **best_answers(), assessed_on=tomorrow).content.decode()
    )
    assert (
        "应为 YYYY-MM-DD"
        in _post(client, li, **best_answers(), assessed_on="2024-13-01").content.decode()
    )
    page = _post(
        client, li, **best_answers(), event_kind_0="fall", event_day_0="昨天"
    ).content.decode()
    assert "照护风险事件（跌倒）的日期应为 YYYY-MM-DD" in page
    assert "未满60周岁" in _post(client, child, **best_answers()).content.decode()
    early = _post(client, li, **best_answers(), assessed_on="2021-06-01").content.decode()
    assert "早于 GB/T 42195-2022 施行日期" in early
    assert Assessment.objects.count() == 0


def test_another_county_cannot_see_it_and_the_three_administrators_see_nothing(
    household_li_three_members: Any,
    parameters: None,
    caseworker_nanmen: Any,
    caseworker_xiaying: Any,
    auditor: Any,
) -> None:
    _post(_staff(caseworker_nanmen), household_li_three_members.head, **best_answers())
    assessment = Assessment.objects.get()
    other = _staff(caseworker_xiaying)
    assert "李建国" not in other.get("/eldercare/assessments/").content.decode()
    assert other.get(f"/eldercare/assessments/{assessment.pk}/").status_code == 404
    stranger = _post(other, household_li_three_members.head, **best_answers())
    assert stranger.status_code in (200, 404) and Assessment.objects.count() == 1
    assert _staff(auditor).get("/eldercare/assessments/").status_code == 403


def test_the_form_finds_the_elderly_by_name_or_id_number(
    household_li_three_members: Any, parameters: None, assistant_fuhu: Any
) -> None:
    client = _staff(assistant_fuhu)
    found = client.get("/eldercare/assessments/new/", {"q": "李"}).content.decode()
    assert "李建国" in found and "李明" not in found  # 李明 is 44
    by_id = client.get("/eldercare/assessments/new/", {"q": "330203195203152346"}).content.decode()
    assert "王秀英" in by_id
    none = client.get("/eldercare/assessments/new/", {"q": "张三"}).content.decode()
    assert "未找到“张三”" in none
    form = client.get(
        "/eldercare/assessments/new/", {"person": household_li_three_members.head.pk}
    ).content.decode()
    assert form.count('type="radio"') == sum(len(i.options) for i in ITEMS)  # 116 options
    assert "B.3.9 意识水平" in form
