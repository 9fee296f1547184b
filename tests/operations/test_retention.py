"""Retention: old closed cases, audit events and feed batches are archived and leave the live tables;
the audit trail stays verifiable through the hash-chained archive and its seal."""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.test import Client

from minzheng.applications.models import Application, StepRecord
from minzheng.assistance.actions import do_enrol, do_load_parameter_catalog
from minzheng.cli import main
from minzheng.core import audit
from minzheng.core.models import AuditEvent, AuditSeal
from minzheng.core.yearmonth import YearMonth
from minzheng.jobs.actions import run_system_job
from minzheng.jobs.schedules import ensure_defaults
from minzheng.operations.models import RetentionRun
from minzheng.operations.retention import AUDIT, do_archive, plan, verify_archive, verify_seals
from minzheng.verification.models import Evidence, FeedBatch, FeedRecord, HouseholdCheck
from tests.conftest import PASSWORD

SH = ZoneInfo("Asia/Shanghai")
FUHU = "330203001001"
TODAY = date(2026, 12, 2)


def _application(household: Any, step: str, decided: date) -> Application:
    app = Application.objects.create(
        household=household,
        applicant=household.head,
        region_id=FUHU,
        programmes=["dibao"],
        declared_income=Decimal("500.00"),
        channel="window",
        step=step,
        step_started_on=decided,
        submitted_on=decided.replace(day=1),
        decided_on=decided,
    )
    StepRecord.objects.create(application=app, step="submitted", started_on=app.submitted_on)
    return app


def _check_of(app: Application) -> HouseholdCheck:
    check = HouseholdCheck.objects.create(
        household=app.household, region_id=FUHU, application_id=app.pk, as_of=app.decided_on,
        members=3, monthly_income=Decimal("900.00"), per_capita_income=Decimal("300.00"),
        money_assets=Decimal("0.00"), passed=False, findings=["测试"],
    )  # fmt: skip
    Evidence.objects.create(
        check_run=check, source="hrss", item="工资", value="2400.00", rule="测试", finding=True
    )
    return check


def _batch(received: datetime, name: str, n: int) -> FeedBatch:
    batch = FeedBatch.objects.create(
        source="police", filename=name, checksum="0" * 64, received_at=received, rows_total=n
    )
    for i in range(n):
        FeedRecord.objects.create(
            batch=batch, source="police", row_key=f"{name}-{i}", id_number_index=f"i{i}",
            id_number_cipher="v1:sealed", id_number_masked="330203********1238", kind="death",
        )  # fmt: skip
    return batch


@pytest.fixture
def old_and_young(household_li_three_members: Any, tmp_path: Path) -> dict[str, Any]:
    household = household_li_three_members
    with time_machine.travel(datetime(2020, 3, 1, 9, tzinfo=SH), tick=False):
        for n in range(5):
            audit.record(None, AuditEvent.Action.UPDATE, "test", n, summary=f"旧事件{n}")
    do_load_parameter_catalog(None)
    refused = _application(household, "refused", date(2020, 6, 10))
    _check_of(refused)
    approved_paying = _application(household, "approved", date(2020, 7, 10))
    do_enrol(
        None,
        household=household,
        programme="dibao",
        start=YearMonth(2020, 8),
        amount=Decimal("600.00"),
        application_id=approved_paying.pk,
    )
    young = _application(household, "refused", date(2025, 6, 10))
    old_batch = _batch(datetime(2023, 1, 5, 10, tzinfo=SH), "police-2023-01.csv", 3)
    young_batch = _batch(datetime(2026, 6, 5, 10, tzinfo=SH), "police-2026-06.csv", 2)
    return {
        "refused": refused,
        "paying": approved_paying,
        "young": young,
        "old_batch": old_batch,
        "young_batch": young_batch,
        "root": tmp_path / "archive",
    }


def test_the_plan_names_what_is_past_its_period(old_and_young: Any) -> None:
    p = plan(TODAY)
    assert p.cutoffs.case_before == date(2021, 12, 2)  # 5 years (illustrative)
    assert p.cutoffs.feed_before.date() == date(2024, 12, 2)  # 24 months
    assert p.case_ids == [old_and_young["refused"].pk]
    assert p.cases_kept == 1  # approved in 2020, its 低保 still paying
    assert p.feed_batch_ids == [old_and_young["old_batch"].pk]
    assert p.audit_first is not None and p.audit_through is not None
    assert p.audit_through - p.audit_first == 4  # the five events of 2020
    assert RetentionRun.objects.count() == 0  # a plan changes nothing


