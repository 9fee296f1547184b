"""Retention (数据保留与归档): closed cases, audit events and feed batches older than their dated
periods are written to an archive folder and removed from the live tables, in one transaction.

The archive folder (`MINZHENG_ARCHIVE_DIR`, default `var/archive`, one folder per run) holds
- `cases.jsonl.gz`: every row of each closed application and of what hangs on it (programme lines,
  step history, visits, photos, objections, its 核对 results and their evidence), one
  `{"model", "pk", "fields"}` object a line;
- `audit_events.jsonl.gz`: the archived prefix of the audit trail in id order, one
  `{"hash", "event"}` a line, hash chained (`core.auditchain`) from the previous seal's last hash;
- `feeds.jsonl.gz`: the feed batches and their records, the ID numbers still sealed;
- `manifest.json`: format, when, the periods and cut-offs with their parameter versions, each
  file's SHA-256, size and line count, and the audit segment (first and last id, count, previous
  and last hash).

The audit segment is a prefix: every event up to `through_id` is archived, the seal
(`core.AuditSeal`) records the last hash, and only then does the database let those rows go.
`verify_archive` recomputes the checksums and the chain and compares them with the seal.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Max, Min, Model, Q
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone

from minzheng.core import audit, auditchain
from minzheng.core.errors import DomainError
from minzheng.core.models import AuditEvent, AuditSeal
from minzheng.core.yearmonth import YearMonth
from minzheng.operations.models import RetentionRun
from minzheng.operations.parameter_catalog import (
    AUDIT_EVENT_YEARS,
    CLOSED_CASE_YEARS,
    FEED_BATCH_MONTHS,
    NINGBO,
)

FORMAT = "minzheng-retention/1"
MANIFEST = "manifest.json"
CASES = "cases.jsonl.gz"
AUDIT = "audit_events.jsonl.gz"
FEEDS = "feeds.jsonl.gz"
CLOSED_STEPS = ("approved", "refused")

Progress = Callable[[int, int, str], None]


class RetentionError(DomainError):
    code = "retention_error"


@dataclass(frozen=True)
class Cutoffs:
    """Rows older than these leave the live tables. Dates in the bureau's time zone."""

    as_of: date
    case_before: date  # decision date (and end of any enrolment it made) before this
    audit_before: datetime
    feed_before: datetime
    versions: tuple[str, ...]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day))


def cutoffs(as_of: date) -> Cutoffs:
    from minzheng.assistance.queries import parameter_set

    params = parameter_set(NINGBO, as_of)
    case_years, p1 = params.integer(CLOSED_CASE_YEARS)
    audit_years, p2 = params.integer(AUDIT_EVENT_YEARS)
    feed_months, p3 = params.integer(FEED_BATCH_MONTHS)
    feed_month = YearMonth(as_of.year, as_of.month) - feed_months
    feed_day = feed_month.first_day().replace(
        day=min(as_of.day, ((feed_month + 1).first_day() - timedelta(days=1)).day)
    )
    return Cutoffs(
        as_of=as_of,
        case_before=_years_before(as_of, case_years),
        audit_before=_midnight(_years_before(as_of, audit_years)),
        feed_before=_midnight(feed_day),
        versions=(p1.version_id, p2.version_id, p3.version_id),
    )


@dataclass
class Plan:
    cutoffs: Cutoffs
    case_ids: list[int] = field(default_factory=list)
    cases_kept: int = 0  # old enough but still referenced (an enrolment it made still pays …)
    audit_first: int | None = None
    audit_through: int | None = None
    feed_batch_ids: list[int] = field(default_factory=list)
    feed_batches_kept: int = 0


def plan(as_of: date) -> Plan:
    """What a run on `as_of` would archive (the dry run shows it; nothing changes)."""
    from minzheng.applications.models import Application
    from minzheng.assistance.models import Enrolment
    from minzheng.verification.models import FeedBatch

    c = cutoffs(as_of)
    result = Plan(c)
    old = Application.objects.filter(step__in=CLOSED_STEPS, decided_on__lt=c.case_before)
    still_paying = Enrolment.objects.filter(source_application_id__isnull=False).filter(
        Q(end_month__isnull=True) | Q(end_month__gte=c.case_before)
    )
    busy = set(still_paying.values_list("source_application_id", flat=True))
    for pk in old.order_by("pk").values_list("pk", flat=True):
        if pk in busy:
            result.cases_kept += 1
        else:
            result.case_ids.append(pk)

    sealed = AuditSeal.objects.aggregate(m=Max("through_id"))["m"] or 0
    live = AuditEvent.objects.filter(pk__gt=sealed)
    first_young = live.filter(at__gte=c.audit_before).aggregate(m=Min("pk"))["m"]
    prefix = live if first_young is None else live.filter(pk__lt=first_young)
    bounds = prefix.filter(at__lt=c.audit_before).aggregate(lo=Min("pk"), hi=Max("pk"))
    result.audit_first, result.audit_through = bounds["lo"], bounds["hi"]

    old_batches = set(
        FeedBatch.objects.filter(received_at__lt=c.feed_before).values_list("pk", flat=True)
    )
    # a batch a younger one names as the delivery it repeats stays, so provenance stays whole
    named = set(
        FeedBatch.objects.exclude(pk__in=old_batches)
        .filter(redelivery_of__isnull=False)
        .values_list("redelivery_of_id", flat=True)
    )
    result.feed_batch_ids = sorted(old_batches - named)
    result.feed_batches_kept = len(old_batches & named)
    return result


