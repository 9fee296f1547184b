"""A backup taken while another process keeps writing restores to a consistent snapshot: every
table's count equals the manifest, no transaction is half there, decrypted ID numbers are intact."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

import pytest
from django.db import connection

from minzheng.cli import main
from minzheng.core.idnumber import check_digit
from minzheng.operations.backup import MANIFEST
from tests.operations.test_backup_restore import READ_BACK, _run, empty_target  # noqa: F401

# Each round is one transaction: a household, its head (encrypted ID number) and the membership.
WRITER = """
import os, sys, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")
django.setup()
from datetime import date, timedelta
from django.db import OperationalError, transaction
from minzheng.core.idnumber import check_digit
from minzheng.registry.models import Household, Membership, Person, Relationship

def ident(n):
    born = date(1980, 1, 1) + timedelta(days=n // 1000)
    return f"330203{born:%Y%m%d}{n % 1000:03d}"

stop = sys.argv[1]
village = "330203001001"
written = 0
while not os.path.exists(stop):
    first17 = ident(written)
    try:
        with transaction.atomic():
            household = Household.objects.create(region_id=village, address=f"并发写入{written}号")
            person = Person(name=f"并发{written}", sex="男" if written % 2 else "女",
                            birth_date=date(1980, 1, 1), region_id=village,
                            address=household.address)
            person.set_id_number(first17 + check_digit(first17))
            person.save()
            Membership.objects.create(household=household, person=person,
                                      relationship=Relationship("head"), valid_from=date(2018, 3, 1))
            household.head = person
            household.save(update_fields=["head"])
    except OperationalError:  # SQLite busy while the backup reads: try the same round again
        time.sleep(0.01)
        continue
    written += 1
    print(written, flush=True)
    time.sleep(0.005)  # a steady stream of small transactions, as a busy server makes
"""


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = db["USER"] or "postgres"
        return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def _wait_for(stream: IO[str], at_least: int) -> int:
    """Read the writer's progress lines until it has committed `at_least` rounds."""
    written = 0
    while written < at_least:
        line = stream.readline()
        if not line:
            raise AssertionError(f"the writer stopped after {written} rounds")
        written = int(line)
    return written


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_during_writes_restores_a_consistent_snapshot(
    household_li_three_members: Any,
    tmp_path: Path,
    empty_target: dict[str, str],  # noqa: F811
) -> None:
    import os

    stop = tmp_path / "stop"
    env = dict(os.environ, DATABASE_URL=_database_url())
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(stop)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    try:
        _wait_for(writer.stdout, 5)  # the writer is under way before the backup starts
        folder = tmp_path / "backup"
        assert main(["backup", "--output", str(folder)]) == 0
        manifest = json.loads((folder / MANIFEST).read_text())
        counts = manifest["row_counts"]
        in_snapshot = counts["registry_person"] - 3
        # and it goes on writing after the snapshot was taken
        _wait_for(writer.stdout, in_snapshot + 3)
    finally:
        stop.touch()
        _, errors = writer.communicate(timeout=120)
    assert writer.returncode == 0, errors
    live = {
        t: n
        for t, n in (
            (t, _count(t)) for t in ("registry_person", "registry_household", "registry_membership")
        )
    }
    assert in_snapshot >= 5
    assert live["registry_person"] >= counts["registry_person"] + 3  # rows the snapshot missed

    # every round is whole in the snapshot: as many households and memberships as persons
    assert counts["registry_household"] == 1 + in_snapshot
    assert counts["registry_membership"] == 3 + in_snapshot

    restored = _run(["restore", str(folder)], empty_target)
    assert restored.returncode == 0, restored.stderr
    read = subprocess.run(
        [sys.executable, "-c", READ_BACK], env=empty_target, capture_output=True, text=True
    )
    assert read.returncode == 0, read.stderr
    after = json.loads(read.stdout)
    expected = dict(counts)
    expected["core_auditevent"] += 1  # the restore records itself
    assert after["counts"] == expected
    ids = after["ids"]
    assert len(ids) == 3 + in_snapshot
    for n in range(in_snapshot):
        born = date(1980, 1, 1) + timedelta(days=n // 1000)
        first17 = f"330203{born:%Y%m%d}{n % 1000:03d}"
        assert ids[f"并发{n}"] == first17 + check_digit(first17)
    assert ids["李建国"] == "330203195001011238"


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
        return int(cursor.fetchone()[0])