def test_a_run_archives_removes_and_keeps_the_chain_verifiable(old_and_young: Any) -> None:
    refused, root = old_and_young["refused"], old_and_young["root"]
    live_before = AuditEvent.objects.count()
    run = do_archive(None, TODAY, root=root)
    folder = Path(run.folder)

    assert run.counts == {
        "cases": 1, "case_rows": 4, "cases_kept": 1, "feed_batches": 1, "feed_records": 3,
        "feed_batches_kept": 0, "audit_events": 5,
    }  # fmt: skip
    assert not Application.objects.filter(pk=refused.pk).exists()
    assert not StepRecord.objects.filter(application_id=refused.pk).exists()
    assert Application.objects.filter(pk=old_and_young["paying"].pk).exists()
    assert Application.objects.filter(pk=old_and_young["young"].pk).exists()
    assert list(FeedBatch.objects.values_list("filename", flat=True)) == ["police-2026-06.csv"]
    assert FeedRecord.objects.count() == 2
    # five old events left, one (the run's own) came
    assert AuditEvent.objects.count() == live_before - 5 + 1
    event = AuditEvent.objects.get(object_type="retention_run")
    assert event.object_id == str(run.pk) and "审计事件 5 条" in event.summary

    seal = AuditSeal.objects.get()
    assert run.seal == seal and seal.events == 5
    assert AuditEvent.objects.filter(pk__lte=seal.through_id).count() == 0
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["audit"]["last_hash"] == seal.last_hash
    assert manifest["files"]["cases.jsonl.gz"]["rows"] == 4
    with gzip.open(folder / "cases.jsonl.gz", "rt", encoding="utf-8") as stream:
        models = sorted(json.loads(line)["model"] for line in stream)
    assert models == [
        "applications.application", "applications.steprecord",
        "verification.evidence", "verification.householdcheck",
    ]  # fmt: skip
    assert not HouseholdCheck.objects.filter(application_id=refused.pk).exists()
    with gzip.open(folder / AUDIT, "rt", encoding="utf-8") as stream:
        summaries = [json.loads(line)["event"]["summary"] for line in stream]
    assert summaries == [f"旧事件{n}" for n in range(5)]

    report = verify_archive(folder)
    assert report.ok, report.problems
    assert report.events == 5 and verify_seals() == []
    assert main(["retention", "verify", str(folder)]) == 0


def test_a_changed_archive_line_breaks_the_chain(old_and_young: Any) -> None:
    run = do_archive(None, TODAY, root=old_and_young["root"])
    path = Path(run.folder) / AUDIT
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        lines = stream.read().splitlines()
    item = json.loads(lines[2])
    item["event"]["summary"] = "篡改"
    lines[2] = json.dumps(item, ensure_ascii=False)
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.write("\n".join(lines) + "\n")
    assert any("校验和" in p for p in verify_archive(Path(run.folder)).problems)
    # even with the manifest's checksum forged to match, the chain gives it away
    manifest_path = Path(run.folder) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    import hashlib

    manifest["files"][AUDIT]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert verify_archive(Path(run.folder)).problems == ["审计归档第 3 行的哈希与链不符"]
    assert main(["retention", "verify", str(run.folder)]) == 2


