"""Feeds in: every row checked, bad rows reported with row, column and reason, nothing lost,
a re-delivered file adds nothing, CSV in three encodings and Parquet, by CLI and by the API."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.test import Client

from minzheng.api.actions import do_create_api_client
from minzheng.core.errors import ValidationFailed
from minzheng.verification.actions import do_load_feed
from minzheng.verification.models import FeedBatch, FeedRecord

pytestmark = pytest.mark.django_db

LI = "330203195001011238"
WANG = "330203195203152346"
POLICE = (
    "id_number,event,event_date\n"
    f"{LI},death,2020-07-10\n"
    "330203195001011239,death,2020-07-10\n"  # wrong check digit
    f"{WANG},abducted,2020-07-01\n"
    f"{WANG},hukou_out,2020-02-30\n"
    f"{WANG},imprisonment,2020-08-01\n"
)


def test_bad_rows_are_reported_and_the_good_ones_kept() -> None:
    batch = do_load_feed(None, "police", POLICE.encode(), filename="police.csv")
    assert (batch.rows_total, batch.rows_accepted, batch.rows_rejected) == (5, 2, 3)
    assert [(e["row"], e["column"]) for e in batch.errors] == [
        (2, "id_number"),
        (3, "event"),
        (4, "event_date"),
    ]
    assert "校验码" in batch.errors[0]["reason"]
    assert "abducted" in batch.errors[1]["reason"]
    assert "日期不存在" in batch.errors[2]["reason"]
    kinds = sorted(FeedRecord.objects.values_list("kind", flat=True))
    assert kinds == ["death", "imprisonment"]
    record = FeedRecord.objects.get(kind="death")
    assert record.id_number_masked == "330203********1238"
    assert LI not in record.id_number_cipher and LI not in json.dumps(record.data)


def test_a_redelivered_file_adds_nothing_even_in_another_encoding() -> None:
    first = do_load_feed(None, "police", POLICE.encode(), filename="police.csv")
    again = do_load_feed(None, "police", POLICE.encode(), filename="police.csv")
    gbk = do_load_feed(None, "police", POLICE.encode("gb18030"), filename="police-gbk.csv")
    bom = do_load_feed(None, "police", POLICE.encode("utf-8-sig"), filename="police-bom.csv")
    assert FeedRecord.objects.count() == 2
    assert again.redelivery_of == first
    assert (again.rows_accepted, again.rows_known) == (0, 2)
    assert (gbk.rows_accepted, gbk.rows_known, bom.rows_accepted) == (0, 2, 0)


def test_gb18030_text_and_amounts_are_read() -> None:
    text = (
        "id_number,property_id,use,area_m2,acquired_on,disposed_on\n"
        f"{LI},浙（2019）宁波市不动产权第0001号,residential,88.50,2019-05-01,\n"
        f"{LI},P2,commercial,12.345,2019-05-01,\n"
        f"{LI},P3,office,20,2019-05-01,2018-01-01\n"
    )
    batch = do_load_feed(None, "estate", text.encode("gb18030"), filename="estate.csv")
    assert batch.rows_accepted == 1
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "area_m2"), (3, "disposed_on")]
    record = FeedRecord.objects.get()
    assert (record.ref, str(record.amount)) == ("浙（2019）宁波市不动产权第0001号", "88.50")


def test_parquet_with_the_same_columns_is_accepted() -> None:
    table = pa.table(
        {
            "id_number": [LI, WANG],
            "month": ["2020-09", "2020-09"],
            "kind": ["wage", "pension"],
            "amount": ["3200.00", "1850.5"],
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    batch = do_load_feed(None, "hrss", buffer.getvalue(), filename="hrss.parquet")
    assert (batch.rows_accepted, batch.rows_rejected) == (2, 0)
    assert sorted(str(a) for a in FeedRecord.objects.values_list("amount", flat=True)) == [
        "1850.50",
        "3200.00",
    ]


def test_a_file_without_the_columns_is_refused_and_nothing_is_stored() -> None:
    with pytest.raises(ValidationFailed, match="缺少列：event_date"):
        do_load_feed(None, "police", b"id_number,event\n", filename="x.csv")
    with pytest.raises(ValidationFailed, match="未知的数据来源"):
        do_load_feed(None, "weather", b"a\n", filename="x.csv")
    assert FeedBatch.objects.count() == 0


def test_medical_payments_must_add_up_to_the_total() -> None:
    text = (
        "id_number,settled_on,visit_kind,total_cost,insurance_paid,critical_illness_paid,"
        "assistance_paid,self_paid\n"
        f"{LI},2020-08-01,inpatient,10000.00,6000.00,1000.00,500.00,2500.00\n"
        f"{LI},2020-08-02,inpatient,10000.00,6000.00,1000.00,500.00,2000.00\n"
    )
    batch = do_load_feed(None, "medical", text.encode(), filename="medical.csv")
    assert batch.rows_accepted == 1
    assert batch.errors == [
        {"row": 2, "column": "self_paid", "reason": "各项支付合计9500.00元不等于总费用10000.00元"}
    ]


def test_the_cli_loads_a_file_and_reports_bad_rows_on_stderr(tmp_path: Path) -> None:
    from minzheng.cli import main

    path = tmp_path / "police.csv"
    path.write_bytes(POLICE.encode("gb18030"))
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert main(["feeds", "load", "--source", "police", str(path)]) == 0
    summary = json.loads(out.getvalue())
    assert (summary["accepted"], summary["rejected"]) == (2, 3)
    assert len(err.getvalue().splitlines()) == 3
    err = io.StringIO()
    with redirect_stderr(err):
        assert main(["feeds", "load", "--source", "weather", str(path)]) == 2
        assert main(["feeds", "load", "--source", "police", str(tmp_path / "none.csv")]) == 2
    assert "未知的数据来源" in err.getvalue() and "无法读取文件" in err.getvalue()


def test_a_department_pushes_a_feed_through_the_api(regions: Any) -> None:
    _, token = do_create_api_client(
        None, name="市公安局", scopes=["verification:feed"], region_code="330200000000"
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post("/api/v1/feeds/police", data=POLICE.encode(), content_type="text/csv")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["rows"], body["accepted"], body["rejected"]) == (5, 2, 3)
    assert body["errors"][0] == {
        "row": 2,
        "column": "id_number",
        "reason": body["errors"][0]["reason"],
    }
    assert FeedBatch.objects.get().client_name == "市公安局"

    again = client.post("/api/v1/feeds/police", data=POLICE.encode(), content_type="text/csv")
    assert again.json()["accepted"] == 0

    bad = client.post("/api/v1/feeds/weather", data=b"x", content_type="text/csv")
    assert bad.status_code == 400 and bad.json()["code"] == "unknown_source"


def test_a_client_without_the_feed_scope_is_refused(regions: Any) -> None:
    _, token = do_create_api_client(
        None, name="某银行", scopes=["payments:bank"], region_code="330200000000"
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post("/api/v1/feeds/police", data=POLICE.encode(), content_type="text/csv")
    assert response.status_code == 403
    assert FeedRecord.objects.count() == 0
