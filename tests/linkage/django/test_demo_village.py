"""The linkage demo starts with 福湖社区's residents and lists its orphan on a stale 特困 roster, so
the village assistant's 疑似同一人 and 身份冲突名单 (and the 南门街道 caseworker's 身份冲突名单) are
not empty on first login; a second seeding adds nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from minzheng.core.idnumber import check_digit
from minzheng.linkage.demo import seed_demo
from minzheng.linkage.models import CandidatePair, LinkageRun, SourceRecord
from minzheng.registry.models import IdentityTag, Person
from minzheng.registry.seed import seed_registry
from tests.conftest import PASSWORD, _household

pytestmark = pytest.mark.django_db

VILLAGE = "330203001001"
FAMILIES = ("王", "李", "张", "陈", "杨", "刘")


def _id(born: date, serial: int) -> str:
    first17 = f"330203{born:%Y%m%d}{serial:03d}"
    return first17 + check_digit(first17)


def _fuhu_families() -> Person:
    """Six families in 福湖社区; the last one's son is the village's orphan."""
    for n, surname in enumerate(FAMILIES, start=1):
        head, spouse, son = date(1970, 1, n), date(1972, 2, n), date(2014, 3, n)
        _household(
            VILLAGE,
            f"海曙区南门街道福湖社区柳汀街{n}号",
            [
                (f"{surname}建国", _id(head, 11 + n), "head", head, f"1380574{n:04d}"),
                (f"{surname}秀英", _id(spouse, 22 + n), "spouse", spouse, ""),
                (f"{surname}小明", _id(son, 31 + n), "child", son, ""),
            ],
        )
    # 杨建国's namesake, born the same day, in 西门街道: a record with only a name and a birth
    # date cannot tell them apart and goes to a clerk.
    head = date(1970, 1, 5)
    _household(
        "330203002001",
        "海曙区西门街道福湾社区望京路8号",
        [("杨建国", _id(head, 51), "head", head, "")],
    )
    return Person.objects.get(name="刘小明")


def test_the_village_sees_its_pairs_and_its_orphans_conflict(
    regions: None, approver_haishu: Any, assistant_fuhu: Any, caseworker_nanmen: Any
) -> None:
    seed_registry("test", 2020)
    orphan = _fuhu_families()
    # As the children's demo leaves him: his 孤儿 allowance approved.
    IdentityTag.objects.create(
        person=orphan,
        tag="orphan",
        source="儿童保障档案",
        valid_from=date(2025, 11, 1),
        valid_to=date(2032, 4, 1),  # the allowance ends with the month he turns 18
        region_id=VILLAGE,
    )

    created = seed_demo(today=date(2026, 12, 1))
    assert seed_demo(today=date(2026, 12, 1)) == 0  # a second demo start adds nothing
    assert LinkageRun.objects.count() == 1

    stale = SourceRecord.objects.get(identity="tekun")
    assert (stale.person, stale.department) == (orphan, "民政（原特困供养名册）")
    assert SourceRecord.objects.count() == created
    # Sixteen of the village's seventeen other residents, and the orphan's stale record.
    assert SourceRecord.objects.filter(region_id=VILLAGE).count() == created == 17
    pending = CandidatePair.objects.filter(region_id=VILLAGE, status="pending").count()
    assert pending > 0

    client = Client()
    assert client.login(username="assistant_fuhu", password=PASSWORD)
    queue = client.get("/linkage/candidates/").content.decode()
    assert "没有待处理的记录对" not in queue
    conflicts = client.get("/linkage/conflicts/").content.decode()
    assert "没有身份冲突" not in conflicts
    assert orphan.name in conflicts and "孤儿基本生活费与特困人员救助供养不应同时享受" in conflicts
    assert client.login(username="caseworker_nanmen", password=PASSWORD)
    assert orphan.name in client.get("/linkage/conflicts/").content.decode()
