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


@pytest.mark.django_db
def test_the_county_seed_lists_its_orphan_on_the_old_tekun_roster_for_yinzhou(
    regions: None, approver_yinzhou: Any, approver_haishu: Any
) -> None:
    from django.test import Client

    from minzheng.core.idnumber import check_digit
    from minzheng.registry.models import IdentityTag
    from tests.conftest import _household

    seed_registry("test", 2020)
    fuhui_families()
    people = []
    for name, born, serial, relationship in (
        ("褚桂英", date(1956, 2, 9), "061", "head"),
        ("褚小宇", date(2015, 6, 1), "071", "grandchild"),
    ):
        first17 = f"330212{born:%Y%m%d}{serial}"
        people.append((name, first17 + check_digit(first17), relationship, born, ""))
    _household(FUHUI, "鄞州区下应街道福晖新村社区天童南路9号", people)
    orphan = Person.objects.get(name="褚小宇")  # his parents died: the 孤儿 allowance covers him
    IdentityTag.objects.create(
        person=orphan,
        tag="orphan",
        source="儿童保障档案",
        valid_from=date(2025, 11, 1),
        region_id=FUHUI,
    )

    created = seed_county("330212000000", today=date(2026, 12, 1))
    assert seed_county("330212000000", today=date(2026, 12, 1)) == 0
    stale = SourceRecord.objects.get(identity="tekun")
    assert (stale.record_id, stale.person, stale.department) == (
        f"DEMO-330212-{len(PLAN) + 1:03d}",
        orphan,
        "民政（原特困供养名册）",
    )
    assert SourceRecord.objects.count() == created

    yinzhou = Client()
    yinzhou.force_login(approver_yinzhou)
    conflicts = yinzhou.get("/linkage/conflicts/?as_of=2026-12-01").content.decode()
    assert orphan.name in conflicts
    assert "孤儿基本生活费与特困人员救助供养不应同时享受" in conflicts
    haishu = Client()
    haishu.force_login(approver_haishu)
    assert orphan.name not in haishu.get("/linkage/conflicts/?as_of=2026-12-01").content.decode()


@pytest.mark.django_db
def test_without_an_orphan_the_old_roster_lists_a_dibao_recipient_of_the_township(
    regions: None, approver_yinzhou: Any
) -> None:
    from django.test import Client

    from minzheng.registry.models import IdentityTag

    seed_registry("test", 2020)
    IdentityTag.objects.filter(tag="orphan").delete()  # a county with no 孤儿 (鄞州 in the demo)
    head = fuhui_families()[0].head
    IdentityTag.objects.create(
        person=head, tag="dibao", source="低保审批", valid_from=date(2024, 3, 1), region_id=FUHUI
    )
    township = RegionCode.of(FUHUI).township
    recipients = IdentityTag.objects.unscoped_within(township).filter(tag="dibao")
    first = Person.objects.filter(pk__in=recipients.values("person_id")).order_by("pk").first()

    seed_county("330212000000", today=date(2026, 12, 1))
    stale = SourceRecord.objects.get(identity="tekun")
    assert (stale.person, stale.department) == (first, "民政（原特困供养名册）")
    client = Client()
    client.force_login(approver_yinzhou)
    conflicts = client.get("/linkage/conflicts/?as_of=2026-12-01").content.decode()
    assert first is not None and first.name in conflicts
    assert "特困人员不应同时享受低保" in conflicts
