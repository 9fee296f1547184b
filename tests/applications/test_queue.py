"""Work queues: each role sees its steps, with counts, and overdue cases flagged."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from minzheng.applications import queries

from .conftest import at

pytestmark = pytest.mark.django_db


def test_an_overdue_visit_shows_on_the_caseworkers_queue(
    application_li: Any, caseworker_nanmen: Any, clock: Any
) -> None:
    q = queries.queue_for(caseworker_nanmen, date(2020, 10, 22))
    assert q.overdue == 0 and ("visit", "入户调查", 1, 0) in q.by_step
    q = queries.queue_for(caseworker_nanmen, date(2020, 10, 23))
    assert q.overdue == 1 and ("visit", "入户调查", 1, 1) in q.by_step
    assert [
        a.pk
        for a in queries.queue_for(caseworker_nanmen, date(2020, 10, 23), overdue_only=True).rows
    ] == [application_li.pk]
    clock.move_to(at(date(2020, 10, 23)))
    client = Client()
    client.force_login(caseworker_nanmen)
    body = client.get("/applications/").content.decode()
    assert "已超期" in body and "李建国" in body
    fragment = client.get("/applications/?overdue=1", HTTP_HX_REQUEST="true").content.decode()
    assert "<table" in fragment and "<html" not in fragment and application_li.number in fragment


def test_the_county_queue_holds_only_cases_awaiting_approval(
    application_li: Any, approver_haishu: Any
) -> None:
    q = queries.queue_for(approver_haishu, date(2020, 9, 25))
    assert q.total == 0 and q.by_step == [("county_approval", "县级审批", 0, 0)]


def test_another_countys_queue_is_empty(application_li: Any, caseworker_xiaying: Any) -> None:
    assert queries.queue_for(caseworker_xiaying, date(2020, 9, 25)).total == 0


def test_the_queue_page_does_not_grow_queries_with_its_rows(
    clock: Any,
    caseworker_nanmen: Any,
    household_li_three_members: Any,
    django_assert_max_num_queries: Any,
) -> None:
    from decimal import Decimal

    from minzheng.applications import actions

    for programme in ("dibao", "dibian", "tekun", "linshi"):
        actions.do_submit_application(
            caseworker_nanmen,
            applicant=household_li_three_members.head,
            programmes=[programme],
            declared_income=Decimal("600"),
        )
    client = Client()
    client.force_login(caseworker_nanmen)
    with django_assert_max_num_queries(12):
        body = client.get("/applications/").content.decode()
    assert body.count("data-application=") == 4
