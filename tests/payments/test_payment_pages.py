"""The pages for temporary assistance, bank files and returns, the exception queue, bank templates,
the per-recipient history and the Excel price-index import."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from minzheng.payments.actions import do_export_bank_file, do_import_bank_return, exception_queue
from minzheng.payments.models import BankAccount, BankTemplate, PriceIndex, TemporaryCase
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


MA_XIAOJUN = {
    "person_id": "",
    "name": "马小军",
    "id_number": "510104198807150039",
    "region": "330203001001",
    "amount": "2000.00",
    "reason": "务工受伤，临时生活困难",
    "bank_name": "工商银行",
    "number": "6212261001000000017",
}


def test_a_caseworker_records_temporary_assistance_and_another_approver_approves_it(
    caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    response = _client(caseworker_nanmen).post("/payments/temporary/", MA_XIAOJUN)
    assert response.status_code == 302
    case = TemporaryCase.objects.get()
    assert (case.name, case.amount, case.status, case.id_number_masked) == (
        "马小军",
        2000,
        "draft",
        "510104********0039",
    )
    listing = _client(approver_haishu).get("/payments/temporary/").content.decode()
    assert "马小军" in listing and "6212***********0017" in listing and "批准" in listing
    _client(approver_haishu).post(f"/payments/temporary/{case.pk}/decide/", {"decision": "approve"})
    case.refresh_from_db()
    assert case.status == "approved" and case.approved_by == approver_haishu


def test_the_temporary_case_form_explains_a_missing_identity_in_chinese(
    caseworker_nanmen: Any,
) -> None:
    response = _client(caseworker_nanmen).post(
        "/payments/temporary/", {**MA_XIAOJUN, "id_number": ""}
    )
    assert response.status_code == 400
    assert "非登记人员须填写姓名和身份证号" in response.content.decode()
    assert not TemporaryCase.objects.exists()


def test_a_caseworker_cannot_approve_a_temporary_case(caseworker_nanmen: Any) -> None:
    _client(caseworker_nanmen).post("/payments/temporary/", MA_XIAOJUN)
    case = TemporaryCase.objects.get()
    response = _client(caseworker_nanmen).post(
        f"/payments/temporary/{case.pk}/decide/", {"decision": "approve"}
    )
    assert response.status_code == 403
    assert TemporaryCase.objects.get().status == "draft"


def test_the_bank_file_page_imports_a_return_and_shows_the_result_and_totals(
    approved_march: Any, approver_haishu: Any
) -> None:
    bank_file = do_export_bank_file(approver_haishu, approved_march)
    ref = f"B{bank_file.pk}-"
    upload = SimpleUploadedFile("回盘.csv", f"{ref}1,0000\n{ref}2,E101\n{ref}3,0000\n".encode())
    html = (
        _client(approver_haishu)
        .post(f"/payments/bank-files/{bank_file.pk}/", {"file": upload})
        .content.decode()
    )
    assert "已记录 2 条，错误 1 行" in html
    assert f"第3行</td><td>流水号 {ref}3 不属于该银行文件" in html
    assert '<td>成功</td><td>1</td><td class="num" data-paid>750.00</td>' in html
    assert (
        '<td>失败</td><td>1</td><td class="num" data-failed>1,325.00</td>' in html
        and "账平" in html
    )
    listing = _client(approver_haishu).get("/payments/bank-files/").content.decode()
    assert f"#{bank_file.pk}" in listing and "2020-03 第1版" in listing


def test_the_exception_queue_corrects_an_account_and_reissues_the_line(
    approved_march: Any, approver_haishu: Any, caseworker_nanmen: Any
) -> None:
    bank_file = do_export_bank_file(approver_haishu, approved_march)
    ref = f"B{bank_file.pk}-"
    do_import_bank_return(
        approver_haishu, bank_file, f"{ref}1,0000\n{ref}2,E102\n", filename="回盘.csv"
    )
    [failed] = exception_queue("330203")
    page = _client(caseworker_nanmen).get("/payments/exceptions/").content.decode()
    assert f"{ref}2" in page and "账户已销户" in page and "更正" in page

    response = _client(caseworker_nanmen).post(
        f"/payments/exceptions/{failed.pk}/account/",
        {"bank_name": "农业银行", "number": "6228480099998888777"},
    )
    assert response.status_code == 302
    assert BankAccount.objects.get(person=failed.payee, active=True).number_masked == (
        "6228***********8777"
    )
    response = _client(approver_haishu).post("/payments/exceptions/reissue/")
    assert response.status_code == 302
    assert exception_queue("330203") == []
    reissue_page = _client(approver_haishu).get(response["Location"]).content.decode()
    assert '<td>待回盘</td><td>1</td><td class="num" data-pending>1,325.00</td>' in reissue_page


def test_a_wrong_account_number_is_explained_on_the_exception_page(
    approved_march: Any, approver_haishu: Any, caseworker_nanmen: Any
) -> None:
    bank_file = do_export_bank_file(approver_haishu, approved_march)
    do_import_bank_return(
        approver_haishu, bank_file, f"B{bank_file.pk}-2,E102\n", filename="回盘.csv"
    )
    [failed] = exception_queue("330203")
    response = _client(caseworker_nanmen).post(
        f"/payments/exceptions/{failed.pk}/account/", {"bank_name": "农业银行", "number": "62-28"}
    )
    assert response.status_code == 400
    assert "银行账号应为8至30位数字" in response.content.decode()


def test_a_bank_template_is_created_and_bad_fields_json_is_refused_in_chinese(
    approver_haishu: Any,
) -> None:
    client = _client(approver_haishu)
    form = {
        "name": "宁波银行定长",
        "format": "fixed",
        "encoding": "gb18030",
        "fields": '[{"field": "account", "width": 20}, {"field": "holder_name"}]',
        "return_codes": '{"0000": "paid"}',
        "source": "示例",
    }
    response = client.post("/payments/templates/new/", form)
    assert response.status_code == 400
    assert "第2项（holder_name）定长格式须有1至200的整数宽度 width" in response.content.decode()

    response = client.post("/payments/templates/new/", {**form, "fields": "[{"})
    assert "字段配置有误：不是有效的JSON（第1行第3列）" in response.content.decode()

    good = '[{"field": "account", "width": 20}, {"field": "holder_name", "width": 10}]'
    assert client.post("/payments/templates/new/", {**form, "fields": good}).status_code == 302
    template = BankTemplate.objects.get(name="宁波银行定长")
    assert template.fields[1] == {"field": "holder_name", "width": 10}
    # Return codes decide what counts as paid: they wait for a second person (tests/accounts).
    assert template.return_codes == {} and template.pending_return_codes == {"0000": "paid"}
    assert template.county_id == "330203000000"
    listing = client.get("/payments/templates/").content.decode()
    assert "宁波银行定长" in listing and "户名(10)" in listing
    edit = client.get(f"/payments/templates/{template.pk}/")
    assert edit.status_code == 200 and "gb18030" in edit.content.decode()


def test_a_caseworker_cannot_edit_bank_templates(caseworker_nanmen: Any) -> None:
    assert _client(caseworker_nanmen).get("/payments/templates/new/").status_code == 403


def test_the_person_history_page_lists_the_recipients_lines(
    approved_march: Any, approver_haishu: Any, dibao_li: Any
) -> None:
    head = dibao_li.household.head
    html = _client(approver_haishu).get(f"/payments/persons/{head.pk}/history/").content.decode()
    assert "2020-03" in html and "750.00" in html and "救助金" in html


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_price_indices_import_from_excel_and_bad_cells_are_reported_by_row_and_column(
    city_admin: Any,
) -> None:
    data = _xlsx(
        [
            ["月份", "CPI", "食品CPI"],
            [date(2020, 3, 1), 4.3, 18.3],
            ["2020-04", "3.3", "14.8"],
            ["2020-05", "abc", "10.6"],
            ["2020-06", "2.5"],
        ]
    )
    upload = SimpleUploadedFile("价格指数2020.xlsx", data)
    html = (
        _client(city_admin)
        .post("/payments/price-indices/", {"file": upload, "source": "国家统计局"})
        .content.decode()
    )
    assert "已导入 2 行，错误 2 行" in html
    assert "第4行</td><td>B CPI同比</td><td>CPI同比涨幅应为数字" in html
    assert "第5行</td><td>C 食品CPI同比</td><td>应有月份、CPI、食品CPI三列" in html
    march = PriceIndex.objects.get(month=date(2020, 3, 1))
    assert (str(march.cpi_yoy), str(march.food_cpi_yoy)) == ("4.30", "18.30")
