"""批量核对 as a job with row-level progress, and its results page: per household the evidence
summary, the discrepancies and the link to the case; scoped by region."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from minzheng.assistance.actions import do_enrol, do_load_parameter_catalog
from minzheng.core.yearmonth import YearMonth
from minzheng.jobs.actions import run_system_job
from minzheng.jobs.kinds import KINDS
from minzheng.jobs.models import Job
from minzheng.verification.actions import do_check_enrolled, do_load_feed
from minzheng.verification.models import HouseholdCheck
from tests.conftest import PASSWORD

HAISHU = "330203000000"
LI, WANG, MING = "330203195001011238", "330203195203152346", "330203198006204438"


@pytest.fixture
def enrolled(household_li_three_members: Any, household_zhou_yinzhou: Any) -> Iterator[Any]:
    """李's family on 低保 from 2020-03 (海曙) with a son earning 2,400 a month and a car; 周's
    family on 低保 in 鄞州 with nothing in the feeds."""
    with time_machine.travel(
        datetime(2020, 9, 25, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        do_load_parameter_catalog(None)
        for household in (household_li_three_members, household_zhou_yinzhou):
            do_enrol(
                None,
                household=household,
                programme="dibao",
                start=YearMonth(2020, 3),
                amount=Decimal("600.00"),
            )
        hrss = "id_number,month,kind,amount\n" + "".join(
            f"{MING},2020-0{m},wage,2400.00\n" for m in (6, 7, 8)
        )
        do_load_feed(None, "hrss", hrss.encode(), filename="hrss.csv")
        do_load_feed(
            None,
            "vehicle",
            f"id_number,plate,kind,registered_on,deregistered_on\n{MING},浙B12345,car,2019-04-01,\n"
            f"{WANG},浙B9残,disability_vehicle,2018-01-01,\n".encode(),
            filename="vehicle.csv",
        )
        yield household_li_three_members


def test_the_batch_reports_progress_row_by_row(enrolled: Any) -> None:
    calls: list[tuple[int, int, str]] = []
    stored = do_check_enrolled(
        None, "330200000000", date(2020, 9, 25), progress=lambda d, t, m: calls.append((d, t, m))
    )
    assert len(stored) == 2
    assert calls[0] == (0, 2, "正在汇集各部门数据")
    assert calls[1:] == [(1, 2, "已核对 1 / 2 户"), (2, 2, "已核对 2 / 2 户")]

    job = Job(kind="verification_batch", params={"county": HAISHU})
    seen: list[tuple[int, int, str]] = []
    result = KINDS["verification_batch"].run(job, None, lambda d, t, m: seen.append((d, t, m)))
    assert seen[-1] == (1, 1, "已核对 1 / 1 户")  # 海曙 only
    assert (result["checked"], result["county"]) == (1, HAISHU)


def test_the_job_and_its_results_page(
    enrolled: Any, approver_haishu: Any, approver_yinzhou: Any
) -> None:
    job = run_system_job("verification_batch", {"county": HAISHU})
    assert job.status == "succeeded", job.error
    assert job.result["checked"] == 1 and job.result["failed"] == 1
    assert job.result["summary"] == "核对在保家庭 1 户，不符合 1 户"
    check = HouseholdCheck.objects.get(pk=job.result["first_check"])
    assert check.household_id == enrolled.pk and not check.passed

    client = Client()
    client.login(username=approver_haishu.username, password=PASSWORD)
    detail = client.get(f"/jobs/{job.pk}/").content.decode()
    assert f"/verification/checks/?job={job.pk}" in detail and "查看核对结果（1 户）" in detail

    page = client.get(f"/verification/checks/?job={job.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "共 1 户，不符合 <strong>1</strong> 户" in html
    row = html.split('id="batch-checks"')[1].split("</table>")[0]
    assert "李建国" in row and "不符合" in row
    assert f"/registry/households/{enrolled.pk}/" in row  # the case: the household's file
    assert f"/verification/checks/{check.pk}/" in row
    evidence = check.items.count()
    findings = check.items.filter(finding=True).count()
    assert findings >= 1 and f"{evidence} 条，" in row and f"{findings} 条不符" in row
    for finding in check.findings:
        assert finding in row

    one = client.get(f"/verification/checks/{check.pk}/").content.decode()
    assert "浙B12345" in one and "不符合" in one and 'id="evidence-items"' in one
    passed = client.get("/verification/checks/?result=passed").content.decode()
    assert "共 0 户" in passed
    export = client.get(f"/verification/checks/?job={job.pk}&format=xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = client.get("/verification/checks/?as_of=2020-13-01")
    assert bad.status_code == 400 and "核对日期格式应为YYYY-MM-DD" in bad.content.decode()

    other = Client()
    other.login(username=approver_yinzhou.username, password=PASSWORD)
    assert other.get(f"/verification/checks/?job={job.pk}").status_code == 404
    assert other.get(f"/verification/checks/{check.pk}/").status_code == 404
    assert "共 0 户" in other.get("/verification/checks/").content.decode()
