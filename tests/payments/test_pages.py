from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions import do_run_roll
from minzheng.payments.models import Roll
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_reports_page_shows_the_months_totals_and_a_chart_without_inline_script(
    dibao_li: Any, approver_haishu: Any
) -> None:
    do_run_roll(None, "330203", YearMonth(2020, 3))
    page = _client(approver_haishu).get("/payments/reports/?month=2020-03")
    html = page.content.decode()
    assert page.status_code == 200
    assert "海曙区" in html and "750.00" in html and 'data-chart="bar"' in html
    assert "<script>" not in html


def test_the_report_exports_to_excel(dibao_li: Any, approver_haishu: Any) -> None:
    do_run_roll(None, "330203", YearMonth(2020, 3))
    response = _client(approver_haishu).get("/payments/reports/?month=2020-03&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_an_approver_approves_anothers_roll_from_the_page(
    dibao_li: Any, approver_haishu: Any, make_staff: Any
) -> None:
    maker = make_staff("approver_haishu_2", "county_approver", "330203000000")
    roll = do_run_roll(maker, "330203", YearMonth(2020, 3)).roll
    response = _client(approver_haishu).post(f"/payments/rolls/{roll.pk}/approve/")
    assert response.status_code == 302
    assert Roll.objects.get(pk=roll.pk).status == "approved"


def test_the_maker_is_refused_approval_on_the_page(dibao_li: Any, approver_haishu: Any) -> None:
    roll = do_run_roll(approver_haishu, "330203", YearMonth(2020, 3)).roll
    response = _client(approver_haishu).post(f"/payments/rolls/{roll.pk}/approve/")
    assert response.status_code == 403
    assert Roll.objects.get(pk=roll.pk).status == "draft"


def test_the_price_index_page_enters_a_month_and_shows_the_subsidy(city_admin: Any) -> None:
    client = _client(city_admin)
    client.post(
        "/payments/price-indices/",
        {"month": "2020-03", "cpi": "4.3", "food": "18.3", "source": "国家统计局"},
    )
    html = client.get("/payments/price-indices/?month=2020-03").content.decode()
    assert "启动 1 次" in html and "274" in html