class _Writer:
    """A gzip JSON-lines file with its SHA-256 (of the compressed bytes) and line count."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines = 0
        self._raw: IO[bytes] = path.open("wb")
        self._gz = gzip.GzipFile(fileobj=self._raw, mode="wb", mtime=0)

    def write(self, obj: Any) -> None:
        text = json.dumps(obj, ensure_ascii=False, sort_keys=True, cls=DjangoJSONEncoder)
        self._gz.write(text.encode() + b"\n")
        self.lines += 1

    def close(self) -> dict[str, Any]:
        self._gz.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        return {"sha256": _sha256(self.path), "bytes": self.path.stat().st_size, "rows": self.lines}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _rows(objects: list[Model]) -> Iterator[dict[str, Any]]:
    for row in serializers.serialize("python", objects):
        yield {"model": row["model"], "pk": row["pk"], "fields": row["fields"]}


def _archive_root() -> Path:
    return Path(os.environ.get("MINZHENG_ARCHIVE_DIR") or settings.VAR_DIR / "archive")


def do_archive(
    actor: Any,
    as_of: date,
    *,
    root: Path | None = None,
    progress: Progress | None = None,
) -> RetentionRun:
    """Archive and remove what `plan(as_of)` finds, in one transaction; audited.

    The files are written and synced inside the transaction; if anything fails the transaction
    rolls back and the folder is removed, so the live tables and the archives never disagree.
    """
    step = progress or (lambda done, total, message: None)
    root = root or _archive_root()
    stamp = timezone.now().astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = root / f"retention-{as_of:%Y%m%d}-{stamp}"
    try:
        folder.mkdir(parents=True, exist_ok=False)
    except OSError as exc:
        raise RetentionError(f"无法创建归档目录 {folder}：{exc.strerror or exc}") from exc
    try:
        with transaction.atomic():
            run = _archive_in(actor, as_of, folder, step)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return run


def _archive_in(actor: Any, as_of: date, folder: Path, step: Progress) -> RetentionRun:
    from minzheng.applications.models import Application
    from minzheng.verification.models import FeedBatch, FeedRecord, HouseholdCheck

    # one run at a time: the newest seal row (or the table) is the lock
    list(AuditSeal.objects.select_for_update().order_by("-through_id")[:1])
    p = plan(as_of)
    c = p.cutoffs
    total = len(p.case_ids) + len(p.feed_batch_ids) + 1
    done = 0

    cases = _Writer(folder / CASES)
    archived_cases: list[int] = []
    for pk in p.case_ids:
        app = Application.objects.select_for_update().filter(pk=pk).first()
        if app is None:
            continue
        collector = Collector(using=connection.alias)
        try:
            collector.collect([app])
            # the application's 核对 results (linked by number) go with it, evidence included
            collector.collect(list(HouseholdCheck.objects.filter(application_id=pk)))
        except (ProtectedError, RestrictedError):
            p.cases_kept += 1
            continue
        objects: list[Model] = [obj for group in collector.data.values() for obj in group]
        for qs in collector.fast_deletes:
            objects.extend(qs)
        for row in _rows(objects):
            cases.write(row)
        collector.delete()
        archived_cases.append(pk)
        done += 1
        step(done, total, f"办结案件 {done}/{len(p.case_ids)}")
    cases_file = cases.close()

    feeds = _Writer(folder / FEEDS)
    feed_records = 0
    for pk in p.feed_batch_ids:
        batch = FeedBatch.objects.select_for_update().get(pk=pk)
        for row in _rows([batch]):
            feeds.write(row)
        records = FeedRecord.objects.filter(batch=batch).order_by("pk")
        for chunk_start in range(0, records.count(), 2000):
            for row in _rows(list(records[chunk_start : chunk_start + 2000])):
                feeds.write(row)
                feed_records += 1
        records.delete()
        batch.delete()
        done += 1
        step(done, total, f"部门数据批次 {done - len(archived_cases)}/{len(p.feed_batch_ids)}")
    feeds_file = feeds.close()

    events = _Writer(folder / AUDIT)
    previous = AuditSeal.objects.order_by("-through_id").values_list("last_hash", flat=True).first()
    previous = previous or auditchain.GENESIS
    last_hash, count = previous, 0
    if p.audit_through is not None:
        rows = (
            AuditEvent.objects.filter(pk__gte=p.audit_first, pk__lte=p.audit_through)
            .order_by("pk")
            .values(*auditchain.FIELDS)
        )
        for event in rows.iterator(chunk_size=2000):
            line = auditchain.canonical(event)
            last_hash = auditchain.link(last_hash, line)
            events.write({"hash": last_hash, "event": json.loads(line)})
            count += 1
    events_file = events.close()
    seal = None
    if count and p.audit_first is not None and p.audit_through is not None:
        seal = AuditSeal.objects.create(
            through_id=p.audit_through,
            first_id=p.audit_first,
            events=count,
            previous_hash=previous,
            last_hash=last_hash,
            archive_name=f"{folder.name}/{AUDIT}",
            archive_sha256=events_file["sha256"],
        )
        with connection.cursor() as cursor:  # the seal now lets the database drop the prefix
            cursor.execute(
                "DELETE FROM core_auditevent WHERE id >= %s AND id <= %s",
                [p.audit_first, p.audit_through],
            )

    counts = {
        "cases": len(archived_cases),
        "case_rows": cases_file["rows"],
        "cases_kept": p.cases_kept,
        "feed_batches": len(p.feed_batch_ids),
        "feed_records": feed_records,
        "feed_batches_kept": p.feed_batches_kept,
        "audit_events": count,
    }
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().astimezone(UTC).isoformat(),
        "database": connection.vendor,
        "as_of": as_of.isoformat(),
        "cutoffs": _cutoff_json(c),
        "parameters": list(c.versions),
        "files": {CASES: cases_file, FEEDS: feeds_file, AUDIT: events_file},
        "audit": {
            "first_id": p.audit_first if count else None,
            "through_id": p.audit_through if count else None,
            "events": count,
            "previous_hash": previous,
            "last_hash": last_hash,
        },
        "counts": counts,
    }
    manifest_path = folder / MANIFEST
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    run = RetentionRun.objects.create(
        as_of=as_of,
        folder=str(folder),
        manifest_sha256=_sha256(manifest_path),
        cutoffs=_cutoff_json(c),
        parameters=list(c.versions),
        counts=counts,
        seal=seal,
        made_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor,
        AuditEvent.Action.DELETE,
        "retention_run",
        run.pk,
        summary=(
            f"数据归档：办结案件 {counts['cases']} 件、部门数据批次 {counts['feed_batches']} 批、"
            f"审计事件 {count} 条移出在线库"
        ),
        after={**counts, "folder": folder.name, "manifest_sha256": run.manifest_sha256},
    )
    step(total, total, "完成")
    return run


def _cutoff_json(c: Cutoffs) -> dict[str, str]:
    return {
        "case_before": c.case_before.isoformat(),
        "audit_before": c.audit_before.isoformat(),
        "feed_before": c.feed_before.isoformat(),
    }


@dataclass
class ArchiveReport:
    folder: Path
    problems: list[str] = field(default_factory=list)
    events: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_archive(folder: Path) -> ArchiveReport:
    """Checksums of every file, the audit chain recomputed, and the seal it must match."""
    report = ArchiveReport(folder)
    manifest_path = folder / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        report.problems.append(f"{folder} 不是归档目录：缺少或无法读取 {MANIFEST}")
        return report
    if manifest.get("format") != FORMAT:
        report.problems.append(f"归档格式 {manifest.get('format')} 不是 {FORMAT}")
        return report
    for name, expected in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file():
            report.problems.append(f"缺少文件 {name}")
        elif _sha256(path) != expected.get("sha256"):
            report.problems.append(f"{name} 的校验和与清单不符")
    if report.problems:
        return report
    segment = manifest["audit"]
    try:
        with gzip.open(folder / AUDIT, "rt", encoding="utf-8") as stream:
            last, count = segment["previous_hash"], 0
            for number, text in enumerate(stream, start=1):
                item = json.loads(text)
                last = auditchain.link(last, auditchain.canonical(item["event"]))
                if last != item["hash"]:
                    report.problems.append(f"审计归档第 {number} 行的哈希与链不符")
                    return report
                count += 1
    except (OSError, ValueError, KeyError, EOFError) as exc:
        report.problems.append(f"无法读取审计归档：{exc}")
        return report
    report.events = count
    if (last, count) != (segment["last_hash"], segment["events"]):
        report.problems.append("审计归档的末哈希或条数与清单不符")
    if count:
        seal = AuditSeal.objects.filter(through_id=segment["through_id"]).first()
        if seal is None:
            report.problems.append(f"数据库中没有归档至事件 {segment['through_id']} 的封存记录")
        elif (seal.last_hash, seal.events, seal.previous_hash) != (
            last,
            count,
            segment["previous_hash"],
        ):
            report.problems.append("归档与数据库中的封存记录不符")
    return report


def verify_seals() -> list[str]:
    """The seals follow one another: each starts from the last hash of the one before."""
    problems = []
    previous = auditchain.GENESIS
    for seal in AuditSeal.objects.order_by("through_id"):
        if seal.previous_hash != previous:
            problems.append(f"封存 ≤{seal.through_id} 未接续上一段的末哈希")
        previous = seal.last_hash
    first_live = AuditEvent.objects.aggregate(m=Min("pk"))["m"]
    last_sealed = AuditSeal.objects.aggregate(m=Max("through_id"))["m"]
    if first_live is not None and last_sealed is not None and first_live <= last_sealed:
        problems.append("在线审计日志中仍有已封存的事件")
    return problems
