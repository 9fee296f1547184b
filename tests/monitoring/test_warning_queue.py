"""The warnings queue per role: region-scoped counts, overdue, closure reasons, false-positive rate;
closing a warning; help without an application after a high medical cost warning."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.monitoring.actions import (
    do_close_warning,
    do_help_without_application,
    do_run_monitor,
)
from minzheng.monitoring.models import Task, Warning
from minzheng.monitoring.queries import queue_stats
from tests.conftest import PASSWORD
from tests.monitoring.conftest import MONTH


@pytest.fixture
def monitored(planted_and_loaded: Any) -> Any:
    do_run_monitor(None, MONTH)
    return planted_and_loaded


def _county_of(warning: Warning) -> str:
    return warning.region_id[:6]


def test_each_role_sees_its_own_region_with_counts(monitored: Any, make_staff: Any) -> None:
    from datetime import date

    city = make_staff("city_watch", "city_admin", "330200000000")
    warning = Warning.objects.exclude(household=None).order_by("id").first()
    assert warning is not None
    county = _county_of(warning)
    approver = make_staff("approver_x", "county_approver", f"{county}000000")
    in_county = Warning.objects.filter(region__code__startswith=county).count()
    assert 0 < in_county < Warning.objects.count()

    assert queue_stats(city, date(2020, 10, 1)).total == Warning.objects.count() == 20
    county_stats = queue_stats(approver, date(2020, 10, 1))
    assert county_stats.total == in_county
    # Nothing is overdue on 1 October; by 2021 every open warning is.
    assert county_stats.overdue == 0
    assert queue_stats(approver, date(2021, 6, 1)).overdue == in_county

    client = Client()
    assert client.login(username="approver_x", password=PASSWORD)
    page = client.get("/monitoring/warnings/?status=").content.decode()
    assert f'<strong id="stat-total">{in_county}</strong>' in page
    shown = page.count("/monitoring/warnings/") - page.count("/monitoring/warnings/?")
    assert warning.id_number_masked in page
    other = Warning.objects.exclude(region__code__startswith=county).first()
    assert other is not None
    assert client.get(f"/monitoring/warnings/{other.pk}/").status_code == 404
    assert shown >= in_county


def test_closing_counts_reasons_and_the_false_positive_rate(
    monitored: Any, make_staff: Any
) -> None:
    from datetime import date

    city = make_staff("city_watch", "city_admin", "330200000000")
    vehicle = Warning.objects.filter(kind="vehicle").first()
    assert vehicle is not None
    county = _county_of(vehicle)
    approver = make_staff("approver_x", "county_approver", f"{county}000000")
    do_close_warning(approver, vehicle, closure="false_positive", note="车辆登记在同名他人名下")
    with pytest.raises(ValidationFailed, match="该预警已办结"):
        do_close_warning(approver, vehicle, closure="confirmed", note="再次办结")
    with pytest.raises(ValidationFailed, match="办结说明"):
        do_close_warning(
            approver,
            Warning.objects.filter(status="open").filter(region__code__startswith=county).first(),
            closure="confirmed",
            note=" ",
        )  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied, match="您的角色无权处理预警"):
        do_close_warning(city, vehicle, closure="confirmed", note="市级不办理")
    stats = queue_stats(city, date(2020, 10, 1))
    assert (stats.closed, stats.false_positive, stats.false_positive_rate) == (
        1,
        1,
        Decimal("100.0"),
    )
    assert ("核实不实（误报）", 1) in stats.by_closure


def test_a_high_medical_cost_warning_leads_to_help_without_an_application(
    monitored: Any, make_staff: Any
) -> None:
    from minzheng.payments.models import TemporaryCase

    outsider = Warning.objects.get(kind="high_medical_cost", household=None)
    assert outsider.evidence["value"] == "30000.00"  # not in the registry: still warned
    assert Task.objects.get(warning=outsider).kind == Task.Kind.VISIT
    # A resident who is not enrolled: bills above half of a modest household income.
    resident = Warning.objects.filter(kind="high_medical_cost", household__isnull=False)
    resident = resident.exclude(household__enrolments__isnull=False).get()
    assert resident.evidence["value"] == "15000.00"
    assert resident.evidence["limit"] == "12000.00"  # 0.5 × 24000 a year, under 20000
    township = resident.region_id[:9] + "000"
    caseworker = make_staff("cw", "township_caseworker", township)
    do_help_without_application(
        caseworker,
        resident,
        amount=Decimal("5000"),
        reason="脑瘤术后，家中无收入",
        bank_name="宁波银行",
        account_number="6222000011112222",
    )
    case = TemporaryCase.objects.get()
    assert (case.amount, case.status, case.person_id) == (
        Decimal("5000.00"),
        "draft",
        resident.person_id,
    )
    outsider = resident
    outsider.refresh_from_db()
    assert (outsider.status, outsider.closure) == ("closed", "helped")
    assert Task.objects.get(warning=outsider).temporary_case_id == case.pk


def test_the_monitor_command_reports_and_refuses_a_bad_month(
    planted_and_loaded: Any, capsys: Any
) -> None:
    import json

    from minzheng.cli import main

    assert main(["monitor", "--month", "2020-09", "--quiet"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["created"] == 20 and summary["by_kind"]["death"] == 2
    assert main(["monitor", "--month", "2020-09", "--quiet"]) == 0
    assert json.loads(capsys.readouterr().out)["created"] == 0
    assert main(["monitor", "--month", "九月"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_a_county_run_acts_only_on_its_own_county(planted_and_loaded: Any, make_staff: Any) -> None:
    from minzheng.registry.models import Household

    household_id = next(t.household_id for t in planted_and_loaded.truths if t.household_id)
    county = Household.objects.get(pk=household_id).region_id[:6]
    approver = make_staff("approver_x", "county_approver", f"{county}000000")
    own = do_run_monitor(approver, MONTH)
    assert 0 < own.created < 20
    assert Warning.objects.exclude(region__code__startswith=county).count() == 0
    rest = do_run_monitor(None, MONTH)
    assert own.created + rest.created == Warning.objects.count() == 20
