"""The bank partner's API (scope payments:bank, its county only) and the staff status endpoints."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from minzheng.api.actions import do_create_api_client
from minzheng.core.models import AuditEvent
from minzheng.payments.actions import do_export_bank_file
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _bank(region: str = "330203000000", scopes: tuple[str, ...] = ("payments:bank",)) -> Client:
    _, token = do_create_api_client(
        None, name=f"宁波银行{region[:6]}", scopes=list(scopes), region_code=region
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def march_file(approved_march: Any, approver_haishu: Any) -> Any:
    return do_export_bank_file(approver_haishu, approved_march)


def test_the_bank_lists_its_countys_files_with_month_and_total(march_file: Any) -> None:
    response = _bank().get("/api/v1/payments/bank/files")
    assert response.status_code == 200
    [listed] = response.json()
    assert (listed["id"], listed["county"], listed["month"], listed["line_count"]) == (
        march_file.pk,
        "330203",
        "2020-03-01",
        2,
    )
    assert listed["total_yuan"] == "2075.00" and listed["roll_status"] == "exported"


def test_a_bank_of_another_county_sees_no_files_and_cannot_download(march_file: Any) -> None:
    yinzhou = _bank("330212000000")
    assert yinzhou.get("/api/v1/payments/bank/files").json() == []
    response = yinzhou.get(f"/api/v1/payments/bank/files/{march_file.pk}/download")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_bank_downloads_the_file_with_full_accounts_and_the_download_is_audited(
    march_file: Any,
) -> None:
    response = _bank().get(f"/api/v1/payments/bank/files/{march_file.pk}/download")
    assert response.status_code == 200
    assert f"B{march_file.pk}-1,6222021234567890,李建国,750.00,C" in response.content.decode()
    event = (
        AuditEvent.objects.filter(object_type="bank_file", action="export").order_by("pk").last()
    )
    assert event is not None and event.actor_name == "接口客户端：宁波银行330203"


def test_the_bank_uploads_a_return_and_bad_rows_come_back_by_row(march_file: Any) -> None:
    ref = f"B{march_file.pk}-"
    upload = SimpleUploadedFile(
        "回盘.csv", f"流水号,结果\n{ref}1,0000\n{ref}2,E101,账号错误\n{ref}7,0000\n".encode()
    )
    response = _bank().post(
        f"/api/v1/payments/bank/files/{march_file.pk}/returns", {"file": upload}
    )
    assert response.status_code == 200
    assert response.json() == {
        "recorded": 2,
        "errors": [{"row": 4, "reason": f"流水号 {ref}7 不属于该银行文件"}],
    }


def test_a_return_in_an_unreadable_encoding_gets_the_error_shape(march_file: Any) -> None:
    upload = SimpleUploadedFile("回盘.csv", b"\xff\xfe\x00\xd8bad")
    march_file.template.encoding = "ascii"
    march_file.template.save(update_fields=["encoding"])
    response = _bank().post(
        f"/api/v1/payments/bank/files/{march_file.pk}/returns", {"file": upload}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_encoding" and "编码" in response.json()["message"]


def test_a_token_without_the_bank_scope_is_refused(march_file: Any) -> None:
    response = _bank(scopes=("registry:read",)).get("/api/v1/payments/bank/files")
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "该客户端未获授权：payments:bank",
    }


def test_staff_read_a_rolls_status_and_a_files_reconciliation(
    march_file: Any, approved_march: Any, approver_haishu: Any
) -> None:
    client = Client()
    assert client.login(username=approver_haishu.username, password=PASSWORD)
    roll = client.get(f"/api/v1/payments/rolls/{approved_march.pk}").json()
    assert (roll["status"], roll["status_label"], roll["line_count"], roll["total_yuan"]) == (
        "exported",
        "已生成银行文件",
        2,
        "2075.00",
    )
    assert roll["bank_files"] == [march_file.pk]
    totals = client.get(f"/api/v1/payments/bank-files/{march_file.pk}/reconciliation").json()
    assert (totals["issued_yuan"], totals["pending_yuan"], totals["pending_count"]) == (
        "2075.00",
        "2075.00",
        2,
    )
    assert totals["balanced"] is True


def test_staff_of_another_county_do_not_see_the_roll(
    approved_march: Any, approver_yinzhou: Any
) -> None:
    client = Client()
    assert client.login(username=approver_yinzhou.username, password=PASSWORD)
    response = client.get(f"/api/v1/payments/rolls/{approved_march.pk}")
    assert response.status_code == 404
