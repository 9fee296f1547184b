"""The article's figures beside the computed ones (issue 17 point 6), and 渐退 persons."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minzheng.assistance.actions import do_enrol, do_load_parameter_catalog
from minzheng.assistance.models import Enrolment
from minzheng.core.yearmonth import YearMonth
from minzheng.dashboard.article import article_figures
from minzheng.dashboard.indicators import compute_month
from tests.conftest import PASSWORD, _household

HAISHU, NANMEN, FUHU, CITY = "330203000000", "330203001000", "330203001001", "330200000000"
DECEMBER = YearMonth(2020, 12)


def test_spending_is_not_replayed_without_rolls_and_differences_are_exact() -> None:
    december = {"dibao_persons": 59_000, "single_person": 13_151, "gradual_exit_persons": 2_000}
    figures = {f.name: f for f in article_figures(december, [december] * 12, replayed_months=0)}
    dibao = figures["低保人数"]
    assert dibao.computed == Decimal(59_000)
    assert dibao.difference == Decimal(-337)
    assert dibao.difference_pct == Decimal("-0.57")
    assert figures["单人户低保"].difference == 0
    assert figures["渐退"].difference == Decimal(94)
    assert figures["特困人数"].computed == 0
    money = figures["低保金（全年）"]
    assert money.computed is None and money.computed_shown == "未回放"
    assert money.article_shown == "477,000,000.00"
    assert money.difference_shown == "—"
    assert figures["物价补贴启动月数"].computed is None
    assert figures["物价补贴（全年，含平台外对象估算）"].computed_shown == "未回放"


def test_spending_is_summed_over_the_year_when_the_rolls_were_replayed() -> None:
    month = {"dibao_funds": Decimal("1000.50"), "dibao_price_subsidy": Decimal("10.00")}
    year = [month] * 11 + [{**month, "price_subsidy_launched": 1}]
    figures = {f.name: f for f in article_figures({}, year, replayed_months=12)}
    assert figures["低保金（全年）"].computed == Decimal("12006.00")
    assert figures["低保金（全年）"].computed_shown == "12,006.00"
    assert figures["物价补贴（全年）"].computed == Decimal("120.00")
    # with the groups paid outside the platform, estimated by the illustrative share 0.99
    estimated = figures["物价补贴（全年，含平台外对象估算）"]
    assert estimated.computed == Decimal("238.80")
    assert estimated.article == Decimal("178000000")
    assert "0.99" in estimated.note
    assert figures["物价补贴启动月数"].computed == 1


@pytest.fixture
def in_gradual_exit(household_li_three_members: Any) -> Any:
    """李's three-person family on 低保 in 渐退 in December 2020; one 单人户 in 渐退 in 福湖."""
    do_load_parameter_catalog(None)
    family = do_enrol(
        None,
        household=household_li_three_members,
        programme="dibao",
        start=YearMonth(2020, 1),
        amount=Decimal("600.00"),
    )
    chen = _household(
        FUHU, "福湖社区柳汀街3号", [("陈阿大", "33020319480506121X", "head", date(1948, 5, 6), "")]
    )
    single = do_enrol(
        None,
        household=chen,
        person=chen.head,
        programme="dibao",
        start=YearMonth(2020, 6),
        amount=Decimal("900.00"),
    )
    Enrolment.objects.filter(pk__in=[family.pk, single.pk]).update(status="gradual_exit")
    return family


def test_gradual_exit_persons_count_members_and_single_persons(in_gradual_exit: Any) -> None:
    figures = compute_month(DECEMBER)
    for region in (NANMEN, HAISHU, CITY):
        assert figures[region]["gradual_exit"] == 2  # enrolments (户)
        assert figures[region]["gradual_exit_persons"] == 4  # 3 members + 1 单人户


def test_the_city_dashboard_shows_the_article_side_by_side(
    in_gradual_exit: Any, city_admin: Any, approver_haishu: Any
) -> None:
    client = Client()
    assert client.login(username=city_admin.username, password=PASSWORD)
    page = client.get("/statistics/?month=2020-12").content.decode()
    assert "与文章数字对照" in page
    assert "<td>59,337</td><td>4</td><td>-59,333</td>" in page  # 低保: 3 members + 1 单人户
    assert "<td>1,906</td><td>4</td><td>-1,902</td>" in page  # 渐退 persons
    # four spending figures (物价补贴 with and without the estimate), the launches: no rolls
    assert page.count("<td>未回放</td>") == 5
    other = client.get("/statistics/?month=2020-11").content.decode()
    assert "与文章数字对照（2020-12）" in other and "文章数值" not in other
    county = Client()
    assert county.login(username=approver_haishu.username, password=PASSWORD)
    assert "与文章数字对照" not in county.get("/statistics/?month=2020-12").content.decode()
