"""鄞州's approver finds 婚姻登记, 离婚冷静期, 殡葬服务, 清明祭扫, 一件事联办 and 婚姻殡葬统计 on
first login (issue #14): the county's registry office (approver_yinzhou) registers the marriages
of unmarried sons and daughters of 下应街道's families, one couple is in its cooling-off period and
one in the window to collect the certificate; two of 福晖新村社区's oldest die, recorded by the
township's caseworker (each opening the 身后一件事); villagers book next Qingming at the county's
cemetery. Every row on its day, in 鄞州; a second run adds nothing, audit events included."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from minzheng.civil.models import Cemetery, FuneralHome, RegistryOffice
from tests.conftest import FUHUI, PASSWORD, _household, fuhui_families
from tests.eldercare.conftest import id_number

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def xiaying_families(regions: None) -> None:
    """福晖新村社区: the six two-person families, four with a grown child at home (孙浩 1994,
    李静 1996, 何磊 1992, 许婷 1995), and two very old households (钱根宝 1930 with his wife
    钱阿花 1933; 陆阿婆 1938 alone)."""
    from minzheng.assistance.actions import do_load_parameter_catalog

    do_load_parameter_catalog(None)
    fuhui_families()
    for n, (head, head_born, head_seq, child, child_born, child_seq) in enumerate(
        (
            ("孙建华", date(1965, 2, 1), "311", "孙浩", date(1994, 6, 1), "313"),
            ("李国强", date(1966, 3, 1), "331", "李静", date(1996, 8, 1), "322"),
            ("何志明", date(1964, 4, 1), "351", "何磊", date(1992, 9, 1), "353"),
            ("许卫东", date(1963, 5, 1), "371", "许婷", date(1995, 10, 1), "362"),
        ),
        start=20,
    ):
        _household(
            FUHUI,
            f"鄞州区下应街道福晖新村社区惠风东路{n}号",
            [
                (head, id_number("330212", head_born, head_seq), "head", head_born, ""),
                (child, id_number("330212", child_born, child_seq), "child", child_born, ""),
            ],
        )
    _household(
        FUHUI,
        "鄞州区下应街道福晖新村社区惠风东路30号",
        [
            ("钱根宝", id_number("330212", date(1930, 1, 5), "391"), "head", date(1930, 1, 5), ""),
            (
                "钱阿花",
                id_number("330212", date(1933, 2, 6), "402"),
                "spouse",
                date(1933, 2, 6),
                "",
            ),
        ],
    )
    _household(
        FUHUI,
        "鄞州区下应街道福晖新村社区惠风东路31号",
        [("陆阿婆", id_number("330212", date(1938, 7, 7), "422"), "head", date(1938, 7, 7), "")],
    )
    RegistryOffice.objects.create(
        name="鄞州区婚姻登记处", region_id="330212000000", address="鄞州区民政局一楼"
    )
    Cemetery.objects.create(name="鄞州区公益性公墓", region_id="330212000000", address="鄞州区")
    FuneralHome.objects.create(
        name="宁波市殡仪馆（演示）", region_id="330203000000", address="海曙区", basic_fee="1800.00"
    )


def test_the_county_seed_fills_yinzhous_civil_pages(
    xiaying_families: None, caseworker_xiaying: Any, approver_yinzhou: Any
) -> None:
    from minzheng.civil.demo import seed_county_civil
    from minzheng.civil.models import (
        Burial,
        CremationRecord,
        DivorceApplication,
        JointCase,
        MarriageRegistration,
        QingmingReservation,
    )
    from minzheng.core.models import AuditEvent

    with time_machine.travel(DEMO_TODAY, tick=False):
        assert seed_county_civil("330212000000") == 2
        events = AuditEvent.objects.count()
        assert seed_county_civil("330212000000") == 0  # a second demo start adds nothing
    assert AuditEvent.objects.count() == events

    regs = MarriageRegistration.objects.order_by("registered_on")
    assert [(r.party_a.name, r.party_b.name, r.registered_on, r.region_id) for r in regs] == [
        ("孙浩", "李静", date(2026, 6, 26), "330212000000"),
        ("何磊", "许婷", date(2026, 8, 5), "330212000000"),
    ]
    assert [r.registered_by for r in regs] == [approver_yinzhou, approver_yinzhou]
    registered = AuditEvent.objects.filter(object_type="marriage_registration")
    assert sorted(e.at.date() for e in registered) == [date(2026, 6, 26), date(2026, 8, 5)]
    divorces = DivorceApplication.objects.order_by("received_on")
    assert [(d.party_a.name, d.received_on, d.status) for d in divorces] == [
        ("何磊", date(2026, 10, 23), "pending"),
        ("孙浩", date(2026, 11, 23), "pending"),
    ]

    cremations = CremationRecord.objects.order_by("date_of_death")
    assert [(c.deceased.name, c.date_of_death, c.region_id) for c in cremations] == [
        ("钱根宝", date(2026, 10, 12), FUHUI),
        ("陆阿婆", date(2026, 11, 14), FUHUI),
    ]
    recorded = AuditEvent.objects.filter(object_type="cremation")
    assert {(e.actor_id, e.at.date()) for e in recorded} == {
        (caseworker_xiaying.pk, date(2026, 10, 14)),
        (caseworker_xiaying.pk, date(2026, 11, 16)),
    }
    burials = Burial.objects.order_by("buried_on")
    assert [(b.deceased.name, b.method, b.buried_on) for b in burials] == [
        ("钱根宝", "tomb", date(2026, 10, 19)),
        ("陆阿婆", "flower", date(2026, 11, 21)),
    ]
    assert burials[1].subsidy > Decimal("0.00") == burials[0].subsidy
    assert JointCase.objects.filter(kind="after_death", region_id=FUHUI).count() == 2
    bookings = QingmingReservation.objects.order_by("id")
    assert {(b.day, b.region_id) for b in bookings} == {(date(2027, 4, 5), "330212000000")}
    assert bookings.count() == 4

    client = Client()
    assert client.login(username="approver_yinzhou", password=PASSWORD)
    for url, text in (
        ("/civil/marriage/", "孙浩"),
        ("/civil/divorces/", "何磊"),
        ("/civil/funeral/", "陆阿婆"),
        ("/civil/qingming/", "鄞州区公益性公墓"),
        ("/civil/joint/", "钱根宝"),
    ):
        page = client.get(url).content.decode()
        assert text in page, url
    figures = client.get("/civil/statistics/").content.decode()
    assert "生态安葬率：<strong>50.0%</strong>（生态安葬 1 / 安葬 2）" in figures
