"""鄞州's approver finds 医院对账 on first login (issue #14): the demo reconciles 宁波市第二医院
（鄞州院区）'s own file as approver_yinzhou — every live settlement of the last 40 days, one amount
keyed differently and one claim never received; a second run adds nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.conftest import FUHUI, PASSWORD, fuhui_families

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_demo_reconciles_the_yinzhou_hospital_as_its_approver(
    regions: None, parameters: None, approver_haishu: Any, approver_yinzhou: Any
) -> None:
    from minzheng.core.models import AuditEvent
    from minzheng.medical.demo import seed_county_reconciliation, seed_county_statement, seed_demo
    from minzheng.medical.models import Reconciliation, Settlement
    from minzheng.registry.models import IdentityTag
    from minzheng.registry.seed import seed_registry

    seed_registry("test", 7)
    for family in fuhui_families(3):  # 鄞州's 低保 recipients, as the synthetic city tags them
        IdentityTag.objects.create(
            person=family.head,
            tag="dibao",
            source="演示",
            valid_from=date(2026, 1, 1),
            region_id=FUHUI,
        )
    with time_machine.travel(DEMO_TODAY, tick=False):
        assert seed_demo() > 0
        events = AuditEvent.objects.count()
        assert seed_demo() == 0
        assert seed_county_reconciliation("330212000000") == 0
        assert seed_county_statement("330212000000") == 0
    assert AuditEvent.objects.count() == events
    batch = Reconciliation.objects.get(hospital__code="H330212001")
    live = Settlement.objects.filter(hospital__code="H330212001", status="settled").count()
    assert live == 2  # three patients, the first settlement reversed by the hospital
    assert batch.created_by == approver_yinzhou
    # the file: every live settlement and one claim we never received; one amount keyed +10.00
    assert (batch.rows, batch.matched, batch.exception_count) == (live + 1, live - 1, 2)

    client = Client()
    assert client.login(username="approver_yinzhou", password=PASSWORD)
    page = client.get("/medical/reconciliation/").content.decode()
    assert "宁波市第二医院（鄞州院区）结算文件.csv" in page


def test_the_demo_settles_each_claim_on_its_day_and_confirms_yinzhous_last_month(
    regions: None, parameters: None, approver_haishu: Any, approver_yinzhou: Any
) -> None:
    """`do_settle_claim` dates a settlement by the platform clock: a discharge of last month was
    settled on its day (no `.update` afterwards), this month's today; 鄞州's approver confirms
    its hospital's November into the ledger on 3 December and registers its account, so
    机构收款账户 lists the hospital."""
    from minzheng.core.models import AuditEvent
    from minzheng.medical.demo import seed_demo
    from minzheng.medical.models import Settlement, Statement
    from minzheng.payments.models import ProviderPayee
    from minzheng.registry.models import IdentityTag
    from minzheng.registry.seed import seed_registry

    seed_registry("test", 7)
    for family in fuhui_families(3):
        IdentityTag.objects.create(
            person=family.head,
            tag="dibao",
            source="演示",
            valid_from=date(2026, 1, 1),
            region_id=FUHUI,
        )
    with time_machine.travel(DEMO_TODAY, tick=False):
        seed_demo()
    settled = list(Settlement.objects.order_by("id"))
    assert settled
    for s in settled:
        expected = s.discharged_on if s.discharged_on < date(2026, 12, 1) else date(2026, 12, 3)
        assert (s.claim_id, s.settled_on, s.settled_at.date()) == (s.claim_id, expected, expected)
    assert {s.settled_on for s in settled} > {date(2026, 12, 3)}  # some of November's too
    created = AuditEvent.objects.filter(object_type="medical_settlement", action="create")
    assert sorted(e.at.date() for e in created) == sorted(s.settled_on for s in settled)

    statement = Statement.objects.get(hospital__code="H330212001")
    november = Settlement.objects.filter(
        hospital__code="H330212001", status="settled", settled_on__lt=date(2026, 12, 1)
    )
    assert (statement.month, statement.confirmed_by) == (date(2026, 11, 1), approver_yinzhou)
    assert set(november.values_list("statement_id", flat=True)) == {statement.pk}
    payee = ProviderPayee.objects.select_related("account").get(name="宁波市第二医院（鄞州院区）")
    assert payee.account is not None
    assert (payee.region_id, payee.account.bank_name) == ("330212000000", "中国建设银行")

    client = Client()
    assert client.login(username="approver_yinzhou", password=PASSWORD)
    page = client.get("/payments/providers/").content.decode()
    assert "宁波市第二医院（鄞州院区）" in page
