"""Masking that holds: what a village assistant can see together rebuilds no ID number.

Regression: the mask 330203********1238 hides exactly the birth-date digits, and the full birth
date was shown beside it on the person page, in /registry/persons/export.xlsx, in the API and in
the change history — a village assistant rebuilt 12 of 12 ID numbers (core/masking.py).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from django.test import Client
from openpyxl import load_workbook

from minzheng.core.idnumber import parse
from minzheng.registry.actions import do_update_person
from minzheng.registry.models import Person

MASKED = re.compile(r"(\d{6})\*{8}(\d{3}[\dX])")
DATES = re.compile(r"(\d{4})\D{0,2}(\d{1,2})\D{0,2}(\d{1,2})")


def _everything_seen(client: Client, household: Any) -> str:
    """Every page, export and API answer the user can fetch about the household, as one text."""
    seen: list[str] = []
    persons = list(Person.objects.filter(memberships__household=household))
    seen.append(client.get("/registry/persons/").content.decode())
    seen.append(client.get("/registry/persons/", {"q": "李"}).content.decode())
    seen.append(client.get(f"/registry/households/{household.pk}/").content.decode())
    for person in persons:
        seen.append(client.get(f"/registry/persons/{person.pk}/").content.decode())
        seen.append(client.get(f"/api/v1/registry/persons/{person.pk}").content.decode())
    seen.append(client.get("/api/v1/registry/persons").content.decode())
    seen.append(client.get(f"/api/v1/registry/households/{household.pk}").content.decode())
    export = client.get("/registry/persons/export.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        seen.append(" ".join("" if v is None else str(v) for v in row))
    return "\n".join(seen)


def _rebuilt(corpus: str) -> set[str]:
    """ID numbers an attacker can rebuild: each mask filled with each date shown, check digit valid."""
    days = set()
    for y, m, d in DATES.findall(corpus):
        try:
            days.add(date(int(y), int(m), int(d)).strftime("%Y%m%d"))
        except ValueError:
            continue
    rebuilt = set()
    for prefix, suffix in MASKED.findall(corpus):
        for day in days:
            candidate = prefix + day + suffix
            if parse(candidate, today=date(2026, 1, 1)).valid:
                rebuilt.add(candidate)
    return rebuilt


def test_a_village_assistant_rebuilds_no_id_number_from_pages_export_and_api(
    household_li_three_members: Any, assistant_fuhu: Any, client_for: Callable[[Any], Client]
) -> None:
    # One edit, so the change history (another place snapshots are shown) has an entry.
    li_ming = Person.objects.get(name="李明")
    do_update_person(assistant_fuhu, li_ming.pk, {"address": "解放南路12号后楼"}, None)
    corpus = _everything_seen(client_for(assistant_fuhu), household_li_three_members)
    full_ids = {"330203195001011238", "330203195203152346", "330203198006204438"}
    assert "李建国" in corpus and "330203********1238" in corpus  # the data is there, masked
    for full in full_ids:
        assert full not in corpus
    assert _rebuilt(corpus) & full_ids == set()
    for born in ("1950-01-01", "1952-03-15", "1980-06-20", "19520315", "1952年3月15日"):
        assert born not in corpus
    assert "1952年" in corpus  # the year is what the assistant sees


def test_a_role_with_the_reveal_right_still_sees_the_full_birth_date(
    household_li_three_members: Any, caseworker_nanmen: Any, client_for: Callable[[Any], Client]
) -> None:
    head = household_li_three_members.head
    client = client_for(caseworker_nanmen)
    assert "1950-01-01" in client.get(f"/registry/persons/{head.pk}/").content.decode()
    assert client.get(f"/api/v1/registry/persons/{head.pk}").json()["birth_date"] == "1950-01-01"


def test_a_partner_client_gets_the_birth_year_not_the_date(
    household_li_three_members: Any, sysadmin: Any
) -> None:
    from minzheng.api.actions import do_create_api_client

    _client, token = do_create_api_client(
        None, name="残联", scopes=["registry:read"], region_code="330203000000"
    )
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/registry/persons").json()
    li = next(p for p in answer if p["name"] == "李建国")
    assert li["birth_date"] is None and li["birth_year"] == 1950
    assert li["id_number"] == "330203********1238"
