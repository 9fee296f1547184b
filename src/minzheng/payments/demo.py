"""Demo data for payments: last month's 海曙 roll made, approved by another person and its bank
file written, so 发放花名册, 银行文件, 发放统计 and 统计分析 show a month that happened."""

from __future__ import annotations

from minzheng.accounts.models import User
from minzheng.core import clock
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions import do_approve_roll, do_export_bank_file, do_run_roll
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
    # The maker is the scheduled job (no person); the county approver checks it.
    roll = do_run_roll(None, HAISHU, month).roll
    roll.refresh_from_db()
    if not roll.lines.exists():
        return
    do_approve_roll(approver, roll)
    do_export_bank_file(approver, roll)
