"""Query-count pins on the application pages (the queue is pinned in test_queue.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minzheng.applications import actions

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.get("/")  # warm the session and the menu
    return client


def test_the_application_page_is_pinned(
    caseworker_nanmen: Any, household_li_three_members: Any, django_assert_max_num_queries: Any
) -> None:
    app = actions.do_submit_application(
        caseworker_nanmen,
        applicant=household_li_three_members.head,
        programmes=["dibao"],
        declared_income=Decimal("600"),
    )
    client = _client(caseworker_nanmen)
    with django_assert_max_num_queries(18):
        body = client.get(f"/applications/{app.pk}/").content.decode()
    assert app.number in body and "李建国" in body


def test_the_review_and_parameter_lists_are_pinned(
    approver_haishu: Any, regions: None, django_assert_max_num_queries: Any
) -> None:
    client = _client(approver_haishu)
    with django_assert_max_num_queries(9):
        assert client.get("/applications/reviews/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/assistance/parameters/").status_code == 200
