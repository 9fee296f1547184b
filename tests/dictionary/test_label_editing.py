"""The city administrator edits a label (never a code); every page then shows the new label."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minzheng.core.models import AuditEvent
from minzheng.dictionary.labels import forget_overrides, label_for
from minzheng.dictionary.models import LabelOverride
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture(autouse=True)
def _fresh_labels() -> Any:
    forget_overrides()
    yield
    forget_overrides()


def test_the_city_administrator_renames_a_programme_and_can_restore_it(
    city_admin: Any, approved_march: Any
) -> None:
    client = _client(city_admin)
    assert "最低生活保障" not in client.get("/payments/reports/?month=2020-03").content.decode()
    client.post(
        "/system/dictionary/", {"kind": "programme", "code": "dibao", "text": "最低生活保障"}
    )
    assert label_for("programme", "dibao") == "最低生活保障"
    assert "最低生活保障" in client.get("/payments/reports/?month=2020-03").content.decode()
    assert AuditEvent.objects.filter(object_type="dictionary_label").count() == 1
    client.post("/system/dictionary/", {"kind": "programme", "code": "dibao", "text": ""})
    assert label_for("programme", "dibao") == "低保" and not LabelOverride.objects.exists()


def test_a_code_is_never_added_and_a_county_cannot_edit(
    city_admin: Any, approver_haishu: Any
) -> None:
    _client(city_admin).post(
        "/system/dictionary/", {"kind": "programme", "code": "xyz", "text": "新"}
    )
    _client(approver_haishu).post(
        "/system/dictionary/", {"kind": "programme", "code": "dibao", "text": "县改"}
    )
    assert not LabelOverride.objects.exists()
    assert label_for("programme", "dibao") == "低保"
    page = _client(approver_haishu).get("/system/dictionary/").content.decode()
    assert "只能修改显示名称" in page and 'name="text"' not in page


def test_money_is_shown_in_yuan_with_two_decimals() -> None:
    from minzheng.dictionary.templatetags.dictionary import fen_yuan, yuan

    assert (fen_yuan(1500000), fen_yuan(7), yuan("1325"), yuan(None)) == (
        "15,000.00",
        "0.07",
        "1,325.00",
        "",
    )
