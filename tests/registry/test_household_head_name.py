"""家庭户's head search reads the head's name copied onto the household (Household.head_name):
kept when the head is set or changed and when the head is renamed, filled by migration 0009 for
existing households, written by the bulk writers (import, city seed)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from minzheng.registry.actions import (
    do_approve_change_request,
    do_submit_change_request,
    do_update_person,
)
from minzheng.registry.models import Household, Person
from minzheng.registry.queries import search_households_by_head

pytestmark = pytest.mark.django_db


def _heads(user: Any, head: str) -> list[str]:
    client = Client()
    client.force_login(user)
    body = client.get("/registry/households/", {"head": head}).content.decode()
    return [h.head.name for h in Household.objects.filter(pk__in=_ids(body)).order_by("id")]


def _ids(body: str) -> list[int]:
    import re

    return [int(n) for n in re.findall(r'href="/registry/households/(\d+)/"', body)]


def test_a_household_carries_its_heads_name(household_li_three_members: Any) -> None:
    assert Household.objects.get(pk=household_li_three_members.pk).head_name == "李建国"


def test_the_head_search_finds_by_the_copied_name_in_scope(
    caseworker_nanmen: Any,
    caseworker_xiaying: Any,
    household_li_three_members: Any,
    household_zhou_yinzhou: Any,
) -> None:
    li = household_li_three_members
    assert list(search_households_by_head(caseworker_nanmen, "李建")) == [li]
    assert list(search_households_by_head(caseworker_nanmen, "王")) == []  # a member, not head
    assert list(search_households_by_head(caseworker_xiaying, "李")) == []  # another county
    assert _heads(caseworker_nanmen, "李") == ["李建国"]
    # The copy, not the person: a household whose copy says otherwise is found by the copy.
    Household.objects.filter(pk=li.pk).update(head_name="钱某")
    assert list(search_households_by_head(caseworker_nanmen, "李")) == []
    assert list(search_households_by_head(caseworker_nanmen, "钱")) == [li]


def test_renaming_the_head_renames_the_household(
    caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    head = household_li_three_members.head
    do_update_person(caseworker_nanmen, head.pk, {"name": "李建华"})
    assert Household.objects.get(pk=household_li_three_members.pk).head_name == "李建华"
    assert [h.pk for h in search_households_by_head(caseworker_nanmen, "李建华")] == [
        household_li_three_members.pk
    ]
    assert list(search_households_by_head(caseworker_nanmen, "李建国")) == []


def test_a_new_head_is_copied_when_the_change_is_approved(
    caseworker_nanmen: Any, approver_haishu: Any, household_li_three_members: Any
) -> None:
    li = household_li_three_members
    wang = Person.objects.get(name="王秀英")
    change = do_submit_change_request(
        caseworker_nanmen,
        kind="change_head",
        household_id=li.pk,
        payload={"new_head_id": wang.pk, "former_head_relationship": "spouse"},
        reason="原户主入住养老机构",
    )
    do_approve_change_request(approver_haishu, change.pk)
    assert Household.objects.get(pk=li.pk).head_name == "王秀英"
    assert _heads(caseworker_nanmen, "王") == ["王秀英"]
    assert _heads(caseworker_nanmen, "李") == []


def test_migration_0009_fills_the_name_of_every_existing_household(
    household_li_three_members: Any, household_zhou_yinzhou: Any
) -> None:
    migration = importlib.import_module("minzheng.registry.migrations.0009_household_head_name")
    backfill = next(op for op in migration.Migration.operations if hasattr(op, "sql"))
    Household.objects.update(head_name="")
    headless = Household.objects.create(region_id="330203001001", address="无户主")
    with connection.cursor() as cursor:
        cursor.execute(backfill.sql)
    names = dict(Household.objects.values_list("pk", "head_name"))
    assert names == {
        household_li_three_members.pk: "李建国",
        household_zhou_yinzhou.pk: "周海燕",
        headless.pk: "",
    }


def test_the_city_seeds_bulk_writer_copies_every_heads_name(regions: None) -> None:
    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.registry.seed import seed_registry

    do_load_parameter_catalog(None)
    seed_registry("test", 7)
    rows = list(Household.objects.values_list("head_name", "head__name"))
    assert len(rows) > 100
    assert all(copied == name and name for copied, name in rows)
