"""The list pages cost the same number of queries for one row as for many (no N+1)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minzheng.civil import marriage
from minzheng.registry.models import Person
from tests.conftest import PASSWORD

from .conftest import single_person

pytestmark = pytest.mark.django_db
DOCS = {"id_cards_checked": True, "declaration_signed": True}


def _couple(i: int) -> tuple[Person, Person]:
    man = single_person("330203001001", f"男{i}", f"3302031990010{i}0011", date(1990, 1, 1)).head
    woman = single_person("330203001001", f"女{i}", f"3302031992010{i}0020", date(1992, 1, 1)).head
    return man, woman


def _divorce(approver: Any, office: Any, i: int) -> None:
    man, woman = _couple(i)
    wedding = marriage.do_register_marriage(
        approver, office=office, party_a=man, party_b=woman, on=date(2024, 5, 6), **DOCS
    )
    application = marriage.do_receive_divorce_application(
        approver, office=office, marriage=wedding, on=date(2025, 9, 1), **DOCS
    )
    marriage.do_withdraw_divorce(approver, application, party=woman, on=date(2025, 9, 5))


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/civil/divorces/", "/civil/marriage/", "/civil/joint/"])
def test_a_list_page_does_not_grow_with_its_rows(
    url: str, approver_haishu: Any, office_haishu: Any, parameters_loaded: None
) -> None:
    client = Client()
    assert client.login(username="approver_haishu", password=PASSWORD)
    _divorce(approver_haishu, office_haishu, 1)
    _queries(client, url)  # the first page after signing in also touches the session's idle clock
    one = _queries(client, url)
    for i in range(2, 6):
        _divorce(approver_haishu, office_haishu, i)
    assert _queries(client, url) == one
