from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from minzheng.core.yearmonth import YearMonth
from minzheng.medical.actions import do_confirm_statement
from minzheng.medical.models import Hospital, Settlement, Statement
from minzheng.payments.models import PaymentLine
from tests.medical.conftest import LI_JIANGUO, LI_MING, WANG_XIUYING, body, post


@pytest.fixture
def may_settled(patients: Any, hospital: Client) -> Client:
    """Three May settlements (2450 + 2450 + 0) and one reversed, all dated 2024-05-20."""
    post(hospital, body("ZY-1", WANG_XIUYING))
    post(hospital, body("ZY-2", LI_JIANGUO))
    post(hospital, body("ZY-3", LI_MING))
    gone = post(hospital, body("ZY-4", LI_JIANGUO, compliant_cost="6000.00")).json()
    hospital.post(f"/api/v1/medical/settlements/{gone['settlement_id']}/reverse")
    Settlement.objects.update(settled_on=date(2024, 5, 20))
    return hospital


def test_a_confirmed_statement_becomes_a_payable_in_the_ledger(
    may_settled: Client, approver_haishu: Any
) -> None:
    hospital = Hospital.objects.get()
    statement = do_confirm_statement(approver_haishu, hospital.pk, YearMonth(2024, 5))
    assert (statement.settlement_count, statement.total_assistance) == (3, Decimal("4900.00"))
    line = PaymentLine.objects.get(pk=statement.payment_line_id)
    assert (line.source, line.kind, line.amount_fen) == ("m", "medical_payable", 490000)
    assert (line.debit, line.credit, line.get_kind_display()) == (
        "expense",
        "payable",
        "医疗救助应付医院款",
    )
    assert line.roll.county_id == "330203000000" and line.roll.month == date(2024, 5, 1)
    assert Settlement.objects.filter(statement=statement).count() == 3


def test_a_settlement_on_a_statement_cannot_be_reversed(
    may_settled: Client, approver_haishu: Any
) -> None:
    do_confirm_statement(approver_haishu, Hospital.objects.get().pk, YearMonth(2024, 5))
    stated = Settlement.objects.get(claim_id="ZY-1")
    response = may_settled.post(f"/api/v1/medical/settlements/{stated.pk}/reverse")
    assert response.status_code == 409 and "月结单" in response.json()["message"]


def test_a_month_is_confirmed_once_and_only_by_an_approver(
    may_settled: Client, approver_haishu: Any, caseworker_nanmen: Any
) -> None:
    from minzheng.core.errors import DomainError

    hospital = Hospital.objects.get()
    with pytest.raises(DomainError) as refused:
        do_confirm_statement(caseworker_nanmen, hospital.pk, YearMonth(2024, 5))
    assert refused.value.code == "permission_denied"
    assert "审批员" in refused.value.message
    do_confirm_statement(approver_haishu, hospital.pk, YearMonth(2024, 5))
    with pytest.raises(DomainError) as twice:
        do_confirm_statement(approver_haishu, hospital.pk, YearMonth(2024, 5))
    assert twice.value.code == "statement_exists" and Statement.objects.count() == 1


def test_the_statement_page_confirms_in_the_browser(
    may_settled: Client, approver_haishu: Any
) -> None:
    staff = Client()
    staff.force_login(approver_haishu)
    page = staff.get("/medical/statements/", {"month": "2024-05"}).content.decode()
    assert "宁波市第一医院" in page and "4900.00" in page and "确认月结单" in page
    hospital = Hospital.objects.get()
    response = staff.post(
        f"/medical/hospitals/{hospital.pk}/statements/confirm/", {"month": "2024-05"}
    )
    assert response.status_code == 302
    assert (
        "应付医院款 #" in staff.get("/medical/statements/", {"month": "2024-05"}).content.decode()
    )


HOSPITAL_FILE = (
    "claim_id,assistance_amount,patient\n"
    "ZY-1,2450.00,王秀英\n"  # matches
    "ZY-2,2400.00,李建国\n"  # amount differs
    "ZY-4,1050.00,李建国\n"  # reversed here
    "ZY-9,100.00,某某\n"  # not ours
    "ZY-9,100.00,某某\n"  # duplicate
    "ZY-X,abc,某某\n"  # bad amount
)  # ZY-3 (0.00) is missing from the file


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_reconciliation_lists_every_exception(
    may_settled: Client, approver_haishu: Any, encoding: str
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    staff = Client()
    staff.force_login(approver_haishu)
    upload = SimpleUploadedFile("h.csv", HOSPITAL_FILE.encode(encoding), content_type="text/csv")
    page = staff.post(
        "/medical/reconciliation/",
        {
            "hospital": Hospital.objects.get().pk,
            "date_from": "2024-05-01",
            "date_to": "2024-05-31",
            "file": upload,
        },
        follow=True,
    ).content.decode()
    assert "h.csv：6 行，一致 1 笔，异常 6 条" in page
    for label in (
        "救助金额不一致",
        "我方已冲销",
        "我方无此结算",
        "文件内结算号重复",
        "行格式错误",
        "医院文件缺少",
    ):
        assert label in page
    assert "差额 -50.00" in page


def test_reconciliation_without_the_columns_is_refused_in_chinese(
    may_settled: Client, approver_haishu: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    staff = Client()
    staff.force_login(approver_haishu)
    page = staff.post(
        "/medical/reconciliation/",
        {
            "hospital": Hospital.objects.get().pk,
            "date_from": "2024-05-01",
            "date_to": "2024-05-31",
            "file": SimpleUploadedFile("h.csv", b"a,b\n1,2\n"),
        },
    ).content.decode()
    assert "文件缺少列：claim_id、assistance_amount" in page
