"""/api/v1/eldercare: staff record an assessment, partners of the county read it, bad bodies get
one Chinese error and change nothing; coverage by county."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import timezone

from minzheng.api.actions import do_create_api_client
from minzheng.eldercare.models import Assessment
from minzheng.eldercare.rules import ITEMS


def _body(person: Any, **over: Any) -> dict[str, Any]:
    return {
        "person_id": person.pk,
        "assessed_on": timezone.localdate().isoformat(),
        "answers": {i.code: i.max_points for i in ITEMS} | {"B.3.8": 0},
        "risk_events": [{"kind": "fall", "day": timezone.localdate().isoformat()}],
    } | over


def test_staff_record_and_partners_of_the_county_read(
    household_li_three_members: Any, parameters: None, caseworker_nanmen: Any
) -> None:
    li = household_li_three_members.head
    staff = Client()
    staff.force_login(caseworker_nanmen)
    response = staff.post(
        "/api/v1/eldercare/assessments", _body(li), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["total"], data["level"], data["level_label"], data["person"]) == (
        89,
        "mild",
        "轻度失能",
        "李*国",
    )
    _, token = do_create_api_client(
        None, name="海曙养老平台", scopes=["registry:read"], region_code="330203000000"
    )
    _, other = do_create_api_client(
        None, name="鄞州养老平台", scopes=["registry:read"], region_code="330212000000"
    )
    partner = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    listed = partner.get("/api/v1/eldercare/assessments", {"person_id": li.pk}).json()
    assert [a["item_scores"]["B.3.8"] for a in listed] == [0]
    stranger = Client(HTTP_AUTHORIZATION=f"Bearer {other}")
    assert stranger.get(f"/api/v1/eldercare/assessments/{data['id']}").status_code == 404
    assert stranger.get("/api/v1/eldercare/assessments", {"person_id": li.pk}).json() == []
    refused = partner.post(
        "/api/v1/eldercare/assessments", _body(li), content_type="application/json"
    )
    assert refused.status_code == 403 and Assessment.objects.count() == 1


def test_bad_bodies_get_a_chinese_error(
    household_li_three_members: Any, parameters: None, caseworker_nanmen: Any
) -> None:
    li = household_li_three_members.head
    staff = Client()
    staff.force_login(caseworker_nanmen)

    def post(body: dict[str, Any]) -> Any:
        return staff.post("/api/v1/eldercare/assessments", body, content_type="application/json")

    answers = {i.code: i.max_points for i in ITEMS}
    bad = post(_body(li, answers=answers | {"B.1.1": 7}))
    assert bad.status_code == 400 and "B.1.1 进食 的得分只能是" in bad.json()["message"]
    missing = post(_body(li, answers={"B.1.1": 4}))
    assert missing.status_code == 400 and "评估项目未填写完整" in missing.json()["message"]
    assert post(_body(li, risk_events=[{"kind": "flood", "day": "2024-01-01"}])).status_code in (
        400,
        422,
    )
    assert post(_body(li, extra="x")).status_code in (400, 422)
    assert staff.get("/api/v1/eldercare/assessments/99999999999999999999").status_code in (400, 422)
    assert Assessment.objects.count() == 0


def test_meal_coverage_by_county(parameters: None, regions: None, caseworker_nanmen: Any) -> None:
    from minzheng.eldercare.actions import do_add_meal_point

    do_add_meal_point(None, name="福湖社区老年食堂", village_code="330203001001")
    staff = Client()
    staff.force_login(caseworker_nanmen)
    [row] = staff.get("/api/v1/eldercare/meals/coverage").json()
    assert row["county"] == "海曙区" and row["covered"] == 1 and row["villages"] > 1
