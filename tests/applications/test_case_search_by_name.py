"""全部申请查询 finds a case by a prefix of its applicant's name, read from the name copied onto the
case (so a city's capped count never reads a person row per case); a renamed applicant's cases
follow the new name."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minzheng.applications.models import Application
from minzheng.applications.search import CaseSearch, search_cases
from minzheng.core.listing import capped_count
from minzheng.registry.actions import do_update_person
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _found(user: Any, name: str) -> list[int]:
    return list(search_cases(user, CaseSearch(name=name)).values_list("pk", flat=True))


def test_the_case_carries_its_applicants_name(application_li: Application) -> None:
    application_li.refresh_from_db()
    assert application_li.applicant_name == "李建国"


def test_a_prefix_of_the_name_finds_the_case_and_a_middle_does_not(
    application_li: Application, caseworker_nanmen: Any
) -> None:
    for prefix in ("李", "李建", "李建国"):
        assert _found(caseworker_nanmen, prefix) == [application_li.pk], prefix
    for other in ("建国", "王", "李建国国"):
        assert _found(caseworker_nanmen, other) == [], other


def test_a_renamed_applicant_is_found_by_the_new_name(
    application_li: Application, caseworker_nanmen: Any
) -> None:
    do_update_person(caseworker_nanmen, application_li.applicant_id, {"name": "黎建国"})
    assert _found(caseworker_nanmen, "黎建") == [application_li.pk]
    assert _found(caseworker_nanmen, "李建") == []
    client = Client()
    assert client.login(username=caseworker_nanmen.username, password=PASSWORD)
    page = client.get("/applications/search/", {"name": "黎"}).content.decode()
    assert application_li.number in page and "黎建国" in page


def test_the_capped_count_of_a_name_search_reads_no_person_row(
    application_li: Application, caseworker_nanmen: Any
) -> None:
    with CaptureQueriesContext(connection) as captured:
        assert capped_count(search_cases(caseworker_nanmen, CaseSearch(name="李"))) == (1, False)
    assert len(captured) == 1
    assert "registry_person" not in captured.captured_queries[0]["sql"]
