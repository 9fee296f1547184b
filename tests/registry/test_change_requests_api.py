"""The registry API: records as of a day, and change requests from a staff session."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.test import Client

from minzheng.api.actions import do_create_api_client
from minzheng.registry.actions import do_update_person
from minzheng.registry.models import ChangeRequest, Person

SHANGHAI = ZoneInfo("Asia/Shanghai")


def staff_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_person_as_of_a_date_comes_back_with_the_old_address(
    household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    head = household_li_three_members.head
    with time_machine.travel(datetime(2027, 3, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        do_update_person(caseworker_nanmen, head.pk, {"address": "海曙区柳汀街8号"})
    client = staff_client(caseworker_nanmen)
    old = client.get(f"/api/v1/registry/persons/{head.pk}", {"as_of": "2027-02-01"}).json()
    assert old["address"] == "海曙区南门街道福湖社区解放南路12号"
    assert old["id_number"] == "330203********1238" and old["as_of"] == "2027-02-01"
    assert old["household_ids"] == [household_li_three_members.pk]
    now = client.get(f"/api/v1/registry/persons/{head.pk}").json()
    assert now["address"] == "海曙区柳汀街8号" and now["as_of"] is None
    bad = client.get(f"/api/v1/registry/persons/{head.pk}", {"as_of": "2027-02-30"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_request"


def test_a_staff_session_submits_and_an_approver_approves_through_the_api(
    household_li_three_members: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    li = household_li_three_members
    submitted = post(
        staff_client(caseworker_nanmen),
        "/api/v1/registry/change-requests",
        {
            "kind": "add_member",
            "household_id": li.pk,
            "payload": {
                "name": "李小雨",
                "id_number": "330203202005010120",
                "relationship": "grandchild",
            },
            "reason": "新生儿落户",
        },
    )
    assert submitted.status_code == 201, submitted.content
    body = submitted.json()
    assert (body["status"], body["submitted_by"]) == ("pending", "caseworker_nanmen")
    approver = staff_client(approver_haishu)
    approved = post(approver, f"/api/v1/registry/change-requests/{body['id']}/approve", {})
    assert approved.json()["status"] == "approved"
    household = approver.get(f"/api/v1/registry/households/{li.pk}").json()
    assert [(m["person"]["name"], m["relationship"]) for m in household["memberships"]] == [
        ("李建国", "head"),
        ("王秀英", "spouse"),
        ("李明", "child"),
        ("李小雨", "grandchild"),
    ]


def test_api_refusals_have_the_code_and_message_shape_and_change_nothing(
    household_li_three_members: Any, caseworker_nanmen: Any, regions: None
) -> None:
    li = household_li_three_members
    client = staff_client(caseworker_nanmen)
    refused = post(
        client,
        "/api/v1/registry/change-requests",
        {
            "kind": "remove_member",
            "household_id": li.pk,
            "payload": {"person_id": li.head_id},
            "reason": "迁出",
        },
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "code": "head_needs_successor",
        "message": "户主离开本户前须指定新户主",
    }
    self_approval = post(client, "/api/v1/registry/change-requests/1/approve", {})
    assert self_approval.status_code == 403
    _, token = do_create_api_client(
        None, name="海曙区人民医院", scopes=["registry:read"], region_code="330203000000"
    )
    partner = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    by_token = post(
        partner,
        "/api/v1/registry/change-requests",
        {"kind": "change_head", "household_id": li.pk, "payload": {}, "reason": "x"},
    )
    assert by_token.status_code == 403
    assert by_token.json() == {
        "code": "permission_denied",
        "message": "家庭变更只能由工作人员登录后办理",
    }
    assert not ChangeRequest.objects.exists() and Person.objects.count() == 3


def test_another_countys_caseworker_gets_404_for_the_household_as_of_a_day(
    household_li_three_members: Any, caseworker_xiaying: Any
) -> None:
    response = staff_client(caseworker_xiaying).get(
        f"/api/v1/registry/households/{household_li_three_members.pk}", {"as_of": "2026-01-01"}
    )
    assert response.status_code == 404 and "李建国" not in response.content.decode()
