"""The medical demo settles stays for two of 福湖社区's 低保 family heads at 宁波市第一医院, so the
village assistant's 医疗救助结算 is not empty (the seed took only the synthetic city's tagged
recipients, and the demo village's families are enrolled without tags); a second run adds
nothing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from minzheng.core.yearmonth import YearMonth
from minzheng.medical.demo import seed_demo
from minzheng.medical.models import Settlement
from tests.conftest import FUHU_HEADS, PASSWORD, enrolled_fuhu_heads

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
HEADS = FUHU_HEADS[:2]


def test_the_village_assistant_sees_its_families_settlements(
    regions: None, parameters: None, approver_haishu: Any, assistant_fuhu: Any
) -> None:
    assert enrolled_fuhu_heads(HEADS, YearMonth(2026, 10)) == 2

    with time_machine.travel(DEMO_TODAY, tick=False):
        made = seed_demo()
        assert seed_demo() == 0  # a second demo start adds nothing
    village = Settlement.objects.filter(
        person__region_id="330203001001", hospital__code="H330203001"
    ).order_by("claim_id")
    assert made == 8  # the two heads' stays, the first one's two long stays, four clinic visits
    assert {s.person.name for s in village} == {"王建国", "陈建华"}
    # Here the village's first head is the hospital's first patient, so the two long stays are
    # his: 8,652.00 + 71,348.00 reach the 低保 annual cap of 80,000, the second long stay pays 0.
    assert [(s.claim_id, s.person.name, s.hospital.code, s.assistance_amount) for s in village] == [
        ("DEMO-0001", "王建国", "H330203001", Decimal("8652.00")),
        ("DEMO-0002", "陈建华", "H330203001", Decimal("386.96")),
        ("DEMO-BIG-1", "王建国", "H330203001", Decimal("71348.00")),
        ("DEMO-BIG-2", "王建国", "H330203001", Decimal("0.00")),
    ]

    client = Client()
    assert client.login(username="assistant_fuhu", password=PASSWORD)
    page = client.get("/medical/settlements/").content.decode()
    assert "暂无结算" not in page
    assert "王建国" in page and "陈建华" in page


def test_the_township_and_village_find_their_clinic_its_statement_and_account(
    regions: None,
    parameters: None,
    approver_haishu: Any,
    caseworker_nanmen: Any,
    assistant_fuhu: Any,
) -> None:
    """南门街道社区卫生服务中心, in 福湖社区, settles a chronic-illness visit of each head last month
    (on its day) and an outpatient visit this month; 海曙's approver confirms November on 3
    December, registers the centre's account and reconciles its file — the township's and the
    village's 定点医院, 医院月结单, 医院对账 and 机构收款账户 show them."""
    from minzheng.medical.models import Reconciliation, Statement
    from minzheng.payments.models import ProviderPayee

    enrolled_fuhu_heads(HEADS, YearMonth(2026, 10))
    with time_machine.travel(DEMO_TODAY, tick=False):
        seed_demo()
    visits = Settlement.objects.filter(hospital__code="H330203101").order_by("claim_id")
    assert [(s.claim_id, s.person.name, s.visit_kind, s.settled_on) for s in visits] == [
        ("SQ-001-1", "王建国", "chronic", date(2026, 11, 19)),
        ("SQ-001-2", "王建国", "outpatient", date(2026, 12, 3)),
        ("SQ-002-1", "陈建华", "chronic", date(2026, 11, 12)),
        ("SQ-002-2", "陈建华", "outpatient", date(2026, 12, 2)),
    ]
    statement = Statement.objects.get(hospital__code="H330203101")
    assert (statement.month, statement.confirmed_by) == (date(2026, 11, 1), approver_haishu)
    assert {s.claim_id for s in visits if s.statement_id == statement.pk} == {
        "SQ-001-1",
        "SQ-002-1",
    }
    payee = ProviderPayee.objects.get(name="南门街道社区卫生服务中心")
    assert (payee.region_id, payee.account is not None) == ("330203001001", True)
    assert Reconciliation.objects.filter(hospital__code="H330203101").count() == 1

    for login in ("caseworker_nanmen", "assistant_fuhu"):
        client = Client()
        assert client.login(username=login, password=PASSWORD)
        for url in (
            "/medical/hospitals/",
            "/medical/statements/",
            "/medical/reconciliation/",
            "/payments/providers/",
        ):
            page = client.get(url).content.decode()
            assert "南门街道社区卫生服务中心" in page, (login, url)
