"""A county roll for 1,000,000 enrolments: compute the roll and write its bank file; then re-run.

Sets up a fresh database (SQLite under a temporary MINZHENG_VAR_DIR unless DATABASE_URL is set),
inserts the people, households, enrolments, amounts and encrypted bank accounts set-based, then
runs the roll and the bank file in a child process so its peak memory is its own.
Prints JSON lines. Run: .venv/bin/python benchmarks/payments_roll.py [enrolments] [--reuse DIR] [--quick]
(--quick: 2,000 enrolments)
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

try:
    import minzheng  # noqa: F401
except ModuleNotFoundError:  # run from a checkout without an editable install
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

COUNTY = "330203"
MONTH = "2020-03"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")
    import django

    django.setup()


def _insert_generated(table: str, n: int, columns: dict[str, str], params: list[object]) -> None:
    """INSERT INTO table (cols) SELECT exprs FROM a generated sequence 1..n — one statement."""
    from django.db import connection

    cols = ", ".join(columns)
    exprs = ", ".join(columns.values())
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {n}) "
            f"INSERT INTO {table} ({cols}) SELECT {exprs} FROM seq "
            "JOIN bench_village v ON v.k = seq.i %% (SELECT COUNT(*) FROM bench_village)",
            params,
        )


def setup(n: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.core.crypto import keyring
    from minzheng.payments.actions import mask_account
    from minzheng.regions.loader import load_divisions

    call_command("migrate", interactive=False, verbosity=0)
    load_divisions()
    do_load_parameter_catalog(None)  # the roll reads its parameters from the database
    now = datetime.now(UTC)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_village (k integer PRIMARY KEY, code varchar(12))")
        cursor.execute(
            "INSERT INTO bench_village (k, code) SELECT ROW_NUMBER() OVER (ORDER BY code) - 1, code"
            " FROM regions_region WHERE level = 'village' AND code LIKE %s",
            [f"{COUNTY}%"],
        )
        _insert_generated(
            "registry_person",
            n,
            {
                "id": "seq.i",
                "name": "'对象' || CAST(seq.i AS TEXT)",
                "id_number_cipher": "''",
                "id_number_masked": "''",
                "sex": "''",
                "phone_cipher": "''",
                "phone_index": "''",
                "phone_masked": "''",
                "region_id": "v.code",
                "hukou_type": "''",
                "address": "''",
                "disability_category": "''",
                "serious_illnesses": "'[]'",
                "labour_capacity": "''",
                "created_at": "%s",
                "updated_at": "%s",
            },
            [now, now],
        )
        _insert_generated(
            "registry_household",
            n,
            {
                "id": "seq.i",
                "region_id": "v.code",
                "address": "''",
                "head_id": "seq.i",
                "revision": "0",
                "created_at": "%s",
                "updated_at": "%s",
            },
            [now, now],
        )
        # Every tenth is an individual 特困 enrolment; the rest household 低保.
        _insert_generated(
            "assistance_enrolment",
            n,
            {
                "id": "seq.i",
                "household_id": "seq.i",
                "person_id": "CASE WHEN seq.i %% 10 = 0 THEN seq.i ELSE NULL END",
                "programme": "CASE WHEN seq.i %% 10 = 0 THEN 'tekun' ELSE 'dibao' END",
                "region_id": "v.code",
                "status": "'active'",
                "start_month": "%s",
                "care_level": "''",
                "persons": "1",  # one person a household here
                "decision": "'{}'",
                "created_at": "%s",
                "updated_at": "%s",
            },
            [connection.ops.adapt_datefield_value(date(2020, 1, 1)), now, now],
        )
        _insert_generated(
            "assistance_enrolmentamount",
            n,
            {
                "id": "seq.i",
                "enrolment_id": "seq.i",
                "effective_month": "%s",
                "amount": "300 + (seq.i %% 700) + 0.5",
                "components": "'{}'",
                "reason": "'审批纳入'",
                "created_at": "%s",
            },
            [connection.ops.adapt_datefield_value(date(2020, 1, 1)), now],
        )
        cursor.execute("DROP TABLE bench_village")
    ring = keyring()
    batch = 50_000
    for start in range(1, n + 1, batch):
        rows = []
        for i in range(start, min(start + batch, n + 1)):
            number = f"6222{i:015d}"
            rows.append(
                (
                    i,
                    f"对象{i}",
                    "宁波银行",
                    ring.encrypt(number),
                    ring.blind_index("bank_account", number),
                    mask_account(number),
                    True,
                    now,
                )
            )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO payments_bankaccount (person_id, holder_name, holder_relation,"
                " bank_name, number_cipher, number_index, number_masked, active, created_at)"
                " VALUES (%s, %s, '', %s, %s, %s, %s, %s, %s)",
                rows,
            )


def roll_phase() -> None:
    from minzheng.core.yearmonth import YearMonth
    from minzheng.payments.actions import do_export_bank_file
    from minzheng.payments.jobs import run_roll
    from minzheng.payments.models import Roll

    started = time.perf_counter()
    result = run_roll(COUNTY, YearMonth.parse(MONTH))
    roll_seconds = time.perf_counter() - started
    Roll.objects.filter(pk=result.roll.pk).update(status=Roll.Status.APPROVED)  # checker stand-in
    started = time.perf_counter()
    bank_file = do_export_bank_file(None, result.roll)
    file_seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "lines": result.inserted,
                "bank_lines": bank_file.line_count,
                "roll_seconds": round(roll_seconds, 2),
                "bank_file_seconds": round(file_seconds, 2),
                "peak_rss_mb": round(peak_kb / 1024, 1),
                "bank_file_mb": round(Path(bank_file.path).stat().st_size / 2**20, 1),
            }
        )
    )


def rerun_phase() -> None:
    from minzheng.core.yearmonth import YearMonth
    from minzheng.payments.jobs import run_roll

    started = time.perf_counter()
    result = run_roll(COUNTY, YearMonth.parse(MONTH))
    print(
        json.dumps(
            {
                "inserted": result.inserted,
                "seconds": round(time.perf_counter() - started, 2),
            }
        )
    )


def main(n: int, reuse: Path | None = None) -> None:
    """`reuse`: a folder that keeps the seeded SQLite database and its keys between runs; each
    run starts from a copy of the seeded file, so the 8-minute setup is paid once."""
    if reuse is not None:
        reuse.mkdir(parents=True, exist_ok=True)
        os.environ["MINZHENG_VAR_DIR"] = str(reuse / "run")
        (reuse / "run").mkdir(exist_ok=True)
        keys = reuse / f"keys-{n}.json"
        if not keys.exists():
            from minzheng.core.crypto import Keyring

            keys.write_text(Keyring.generate().to_json())
        os.environ["MINZHENG_KEYS"] = keys.read_text()
    if "MINZHENG_VAR_DIR" not in os.environ:
        os.environ["MINZHENG_VAR_DIR"] = tempfile.mkdtemp(prefix="minzheng-bench-")
    if "MINZHENG_KEYS" not in os.environ:
        from minzheng.core.crypto import Keyring

        os.environ["MINZHENG_KEYS"] = Keyring.generate().to_json()
    seeded = None if reuse is None else reuse / f"seeded-{n}.sqlite3"
    database = Path(os.environ["MINZHENG_VAR_DIR"]) / "minzheng.sqlite3"
    started = time.perf_counter()
    if seeded is not None and seeded.exists() and "DATABASE_URL" not in os.environ:
        shutil.copyfile(seeded, database)
        _django()
    else:
        _django()
        setup(n)
    setup_seconds = time.perf_counter() - started
    from django.db import connection

    connection.close()
    if seeded is not None and not seeded.exists() and "DATABASE_URL" not in os.environ:
        shutil.copyfile(database, seeded)

    def child(phase: str) -> dict[str, object]:
        out = subprocess.run(
            [sys.executable, __file__, "--phase", phase],
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            raise SystemExit(f"payments_roll: the {phase} phase failed")
        figures: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
        return figures

    first = child("roll")
    total = float(first["roll_seconds"]) + float(first["bank_file_seconds"])  # type: ignore[arg-type]
    print(
        json.dumps(
            {
                "benchmark": "payments_roll",
                "database": connection.vendor,
                "enrolments": n,
                "setup_seconds": round(setup_seconds, 1),
                **first,
                "roll_and_bank_file_seconds": round(total, 2),
                "under_60s": total < 60,
                "under_2gb": float(first["peak_rss_mb"]) < 2048,  # type: ignore[arg-type]
            }
        ),
        flush=True,
    )
    again = child("rerun")
    print(json.dumps({"benchmark": "payments_roll_rerun", "enrolments": n, **again}), flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--phase":
        _django()
        {"roll": roll_phase, "rerun": rerun_phase}[sys.argv[2]]()
    else:
        args = sys.argv[1:]
        quick = "--quick" in args
        args = [arg for arg in args if arg != "--quick"]
        reuse_dir = None
        if "--reuse" in args:
            at = args.index("--reuse")
            reuse_dir = Path(args[at + 1])
            del args[at : at + 2]
        main(int(args[0]) if args else (2_000 if quick else 1_000_000), reuse_dir)
