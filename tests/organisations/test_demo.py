from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.charity import queries as charity_queries
from minzheng.organisations import queries
from minzheng.organisations.demo import seed_demo
from minzheng.organisations.models import CreditListing, Organisation


@pytest.fixture
def demo(catalog: None, regions: None) -> None:
    from minzheng.demo import ensure_demo_staff

    ensure_demo_staff()
    seed_demo(community_organisations=400)


def test_the_demo_has_the_articles_charity_totals_and_a_filled_registry(
    demo: None, city_admin_demo: Any
) -> None:
    t = charity_queries.totals(city_admin_demo, 2025)
    assert (t.in_wan("received"), t.in_wan("cash"), t.in_wan("goods")) == (
        "53,782.20",
        "43,052.89",
        "10,729.31",
    )
    assert (t.in_wan("spent"), t.spent_ratio) == ("53,702.89", "99.85%")
    campaigns = charity_queries.campaigns(city_admin_demo)
    [this_year, last_year] = [r for r in campaigns if r.campaign.region_id == "330200000000"]
    assert (this_year.total, this_year.growth) == (Decimal("11995700.00"), "+29.87%")
    assert last_year.growth == "—"
    # this year's county campaigns (`seed_county_campaigns`), outside the article's 2025 figures
    assert sorted(
        (r.campaign.organiser.name, r.total) for r in campaigns if r not in (this_year, last_year)
    ) == [
        ("宁波市海曙区慈善总会", Decimal("1548450.00")),
        ("宁波市鄞州区慈善总会", Decimal("2648080.00")),
    ]
    # The registry is filled to the requested total, with listings and yearly checks.
    assert Organisation.objects.count() == 400
    assert CreditListing.objects.filter(list="serious", status="listed").count() == 1
    stats = queries.statistics(city_admin_demo, date(2026, 12, 2))
    assert stats.population == 9404283
    assert stats.density == "0.4"  # 400 × 10,000 / 9,404,283 = 0.425…
    failing = [
        r
        for r in charity_queries.spending_checks(city_admin_demo, 2025, date(2026, 12, 2))
        if not r.check.passed
    ]
    assert [r.financials.organisation.name for r in failing] == [
        "宁波市海曙区关爱困境儿童基金会",
        "宁波市青少年发展基金会",
    ]
    seed_demo(community_organisations=400)  # idempotent
    assert Organisation.objects.count() == 400


@pytest.fixture
def city_admin_demo(demo: None) -> Any:
    from minzheng.accounts.models import User

    return User.objects.get(username="city_admin")


def test_each_demo_county_approver_has_one_registration_reviewed_and_one_waiting(
    demo: None,
) -> None:
    """登记申请 was empty for approver_yinzhou (issue #14): 鄞州's window accepted two, the first
    reviewed by approver_yinzhou; a second run adds none."""
    from django.test import Client

    from minzheng.accounts.models import User
    from minzheng.core.models import AuditEvent
    from minzheng.organisations.models import RegistrationApplication
    from tests.conftest import PASSWORD

    events = AuditEvent.objects.count()
    seed_demo(community_organisations=400)
    assert AuditEvent.objects.count() == events
    yinzhou = User.objects.get(username="approver_yinzhou")
    rows = RegistrationApplication.objects.visible_to(yinzhou).order_by("id")
    assert [(a.name, a.region_id, a.accepted_on) for a in rows] == [
        ("宁波市鄞州区下应社区睦邻服务社", "330212000000", date(2026, 11, 20)),
        ("宁波市鄞州区东湖爱心助学协会", "330212000000", date(2026, 11, 30)),
    ]
    assert [(a.status, a.reviewed_on) for a in rows] == [
        ("reviewed", date(2026, 11, 23)),
        ("accepted", None),
    ]
    client = Client()
    assert client.login(username="approver_yinzhou", password=PASSWORD)
    page = client.get("/organisations/applications/").content.decode()
    assert "宁波市鄞州区东湖爱心助学协会" in page and "没有登记申请" not in page


def test_the_bulk_register_has_every_column_bulk_create_gave_it(demo: None) -> None:
    """The community organisations written with one prepared INSERT (`_filler`): 384 of the 400,
    by county in proportion to residents, each with the defaults, blanks and creation time the
    model gives, a valid credit code, 97.5 % with a reviewed 2025 report, and the trade
    associations fee-inspected."""
    from minzheng.core.creditcode import build, parse
    from minzheng.organisations.models import AnnualReport, FeeInspection

    filler = Organisation.objects.filter(legal_rep_name="（演示）")
    assert filler.count() == 384
    assert filler.filter(region_id="330203000000").count() == 48  # 海曙: 384 × its residents' share
    assert filler.filter(kind="social_service").count() == 59  # every 7th of each county
    assert filler.filter(is_trade_association=True).count() == 12  # every 50th
    assert set(
        filler.values_list(
            "status",
            "is_charity",
            "under_investigation",
            "address",
            "supervising_unit",
            "penalised_on",
            "legal_rep_person",
        )
    ) == {("active", False, False, "", "", None, None)}
    assert not filler.filter(created_at__isnull=True).exists()
    first = filler.order_by("id").first()
    assert first is not None
    assert (
        first.name,
        first.kind,
        first.authority,
        first.registered_capital,
        first.founded_on,
        first.certificate_valid_until,
    ) == (
        "宁波市海曙区第00001号社区文体团队",
        "social_service",
        "海曙区民政局",
        Decimal("30000.00"),
        date(2008, 1, 1),
        date(2027, 1, 1),
    )
    assert first.credit_code == build("5", "2", "330203", "MJ000017")  # after the 16 named ones
    assert all(parse(code).valid for code in filler.values_list("credit_code", flat=True))
    reports = AnnualReport.objects.filter(organisation__legal_rep_name="（演示）")
    assert reports.count() == 374  # every 40th has not filed
    assert set(
        reports.values_list(
            "report_year", "status", "outcome", "income", "expenditure", "net_assets", "review_note"
        )
    ) == {
        (
            2025,
            "reviewed",
            "qualified",
            Decimal("20000.00"),
            Decimal("18000.00"),
            Decimal("32000.00"),
            "",
        )
    }
    fees = FeeInspection.objects.filter(organisation__legal_rep_name="（演示）")
    assert set(fees.values_list("organisation__is_trade_association", flat=True)) == {True}
    assert set(fees.values_list("year", "finding", "irregular_amount", "details")) == {
        (2025, "compliant", Decimal("0"), "")
    }
    assert fees.count() == 12
