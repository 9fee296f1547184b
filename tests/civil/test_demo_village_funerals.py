"""Two of 福湖社区's oldest residents, each of another family, died this autumn: 南门街道's
caseworker records the cremation and the eco-burial on the days they happened, so the village
assistant's 殡葬服务 lists them and 婚姻殡葬统计 counts the village's burials (marriage
registrations stay the county office's rows: a village never sees them); a second run adds
nothing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from minzheng.civil.demo import seed_fuhu_funerals
from minzheng.civil.models import Burial, Cemetery, CremationRecord, FuneralHome
from minzheng.core.models import AuditEvent
from tests.conftest import PASSWORD, _household
from tests.eldercare.conftest import id_number

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def fuhu_elderly(regions: None) -> None:
    """Two old couples of 福湖社区: 钱永福 (1922) and 钱阿婆 (1925); 赵根发 (1944) and 吴美娟
    (1945). The oldest of each family is the one who dies."""
    for address, people in (
        ("海曙区南门街道福湖社区开明街8号", (("钱永福", 1922, "135"), ("钱阿婆", 1925, "246"))),
        ("海曙区南门街道福湖社区江东路186号", (("赵根发", 1944, "113"), ("吴美娟", 1945, "228"))),
    ):
        _household(
            "330203001001",
            address,
            [
                (name, id_number("330203", date(year, 3, 1), seq), role, date(year, 3, 1), "")
                for (name, year, seq), role in zip(people, ("head", "spouse"), strict=True)
            ],
        )


@pytest.fixture
def funeral_home_and_cemetery(regions: None) -> None:
    FuneralHome.objects.create(
        name="宁波市殡仪馆（演示）", region_id="330203000000", address="海曙区", basic_fee="1800.00"
    )
    Cemetery.objects.create(name="海曙区公益性公墓", region_id="330203000000", address="海曙区")


def test_the_village_assistant_sees_its_funerals_and_burial_figures(
    fuhu_elderly: None, funeral_home_and_cemetery: None, caseworker_nanmen: Any, assistant_fuhu: Any
) -> None:
    with time_machine.travel(DEMO_TODAY, tick=False):
        assert seed_fuhu_funerals() == 2
        events = AuditEvent.objects.count()
        assert seed_fuhu_funerals() == 0  # a second demo start adds nothing
        assert AuditEvent.objects.count() == events

    cremations = CremationRecord.objects.order_by("date_of_death")
    assert [(c.deceased.name, c.date_of_death, c.cremated_on) for c in cremations] == [
        ("钱永福", date(2026, 10, 26), date(2026, 10, 28)),
        ("赵根发", date(2026, 11, 21), date(2026, 11, 23)),
    ]
    burials = Burial.objects.order_by("buried_on")
    assert [(b.deceased.name, b.method, b.buried_on, b.subsidy) for b in burials] == [
        ("钱永福", "tree", date(2026, 11, 2), PINNED_TREE),
        ("赵根发", "sea", date(2026, 11, 28), PINNED_SEA),
    ]
    assert {b.deceased.date_of_death for b in burials} == {date(2026, 10, 26), date(2026, 11, 21)}

    client = Client()
    assert client.login(username="assistant_fuhu", password=PASSWORD)
    page = client.get("/civil/funeral/").content.decode()
    assert "暂无火化记录" not in page and "钱永福" in page and "赵根发" in page
    figures = client.get("/civil/statistics/").content.decode()
    assert "生态安葬率：<strong>100.0%</strong>（生态安葬 2 / 安葬 2）" in figures


PINNED_TREE = Decimal("2000.00")
PINNED_SEA = Decimal("3000.00")
