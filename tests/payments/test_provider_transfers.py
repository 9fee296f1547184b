"""A hospital's month, booked as a payable, is paid by the roll's bank file into the hospital's
own account: failed at once while no account is registered, re-issued once it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from minzheng.core.errors import NotFound, PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from minzheng.medical.actions import do_confirm_statement
from minzheng.medical.models import Hospital
from minzheng.payments.actions import (
    do_approve_roll,
    do_export_bank_file,
    do_import_bank_return,
    do_register_provider_account,
    do_reissue_failed,
    do_run_roll,
)
from minzheng.payments.actions.bank_files import exception_queue_for
from minzheng.payments.models import BankAccount, BankFileLine, ProviderPayee
from tests.medical.conftest import hospital, hospital_token, parameters, patients
from tests.medical.test_statements_and_reconciliation import may_settled

__all__ = ["hospital", "hospital_token", "may_settled", "parameters", "patients"]

pytestmark = pytest.mark.django_db

NUMBER = "310066726018800012345"


@pytest.fixture
def checker(make_staff: Any) -> Any:
    return make_staff("approver_haishu_2", "county_approver", "330203000000")


@pytest.fixture
def may_roll(
    may_settled: Client, approver_haishu: Any, checker: Any, settings: Any, tmp_path: Path
) -> Any:
    """May's statement of 宁波市第一医院 (4,900.00 元) in 海曙区's approved May roll."""
    settings.VAR_DIR = tmp_path
    hospital = Hospital.objects.get()
    do_confirm_statement(approver_haishu, hospital.pk, YearMonth(2024, 5))
    roll = do_run_roll(approver_haishu, "330203000000", YearMonth(2024, 5)).roll
    return do_approve_roll(checker, roll)


def test_the_payee_exists_from_the_statement_on_without_an_account(may_roll: Any) -> None:
    payee = ProviderPayee.objects.get()
    assert (payee.name, payee.provider_kind, payee.region_id) == (
        "宁波市第一医院",
        "hospital",
        "330203000000",
    )
    assert payee.provider_id == Hospital.objects.get().pk and payee.account is None


def test_without_an_account_the_transfer_fails_at_once_and_waits_in_the_exception_queue(
    may_roll: Any, approver_haishu: Any
) -> None:
    bank_file = do_export_bank_file(approver_haishu, may_roll)
    line = BankFileLine.objects.get(bank_file=bank_file, provider__isnull=False)
    assert line.amount_fen == 490000 and line.account_id is None
    assert line.outcome.reason_code == "no_account"
    assert [q.pk for q in exception_queue_for(approver_haishu)] == [line.pk]
    # The file holds no row for it (nothing to pay into), and says so in its count.
    rows = Path(bank_file.path).read_text(encoding=bank_file.template.encoding).splitlines()
    assert len(rows) == 1  # the header only


def test_registered_the_hospital_is_paid_by_the_reissue_and_its_return(
    may_roll: Any, approver_haishu: Any
) -> None:
    do_export_bank_file(approver_haishu, may_roll)
    payee = ProviderPayee.objects.get()
    do_register_provider_account(
        approver_haishu,
        payee.pk,
        holder_name="宁波市第一医院",
        bank_name="中国工商银行",
        number=NUMBER,
        reason="医院提供对公账户证明",
    )
    payee.refresh_from_db()
    assert payee.account is not None and payee.account.number_masked == "3100*************2345"
    reissue = do_reissue_failed(approver_haishu, "330203000000")
    assert reissue is not None and reissue.line_count == 1 and reissue.total_fen == 490000
    rows = Path(reissue.path).read_text(encoding=reissue.template.encoding).splitlines()
    assert rows[1].split(",")[1:4] == [NUMBER, "宁波市第一医院", "4900.00"]
    line = BankFileLine.objects.get(bank_file=reissue)
    do_import_bank_return(approver_haishu, reissue, f"{line.reference},0000\n", filename="回盘.csv")
    assert line.outcome.status == "paid"  # type: ignore[union-attr]
    assert exception_queue_for(approver_haishu) == []
    event = AuditEvent.objects.filter(object_type="provider_account").get()
    assert NUMBER not in str(event.after) and "3100*************2345" in str(event.after)


def test_only_a_county_approver_of_its_place_registers_and_bad_input_changes_nothing(
    may_roll: Any, caseworker_nanmen: Any, approver_yinzhou: Any, approver_haishu: Any
) -> None:
    payee = ProviderPayee.objects.get()
    form = {
        "holder_name": "宁波市第一医院",
        "bank_name": "中国工商银行",
        "number": NUMBER,
        "reason": "对公账户证明",
    }
    with pytest.raises(
        PermissionDenied, match="您的角色无权执行此操作"
    ):  # a caseworker does not decide where money goes
        do_register_provider_account(caseworker_nanmen, payee.pk, **form)
    with pytest.raises(
        NotFound, match="记录不存在或不在您的管辖范围内"
    ):  # another county's approver does not see the hospital
        do_register_provider_account(approver_yinzhou, payee.pk, **form)
    for bad, message in (
        ({"bank_name": "某某银行"}, "请从列表中选择开户银行"),
        ({"number": "12AB"}, "银行账号应为8至30位数字"),
        ({"reason": " "}, "请填写登记或变更原因"),
        ({"holder_name": ""}, "请填写账户户名（60字以内）"),
    ):
        with pytest.raises(ValidationFailed, match=message):
            do_register_provider_account(approver_haishu, payee.pk, **{**form, **bad})
    payee.refresh_from_db()
    assert payee.account is None and not BankAccount.objects.exists()


def test_a_changed_account_keeps_the_old_one_on_record(may_roll: Any, approver_haishu: Any) -> None:
    payee = ProviderPayee.objects.get()
    for number in (NUMBER, "6222021234567890123"):
        do_register_provider_account(
            approver_haishu,
            payee.pk,
            holder_name="宁波市第一医院",
            bank_name="中国银行",
            number=number,
            reason="变更",
        )
    assert list(BankAccount.objects.order_by("pk").values_list("active", flat=True)) == [
        False,
        True,
    ]


def test_the_page_lists_the_hospital_and_registers_its_account(
    may_roll: Any, approver_haishu: Any, caseworker_nanmen: Any
) -> None:
    staff = Client()
    staff.force_login(approver_haishu)
    page = staff.get("/payments/providers/").content.decode()
    assert "宁波市第一医院" in page and "未登记收款账户" in page and "登记账户" in page
    payee = ProviderPayee.objects.get()
    bad = staff.post(
        "/payments/providers/",
        {
            "payee": payee.pk,
            "holder_name": "宁波市第一医院",
            "bank_name": "中国银行",
            "number": "1",
            "reason": "证明",
        },
    )
    assert bad.status_code == 400 and "银行账号应为8至30位数字" in bad.content.decode()
    done = staff.post(
        "/payments/providers/",
        {
            "payee": payee.pk,
            "holder_name": "宁波市第一医院",
            "bank_name": "中国银行",
            "number": NUMBER,
            "reason": "证明",
        },
    )
    assert done.status_code == 302
    page = staff.get("/payments/providers/").content.decode()
    assert "3100*************2345" in page and NUMBER not in page
    # A caseworker sees the list, but no form to change where money goes.
    other = Client()
    other.force_login(caseworker_nanmen)
    assert "变更账户" not in other.get("/payments/providers/").content.decode()
