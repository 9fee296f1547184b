"""Importing 10,000 template rows as a township caseworker, then the same sheet again (SQLite).

    .venv/bin/python benchmarks/registry_import.py [--quick] [--rows N]

The rows are synthetic households (registry.seed.generate) placed in the villages of 南门街道.
Prints one JSON line: rows per second for the first import, and the re-import's time and writes.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

TOWNSHIP = "330203001000"  # 南门街道, 海曙区


def sheet(rows: int) -> bytes:
    from openpyxl import Workbook

    from minzheng.core.divisions import divisions
    from minzheng.registry.models import DisabilityCategory, HukouType, Relationship
    from minzheng.registry.seed import generate
    from minzheng.registry.template import HEADERS

    data = generate(rows, seed=99)
    villages = [d.code for d in divisions() if d.parent_code == TOWNSHIP]
    relation = dict(Relationship.choices)
    category = dict(DisabilityCategory.choices)
    hukou = dict(HukouType.choices)
    book = Workbook(write_only=True)
    out = book.create_sheet()
    out.append(list(HEADERS))
    for i in range(data.persons):
        h = int(data.household[i])
        grade = int(data.disability_grade[i])
        out.append(
            [
                str(h + 1),
                relation[str(data.relationship[i])],
                str(data.name[i]),
                str(data.id_number[i]),
                str(data.phone[i]),
                villages[h % len(villages)],
                f"南门街道{h + 1}号",
                hukou[str(data.hukou_type[i])],
                category.get(str(data.disability_category[i]), ""),
                str(grade) if grade else "",
                "",
                str(data.illness[i]),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rows", type=int)
    args = parser.parse_args()
    rows = args.rows or (1_000 if args.quick else 10_000)
    with tempfile.TemporaryDirectory(prefix="minzheng-import-") as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'import.sqlite3'}"
        os.environ["MINZHENG_VAR_DIR"] = tmp
        os.environ["DJANGO_SETTINGS_MODULE"] = "minzheng.settings"
        import django

        django.setup()
        from django.core.management import call_command

        from minzheng.core.crypto import Keyring

        os.environ.setdefault("MINZHENG_KEYS", Keyring.generate().to_json())
        from minzheng.accounts.actions import do_create_user
        from minzheng.core.models import AuditEvent
        from minzheng.regions.loader import load_divisions
        from minzheng.registry.imports import import_households
        from minzheng.registry.models import Person

        call_command("migrate", interactive=False, verbosity=0)
        load_divisions()
        user = do_create_user(
            None,
            username="bench_caseworker",
            password="Bench#2026-import",
            role="township_caseworker",
            region_code=TOWNSHIP,
        )
        content = sheet(rows)
        started = time.perf_counter()
        first = import_households(user, io.BytesIO(content))
        first_seconds = time.perf_counter() - started
        events = AuditEvent.objects.count()
        started = time.perf_counter()
        second = import_households(user, io.BytesIO(content))
        second_seconds = time.perf_counter() - started
        print(
            json.dumps(
                {
                    "benchmark": "registry_import",
                    "database": "sqlite",
                    "rows": rows,
                    "rows_imported": first.rows_imported,
                    "rows_rejected": first.summary()["rows_rejected"],
                    "seconds": round(first_seconds, 2),
                    "rows_per_second": round(rows / first_seconds),
                    "reimport_seconds": round(second_seconds, 2),
                    "reimport_writes": second.persons_created + second.persons_updated,
                    "reimport_new_audit_events": AuditEvent.objects.count() - events,
                    "persons": Person.objects.count(),
                }
            ),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
