from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions import (
    do_approve_roll,
    do_correct_account,
    do_create_temporary_case,
    do_decide_temporary_case,
    do_export_bank_file,
    do_import_bank_return,
    do_reissue_failed,
    do_run_roll,
    exception_queue,
)
from minzheng.payments.models import BankAccount, BankTemplate
from minzheng.payments.queries import reconciliation
from minzheng.regions.models import Region

pytestmark = pytest.mark.django_db
MARCH = YearMonth(2020, 3)


def test_the_bank_file_carries_one_transfer_per_payee_with_the_full_account(
    approved_march: Any, approver_haishu: Any
) -> None:
    bank_file = do_export_bank_file(approver_haishu, approved_march)
    text = Path(bank_file.path).read_text()
    assert text.splitlines() == [
        "流水号,账号,户名,金额,借贷标志,摘要",
        f"B{bank_file.pk}-1,6222021234567890,李建国,750.00,C,救助金",
        f"B{bank_file.pk}-2,6228480011112222333,赵德顺,1325.00,C,救助金",
    ]
    assert (bank_file.line_count, bank_file.total_fen) == (2, 207500)
    assert do_export_bank_file(approver_haishu, approved_march).pk == bank_file.pk
    stored = BankAccount.objects.get(person=approved_march.lines.first().payee)
    assert stored.number_masked == "6222********7890"
    assert "6222021234567890" not in stored.number_cipher


def test_a_fixed_width_template_pads_each_field_to_its_width(
    approved_march: Any, approver_haishu: Any
) -> None:
    template = BankTemplate.objects.create(
        name="测试定长",
        format="fixed",
        encoding="gb18030",
        fields=[
            {"field": "account", "width": 20},
            {"field": "holder_name", "width": 10},
            {"field": "amount_fen", "width": 10, "align": "right", "pad": "0"},
        ],
    )
    bank_file = do_export_bank_file(approver_haishu, approved_march, template)
    lines = Path(bank_file.path).read_bytes().decode("gb18030").splitlines()
    assert lines[0] == "6222021234567890    李建国    0000075000"
    assert [len(x.encode("gb18030")) for x in lines] == [40, 40]


def test_a_return_with_paid_and_failed_lines_balances_and_queues_the_failures(
    approved_march: Any, approver_haishu: Any, caseworker_nanmen: Any
) -> None:
    bank_file = do_export_bank_file(approver_haishu, approved_march)
    ref = f"B{bank_file.pk}-"
    result = do_import_bank_return(
        approver_haishu,
        bank_file,
        f"流水号,结果,说明\n{ref}1,0000,\n{ref}2,E102,账户已销户\n{ref}9,0000,\n{ref}1,XXXX,\n",
        filename="回盘20200310.csv",
    )
    assert result["recorded"] == 2
    assert [row for row, _ in result["errors"]] == [4, 5]

    totals = reconciliation(bank_file)
    assert (totals.issued, totals.paid, totals.failed, totals.pending) == (207500, 75000, 132500, 0)
    assert totals.balanced
    queue = exception_queue("330203")
    assert [(line.reference, line.outcome.reason) for line in queue] == [(f"{ref}2", "账户已销户")]

    # Importing the same return again changes nothing.
    do_import_bank_return(approver_haishu, bank_file, f"{ref}1,0000\n", filename="again.csv")
    assert reconciliation(bank_file) == totals

    # Correct the account and re-issue: the failure leaves the queue, the original stays failed.
    do_correct_account(
        caseworker_nanmen, queue[0], bank_name="农业银行", number="6228480099998888777"
    )
    reissue = do_reissue_failed(approver_haishu, "330203")
    assert reissue is not None and reissue.total_fen == 132500
    assert "6228480099998888777" in Path(reissue.path).read_text()
    assert exception_queue("330203") == []
    assert reconciliation(bank_file).failed == 132500
    assert reconciliation(reissue).pending == 132500


def test_a_payee_without_an_account_goes_straight_to_the_exception_queue(
    dibao_li: Any, approver_haishu: Any, make_staff: Any
) -> None:
    checker = make_staff("approver_haishu_2", "county_approver", "330203000000")
    roll = do_approve_roll(checker, do_run_roll(approver_haishu, "330203", MARCH).roll)
    bank_file = do_export_bank_file(approver_haishu, roll)
    assert [line.outcome.reason_code for line in exception_queue("330203")] == ["no_account"]
    assert reconciliation(bank_file).balanced


def test_temporary_assistance_to_a_migrant_worker_needs_a_second_person_and_is_paid_by_the_roll(
    regions: None, caseworker_nanmen: Any, approver_haishu: Any, make_staff: Any
) -> None:
    from minzheng.core.errors import PermissionDenied

    checker = make_staff("approver_haishu_2", "county_approver", "330203000000")
    case = do_create_temporary_case(
        caseworker_nanmen,
        region=Region.objects.get(pk="330203001001"),
        amount=Decimal("2000.00"),
        reason="务工受伤，临时生活困难",
        name="马小军",
        id_number="510104198807150039",
        bank_name="工商银行",
        account_number="6212261001000000017",
    )
    assert case.id_number_masked == "510104********0039"
    assert "510104198807150039" not in case.id_number_cipher
    with pytest.raises(PermissionDenied, match="您的角色无权执行此操作"):
        do_decide_temporary_case(caseworker_nanmen, case, approve=True, month=MARCH)
    do_decide_temporary_case(checker, case, approve=True, month=MARCH)

    roll = do_run_roll(approver_haishu, "330203", MARCH).roll
    assert [(x.kind, x.amount_fen, x.payee_id) for x in roll.lines.all()] == [
        ("temporary", 200000, None)
    ]
    bank_file = do_export_bank_file(approver_haishu, do_approve_roll(checker, roll))
    assert "6212261001000000017,马小军,2000.00" in Path(bank_file.path).read_text()
    assert date(2020, 3, 1) == case.__class__.objects.get(pk=case.pk).approved_month
