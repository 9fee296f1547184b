"""核对 of one application: every source gathered, evidence item by item, the 核对 step filled,
a 核对报告 PDF, and the request file that is the only place full numbers leave."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from minzheng.verification.actions import do_load_feed, do_verify_application
from minzheng.verification.models import HouseholdCheck
from tests.conftest import PASSWORD

LI, WANG, MING = "330203195001011238", "330203195203152346", "330203198006204438"


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(
        datetime(2020, 9, 25, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


@pytest.fixture
def li_at_verification(clock: Any, caseworker_nanmen: Any, household_li_three_members: Any) -> Any:
    """李建国's 低保 application, declared 600 元 a month, visited, waiting for the 核对."""
    from minzheng.applications import actions
    from minzheng.assistance.actions import do_load_parameter_catalog

    do_load_parameter_catalog(None)
    app = actions.do_submit_application(
        caseworker_nanmen,
        applicant=household_li_three_members.head,
        programmes=["dibao"],
        declared_income=Decimal("600"),
        consents_confirmed=True,
        ip="10.0.0.8",
    )
    actions.do_record_home_visit(
        caseworker_nanmen, app, visited_on=date(2020, 9, 25), notes="三口之家"
    )
    app.refresh_from_db()
    assert app.step == "verification"
    return app


def _feeds() -> None:
    hrss = (
        "id_number,month,kind,amount\n"
        + "".join(f"{MING},2020-0{m},wage,2400.00\n" for m in (6, 7, 8))
        + "".join(f"{LI},2020-0{m},pension,300.00\n" for m in (7, 8))
    )
    do_load_feed(None, "hrss", hrss.encode(), filename="hrss.csv")
    do_load_feed(
        None,
        "vehicle",
        f"id_number,plate,kind,registered_on,deregistered_on\n{MING},浙B12345,car,2019-04-01,\n"
        f"{WANG},浙B9残,disability_vehicle,2018-01-01,\n".encode(),
        filename="vehicle.csv",
    )
    do_load_feed(
        None,
        "bank",
        f"id_number,as_of,deposits,securities\n{LI},2020-06-30,12000.00,0.00\n"
        f"{LI},2020-08-31,15000.00,1000.00\n".encode(),
        filename="bank.csv",
    )


def test_the_check_gathers_every_source_and_fills_the_verification_step(
    li_at_verification: Any, caseworker_nanmen: Any
) -> None:
    _feeds()
    check = do_verify_application(caseworker_nanmen, li_at_verification)

    assert check.monthly_income == Decimal("2700.00")  # 2400 wage + 300 pension a month
    assert check.per_capita_income == Decimal("900.00")
    assert check.money_assets == Decimal("16000.00")  # the latest statement only
    assert check.passed is False
    items = {i.item: i for i in check.items.all()}
    assert items["李明 小型汽车"].finding is True and items["李明 小型汽车"].value == "浙B12345"
    assert items["王秀英 残疾人专用车"].finding is False  # exempt
    assert "豁免车型" in items["王秀英 残疾人专用车"].rule
    assert items["家庭人均月收入"].finding is True  # 900 ≥ 750
    assert "dibao.standard_monthly@330200@2020-01-01" in items["家庭人均月收入"].rule
    assert items["家庭货币财产"].finding is False  # 16000 ≤ 3 × 12 × 750 × 3
    assert items["李明 工资"].source == "hrss" and items["李明 工资"].value.startswith(
        "月均2400.00元"
    )
    assert items["李建国 存款与证券"].on == date(2020, 8, 31)

    li_at_verification.refresh_from_db()
    assert li_at_verification.step == "township_review"
    assert li_at_verification.verified_income == Decimal("2700.00")
    assert li_at_verification.verification_passed is False
    assert "小型汽车" in li_at_verification.verification_note


def test_a_household_with_nothing_found_passes(
    li_at_verification: Any, caseworker_nanmen: Any
) -> None:
    do_load_feed(
        None,
        "hrss",
        f"id_number,month,kind,amount\n{LI},2020-08,pension,300.00\n".encode(),
        filename="hrss.csv",
    )
    check = do_verify_application(caseworker_nanmen, li_at_verification)
    assert (check.passed, check.monthly_income, check.per_capita_income) == (
        True,
        Decimal("300.00"),
        Decimal("100.00"),
    )
    li_at_verification.refresh_from_db()
    assert li_at_verification.verification_passed is True


def test_the_evidence_shows_on_the_application_page_and_as_a_pdf(
    li_at_verification: Any, caseworker_nanmen: Any
) -> None:
    _feeds()
    client = Client()
    assert client.login(username="caseworker_nanmen", password=PASSWORD)
    page = client.get(f"/verification/applications/{li_at_verification.pk}/")
    assert page.status_code == 200 and "尚未核对" in page.content.decode()
    response = client.post(f"/verification/applications/{li_at_verification.pk}/verify/")
    assert response.status_code == 302
    page = client.get(f"/verification/applications/{li_at_verification.pk}/").content.decode()
    assert "浙B12345" in page and "不符合" in page
    check = HouseholdCheck.objects.get()
    pdf = client.get(f"/verification/checks/{check.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    case = client.get(f"/applications/{li_at_verification.pk}/").content.decode()
    assert "核对证据与核对报告" in case


def test_another_township_cannot_see_or_run_the_check(
    li_at_verification: Any, caseworker_xiaying: Any
) -> None:
    client = Client()
    assert client.login(username="caseworker_xiaying", password=PASSWORD)
    assert client.get(f"/verification/applications/{li_at_verification.pk}/").status_code == 404
    assert (
        client.post(f"/verification/applications/{li_at_verification.pk}/verify/").status_code
        == 404
    )
    assert HouseholdCheck.objects.count() == 0


def test_the_request_file_lists_every_member_of_open_applications(
    li_at_verification: Any, tmp_path: Path
) -> None:
    from minzheng.cli import main
    from minzheng.core.models import AuditEvent

    assert main(["verification", "request", "--month", "2020-09", "--output", str(tmp_path)]) == 0
    with (tmp_path / "request.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["id_number"] for r in rows] == [LI, WANG, MING]
    assert set(rows[0]) == {"id_number", "name", "household_id", "programme"}
    assert {r["programme"] for r in rows} == {"dibao"}
    assert AuditEvent.objects.filter(object_type="verification_request").count() == 1
    assert main(["verification", "request", "--month", "2020-13", "--output", str(tmp_path)]) == 2


def test_the_batch_checks_every_enrolled_household_of_a_region(
    li_at_verification: Any, household_zhou_yinzhou: Any, household_li_three_members: Any
) -> None:
    from minzheng.assistance.actions import do_enrol
    from minzheng.cli import main
    from minzheng.core.yearmonth import YearMonth

    for household in (household_li_three_members, household_zhou_yinzhou):
        do_enrol(
            None,
            household=household,
            programme="dibao",
            start=YearMonth(2020, 3),
            amount=Decimal("300"),
        )
    _feeds()
    assert main(["verification", "check", "--region", "330203", "--as-of", "2020-09-25"]) == 0
    [check] = HouseholdCheck.objects.all()  # 海曙 only: 鄞州's household is not in the region
    assert (check.household_id, check.passed, check.monthly_income) == (
        household_li_three_members.pk,
        False,
        Decimal("2700.00"),
    )
    assert check.application_id is None and check.items.filter(finding=True).count() == 2
    assert main(["verification", "check", "--region", "339999"]) == 2
