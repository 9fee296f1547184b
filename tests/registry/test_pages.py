"""The registry pages: person, household, the change-request queue, and their query counts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from minzheng.core.models import AuditEvent
from minzheng.registry.actions import do_submit_change_request, do_update_person
from minzheng.registry.models import ChangeRequest, Household, Membership, Person

from ..conftest import _household

SHANGHAI = ZoneInfo("Asia/Shanghai")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_person_page_shows_attributes_tags_households_and_history(
    household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    head = household_li_three_members.head
    client = client_for(caseworker_nanmen)
    client.post(f"/registry/persons/{head.pk}/edit/", {"labour_capacity": "partial"})
    client.post(
        f"/registry/persons/{head.pk}/tags/",
        {"tag": "elderly", "source": "海曙区民政局", "valid_from": "2020-01-01"},
    )
    page = client.get(f"/registry/persons/{head.pk}/").content.decode()
    assert "330203********1238" in page and "330203195001011238" not in page
    assert "部分丧失劳动能力" in page and "高龄老人" in page and "海曙区民政局" in page
    assert "解放南路12号" in page and "户主" in page
    assert "劳动能力：— → partial" in page  # the history timeline
    assert "人员信息已保存" in page or "身份已添加" in page


def test_a_refused_edit_shows_the_chinese_reason_and_saves_nothing(
    household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    head = household_li_three_members.head
    client = client_for(caseworker_nanmen)
    response = client.post(f"/registry/persons/{head.pk}/edit/", {"phone": "12345"}, follow=True)
    assert "手机号应为11位数字" in response.content.decode()
    assert Person.objects.get(pk=head.pk).phone_masked == "138****1234"


def test_the_person_page_as_of_a_date_shows_the_record_as_it_was(
    household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    head = household_li_three_members.head
    client = client_for(caseworker_nanmen)
    with time_machine.travel(datetime(2027, 3, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        # The action, not the page: a session would time out across the jump in time.
        do_update_person(caseworker_nanmen, head.pk, {"address": "海曙区柳汀街8号"})
    old = client.get(f"/registry/persons/{head.pk}/", {"as_of": "2027-02-01"}).content.decode()
    assert "以下为 2027年2月1日 时的记录" in old
    assert "解放南路12号" in old and "显示完整号码" not in old
    new = client.get(f"/registry/persons/{head.pk}/", {"as_of": "2027-03-01"}).content.decode()
    assert "海曙区柳汀街8号" in new
    bad = client.get(f"/registry/persons/{head.pk}/", {"as_of": "2027-13-01"})
    assert bad.status_code == 400 and "日期格式应为YYYY-MM-DD" in bad.content.decode()


def test_a_caseworker_submits_a_change_from_the_household_page(
    household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    li = household_li_three_members
    client = client_for(caseworker_nanmen)
    page = client.get(f"/registry/households/{li.pk}/").content.decode()
    for label in ("增加成员", "减少成员", "成员迁至其他家庭", "分户", "合户", "变更户主"):
        assert f"<summary>{label}</summary>" in page
    response = client.post(
        f"/registry/households/{li.pk}/changes/",
        {
            "kind": "add_member",
            "name": "李小雨",
            "id_number": "330203202005010120",
            "relationship": "grandchild",
            "lives_together": "on",
            "reason": "新生儿落户",
        },
        follow=True,
    )
    body = response.content.decode()
    assert "变更申请已提交，等待县级审核" in body and "增加成员 李小雨（孙子女）" in body
    request = ChangeRequest.objects.get()
    assert request.payload["lives_together"] is True and request.reason == "新生儿落户"


def test_a_refused_request_on_the_household_page_says_why(
    household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    li = household_li_three_members
    response = client_for(caseworker_nanmen).post(
        f"/registry/households/{li.pk}/changes/",
        {"kind": "merge_households", "from_household_id": str(li.pk), "reason": "x"},
        follow=True,
    )
    assert "不能将家庭户合并到其自身" in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_an_approver_approves_from_the_queue_with_htmx(
    household_li_three_members: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    li = household_li_three_members
    ming = Person.objects.get(name="李明")
    request = do_submit_change_request(
        caseworker_nanmen,
        kind="remove_member",
        household_id=li.pk,
        payload={"person_id": ming.pk},
        reason="外出务工已分户",
    )
    client = client_for(approver_haishu)
    queue = client.get("/registry/change-requests/").content.decode()
    assert "待审核 <strong>1</strong>" in queue and "减少成员 李明" in queue and "批准" in queue
    row = client.post(
        f"/registry/change-requests/{request.pk}/review/",
        {"decision": "approve", "comment": "同意"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert row.startswith(f'<tr id="change-request-{request.pk}">') and "已批准" in row
    assert not Membership.objects.filter(person=ming, valid_to__isnull=True).exists()
    again = client.post(
        f"/registry/change-requests/{request.pk}/review/",
        {"decision": "reject", "comment": "x"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "该申请的状态为“已批准”，不能重复审核" in again


def test_a_caseworker_sees_the_queue_but_cannot_review(
    household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    li = household_li_three_members
    request = do_submit_change_request(
        caseworker_nanmen,
        kind="change_head",
        household_id=li.pk,
        payload={
            "new_head_id": Person.objects.get(name="王秀英").pk,
            "former_head_relationship": "spouse",
        },
        reason="户主长期住院",
    )
    client = client_for(caseworker_nanmen)
    queue = client.get("/registry/change-requests/").content.decode()
    assert "户主变更为 王秀英" in queue and "hx-post" not in queue
    refused = client.post(
        f"/registry/change-requests/{request.pk}/review/", {"decision": "approve"}
    )
    assert refused.status_code == 403
    assert not AuditEvent.objects.filter(action="approve").exists()


def test_another_countys_approver_sees_an_empty_queue_and_gets_404(
    household_li_three_members: Any, caseworker_nanmen: Any, approver_yinzhou: Any
) -> None:
    li = household_li_three_members
    request = do_submit_change_request(
        caseworker_nanmen,
        kind="remove_member",
        household_id=li.pk,
        payload={"person_id": Person.objects.get(name="李明").pk},
        reason="外出务工",
    )
    client = client_for(approver_yinzhou)
    queue = client.get("/registry/change-requests/").content.decode()
    assert "没有申请" in queue and "李明" not in queue and "待审核 <strong>0</strong>" in queue
    response = client.post(
        f"/registry/change-requests/{request.pk}/review/", {"decision": "approve"}
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"


@pytest.fixture
def many_households(household_li_three_members: Any, caseworker_nanmen: Any) -> list[Household]:
    households = [household_li_three_members]
    for n in range(12):
        born = date(1960, 1, 1 + n)
        number = f"33020319600{101 + n:03d}{21 + 2 * n:03d}"[:17]
        from minzheng.core.idnumber import check_digit

        households.append(
            _household(
                "330203001001",
                f"海曙区南门街道福湖社区柳汀街{n + 1}号",
                [(f"张{n}", number + check_digit(number), "head", born, "")],
            )
        )
    for household in households:
        do_submit_change_request(
            caseworker_nanmen,
            kind="change_head" if household.memberships.count() > 1 else "merge_households",
            household_id=household.pk,
            payload={
                "new_head_id": Person.objects.get(name="王秀英").pk,
                "former_head_relationship": "spouse",
            }
            if household.memberships.count() > 1
            else {"from_household_id": households[0].pk},
            reason="批量核实",
        )
    return households


def test_list_pages_do_not_grow_queries_with_rows(
    many_households: list[Household],
    approver_haishu: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(approver_haishu)
    client.get("/")  # warm the session and menu
    with django_assert_max_num_queries(12):
        queue = client.get("/registry/change-requests/")
    assert queue.content.decode().count('<tr id="change-request-') == 13
    with django_assert_max_num_queries(10):
        assert "柳汀街12号" in client.get("/registry/households/").content.decode()
    with django_assert_max_num_queries(10):
        assert "张11" in client.get("/registry/persons/").content.decode()
    household = many_households[0]
    with django_assert_max_num_queries(20):
        assert "李建国" in client.get(f"/registry/households/{household.pk}/").content.decode()
