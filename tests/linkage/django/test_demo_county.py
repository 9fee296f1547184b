"""鄞州's approver finds 疑似同一人 on first login (issue #14): the demo writes department records
about residents of 鄞州's busiest village's township and runs the linkage over 鄞州 as
approver_yinzhou; a second seeding changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from minzheng.core.regioncode import RegionCode
from minzheng.linkage.demo import PLAN, seed_county
from minzheng.linkage.models import LinkageRun, SourceRecord
from minzheng.registry.demo import county_village
from minzheng.registry.models import Person
from minzheng.registry.seed import seed_registry
from tests.conftest import FUHUI, fuhui_families


@pytest.mark.django_db
def test_the_county_seed_links_yinzhou_records_as_its_approver(
    regions: None, approver_yinzhou: Any
) -> None:
    from minzheng.core.models import AuditEvent

    seed_registry("test", 2020)
    fuhui_families()
    village = county_village("330212000000")
    assert village is not None and village.code == FUHUI
    residents = Person.objects.unscoped_within(RegionCode.of(FUHUI).township).exclude(address="")
    expected = min(residents.count(), len(PLAN))
    assert expected >= 12  # the six families, and 下应街道's other residents

    assert seed_county("330212000000", today=date(2026, 12, 1)) == expected
    events = AuditEvent.objects.count()
    assert seed_county("330212000000", today=date(2026, 12, 1)) == 0
    assert AuditEvent.objects.count() == events
    records = SourceRecord.objects.filter(record_id__startswith="DEMO-330212-")
    assert records.count() == expected
    assert {r.region_id for r in records.order_by("record_id")[:12]} == {FUHUI}
    run = LinkageRun.objects.get()
    assert run.actor == approver_yinzhou
    # the records that carry the resident's own ID number (or its 15-digit form) join him
    linked = records.filter(person__isnull=False)
    assert linked.count() >= 3
    assert all(r.person is not None and r.birth_date == r.person.birth_date for r in linked)
