from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.charity import actions, queries
from minzheng.charity.models import Donation, FundraisingPlan
from minzheng.core.creditcode import build
from minzheng.core.errors import DomainError, NotFound
from minzheng.organisations.models import Organisation

from ..organisations.conftest import catalog, establish  # noqa: F401  (fixture)


@pytest.fixture
def haishu_charity(catalog: None, approver_haishu: Any) -> Organisation:  # noqa: F811
    org = establish(
        approver_haishu,
        name="宁波市海曙区慈善总会",
        code=build("5", "1", "330203", "MJ000020"),
        founded=date(2021, 3, 1),
    )
    actions.do_recognise_charity(
        approver_haishu, org.pk, recognised_on=date(2021, 6, 1), public_fundraising=True
    )
    return Organisation.objects.get(pk=org.pk)


def test_cash_and_goods_are_booked_with_receipts_and_totalled(
    haishu_charity: Organisation, approver_haishu: Any
) -> None:
    cash = actions.do_record_donation(
        approver_haishu,
        haishu_charity.pk,
        data={
            "form": "cash",
            "received_on": "2025-04-25",
            "donor": "爱心企业",
            "amount": "1,000,000.50",
        },
    )
    actions.do_record_donation(
        approver_haishu,
        haishu_charity.pk,
        data={
            "form": "goods",
            "received_on": "2025-12-05",
            "donor": "某商场",
            "amount": "200000",
            "goods": "棉被500床",
            "valuation_basis": "采购发票",
        },
    )
    actions.do_record_expenditure(
        approver_haishu,
        haishu_charity.pk,
        data={
            "category": "charitable",
            "spent_on": "2025-12-20",
            "amount": "900000",
            "purpose": "冬季救助",
        },
    )
    assert cash.receipt_number == f"JZ{haishu_charity.credit_code[-6:]}2025000001"
    t = queries.totals(approver_haishu, 2025)
    assert (t.cash, t.goods, t.received, t.spent) == (
        Decimal("1000000.50"),
        Decimal("200000.00"),
        Decimal("1200000.50"),
        Decimal("900000.00"),
    )
    assert t.spent_ratio == "75.00%"


def test_goods_without_a_valuation_basis_are_refused(
    haishu_charity: Organisation, approver_haishu: Any
) -> None:
    with pytest.raises(DomainError) as caught:
        actions.do_record_donation(
            approver_haishu,
            haishu_charity.pk,
            data={
                "form": "goods",
                "received_on": "2025-12-05",
                "donor": "某商场",
                "amount": "200000",
                "goods": "棉被",
            },
        )
    assert caught.value.code == "missing_field"
    assert caught.value.message == "请填写物资估值依据（发票、评估报告或市场价）"
    assert not Donation.objects.exists()


def test_a_fundraising_plan_filed_less_than_ten_days_ahead_is_marked_late(
    haishu_charity: Organisation, approver_haishu: Any
) -> None:
    data = {
        "title": "冬日暖心",
        "target": "800000",
        "starts_on": "2026-12-11",
        "ends_on": "2027-01-31",
    }
    on_time = actions.do_file_fundraising_plan(
        approver_haishu, haishu_charity.pk, data={**data, "filed_on": "2026-12-01"}
    )
    late = actions.do_file_fundraising_plan(
        approver_haishu, haishu_charity.pk, data={**data, "filed_on": "2026-12-02"}
    )
    assert (on_time.filed_in_time, late.filed_in_time) == (True, False)
    assert late.parameter_versions == ["charity.fundraising.plan_days_before@000000@2020-01-01"]


def test_without_the_public_fundraising_qualification_no_plan_can_be_filed(
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
    with pytest.raises(DomainError, match="不具有公开募捐资格"):
        actions.do_file_fundraising_plan(
            approver_haishu,
            org.pk,
            data={
                "title": "x",
                "target": "1",
                "filed_on": "2026-01-01",
                "starts_on": "2026-02-01",
                "ends_on": "2026-03-01",
            },
        )
    assert not FundraisingPlan.objects.exists()


def test_a_trust_filed_within_seven_days_is_in_time(
    haishu_charity: Organisation, approver_haishu: Any
) -> None:
    trust = actions.do_register_trust(
        approver_haishu,
        haishu_charity.pk,
        data={
            "name": "助学信托",
            "settlor": "某企业",
            "property_amount": "5000000",
            "established_on": "2025-06-18",
            "filed_on": "2025-06-25",
        },
    )
    late = actions.do_register_trust(
        approver_haishu,
        haishu_charity.pk,
        data={
            "name": "助老信托",
            "settlor": "某企业",
            "property_amount": "1000000",
            "established_on": "2025-06-18",
            "filed_on": "2025-06-26",
        },
    )
    assert (trust.filed_in_time, late.filed_in_time) == (True, False)


def test_financials_that_do_not_add_up_are_refused(
    haishu_charity: Organisation, approver_haishu: Any
) -> None:
    with pytest.raises(DomainError, match="不能超过年度总支出"):
        actions.do_record_financials(
            approver_haishu,
            haishu_charity.pk,
            data={
                "year": "2025",
                "prior_year_income": "100",
                "prior_year_net_assets": "100",
                "charitable_spending": "80",
                "management_cost": "30",
                "total_spending": "100",
            },
        )


def test_the_yearly_check_lists_a_failing_charity_with_its_figures(
    haishu_charity: Organisation, approver_haishu: Any, approver_yinzhou: Any
) -> None:
    actions.do_record_financials(
        approver_haishu,
        haishu_charity.pk,
        data={
            "year": "2025",
            "prior_year_income": "10000000",
            "prior_year_net_assets": "5000000",
            "charitable_spending": "6900000",
            "management_cost": "300000",
            "total_spending": "7500000",
        },
    )
    [row] = queries.spending_checks(approver_haishu, 2025, date(2026, 6, 1))
    assert not row.check.passed
    assert [(c.label, c.value) for c in row.check.failures] == [
        ("年度慈善活动支出比例", "6,900,000.00元")
    ]
    assert queries.spending_checks(approver_yinzhou, 2025, date(2026, 6, 1)) == []
    with pytest.raises(NotFound, match="记录不存在或不在您的管辖范围内"):
        actions.do_record_donation(
            approver_yinzhou,
            haishu_charity.pk,
            data={"form": "cash", "received_on": "2025-04-25", "donor": "x", "amount": "1"},
        )


def test_a_project_is_added_from_the_page_and_a_donation_booked_to_it(
    haishu_charity: Organisation, approver_haishu: Any
) -> None:
    from django.test import Client

    client = Client()
    client.force_login(approver_haishu)
    page = client.post(
        f"/charity/{haishu_charity.pk}/projects/",
        {"name": "困境儿童助学", "starts_on": "2025-01-01"},
        follow=True,
    )
    assert "慈善项目已新增" in page.content.decode()
    again = client.post(
        f"/charity/{haishu_charity.pk}/projects/",
        {"name": "困境儿童助学", "starts_on": "2025-01-01"},
        follow=True,
    )
    assert "项目“困境儿童助学”已存在" in again.content.decode()
    from minzheng.charity.models import Project

    project = Project.objects.get()
    client.post(
        f"/charity/{haishu_charity.pk}/donations/",
        {
            "form": "cash",
            "received_on": "2025-03-01",
            "donor": "爱心人士",
            "amount": "5000",
            "project": str(project.pk),
        },
    )
    detail = client.get(f"/charity/{haishu_charity.pk}/").content.decode()
    assert "困境儿童助学" in detail
    assert Donation.objects.get().project == project
