"""福湖社区's own 居家养老服务站 and 时间银行志愿服务队: the village's volunteers keep one elderly
neighbour company every week and earn the hours, a second neighbour pays for her errands with
hours saved earlier — so the village assistant's 居家服务组织 and 时间银行 are not empty (the
township's providers are registered to 南门街道, and its volunteers lived elsewhere); every step
through the home-care actions, on its day; a second run adds nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from minzheng.core.models import AuditEvent
from minzheng.eldercare.home_demo import seed_fuhu_home
from minzheng.eldercare.models import CareOrder, CareProvider, CareVisit, TimeBankEntry
from tests.conftest import PASSWORD, _household
from tests.eldercare.conftest import id_number

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def volunteers_fuhu(regions: None) -> Any:
    """周敏 (36) and 吴强 (41), a couple of 福湖社区 of working age."""
    return _household(
        "330203001001",
        "海曙区南门街道福湖社区开明街10号",
        [
            ("周敏", id_number("330203", date(1990, 5, 1), "026"), "head", date(1990, 5, 1), ""),
            ("吴强", id_number("330203", date(1985, 8, 8), "013"), "spouse", date(1985, 8, 8), ""),
        ],
    )


def test_the_village_assistant_sees_its_providers_and_time_bank(
    elders_fuhu: dict[str, Any], volunteers_fuhu: Any, assistant_fuhu: Any
) -> None:
    with time_machine.travel(DEMO_TODAY, tick=False):
        assert seed_fuhu_home() == 36  # weekly visits to each of two neighbours since August
        events = AuditEvent.objects.count()
        assert seed_fuhu_home() == 0  # a second demo start adds nothing
        assert AuditEvent.objects.count() == events

    providers = CareProvider.objects.filter(region_id="330203001001").order_by("id")
    assert [(p.name, p.kind) for p in providers] == [
        ("福湖社区居家养老服务站", "service_centre"),
        ("福湖社区时间银行志愿服务队", "volunteer_team"),
    ]
    orders = CareOrder.objects.order_by("id")
    assert [(o.person.name, o.service, o.timebank, o.started_on) for o in orders] == [
        ("孙桂兰", "companionship", False, date(2026, 8, 2)),
        ("钱老太", "errand_help", True, date(2026, 8, 2)),
    ]
    visits = CareVisit.objects.order_by("check_in")
    assert {(v.order.person.name, v.volunteer.name) for v in visits if v.volunteer} == {
        ("孙桂兰", "周敏"),
        ("钱老太", "吴强"),
    }
    assert visits.first().check_in.date() == date(2026, 8, 5)  # type: ignore[union-attr]
    assert visits.last().check_in.date() == date(2026, 12, 2)  # type: ignore[union-attr]
    # the time bank's lines run over the replayed months (August to this week), each recorded the
    # morning after its visit — not all on the demo start's day
    entries = TimeBankEntry.objects.order_by("id")
    assert entries[0].created_at.date() == date(2026, 8, 2)  # 钱老太's hours saved earlier
    for entry in entries[1:]:
        assert entry.visit is not None
        assert entry.created_at.date() == entry.visit.check_in.date() + timedelta(days=1)
    assert {e.created_at.month for e in entries} == {8, 9, 10, 11, 12}

    def balance(name: str) -> Decimal:
        return TimeBankEntry.objects.filter(person__name=name).order_by("-id")[0].balance

    def hours(name: str, kind: str) -> Decimal:
        rows = TimeBankEntry.objects.filter(person__name=name, kind=kind)
        return sum((e.hours for e in rows), Decimal("0.00"))

    # 钱老太 brought 40 hours and paid her errands with them; each volunteer holds what they gave.
    assert hours("钱老太", "deposit") == Decimal("40.00")
    assert balance("钱老太") == Decimal("40.00") - hours("钱老太", "withdrawal") == PINNED_QIAN
    assert balance("吴强") == hours("吴强", "deposit") == hours("钱老太", "withdrawal")
    assert balance("周敏") == hours("周敏", "deposit") == PINNED_ZHOU

    client = Client()
    assert client.login(username="assistant_fuhu", password=PASSWORD)
    page = client.get("/eldercare/homecare/providers/").content.decode()
    assert "福湖社区居家养老服务站" in page and "福湖社区时间银行志愿服务队" in page
    bank = client.get("/eldercare/homecare/timebank/").content.decode()
    assert "周敏" in bank and "钱老太" in bank and "2026-12-03 10:00" in bank  # newest first
    saved = client.get("/eldercare/homecare/timebank/", {"q": "钱老太"}).content.decode()
    assert "2026-08-02 10:00" in saved and "转入本人早年社区志愿服务结存时长" in saved
    # every hour column of the accounts table with two decimals: 23.75 deposited, not 23.8
    accounts = bank.split('id="accounts"')[1].split("</table>")[0]
    row = accounts.split("周敏")[1].split("</tr>")[0]
    assert row.count(f'<td class="num">{PINNED_ZHOU}</td>') == 2, row


PINNED_QIAN = Decimal("15.25")
PINNED_ZHOU = Decimal("23.75")
