"""The imported payment history shows on the person page (marked 旧系统) and counts in the statistics
for its months — and a month the platform itself paid is counted once, from its own ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minzheng.adoption.models import LegacyPayment, MigrationBatch
from minzheng.assistance.actions import do_enrol, do_load_parameter_catalog
from minzheng.core.yearmonth import YearMonth
from minzheng.dashboard.indicators import compute_month
from minzheng.payments.jobs import run_roll
from minzheng.payments.models import Roll
from tests.conftest import PASSWORD

HAISHU, FUHU, CITY = "330203000000", "330203001001", "330200000000"


@pytest.fixture
def history(household_li_three_members: Any) -> Any:
    household = household_li_three_members
    li = household.head
    batch = MigrationBatch.objects.create(
        source_name="haishu-2026.zip", checksum="0" * 64, mode="import", region_id=HAISHU
    )
    for n, (month, status) in enumerate(
        ((date(2026, 8, 1), "paid"), (date(2026, 9, 1), "paid"), (date(2026, 9, 1), "failed"))
    ):
        LegacyPayment.objects.create(
            household=household, person=li, region_id=FUHU, programme="dibao", month=month,
            amount=Decimal("600.00"), status=status, batch=batch, source_row=n + 2,
        )  # fmt: skip
    # October was paid by the old system too, but the platform's own roll pays October
    LegacyPayment.objects.create(
        household=household, person=li, region_id=FUHU, programme="dibao",
        month=date(2026, 10, 1), amount=Decimal("600.00"), status="paid", batch=batch,
        source_row=9,
    )  # fmt: skip
    return household


def test_the_person_page_lists_the_old_systems_payments(
    history: Any, caseworker_nanmen: Any
) -> None:
    client = Client()
    client.login(username=caseworker_nanmen.username, password=PASSWORD)
    page = client.get(f"/registry/persons/{history.head.pk}/").content.decode()
    assert "原系统发放记录" in page and 'id="legacy-payments"' in page
    table = page.split('id="legacy-payments"')[1].split("</table>")[0]
    assert table.count("旧系统") == 4  # every row is marked
    assert "2026-08" in table and "2026-10" in table and "发放失败" in table
    summary = page.split('id="legacy-summary"')[1].split("</p>")[0]
    assert "共 4 笔" in summary and "已发放 1,800.00 元" in summary
    # another member's page has none of 李建国's own payments
    other = history.memberships.exclude(person=history.head).first().person
    assert (
        'id="legacy-payments"' not in client.get(f"/registry/persons/{other.pk}/").content.decode()
    )


def test_the_statistics_count_the_imported_months_once(history: Any) -> None:
    september = compute_month(YearMonth(2026, 9))
    for region in (HAISHU, CITY):
        assert september[region]["legacy_funds"] == Decimal("600.00")  # the failed month is not
        assert september[region]["dibao_funds"] == Decimal("600.00")
        assert september[region]["dibao_rural_funds"] == Decimal("600.00")
    assert compute_month(YearMonth(2026, 8))[HAISHU]["dibao_funds"] == Decimal("600.00")

    do_load_parameter_catalog(None)
    do_enrol(None, household=history, programme="dibao", start=YearMonth(2026, 10),
             amount=Decimal("650.00"))  # fmt: skip
    roll = run_roll(HAISHU, YearMonth(2026, 10)).roll
    Roll.objects.filter(pk=roll.pk).update(status=Roll.Status.APPROVED)
    october = compute_month(YearMonth(2026, 10))[HAISHU]
    assert october["dibao_funds"] == Decimal("650.00")  # the platform's ledger, not 650 + 600
    assert "legacy_funds" not in october
