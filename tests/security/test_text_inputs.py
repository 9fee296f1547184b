"""NUL and control characters are refused centrally, with a Chinese error, and change nothing.

Regression: NUL in any search box and in the login form was a 500 on PostgreSQL; a control
character in a name was stored and then made every export fail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from pydantic import TypeAdapter, ValidationError

from minzheng.core.errors import ValidationFailed
from minzheng.core.inputs import CleanText, refuse_control_characters, text_problem
from minzheng.registry.models import Person


@pytest.mark.parametrize(
    "path", ["/registry/persons/", "/registry/households/", "/applications/", "/linkage/"]
)
def test_nul_in_a_search_box_is_a_chinese_400(
    caseworker_nanmen: Any, client_for: Callable[[Any], Client], path: str
) -> None:
    response = client_for(caseworker_nanmen).get(path, {"q": "李\x00"})
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_nul_in_the_login_form_is_a_400_not_a_500(regions: None) -> None:
    response = Client().post("/login/", {"username": "admin\x00", "password": "x\x00"})
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_a_control_character_in_a_name_is_refused_and_the_person_unchanged(
    household_li_three_members: Any, caseworker_nanmen: Any, client_for: Callable[[Any], Client]
) -> None:
    head = household_li_three_members.head
    response = client_for(caseworker_nanmen).post(
        f"/registry/persons/{head.pk}/edit/", {"name": "李\x1b[31m建国", "address": "x"}
    )
    assert response.status_code == 400
    assert "控制字符（U+001B）" in response.content.decode()
    assert Person.objects.get(pk=head.pk).name == "李建国"


def test_an_api_body_with_nul_is_a_400_with_code_and_message(
    caseworker_nanmen: Any, client_for: Callable[[Any], Client]
) -> None:
    response = client_for(caseworker_nanmen).post(
        "/api/v1/eligibility/evaluate",
        {"region": "330203\u0000", "as_of": "2020-06-01", "members": []},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_text" and "空字符" in body["message"]


def test_a_one_megabyte_field_is_refused_before_it_reaches_the_database(
    household_li_three_members: Any, caseworker_nanmen: Any, client_for: Callable[[Any], Client]
) -> None:
    head = household_li_three_members.head
    response = client_for(caseworker_nanmen).post(
        f"/registry/persons/{head.pk}/edit/", {"name": "李" * 300_000}
    )
    assert response.status_code == 400 and "输入内容过长" in response.content.decode()


def test_the_helpers_allow_line_breaks_and_tabs_in_notes() -> None:
    assert text_problem("第一行\n第二行\r\n\t缩进") is None
    assert refuse_control_characters("正常") == "正常"
    with pytest.raises(ValidationFailed) as caught:
        refuse_control_characters("a\x7fb", "备注")
    assert caught.value.code == "invalid_text"
    assert caught.value.message.startswith("备注：") and "U+007F" in caught.value.message
    clean = TypeAdapter(CleanText)
    assert clean.validate_python("李建国") == "李建国"
    with pytest.raises(ValidationError, match="输入中含有不允许的空字符（NUL）"):
        clean.validate_python("李\x00")
