"""政策参数: the region a value applies to is chosen from a list, not typed as a 6-digit prefix."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from minzheng.assistance.models import PolicyParameter


def _scope_options(user: Any) -> list[tuple[str, str]]:
    client = Client()
    client.force_login(user)
    page = client.get("/assistance/parameters/").content.decode()
    select = re.search(r'<select name="region_code">(.*?)</select>', page, re.S)
    assert select is not None and 'name="region_code" value=' not in page
    return re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', select.group(1))


def test_the_city_administrator_chooses_the_city_or_a_county(city_admin: Any) -> None:
    options = _scope_options(city_admin)
    assert options[0] == ("330200", "宁波市")
    assert ("330203", "海曙区") in options and ("330212", "鄞州区") in options
    assert len(options) == 1 + 10  # the city and its ten counties (市辖区, 县, 县级市)


def test_a_chosen_county_is_what_the_proposal_applies_to(city_admin: Any) -> None:
    client = Client()
    client.force_login(city_admin)
    response = client.post(
        "/assistance/parameters/propose/",
        {
            "key": "dibao.standard_monthly",
            "region_code": "330203",
            "effective_from": "2027-01-01",
            "value": "1400",
            "source": "示例：测试用",
            "confidence": "B",
        },
    )
    assert response.status_code == 302
    proposal = PolicyParameter.objects.get(value="1400")
    assert proposal.region_code == "330203" and proposal.key == "dibao.standard_monthly"
