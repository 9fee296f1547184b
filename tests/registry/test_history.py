"""Every person, household and membership keeps its history, and can be read as of a day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minzheng.core.errors import DomainError, NotFound
from minzheng.core.models import AuditEvent
from minzheng.registry import queries
from minzheng.registry.actions import (
    do_add_identity_tag,
    do_approve_change_request,
    do_end_identity_tag,
    do_submit_change_request,
    do_update_person,
)
from minzheng.registry.models import IdentityTag, Person, PersonVersion

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_ADDRESS = "海曙区南门街道福湖社区柳汀街8号"


@pytest.fixture
def on_1_march_2027() -> Iterator[None]:
    with time_machine.travel(datetime(2027, 3, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


def head_of(household: Any) -> Person:
    return household.head  # type: ignore[no-any-return]


def test_a_person_as_of_a_day_before_an_edit_has_the_old_address(
    household_li_three_members: Any, caseworker_nanmen: Any, on_1_march_2027: None
) -> None:
    head = head_of(household_li_three_members)
    do_update_person(caseworker_nanmen, head.pk, {"address": NEW_ADDRESS, "phone": "13900000001"})

    before = queries.person_as_of(caseworker_nanmen, head.pk, date(2027, 2, 28))
    assert before.person.address == "海曙区南门街道福湖社区解放南路12号"
    assert before.person.phone_masked == "138****1234"
    after = queries.person_as_of(caseworker_nanmen, head.pk, date(2027, 3, 1))
    assert after.person.address == NEW_ADDRESS and after.person.phone_masked == "139****0001"
    assert [m.household_id for m in after.memberships] == [household_li_three_members.pk]


def test_a_day_before_recorded_history_shows_the_earliest_known_state(
    household_li_three_members: Any, caseworker_nanmen: Any, on_1_march_2027: None
) -> None:
    head = head_of(household_li_three_members)
    do_update_person(caseworker_nanmen, head.pk, {"labour_capacity": "none"})
    long_ago = queries.person_as_of(caseworker_nanmen, head.pk, date(2019, 1, 1))
    assert long_ago.before_history and long_ago.person.labour_capacity == ""
    assert [m.relationship for m in long_ago.memberships] == ["head"]
    assert not queries.person_as_of(caseworker_nanmen, head.pk, date(2027, 3, 1)).before_history


def test_a_household_as_of_a_day_before_a_member_was_added_lacks_that_member(
    household_li_three_members: Any,
    caseworker_nanmen: Any,
    approver_haishu: Any,
    on_1_march_2027: None,
) -> None:
    li = household_li_three_members
    request = do_submit_change_request(
        caseworker_nanmen,
        kind="add_member",
        household_id=li.pk,
        payload={"name": "李小雨", "id_number": "330203202005010120", "relationship": "grandchild"},
        reason="新生儿落户",
    )
    do_approve_change_request(approver_haishu, request.pk)

    def names(day: date) -> list[str]:
        return [m.person.name for m in queries.household_as_of(approver_haishu, li.pk, day).members]

    assert names(date(2027, 2, 28)) == ["李建国", "王秀英", "李明"]
    assert names(date(2027, 3, 1)) == ["李建国", "王秀英", "李明", "李小雨"]
    assert names(date(2018, 2, 1)) == []  # before the family was registered in 2018
    newborn = Person.objects.get(name="李小雨")
    with pytest.raises(NotFound) as not_yet:
        queries.person_as_of(caseworker_nanmen, newborn.pk, date(2027, 2, 28))
    assert not_yet.value.code == "not_yet_recorded"
    assert not_yet.value.message == "2027年02月28日时尚未登记此人"


def test_a_household_as_of_a_day_before_the_head_changed_has_the_old_head(
    household_li_three_members: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    li = household_li_three_members
    ming = Person.objects.get(name="李明")
    with time_machine.travel(datetime(2027, 3, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        request = do_submit_change_request(
            caseworker_nanmen,
            kind="change_head",
            household_id=li.pk,
            payload={"new_head_id": ming.pk, "former_head_relationship": "parent"},
            reason="原户主年事已高",
        )
    with time_machine.travel(datetime(2027, 3, 5, 9, 0, tzinfo=SHANGHAI), tick=False):
        do_approve_change_request(approver_haishu, request.pk)

    old = queries.household_as_of(caseworker_nanmen, li.pk, date(2027, 3, 4))
    new = queries.household_as_of(caseworker_nanmen, li.pk, date(2027, 3, 5))
    assert old.household.head_id == head_of(li).pk
    assert [(m.person.name, m.membership.relationship) for m in old.members] == [
        ("李建国", "head"),
        ("王秀英", "spouse"),
        ("李明", "child"),
    ]
    assert new.household.head_id == ming.pk
    assert [(m.person.name, m.membership.relationship) for m in new.members] == [
        ("李明", "head"),
        ("李建国", "parent"),
        ("王秀英", "spouse"),
    ]
    timeline = queries.household_history(li)
    assert {(e.what, e.summary) for e in timeline} == {
        ("家庭户", "户主变更"),
        ("李建国", "与户主关系变更"),
        ("李明", "与户主关系变更"),
    }
    assert all(e.actor == "approver_haishu" and e.change_request_id == request.pk for e in timeline)


def test_editing_a_person_writes_a_version_and_an_audit_event(
    household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    head = head_of(household_li_three_members)
    do_update_person(
        caseworker_nanmen,
        head.pk,
        {"disability_category": "physical", "disability_grade": "2", "hukou_type": "urban"},
    )
    event = AuditEvent.objects.get(object_type="person", action="update")
    assert event.before == {"hukou_type": "", "disability_category": "", "disability_grade": None}
    assert event.after == {
        "hukou_type": "urban",
        "disability_category": "physical",
        "disability_grade": 2,
    }
    assert event.person_id == head.pk and event.actor_name == "caseworker_nanmen"
    assert [v.operation for v in head.versions.order_by("valid_from", "id")] == [
        "baseline",
        "update",
    ]
    entry = queries.person_history(head)[0]
    assert ("残疾等级", None, 2) in entry.changes


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        ({"phone": "1380574"}, "bad_phone", "手机号应为11位数字"),
        (
            {"disability_grade": "5", "disability_category": "physical"},
            "bad_field",
            "残疾等级应为1至4级：5",
        ),
        ({"disability_category": "visual"}, "bad_field", "残疾类别和残疾等级须同时填写或同时留空"),
        ({"date_of_death": "2099-01-01"}, "bad_date", "死亡日期不能晚于今天，也不能早于出生日期"),
        ({"name": ""}, "bad_name", "姓名不能为空，且不超过60个字"),
        ({"id_number_masked": "x"}, "unknown_field", "不能修改的字段：id_number_masked"),
        ({"address": "海曙区南门街道福湖社区解放南路12号"}, "no_change", "没有需要保存的修改"),
    ],
)
def test_a_bad_person_edit_is_refused_in_chinese_and_changes_nothing(
    household_li_three_members: Any,
    caseworker_nanmen: Any,
    changes: dict[str, Any],
    code: str,
    message: str,
) -> None:
    head = head_of(household_li_three_members)
    with pytest.raises(DomainError) as refused:
        do_update_person(caseworker_nanmen, head.pk, changes)
    assert (refused.value.code, refused.value.message) == (code, message)
    head.refresh_from_db()
    assert head.phone_masked == "138****1234" and head.disability_category == ""
    assert not PersonVersion.objects.exists()
    assert not AuditEvent.objects.filter(object_type="person").exists()


def test_a_village_assistant_of_another_village_cannot_edit(
    household_zhou_yinzhou: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    with pytest.raises(NotFound, match="记录不存在或不在您的管辖范围内"):
        do_update_person(caseworker_nanmen, household_zhou_yinzhou.head.pk, {"address": "x"})
    with pytest.raises(DomainError) as refused:
        do_update_person(approver_haishu, household_zhou_yinzhou.head.pk, {"address": "x"})
    assert refused.value.code == "permission_denied"
    assert refused.value.message == "您的角色不能修改人员信息"


def test_identity_tags_are_added_and_ended_with_an_audit_event_each(
    household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    head = head_of(household_li_three_members)
    tag = do_add_identity_tag(
        caseworker_nanmen, head.pk, tag="elderly", source="海曙区民政局", valid_from="2020-01-01"
    )
    with pytest.raises(DomainError) as duplicate:
        do_add_identity_tag(
            caseworker_nanmen, head.pk, tag="elderly", source="重复", valid_from="2021-01-01"
        )
    assert duplicate.value.code == "tag_exists"
    assert duplicate.value.message == "李建国已有有效的“高龄老人”身份"
    with pytest.raises(DomainError) as early:
        do_end_identity_tag(caseworker_nanmen, tag.pk, valid_to="2019-12-31")
    assert early.value.code == "bad_date"
    assert early.value.message == "终止日期不能早于起始日期"
    do_end_identity_tag(caseworker_nanmen, tag.pk, valid_to="2026-06-30")
    tag.refresh_from_db()
    assert tag.valid_to == date(2026, 6, 30) and IdentityTag.objects.count() == 1
    events = AuditEvent.objects.filter(object_type="identity_tag").order_by("id")
    assert [(e.action, e.summary) for e in events] == [
        ("create", "为李建国添加身份“高龄老人”"),
        ("update", "终止身份“高龄老人”"),
    ]
