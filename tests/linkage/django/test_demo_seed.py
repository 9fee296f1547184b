"""The linkage demo: department records about residents of 南门街道, most linked outright, and
the run's review pairs in the queue; a second seeding changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from minzheng.linkage.demo import PLAN, seed_demo
from minzheng.linkage.models import LinkageRun, SourceRecord
from minzheng.registry.models import Person
from minzheng.registry.seed import seed_registry


@pytest.mark.django_db
def test_the_demo_links_department_records_and_is_idempotent(
    regions: None, approver_haishu: Any
) -> None:
    seed_registry("test", 2020)
    residents = Person.objects.filter(region__code__startswith="330203001").exclude(address="")
    expected = min(residents.count(), len(PLAN))
    assert expected > 0

    created = seed_demo(today=date(2026, 12, 1))

    assert created == expected
    assert SourceRecord.objects.filter(record_id__startswith="DEMO-").count() == expected
    run = LinkageRun.objects.get()
    assert run.actor == approver_haishu
    # The records that carry the resident's own ID number (or its 15-digit form) join him.
    linked = SourceRecord.objects.filter(person__isnull=False)
    assert linked.exists()
    for record in linked:
        assert record.person is not None
        assert record.birth_date == record.person.birth_date
    assert seed_demo(today=date(2026, 12, 1)) == 0
    assert LinkageRun.objects.count() == 1
