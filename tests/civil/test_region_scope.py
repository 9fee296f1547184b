"""Another county sees none of 海曙's civil records — on the pages and through the API — while
海曙's own staff do (the positive control)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from minzheng.civil import funeral, joint, marriage
from tests.conftest import PASSWORD

from .test_after_death_case import tekun_zhao  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

URLS = (
    "/civil/marriage/",
    "/civil/divorces/",
    "/civil/funeral/",
    "/civil/joint/",
    "/civil/statistics/",
    "/api/v1/civil/divorces",
    "/api/v1/civil/statistics",
)


@pytest.fixture
def haishu_records(
    approver_haishu: Any,
    caseworker_nanmen: Any,
    office_haishu: Any,
    funeral_home_ningbo: Any,
    household_li_three_members: Any,
    household_zhou_yinzhou: Any,
    tekun_zhao: Any,  # noqa: F811
) -> None:
    li_ming = marriage.person_by_id_number("330203198006204438")
    zhou = marriage.person_by_id_number("330227197809123320")
    docs = {"id_cards_checked": True, "declaration_signed": True}
    wedding = marriage.do_register_marriage(
        approver_haishu,
        office=office_haishu,
        party_a=li_ming,
        party_b=zhou,
        on=date(2025, 6, 3),
        **docs,
    )
    marriage.do_receive_divorce_application(
        approver_haishu, office=office_haishu, marriage=wedding, on=date(2025, 9, 1), **docs
    )
    funeral.do_record_cremation(
        caseworker_nanmen,
        deceased=tekun_zhao.person,
        funeral_home=funeral_home_ningbo,
        date_of_death=date(2020, 2, 20),
        cremated_on=date(2020, 2, 22),
    )
    joint.open_after_death_case(tekun_zhao.person, date(2020, 2, 20), "police")


def _get(user: Any, url: str) -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("url", URLS)
def test_yinzhou_sees_no_haishu_record(
    url: str, haishu_records: None, approver_yinzhou: Any, approver_haishu: Any
) -> None:
    own = _get(approver_haishu, url)
    other = _get(approver_yinzhou, url)
    if url.startswith("/api/"):
        assert json.loads(own) != [] and json.loads(other) == [], url
        return
    markers = ("J330203", "赵", "海曙区")
    assert any(m in own for m in markers), url  # the control: 海曙 sees its own
    assert not any(m in other for m in ("J330203", "赵德顺", "赵*顺")), url
