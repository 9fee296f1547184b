"""Indicators from the data, the monthly report with its cross-checks, frozen month ends."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from minzheng.assistance.actions import do_enrol, do_load_parameter_catalog
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from minzheng.dashboard.actions import do_close_month, do_reopen_month
from minzheng.dashboard.indicators import Hierarchy, compute_month
from minzheng.dashboard.queries import month_figures
from minzheng.dashboard.report import monthly_report
from minzheng.payments.jobs import run_roll
from minzheng.payments.models import Roll
from tests.conftest import PASSWORD, _household

HAISHU, NANMEN, FUHU, CITY = "330203000000", "330203001000", "330203001001", "330200000000"
OCTOBER = YearMonth(2026, 10)


@pytest.fixture
def paid_october(household_li_three_members: Any) -> Any:
    """李's family on 低保 (600), one 特困 person (1,185); October's roll approved."""
    do_load_parameter_catalog(None)
    do_enrol(
        None,
        household=household_li_three_members,
        programme="dibao",
        start=YearMonth(2026, 1),
        amount=Decimal("600.00"),
    )
    chen = _household(
        FUHU, "福湖社区柳汀街3号", [("陈阿大", "33020319480506121X", "head", date(1948, 5, 6), "")]
    )
    do_enrol(
        None,
        household=chen,
        person=chen.head,
        programme="tekun",
        start=YearMonth(2026, 10),
        amount=Decimal("1185.00"),
    )
    roll = run_roll(HAISHU, OCTOBER).roll
    Roll.objects.filter(pk=roll.pk).update(status=Roll.Status.APPROVED)
    return roll


def test_indicators_roll_up_from_village_to_city(paid_october: Any) -> None:
    figures = compute_month(OCTOBER)
    for region in (NANMEN, HAISHU, CITY):
        values = figures[region]
        assert values["dibao_households"] == 1
        assert values["dibao_persons"] == 3
        assert values["dibao_rural_persons"] == 3  # no hukou type recorded: counted as rural
        assert values["tekun_persons"] == 1
        assert values["new_cases"] == 1  # 特困 from October
        assert values["dibao_funds"] == Decimal("600.00")
        assert values["tekun_funds"] == Decimal("1185.00")
    assert FUHU not in figures  # village rows are rolled up, not published
    assert "dibao_households" not in figures.get("330212000000", {})


def test_a_draft_roll_is_not_spending(paid_october: Any) -> None:
    Roll.objects.filter(pk=paid_october.pk).update(status=Roll.Status.DRAFT)
    assert "dibao_funds" not in compute_month(OCTOBER)[HAISHU]


def test_the_monthly_report_passes_its_cross_checks(paid_october: Any) -> None:
    report = monthly_report(month_figures(OCTOBER), Hierarchy.load(), HAISHU, OCTOBER)
    rows = {row.code: value for row, value in report.rows}
    assert rows["B01"] == 3  # 农村低保人数
    assert rows["B02"] == 1
    assert rows["C02"] == Decimal("0.1")  # 600 元 = 0.06 万元 → 0.1
    assert rows["D01"] == 1
    assert rows["D02"] == Decimal("0.1")  # 1,185 元
    assert report.ready, [(c.name, c.detail) for c in report.checks]


def test_the_funds_check_fails_when_the_figures_disagree_with_the_ledger(paid_october: Any) -> None:
    figures = month_figures(OCTOBER)
    figures[HAISHU]["dibao_funds"] = Decimal("500.00")
    report = monthly_report(figures, Hierarchy.load(), HAISHU, OCTOBER)
    failed = [c for c in report.checks if not c.passed]
    assert [c.name for c in failed] == ["资金支出等于台账"]
    assert "报表 1685.00 元" in failed[0].detail and "台账 1785.00 元" in failed[0].detail


@time_machine.travel(date(2026, 11, 20))
def test_a_closed_month_does_not_change_until_it_is_reopened(
    paid_october: Any, city_admin: Any, household_zhou_yinzhou: Any
) -> None:
    assert do_close_month(city_admin, OCTOBER) == 3  # 南门街道, 海曙区 and the city have figures
    frozen = month_figures(OCTOBER)[CITY]["dibao_households"]
    do_enrol(
        None,
        household=household_zhou_yinzhou,
        programme="dibao",
        start=YearMonth(2026, 10),
        amount=Decimal("300.00"),
    )
    assert month_figures(OCTOBER)[CITY]["dibao_households"] == frozen == 1
    assert do_close_month(city_admin, OCTOBER) == 0  # a rerun of a closed month changes nothing
    do_reopen_month(city_admin, OCTOBER, reason="补录鄞州十月新增对象")
    assert month_figures(OCTOBER)[CITY]["dibao_households"] == 2
    do_close_month(city_admin, OCTOBER)
    assert month_figures(OCTOBER)[CITY]["dibao_households"] == 2
    assert AuditEvent.objects.filter(
        object_type="statistics_month", summary__contains="重新打开"
    ).exists()


@time_machine.travel(date(2026, 11, 20))
def test_the_current_month_cannot_be_closed(city_admin: Any) -> None:
    from minzheng.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        do_close_month(city_admin, YearMonth(2026, 11))
    assert refused.value.code == "month_not_over"


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_city_dashboard_draws_the_ten_counties_on_the_map(
    paid_october: Any, city_admin: Any
) -> None:
    import json
    import re

    page = _client(city_admin).get("/statistics/?month=2026-10").content.decode()
    data = json.loads(
        re.search(
            r'<script id="dashboard-data" type="application/json">(.*?)</script>', page, re.S
        ).group(1)
    )
    names = {r["name"] for r in data["map"]}
    assert names == {
        "海曙区",
        "江北区",
        "北仑区",
        "镇海区",
        "鄞州区",
        "奉化区",
        "余姚市",
        "慈溪市",
        "宁海县",
        "象山县",
    }
    assert next(r for r in data["map"] if r["name"] == "海曙区")["value"] == 3
    assert "zhe4_jiang1_ning2_bo1.js" in page


def test_a_county_approver_sees_their_county_only(paid_october: Any, approver_haishu: Any) -> None:
    client = _client(approver_haishu)
    page = client.get("/statistics/?month=2026-10").content.decode()
    assert "南门街道" in page
    assert client.get("/statistics/?region=330212000000&month=2026-10").status_code == 404
    assert client.get("/statistics/report/?county=330212000000&month=2026-10").status_code == 404
    report = client.get("/statistics/report/?month=2026-10").content.decode()
    assert "全部通过" in report


def test_the_township_export_suppresses_small_counts(
    paid_october: Any, approver_haishu: Any
) -> None:
    import io

    from openpyxl import load_workbook

    response = _client(approver_haishu).get("/statistics/?month=2026-10&format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet is not None
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    # 南门街道 has 1 household and 3 persons on 低保: both under 5, so hidden.
    assert rows["南门街道"][2] == "<5" and rows["南门街道"][3] == "<5"
