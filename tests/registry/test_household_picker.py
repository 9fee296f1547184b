"""The household picker (成员迁至其他家庭, 合户): pick a household by its head's name, in scope."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from tests.conftest import _household

pytestmark = pytest.mark.django_db


@pytest.fixture
def household_li_haishu_second(regions: None) -> Any:
    """A second 李 household in 福湖社区: what a 合户 or a move would name."""
    return _household(
        "330203001001",
        "海曙区南门街道福湖社区解放南路14号",
        [("李秀兰", "330203196004051221", "head", date(1960, 4, 5), "")],
    )


def _pick(user: Any, q: str) -> list[dict[str, Any]]:
    client = Client()
    client.force_login(user)
    response = client.get("/registry/households/pick/", {"q": q})
    assert response.status_code == 200
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def test_it_finds_households_by_their_heads_name(
    caseworker_nanmen: Any, household_li_three_members: Any, household_li_haishu_second: Any
) -> None:
    first, second = household_li_three_members.pk, household_li_haishu_second.pk
    assert _pick(caseworker_nanmen, "李") == [
        {"id": first, "label": f"李建国户（福湖社区，编号{first}）"},
        {"id": second, "label": f"李秀兰户（福湖社区，编号{second}）"},
    ]
    assert _pick(caseworker_nanmen, "李秀") == [
        {"id": second, "label": f"李秀兰户（福湖社区，编号{second}）"}
    ]
    assert _pick(caseworker_nanmen, "王") == []  # 王秀英 is a member, not a head


def test_it_never_offers_a_household_outside_the_scope(
    caseworker_xiaying: Any, household_li_three_members: Any, household_zhou_yinzhou: Any
) -> None:
    assert _pick(caseworker_xiaying, "李") == []
    assert [r["id"] for r in _pick(caseworker_xiaying, "周")] == [household_zhou_yinzhou.pk]


def test_roles_without_case_data_cannot_pick(auditor: Any, household_li_three_members: Any) -> None:
    client = Client()
    client.force_login(auditor)
    assert client.get("/registry/households/pick/", {"q": "李"}).status_code == 403


def test_the_household_page_offers_the_picker_not_a_typed_id(
    caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    client = Client()
    client.force_login(caseworker_nanmen)
    page = client.get(f"/registry/households/{household_li_three_members.pk}/").content.decode()
    assert 'name="to_household_id" value=""' in page and 'name="from_household_id" value=""' in page
    assert '<input name="to_household_id" inputmode' not in page
    assert page.count('data-url="/registry/households/pick/"') == 2
