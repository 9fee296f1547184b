"""The demo seeding: two families lose both parents, the comparison opens the children's cases,
海曙's child is enrolled and 鄞州's waits for the county; each has a director and a visit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from minzheng.children.demo import seed_demo
from minzheng.children.models import ChildCase, ChildVisit
from minzheng.core.models import AuditEvent
from tests.conftest import _household

from .conftest import years_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_families(regions: None, parameters: None) -> None:
    _household(
        "330203001001",
        "海曙区南门街道福湖社区柳汀街8号",
        [
            ("李志强", "330203198503031235", "head", date(1985, 3, 3), ""),
            ("陈美华", "330203198707072341", "spouse", date(1987, 7, 7), ""),
            ("李小雨", "330203201604160026", "child", years_ago(10), ""),
        ],
    )
    _household(
        "330212003001",
        "鄞州区下应街道福晖新村社区天童南路18号",
        [
            ("吴建军", "330212198401011233", "head", date(1984, 1, 1), ""),
            ("郑小红", "330212198602022347", "spouse", date(1986, 2, 2), ""),
            ("吴天乐", "330212201503030015", "child", years_ago(11), ""),
        ],
    )


def test_the_demo_opens_an_enrolled_and_a_waiting_case_once(
    two_families: None, city_admin: Any, approver_haishu: Any, approver_yinzhou: Any
) -> None:
    assert seed_demo() == 2
    by_name = {c.child.name: c for c in ChildCase.objects.select_related("child")}
    assert by_name["李小雨"].status == "enrolled" and by_name["李小雨"].enrolment_id
    assert by_name["吴天乐"].status == "reviewed"
    assert ChildVisit.objects.count() == 2
    # Directors appointed and visits recorded through the actions, by the township's caseworker.
    steps = AuditEvent.objects.filter(object_type__in=("child_director", "child_visit"))
    assert sorted((e.object_type, e.actor.role) for e in steps if e.actor) == [
        ("child_director", "township_caseworker"),
        ("child_director", "township_caseworker"),
        ("child_visit", "township_caseworker"),
        ("child_visit", "township_caseworker"),
    ]
    events = AuditEvent.objects.count()
    assert seed_demo() == 0
    assert AuditEvent.objects.count() == events
