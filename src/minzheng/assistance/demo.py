"""Demo data for policy: a proposed 海曙 standard waiting for a second person on 政策参数.

海曙's approver proposes a higher 低保 standard from the first day of next month; it stays
pending, with its preview, until another person with the role and scope (the city administrator)
confirms it — so the maker-checker step is visible on first login.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.assistance.actions import do_propose_parameter
from minzheng.assistance.models import PolicyParameter
from minzheng.assistance.parameters import Confidence
from minzheng.core.yearmonth import YearMonth

HAISHU = "330203"
PROPOSER = "approver_haishu"
KEY = "dibao.standard_monthly"
DEMO_STANDARD = Decimal("800")
DEMO_SOURCE = (
    "演示数据：海曙区拟提高低保标准，非真实文件（发文机关、文号及条款原文未见），"
    "确认前须换成区政府的正式文件"
)


def seed_demo() -> None:
    """Idempotent: nothing is added while a 海曙 standard proposal is already pending."""
    pending = PolicyParameter.objects.filter(
        key=KEY, region_code=HAISHU, status=PolicyParameter.Status.PENDING
    )
    if pending.exists():
        return
    next_month = YearMonth.of(timezone.localdate()) + 1
    do_propose_parameter(
        User.objects.get(username=PROPOSER),
        key=KEY,
        region_code=HAISHU,
        effective_from=next_month.first_day(),
        value=str(DEMO_STANDARD),
        source=DEMO_SOURCE,
        confidence=Confidence.NF.value,
        illustrative=True,
        note="演示：待市局管理员确认",
    )
