"""Demo data for payments: last month's 海曙 roll made, approved by another person and its bank
file written, so 发放花名册, 银行文件, 发放统计 and 统计分析 show a month that happened."""

from __future__ import annotations

from minzheng.accounts.models import User
from minzheng.core import clock
from minzheng.core.yearmonth import YearMonth
from minzheng.jobs.actions import run_system_job
from minzheng.payments.actions import do_approve_roll, do_export_bank_file
from minzheng.payments.models import Roll

HAISHU = "330203000000"
APPROVER = "approver_haishu"


def seed_demo() -> None:
    """Idempotent: a month whose roll is already approved is left as it is."""
    month = YearMonth.of(clock.today()) - 1
    if (
        Roll.objects.filter(county_id=HAISHU, month=month.first_day())
        .exclude(status=Roll.Status.DRAFT)
        .exists()
    ):
        return
    approver = User.objects.get(username=APPROVER)
    # The maker is a background job (no person), run through the job runner so 后台任务 shows it;
    # the county approver checks it.
    job = run_system_job("roll", {"county": HAISHU, "month": str(month)})
    if job.status != job.Status.SUCCEEDED:
        return
    roll = Roll.objects.get(pk=job.result["roll"])
    if not roll.lines.exists():
        return
    do_approve_roll(approver, roll)
    do_export_bank_file(approver, roll)