def test_unsealed_events_and_seals_stay_immutable(old_and_young: Any) -> None:
    do_archive(None, TODAY, root=old_and_young["root"])
    young = AuditEvent.objects.order_by("pk").first()
    assert young is not None
    log, seals = "audit log is append-only", "audit seals are append-only"
    with (
        pytest.raises(DatabaseError, match=log),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [young.pk])
    with (
        pytest.raises(DatabaseError, match=seals),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditseal SET last_hash = 'x'")
    with (
        pytest.raises(DatabaseError, match=seals),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditseal")
    assert AuditEvent.objects.filter(pk=young.pk).exists()


def test_a_second_run_continues_the_chain_and_archives_nothing_twice(old_and_young: Any) -> None:
    first = do_archive(None, TODAY, root=old_and_young["root"])
    again = do_archive(None, TODAY, root=old_and_young["root"])
    assert again.counts["audit_events"] == 0 and again.counts["cases"] == 0
    assert again.seal is None
    # years on, the first run's own event and everything after it are old too
    later = do_archive(None, date(2030, 1, 1), root=old_and_young["root"])
    assert later.seal is not None and first.seal is not None
    assert later.seal.previous_hash == first.seal.last_hash
    assert verify_archive(Path(later.folder)).ok and verify_seals() == []


def test_a_failed_run_changes_nothing_and_leaves_no_folder(
    old_and_young: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from minzheng.operations import retention

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(retention.RetentionRun.objects, "create", broken)
    events = AuditEvent.objects.count()
    with pytest.raises(RuntimeError, match="磁盘已满"):
        do_archive(None, TODAY, root=old_and_young["root"])
    assert AuditEvent.objects.count() == events and AuditSeal.objects.count() == 0
    assert Application.objects.filter(pk=old_and_young["refused"].pk).exists()
    assert FeedBatch.objects.count() == 2
    assert not any(old_and_young["root"].iterdir())


def test_the_job_runs_it_and_the_schedule_page_lists_it(
    old_and_young: Any, sysadmin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MINZHENG_ARCHIVE_DIR", str(old_and_young["root"]))
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=SH), tick=False):
        job = run_system_job("retention", {"month": "2026-12"})
    assert job.status == "succeeded", job.error
    assert job.result["audit_events"] == 5 and job.result["cases"] == 1
    assert "审计事件 5 条" in job.result["summary"]
    ensure_defaults()
    client = Client()
    client.login(username=sysadmin.username, password=PASSWORD)
    page = client.get("/jobs/schedules/").content.decode()
    assert "数据归档" in page and "每月1日归档超过保留期限的数据" in page


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["retention", "purge"], "用法"),
        (["retention", "verify"], "用法"),
        (["retention", "run", "--as-of", "2026-13-01"], "应为 YYYY-MM-DD"),
    ],
)
def test_bad_cli_input_is_refused_in_chinese(
    argv: list[str], words: str, regions: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert words in capsys.readouterr().err
    assert RetentionRun.objects.count() == 0


def test_verify_of_a_folder_that_is_no_archive_exits_2(
    regions: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["retention", "verify", str(tmp_path)]) == 2
    assert "不是归档目录" in capsys.readouterr().err


def test_replayed_events_carry_their_dates_and_the_chain_stays_whole(old_and_young: Any) -> None:
    """Events written inside `clock.dated` (the history replay) carry the replayed day, even when
    written after younger events: the seal takes the id prefix before the first young event, so
    the chain (over ids) stays whole, and a later run seals the replayed ones in id order."""
    from minzheng.core import clock

    young = audit.record(None, AuditEvent.Action.UPDATE, "test", "young", summary="今天的事件")
    with clock.dated(date(2020, 5, 6)):
        replayed = audit.record(None, AuditEvent.Action.UPDATE, "test", "r", summary="回放事件")
    assert replayed.pk > young.pk
    assert replayed.at == datetime(2020, 5, 6, 10, tzinfo=SH)
    assert AuditEvent.objects.get(pk=replayed.pk).at == datetime(2020, 5, 6, 10, tzinfo=SH)
    assert young.at > replayed.at  # ids and times no longer in step

    run = do_archive(None, TODAY, root=old_and_young["root"])
    assert run.counts["audit_events"] == 5  # the 2020 prefix; the replayed event waits
    assert AuditEvent.objects.filter(pk=replayed.pk).exists()
    assert verify_archive(Path(run.folder)).ok and verify_seals() == []

    later = do_archive(None, date(2060, 1, 1), root=old_and_young["root"])
    assert not AuditEvent.objects.filter(pk__in=(young.pk, replayed.pk)).exists()
    with gzip.open(Path(later.folder) / AUDIT, "rt", encoding="utf-8") as stream:
        events = [json.loads(line)["event"] for line in stream]
    ids = [e["id"] for e in events]
    assert ids == sorted(ids) and replayed.pk in ids
    stamped = next(e for e in events if e["id"] == replayed.pk)["at"]
    assert datetime.fromisoformat(stamped) == datetime(2020, 5, 6, 10, tzinfo=SH)
    report = verify_archive(Path(later.folder))
    assert report.ok, report.problems
    assert verify_seals() == []
