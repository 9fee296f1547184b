"""鄞州's approver finds 儿童待走访 on first login (issue #14): of the 鄞州 family whose parents
are reported dead, one child's case waits for the county (the demo's 待审批) and the sibling's is
applied for, reviewed by 下应街道's caseworker and enrolled by approver_yinzhou; no visit has been
recorded since, so the sibling is due one. A second run adds nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from minzheng.children.demo import seed_county_visits_due, seed_demo
from minzheng.children.models import ChildCase
from minzheng.core.models import AuditEvent
from tests.conftest import PASSWORD, _household

from .conftest import years_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def wu_family(regions: None, parameters: None) -> None:
    """吴建军 and 郑小红 of 福晖新村社区 with their children 吴天乐 (11) and 吴天喜 (8)."""
    _household(
        "330212003001",
        "鄞州区下应街道福晖新村社区天童南路18号",
        [
            ("吴建军", "330212198401011233", "head", date(1984, 1, 1), ""),
            ("郑小红", "330212198602022347", "spouse", date(1986, 2, 2), ""),
            ("吴天乐", "330212201503030015", "child", years_ago(11), ""),
            ("吴天喜", "330212201806060023", "child", years_ago(8), ""),
        ],
    )


def test_the_county_seed_enrols_the_sibling_who_is_then_due_a_visit(
    wu_family: None,
    city_admin: Any,
    approver_haishu: Any,
    approver_yinzhou: Any,
    caseworker_xiaying: Any,
) -> None:
    assert seed_demo() == 2  # both children's cases opened; the county seed ran inside
    by_status = {c.status: c for c in ChildCase.objects.select_related("child")}
    assert set(by_status) == {"reviewed", "enrolled"}
    enrolled = by_status["enrolled"]
    assert enrolled.enrolment_id is not None
    assert (enrolled.guardian_name, enrolled.guardian_relation) == ("李秀珍", "祖母")
    decided = AuditEvent.objects.filter(object_type="child_case", object_id=str(enrolled.pk))
    assert approver_yinzhou.pk in {e.actor_id for e in decided}
    assert caseworker_xiaying.pk in {e.actor_id for e in decided}
    assert not enrolled.visits.exists()
    events = AuditEvent.objects.count()
    assert seed_county_visits_due("330212000000") == 0
    assert seed_demo() == 0
    assert AuditEvent.objects.count() == events

    client = Client()
    assert client.login(username="approver_yinzhou", password=PASSWORD)
    page = client.get("/children/visits-due/").content.decode()
    assert enrolled.child.name in page
