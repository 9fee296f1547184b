"""Household changes go through a request: a caseworker submits, a county approver applies it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from minzheng.core.errors import DomainError, NotFound, PermissionDenied
from minzheng.core.models import AuditEvent
from minzheng.registry.actions import (
    do_approve_change_request,
    do_reject_change_request,
    do_submit_change_request,
)
from minzheng.registry.models import (
    ChangeRequest,
    Household,
    Membership,
    MembershipVersion,
    Person,
    PersonVersion,
)

from ..conftest import _household

NEWBORN_ID = "330203202005010120"


@pytest.fixture
def household_chen_two_members(regions: None) -> Any:
    """陈志强 and 林桂英, also in 福湖社区 — a second 海曙 household to move and merge into."""
    return _household(
        "330203001001",
        "海曙区南门街道福湖社区解放南路30号",
        [
            ("陈志强", "330203195508080312", "head", date(1955, 8, 8), "13805740001"),
            ("林桂英", "330203195702020428", "spouse", date(1957, 2, 2), ""),
        ],
    )


def person(name: str) -> Person:
    return Person.objects.get(name=name)


def current_names(household: Household) -> list[str]:
    return sorted(
        household.memberships.filter(valid_to__isnull=True).values_list("person__name", flat=True)
    )


def relationship_of(household: Household, name: str) -> str:
    return household.memberships.get(valid_to__isnull=True, person__name=name).relationship


def submit(actor: Any, kind: str, household: Household, **payload: Any) -> ChangeRequest:
    return do_submit_change_request(
        actor, kind=kind, household_id=household.pk, payload=payload, reason="入户调查核实"
    )


def state() -> tuple[int, ...]:
    """Everything a refused request must leave untouched."""
    return (
        Membership.objects.count(),
        Membership.objects.filter(valid_to__isnull=True).count(),
        Household.objects.filter(closed_on__isnull=True).count(),
        ChangeRequest.objects.count(),
        Person.objects.count(),
        PersonVersion.objects.count(),
        MembershipVersion.objects.count(),
        AuditEvent.objects.count(),
        *Household.objects.order_by("pk").values_list("revision", flat=True),
    )


def test_adding_a_newborn_changes_nothing_until_the_approver_approves(
    household_li_three_members: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    li = household_li_three_members
    request = submit(
        caseworker_nanmen,
        "add_member",
        li,
        name="李小雨",
        id_number=NEWBORN_ID,
        relationship="grandchild",
    )
    assert request.status == ChangeRequest.Status.PENDING
    assert request.get_status_display() == "待审核"
    assert current_names(li) == ["李建国", "李明", "王秀英"]

    do_approve_change_request(approver_haishu, request.pk, comment="材料齐全")

    assert current_names(li) == ["李小雨", "李建国", "李明", "王秀英"]
    added = li.memberships.get(person__name="李小雨")
    assert added.relationship == "grandchild" and added.valid_from == timezone.localdate()
    assert person("李小雨").sex == "女" and person("李小雨").birth_date == date(2020, 5, 1)
    request.refresh_from_db()
    assert (request.status, request.reviewed_by, request.review_comment) == (
        "approved",
        approver_haishu,
        "材料齐全",
    )
    assert added.versions.get().change_request == request


def test_removing_a_member_ends_their_membership_today(
    household_li_three_members: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    li = household_li_three_members
    request = submit(caseworker_nanmen, "remove_member", li, person_id=person("李明").pk)
    do_approve_change_request(approver_haishu, request.pk)
    assert current_names(li) == ["李建国", "王秀英"]
    ended = li.memberships.get(person__name="李明")
    assert ended.valid_to == timezone.localdate()
    baseline, update = ended.versions.order_by("valid_from", "id")
    assert (baseline.operation, baseline.snapshot["valid_to"]) == ("baseline", None)
    assert update.snapshot["valid_to"] == timezone.localdate().isoformat()


def test_removing_the_head_with_a_successor_hands_the_household_over(
    household_li_three_members: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    li = household_li_three_members
    request = submit(
        caseworker_nanmen,
        "remove_member",
        li,
        person_id=person("李建国").pk,
        new_head_id=person("王秀英").pk,
    )
    do_approve_change_request(approver_haishu, request.pk)
    li.refresh_from_db()
    assert li.head == person("王秀英") and relationship_of(li, "王秀英") == "head"
    assert current_names(li) == ["李明", "王秀英"]


def test_moving_a_member_ends_one_membership_and_starts_another(
    household_li_three_members: Any,
    household_chen_two_members: Any,
    caseworker_nanmen: Any,
    approver_haishu: Any,
) -> None:
    li, chen = household_li_three_members, household_chen_two_members
    request = submit(
        caseworker_nanmen,
        "move_member",
        li,
        person_id=person("李明").pk,
        to_household_id=chen.pk,
        relationship="child_in_law",
    )
    assert request.other_household == chen
    do_approve_change_request(approver_haishu, request.pk)
    assert current_names(li) == ["李建国", "王秀英"]
    assert current_names(chen) == ["李明", "林桂英", "陈志强"]
    assert relationship_of(chen, "李明") == "child_in_law"
    li.refresh_from_db()
    chen.refresh_from_db()
    assert (li.revision, chen.revision) == (1, 1)


def test_splitting_a_household_creates_a_new_one_with_its_own_head(
    household_li_three_members: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    li = household_li_three_members
    request = submit(
        caseworker_nanmen,
        "split_household",
        li,
        person_ids=[person("李明").pk],
        new_head_id=person("李明").pk,
        address="海曙区南门街道福湖社区柳汀街8号",
    )
    do_approve_change_request(approver_haishu, request.pk)
    new = Household.objects.get(address="海曙区南门街道福湖社区柳汀街8号")
    assert new.head == person("李明") and new.region_id == "330203001001"
    assert current_names(new) == ["李明"] and relationship_of(new, "李明") == "head"
    assert current_names(li) == ["李建国", "王秀英"]
    assert [v.operation for v in new.versions.order_by("valid_from", "id")] == ["create", "update"]


def test_merging_moves_every_member_and_closes_the_merged_household(
    household_li_three_members: Any,
    household_chen_two_members: Any,
    caseworker_nanmen: Any,
    approver_haishu: Any,
) -> None:
    li, chen = household_li_three_members, household_chen_two_members
    request = submit(
        caseworker_nanmen,
        "merge_households",
        li,
        from_household_id=chen.pk,
        relationships={str(person("陈志强").pk): "parent"},
    )
    do_approve_change_request(approver_haishu, request.pk)
    chen.refresh_from_db()
    assert chen.closed_on == timezone.localdate() and current_names(chen) == []
    assert current_names(li) == ["李建国", "李明", "林桂英", "王秀英", "陈志强"]
    assert relationship_of(li, "陈志强") == "parent" and relationship_of(li, "林桂英") == "other"


def test_changing_the_head_updates_both_relationships(
    household_li_three_members: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    li = household_li_three_members
    request = submit(
        caseworker_nanmen,
        "change_head",
        li,
        new_head_id=person("李明").pk,
        former_head_relationship="parent",
    )
    do_approve_change_request(approver_haishu, request.pk)
    li.refresh_from_db()
    assert li.head == person("李明")
    assert relationship_of(li, "李明") == "head" and relationship_of(li, "李建国") == "parent"
    assert li.versions.count() == 2  # the baseline and the new head


def test_a_person_already_in_another_household_cannot_be_added(
    household_li_three_members: Any, household_chen_two_members: Any, caseworker_nanmen: Any
) -> None:
    before = state()
    with pytest.raises(DomainError) as refused:
        submit(
            caseworker_nanmen,
            "add_member",
            household_li_three_members,
            person_id=person("陈志强").pk,
            relationship="other",
        )
    assert refused.value.code == "in_other_household"
    assert "已是其他家庭户的现有成员" in refused.value.message
    assert state() == before


def test_a_new_person_whose_id_number_is_wrong_is_not_registered(
    household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    before = state()
    with pytest.raises(DomainError) as refused:
        submit(
            caseworker_nanmen,
            "add_member",
            household_li_three_members,
            name="李小雨",
            id_number="330203202005010121",
            relationship="grandchild",
        )
    assert refused.value.code == "bad_check_digit" and "校验码" in refused.value.message
    assert state() == before


def test_the_head_cannot_be_removed_without_a_new_head(
    household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    before = state()
    with pytest.raises(DomainError) as refused:
        submit(
            caseworker_nanmen,
            "remove_member",
            household_li_three_members,
            person_id=person("李建国").pk,
        )
    assert (refused.value.code, refused.value.message) == (
        "head_needs_successor",
        "户主离开本户前须指定新户主",
    )
    assert state() == before


def test_a_household_cannot_be_merged_into_itself(
    household_li_three_members: Any, caseworker_nanmen: Any
) -> None:
    li = household_li_three_members
    before = state()
    with pytest.raises(DomainError) as refused:
        submit(caseworker_nanmen, "merge_households", li, from_household_id=li.pk)
    assert (refused.value.code, refused.value.message) == (
        "merge_into_itself",
        "不能将家庭户合并到其自身",
    )
    assert state() == before


def test_a_request_whose_household_changed_since_submission_is_stale(
    household_li_three_members: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    li = household_li_three_members
    first = submit(caseworker_nanmen, "remove_member", li, person_id=person("李明").pk)
    second = submit(
        caseworker_nanmen,
        "change_head",
        li,
        new_head_id=person("王秀英").pk,
        former_head_relationship="spouse",
    )
    do_approve_change_request(approver_haishu, first.pk)
    before = state()
    with pytest.raises(DomainError) as refused:
        do_approve_change_request(approver_haishu, second.pk)
    assert refused.value.code == "stale_request" and "已过期" in refused.value.message
    assert state() == before
    second.refresh_from_db()
    assert second.status == "pending"


def test_nobody_may_approve_their_own_request(
    household_li_three_members: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    request = submit(
        caseworker_nanmen,
        "remove_member",
        household_li_three_members,
        person_id=person("李明").pk,
    )
    with pytest.raises(
        PermissionDenied, match="只有县级审核审批员可以审核家庭变更申请"
    ):  # a caseworker has no approval right at all
        do_approve_change_request(caseworker_nanmen, request.pk)
    # And an approver who somehow submitted is refused by the submitter check itself.
    ChangeRequest.objects.filter(pk=request.pk).update(submitted_by=approver_haishu)
    before = state()
    with pytest.raises(PermissionDenied) as refused:
        do_approve_change_request(approver_haishu, request.pk)
    assert (refused.value.code, refused.value.message) == ("self_review", "不能审核自己提交的申请")
    assert state() == before


def test_a_rejected_request_needs_a_reason_and_changes_no_household(
    household_li_three_members: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    li = household_li_three_members
    request = submit(caseworker_nanmen, "remove_member", li, person_id=person("李明").pk)
    with pytest.raises(DomainError) as refused:
        do_reject_change_request(approver_haishu, request.pk, comment=" ")
    assert refused.value.code == "missing_reason"
    assert refused.value.message == "驳回须填写理由"
    do_reject_change_request(approver_haishu, request.pk, comment="李明仍在本户居住")
    request.refresh_from_db()
    assert (request.status, request.review_comment) == ("rejected", "李明仍在本户居住")
    assert current_names(li) == ["李建国", "李明", "王秀英"]
    with pytest.raises(DomainError) as again:
        do_approve_change_request(approver_haishu, request.pk)
    assert again.value.code == "already_reviewed"


def test_submit_approve_and_reject_are_each_audited_with_before_and_after(
    household_li_three_members: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    li = household_li_three_members
    ming = person("李明")
    approved = submit(caseworker_nanmen, "remove_member", li, person_id=ming.pk)
    do_approve_change_request(approver_haishu, approved.pk)
    rejected = submit(
        caseworker_nanmen,
        "change_head",
        li,
        new_head_id=person("王秀英").pk,
        former_head_relationship="spouse",
    )
    do_reject_change_request(approver_haishu, rejected.pk, comment="户主本人未到场")
    events = list(AuditEvent.objects.filter(object_type="change_request").order_by("id"))
    assert [(e.action, e.actor_name, e.object_id) for e in events] == [
        ("create", "caseworker_nanmen", str(approved.pk)),
        ("approve", "approver_haishu", str(approved.pk)),
        ("create", "caseworker_nanmen", str(rejected.pk)),
        ("transition", "approver_haishu", str(rejected.pk)),
    ]
    approval = events[1]
    assert str(ming.pk) in approval.before["household"]["members"]
    assert str(ming.pk) not in approval.after["household"]["members"]
    assert events[3].after == {"status": "rejected", "review_comment": "户主本人未到场"}
    assert all(e.region_code == "330203001001" for e in events)


def test_another_countys_staff_can_neither_see_nor_approve_a_request(
    household_li_three_members: Any,
    caseworker_nanmen: Any,
    caseworker_xiaying: Any,
    approver_yinzhou: Any,
) -> None:
    li = household_li_three_members
    request = submit(caseworker_nanmen, "remove_member", li, person_id=person("李明").pk)
    assert not ChangeRequest.objects.visible_to(caseworker_xiaying).exists()
    with pytest.raises(NotFound, match="记录不存在或不在您的管辖范围内"):
        do_approve_change_request(approver_yinzhou, request.pk)
    with pytest.raises(NotFound, match="记录不存在或不在您的管辖范围内"):
        submit(caseworker_xiaying, "remove_member", li, person_id=person("李明").pk)
    request.refresh_from_db()
    assert request.status == "pending" and current_names(li) == ["李建国", "李明", "王秀英"]
