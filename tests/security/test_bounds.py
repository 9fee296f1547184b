"""Bounds: every input that was a 500 is now a 400 with a Chinese message (or `{code, message}`).

Regressions from the review: a temporary-assistance amount of 1e30 (then the page broke for
everyone), NaN, Infinity; `?region=` on 救助申请; `/applications/suggest/?person=abc`; API
`offset=-1` or ≥ 2**63; evaluate amounts ≥ 1e28; ids past a database integer.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minzheng.core.errors import ValidationFailed
from minzheng.core.inputs import parse_amount
from minzheng.payments.models import TemporaryCase


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("1e30", "超出允许范围"),
        ("NaN", "应为有限的金额"),
        ("Infinity", "应为有限的金额"),
        ("-500", "不能为负数"),
        ("500.001", "最多两位小数"),
        ("五百", "应为金额"),
    ],
)
def test_a_temporary_assistance_amount_out_of_bounds_is_refused_and_nothing_saved(
    household_li_three_members: Any,
    caseworker_nanmen: Any,
    client_for: Callable[[Any], Client],
    amount: str,
    message: str,
) -> None:
    head = household_li_three_members.head
    client = client_for(caseworker_nanmen)
    response = client.post(
        "/payments/temporary/",
        {
            "person_id": str(head.pk),
            "amount": amount,
            "reason": "火灾",
            "bank_name": "农业银行",
            "number": "6228480000000001",
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not TemporaryCase.objects.exists()
    assert client.get("/payments/temporary/").status_code == 200


def test_a_sane_amount_is_still_accepted(
    household_li_three_members: Any, caseworker_nanmen: Any, client_for: Callable[[Any], Client]
) -> None:
    head = household_li_three_members.head
    response = client_for(caseworker_nanmen).post(
        "/payments/temporary/",
        {
            "person_id": str(head.pk),
            "amount": "1500.50",
            "reason": "火灾",
            "bank_name": "农业银行",
            "number": "6228480000000001",
        },
    )
    assert response.status_code == 302
    assert TemporaryCase.objects.get().amount == Decimal("1500.50")


@pytest.mark.parametrize("region", ["abc", "3302031234567890", "33%", "'; DROP"])
def test_a_bad_region_filter_on_the_application_queue_is_a_chinese_400(
    caseworker_nanmen: Any, client_for: Callable[[Any], Client], region: str
) -> None:
    response = client_for(caseworker_nanmen).get("/applications/", {"region": region})
    assert response.status_code == 400 and "区划代码" in response.content.decode()


@pytest.mark.parametrize("person", ["abc", "-1", str(2**63), "1.5"])
def test_suggest_with_a_bad_person_is_a_400(
    caseworker_nanmen: Any, client_for: Callable[[Any], Client], person: str
) -> None:
    response = client_for(caseworker_nanmen).get("/applications/suggest/", {"person": person})
    assert response.status_code == 400 and "人员编号" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [{"offset": "-1"}, {"offset": str(2**63)}, {"limit": "-5"}, {"limit": str(2**64)}],
)
@pytest.mark.parametrize(
    "path", ["/api/v1/registry/persons", "/api/v1/registry/households", "/api/v1/applications"]
)
def test_api_paging_out_of_bounds_is_a_400_with_code_and_message(
    caseworker_nanmen: Any, client_for: Callable[[Any], Client], path: str, query: dict[str, str]
) -> None:
    response = client_for(caseworker_nanmen).get(path, query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_request" and "请求参数有误" in body["message"]


@pytest.mark.parametrize("path", ["/api/v1/registry/persons/{}", "/api/v1/applications/{}"])
def test_an_id_past_a_database_integer_is_not_a_500(
    caseworker_nanmen: Any, client_for: Callable[[Any], Client], path: str
) -> None:
    response = client_for(caseworker_nanmen).get(path.format(2**63))
    assert response.status_code in (400, 404)
    assert set(response.json()) == {"code", "message"}


def test_a_page_id_past_a_database_integer_is_not_a_500(
    caseworker_nanmen: Any, client_for: Callable[[Any], Client]
) -> None:
    response = client_for(caseworker_nanmen).get(f"/registry/persons/{2**64}/")
    assert response.status_code in (400, 404)


@pytest.mark.parametrize("amount", ["1e28", "1e400", "NaN", "Infinity", "-Infinity", "0.001"])
def test_evaluate_refuses_amounts_that_are_not_finite_money(
    caseworker_nanmen: Any, client_for: Callable[[Any], Client], amount: str
) -> None:
    body = {
        "region": "330203",
        "as_of": "2020-06-01",
        "members": [
            {
                "id": "li",
                "relationship": "applicant",
                "age": 45,
                "incomes": [{"kind": "wage", "monthly_amount": amount}],
            }
        ],
    }
    response = client_for(caseworker_nanmen).post(
        "/api/v1/eligibility/evaluate", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"
    assert "monthly_amount" in response.json()["message"]


@pytest.mark.parametrize("field", ["as_of"])
@pytest.mark.parametrize("value", ["2026-13-01", "2026-02-30", "yesterday"])
def test_evaluate_refuses_an_impossible_date(
    caseworker_nanmen: Any, client_for: Callable[[Any], Client], field: str, value: str
) -> None:
    body = {
        "region": "330203",
        field: value,
        "members": [{"id": "li", "relationship": "applicant", "age": 45}],
    }
    response = client_for(caseworker_nanmen).post(
        "/api/v1/eligibility/evaluate", body, content_type="application/json"
    )
    assert response.status_code == 400 and "日期" in response.json()["message"]


def test_parse_amount_bounds() -> None:
    assert parse_amount("1,200.5", "金额") == Decimal("1200.50")
    with pytest.raises(ValidationFailed, match="金额超出允许范围（最多 100000000 元）"):
        parse_amount("100000000.01", "金额")
    assert parse_amount("-3", "调整", allow_negative=True) == Decimal("-3.00")
