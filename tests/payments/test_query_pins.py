"""Query-count pins on the payment pages: a page's queries do not grow with its rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.get("/")  # warm the session and the menu
    return client


def test_roll_pages_are_pinned(
    approved_march: Any, approver_haishu: Any, django_assert_max_num_queries: Any
) -> None:
    client = _client(approver_haishu)
    with django_assert_max_num_queries(PINS["roll_list"]):
        assert (
            approved_march.month.strftime("%Y") in client.get("/payments/rolls/").content.decode()
        )
    with django_assert_max_num_queries(PINS["roll_detail"]):
        body = client.get(f"/payments/rolls/{approved_march.pk}/").content.decode()
    assert "赵德顺" in body or "李建国" in body


def test_bank_file_and_temporary_lists_are_pinned(
    approved_march: Any, approver_haishu: Any, django_assert_max_num_queries: Any
) -> None:
    from minzheng.payments.actions import do_export_bank_file

    bank_file = do_export_bank_file(approver_haishu, approved_march)
    client = _client(approver_haishu)
    with django_assert_max_num_queries(PINS["bank_files"]):
        assert client.get("/payments/bank-files/").status_code == 200
    with django_assert_max_num_queries(PINS["bank_file"]):
        assert client.get(f"/payments/bank-files/{bank_file.pk}/").status_code == 200
    with django_assert_max_num_queries(PINS["temporary"]):
        assert client.get("/payments/temporary/").status_code == 200
    with django_assert_max_num_queries(PINS["exceptions"]):
        assert client.get("/payments/exceptions/").status_code == 200


# Measured with this fixture (two payees), plus two for slack; a page that starts to query per row
# passes these quickly.
PINS = {
    "roll_list": 10,
    "roll_detail": 24,  # a first view: it computes the summary the next views read kept (22)
    "bank_files": 9,
    "bank_file": 12,
    "temporary": 9,
    "exceptions": 9,
}
