"""The identity profile lists every identity and flags the ones that should not go together."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from minzheng.linkage.conflicts import Identity, Rule, find_conflicts
from minzheng.linkage.profiles import identity_profile
from minzheng.linkage.queries import conflict_rows
from minzheng.registry.models import IdentityTag

TODAY = date(2026, 1, 1)


def _tag(person: Any, tag: str, since: date, until: date | None = None) -> IdentityTag:
    return IdentityTag.objects.create(
        person=person,
        tag=tag,
        source="民政",
        valid_from=since,
        valid_to=until,
        region_id=person.region_id,
    )


@pytest.mark.django_db
def test_tekun_with_dibao_is_flagged_on_the_profile(
    household_li_three_members: Any, approver_haishu: Any
) -> None:
    li = household_li_three_members.head
    _tag(li, "dibao", date(2020, 1, 1))
    _tag(li, "tekun", date(2024, 3, 1))

    profile = identity_profile(approver_haishu, li.pk, TODAY)

    assert [c.rule.key for c in profile.conflicts] == ["tekun_with_dibao"]
    assert {i.tag for i in profile.conflicts[0].identities} == {"tekun", "dibao"}
    assert profile.as_json()["warnings"][0]["message"].startswith("特困人员不应同时享受低保")


@pytest.mark.django_db
def test_a_lone_dibao_or_an_ended_one_is_not_flagged(
    household_li_three_members: Any, approver_haishu: Any
) -> None:
    li, wang = (
        household_li_three_members.head,
        household_li_three_members.memberships.all()[1].person,
    )
    _tag(li, "dibao", date(2020, 1, 1))
    _tag(wang, "dibao", date(2018, 1, 1), until=date(2023, 12, 1))
    _tag(wang, "tekun", date(2024, 1, 1))

    assert identity_profile(approver_haishu, li.pk, TODAY).conflicts == []
    assert identity_profile(approver_haishu, wang.pk, TODAY).conflicts == []
    # Before 特困 began she held 低保 alone; after it began, 低保 had ended: never both.
    assert identity_profile(approver_haishu, wang.pk, date(2023, 6, 1)).conflicts == []
    assert conflict_rows(approver_haishu, TODAY) == []


def test_a_rule_not_yet_in_force_does_not_fire() -> None:
    rule = Rule(
        "orphan_allowance_with_tekun",
        "orphan",
        "tekun",
        "孤儿基本生活费与特困不应同时享受",
        date(2016, 10, 1),
        None,
        "国发〔2016〕14号",
        "C",
        True,
    )
    both = [
        Identity("orphan", "孤儿", "民政", date(2015, 1, 1), None, "登记身份"),
        Identity("tekun", "特困人员", "民政", date(2015, 6, 1), None, "登记身份"),
    ]
    assert find_conflicts(both, [rule], date(2016, 9, 30)) == []
    assert [c.rule.key for c in find_conflicts(both, [rule], date(2016, 10, 1))] == [rule.key]


@pytest.mark.django_db
def test_a_department_record_counts_as_an_identity_and_the_list_is_scoped(
    household_li_three_members: Any,
    make_source_record: Callable[..., Any],
    approver_haishu: Any,
    approver_yinzhou: Any,
    make_staff: Callable[..., Any],
) -> None:
    li = household_li_three_members.head
    _tag(li, "tekun", date(2024, 3, 1))
    make_source_record(
        "民政低保系统",
        "DB-9",
        "李建国",
        region_id="330203001001",
        person=li,
        identity="dibao",
        identity_from=date(2022, 1, 1),
    )

    assert [(r.person.name, r.rule.key) for r in conflict_rows(approver_haishu, TODAY)] == [
        ("李建国", "tekun_with_dibao")
    ]
    assert conflict_rows(approver_yinzhou, TODAY) == []
    # A township and a village read the holders among their own persons only: the same row.
    for name, role, region in (
        ("nanmen_reader", "township_caseworker", "330203001000"),
        ("fuhu_reader", "village_assistant", "330203001001"),
    ):
        own = make_staff(name, role, region)
        assert [(r.person.name, r.rule.key) for r in conflict_rows(own, TODAY)] == [
            ("李建国", "tekun_with_dibao")
        ]
    elsewhere = make_staff("other_village", "village_assistant", "330203001002")
    assert conflict_rows(elsewhere, TODAY) == []

    client = Client()
    client.force_login(approver_haishu)
    page = client.get("/linkage/conflicts/?as_of=2026-01-01").content.decode()
    assert "李建国" in page and "特困人员不应同时享受低保" in page
    profile_page = client.get(
        f"/linkage/persons/{li.pk}/profile/?as_of=2026-01-01"
    ).content.decode()
    assert "民政低保系统（记录 DB-9）" in profile_page and "身份冲突" in profile_page
    body = client.get(f"/api/v1/linkage/persons/{li.pk}/profile?as_of=2026-01-01").json()
    assert [w["rule"] for w in body["warnings"]] == ["tekun_with_dibao"]
    assert {i["tag"] for i in body["identities"]} == {"tekun", "dibao"}

    other = Client()
    other.force_login(approver_yinzhou)
    assert "李建国" not in other.get("/linkage/conflicts/").content.decode()
    assert other.get(f"/api/v1/linkage/persons/{li.pk}/profile").status_code == 404
