"""The demo seeding gives every grievance page data: an answered complaint, an escalated one, a
12345 transfer, a 骗保 report with its review and an appeal, once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from minzheng.grievances.demo import seed_demo
from minzheng.grievances.models import Appeal, Grievance
from minzheng.registry.models import IdentityTag, Person

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_pages_once(
    household_li_three_members: Any, parameters: None, approver_haishu: Any
) -> None:
    for person in Person.objects.all():
        IdentityTag.objects.create(
            person=person,
            tag="dibao",
            source="测试",
            valid_from=date(2020, 1, 1),
            region_id=person.region_id,
        )
    assert seed_demo() == 4
    statuses = sorted(Grievance.objects.values_list("status", flat=True))
    assert statuses == ["answered", "open", "open", "open"]
    assert Grievance.objects.get(channel="letter").escalation_level == 1
    assert Appeal.objects.count() == 1
    assert seed_demo() == 0
