"""A reconciliation is kept: the batch, every row of the hospital's file with its outcome, and the
exception list, on a page that lists past reconciliations — each scoped to the hospital's region."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from minzheng.core.models import AuditEvent
from minzheng.medical.models import Hospital, Reconciliation, ReconciliationLine
from tests.dictionary.test_no_raw_codes_on_pages import leaks, visible_text
from tests.medical.test_statements_and_reconciliation import HOSPITAL_FILE
from tests.medical.test_statements_and_reconciliation import may_settled as may_settled


def _upload(staff: Client, data: bytes, name: str = "第一医院5月.csv") -> Any:
    return staff.post(
        "/medical/reconciliation/",
        {
            "hospital": Hospital.objects.get().pk,
            "date_from": "2024-05-01",
            "date_to": "2024-05-31",
            "file": SimpleUploadedFile(name, data, content_type="text/csv"),
        },
    )


@pytest.fixture
def staff(approver_haishu: Any) -> Client:
    client = Client()
    client.force_login(approver_haishu)
    return client


def test_a_reconciliation_is_stored_with_its_rows_and_exceptions(
    may_settled: Client,
    staff: Client,
) -> None:
    response = _upload(staff, HOSPITAL_FILE.encode("gb18030"))
    batch = Reconciliation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/medical/reconciliation/{batch.pk}/"
    assert (batch.rows, batch.matched, batch.exception_count) == (6, 1, 6)
    assert batch.file_name == "第一医院5月.csv" and len(batch.file_sha256) == 64
    lines = {
        (line.row, line.claim_id): (line.outcome, line.ours, line.theirs)
        for line in ReconciliationLine.objects.filter(reconciliation=batch)
    }
    assert lines == {
        (2, "ZY-1"): ("matched", Decimal("2450.00"), Decimal("2450.00")),
        (3, "ZY-2"): ("amount_mismatch", Decimal("2450.00"), Decimal("2400.00")),
        (4, "ZY-4"): ("reversed_here", Decimal("350.00"), Decimal("1050.00")),
        (5, "ZY-9"): ("missing_here", None, Decimal("100.00")),
        (6, "ZY-9"): ("duplicate_row", None, Decimal("100.00")),
        (7, "ZY-X"): ("bad_row", None, None),
        (None, "ZY-3"): ("missing_there", Decimal("0.00"), None),
    }
    event = AuditEvent.objects.get(object_type="medical_reconciliation")
    assert event.object_id == str(batch.pk) and "一致 1 笔，异常 6 条" in event.summary


def test_the_exception_list_and_the_past_batches_are_pages(
    may_settled: Client,
    staff: Client,
) -> None:
    _upload(staff, HOSPITAL_FILE.encode("utf-8"), name="第一次.csv")
    _upload(staff, b"claim_id,assistance_amount\nZY-1,2450.00\nZY-2,2450.00\n", "第二次.csv")
    first, second = Reconciliation.objects.order_by("id")
    listing = visible_text(staff.get("/medical/reconciliation/").content.decode())
    assert "第一次.csv" in listing and "第二次.csv" in listing
    detail = visible_text(staff.get(f"/medical/reconciliation/{first.pk}/").content.decode())
    assert "6 行，一致 1 笔，异常 6 条" in detail
    assert "救助金额不一致" in detail and "2,400.00" in detail and "差额 -50.00" in detail
    assert "ZY-1" not in detail  # the matched row shows only with every row
    everything = visible_text(
        staff.get(f"/medical/reconciliation/{first.pk}/?show=all").content.decode()
    )
    assert "ZY-1" in everything and "一致" in everything
    second_page = visible_text(staff.get(f"/medical/reconciliation/{second.pk}/").content.decode())
    assert "医院文件缺少" in second_page and "ZY-3" in second_page  # 0.00 still ours, not theirs
    for text in (listing, detail, everything, second_page):
        assert leaks(text, frozenset({"approver_haishu"})) == []


def test_another_countys_staff_see_neither_the_batch_nor_the_list(
    may_settled: Client,
    staff: Client,
    approver_yinzhou: Any,
) -> None:
    _upload(staff, HOSPITAL_FILE.encode())
    batch = Reconciliation.objects.get()
    other = Client()
    other.force_login(approver_yinzhou)
    assert other.get(f"/medical/reconciliation/{batch.pk}/").status_code == 404
    assert "第一医院5月.csv" not in other.get("/medical/reconciliation/").content.decode()


def test_a_refused_file_stores_nothing(
    may_settled: Client,
    staff: Client,
) -> None:
    page = _upload(staff, b"a,b\n1,2\n").content.decode()
    assert "文件缺少列" in page
    bad_encoding = _upload(staff, b"\xff\xfe\x00\x81claim_id").content.decode()
    assert "文件" in bad_encoding
    assert Reconciliation.objects.count() == 0 and ReconciliationLine.objects.count() == 0


def test_the_operator_shows_by_name_not_login(
    may_settled: Client, staff: Client, approver_haishu: Any
) -> None:
    """The demo's 医院对账 listed its operator as approver_haishu: the staff member's name shows."""
    approver_haishu.display_name = "海曙区审批员"
    approver_haishu.save(update_fields=["display_name"])
    _upload(staff, HOSPITAL_FILE.encode("utf-8"))
    batch = Reconciliation.objects.get()
    listing = visible_text(staff.get("/medical/reconciliation/").content.decode())
    detail = visible_text(staff.get(f"/medical/reconciliation/{batch.pk}/").content.decode())
    for text in (listing, detail):
        assert "海曙区审批员" in text and "approver_haishu" not in text
