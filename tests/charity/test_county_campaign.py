"""A county's 慈善一日捐: opened by its 慈善总会 through `do_open_campaign` (one a region a year,
public-fundraising charities only), its gifts booked to it and totalled on the county approver's
慈善一日捐 page; the demo opens 海曙's and 鄞州's of the year once (issue #14: the page was empty
for every county, the city's campaigns being the city's rows)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from minzheng.charity import actions, queries
from minzheng.charity.models import Campaign, Donation
from minzheng.core.creditcode import build
from minzheng.core.errors import DomainError, NotFound
from minzheng.core.models import AuditEvent
from minzheng.organisations.models import Organisation
from tests.conftest import PASSWORD

from ..organisations.conftest import catalog, establish  # noqa: F401  (fixture)
from .test_actions import haishu_charity  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
DEMO_TODAY = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_county_campaign_totals_its_gifts_for_the_county(
    haishu_charity: Organisation,  # noqa: F811
    approver_haishu: Any,
    approver_yinzhou: Any,
) -> None:
    campaign = actions.do_open_campaign(
        approver_haishu, haishu_charity.pk, data={"year": "2026", "name": "2026年海曙区慈善一日捐"}
    )
    assert (campaign.region_id, campaign.organiser_id) == ("330203000000", haishu_charity.pk)
    for amount in ("1062300.00", "486150.00"):
        actions.do_record_donation(
            approver_haishu,
            haishu_charity.pk,
            data={
                "form": "cash",
                "received_on": "2026-04-25",
                "donor": "海曙区机关事业单位干部职工",
                "amount": amount,
                "campaign": campaign.pk,
            },
        )
    [row] = queries.campaigns(approver_haishu)
    assert (row.campaign.name, row.total, row.growth) == (
        "2026年海曙区慈善一日捐",
        Decimal("1548450.00"),
        "—",
    )
    # The campaign's result is public (慈善信息公开): another county reads it, and cannot book to it.
    [seen] = queries.campaigns(approver_yinzhou)
    assert (seen.campaign.name, seen.total) == ("2026年海曙区慈善一日捐", Decimal("1548450.00"))
    with pytest.raises(NotFound, match="不在您的管辖范围内"):
        actions.do_open_campaign(
            approver_yinzhou, haishu_charity.pk, data={"year": "2027", "name": "越权"}
        )
    with pytest.raises(DomainError, match="海曙区2026年的慈善一日捐已经开展"):
        actions.do_open_campaign(
            approver_haishu, haishu_charity.pk, data={"year": "2026", "name": "重复"}
        )
    assert Campaign.objects.count() == 1


def test_a_charity_without_the_public_fundraising_qualification_opens_none(
    catalog: None,  # noqa: F811
    approver_haishu: Any,
) -> None:
    org = establish(
        approver_haishu,
        name="海曙区某基金会",
        code=build("5", "3", "330203", "MJ000021"),
        founded=date(2021, 3, 1),
        kind="foundation",
    )
    actions.do_recognise_charity(approver_haishu, org.pk, recognised_on=date(2021, 6, 1))
    with pytest.raises(DomainError, match="不具有公开募捐资格，不能组织慈善一日捐"):
        actions.do_open_campaign(approver_haishu, org.pk, data={"year": "2026", "name": "一日捐"})
    assert not Campaign.objects.exists()


def test_the_demo_opens_the_countys_campaign_of_the_year_once(
    haishu_charity: Organisation,  # noqa: F811
    approver_haishu: Any,
) -> None:
    from minzheng.organisations.demo import seed_county_campaigns

    with time_machine.travel(DEMO_TODAY, tick=False):
        assert seed_county_campaigns() == 1  # 海曙 (鄞州's 慈善总会 is not in this test)
        events = AuditEvent.objects.count()
        assert seed_county_campaigns() == 0
    assert AuditEvent.objects.count() == events
    gifts = Donation.objects.order_by("received_on")
    assert [(g.received_on, g.donor, g.amount, g.campaign.year) for g in gifts] == [  # type: ignore[union-attr]
        (date(2026, 4, 25), "海曙区机关事业单位干部职工", Decimal("1062300.00"), 2026),
        (date(2026, 5, 12), "海曙区辖区企业职工", Decimal("486150.00"), 2026),
    ]
    booked = AuditEvent.objects.filter(object_type="donation").order_by("at")
    assert [e.at.date() for e in booked] == [date(2026, 4, 25), date(2026, 5, 12)]

    client = Client()
    assert client.login(username="approver_haishu", password=PASSWORD)
    page = client.get("/charity/campaigns/").content.decode()
    main = page.split("<main")[1]
    assert "2026年海曙区“慈善一日捐”" in main and "1548450.00" in main
