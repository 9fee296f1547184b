"""A roll killed with SIGKILL half-way and run again equals one clean run.

Two counties get the same forty enrolments. 鄞州's roll runs cleanly; 海曙's roll runs as the real
command in a subprocess against the test database, is killed after it committed two chunks, and is
run again. The two ledgers must match line for line.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date

import pytest
from django.db import connection

from minzheng.core.yearmonth import YearMonth
from minzheng.payments.models import PaymentLine, Roll

from .conftest import enrol, person_household

pytestmark = pytest.mark.django_db(transaction=True)
ENROLMENTS = 40
CHUNK = 5


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _command(county: str, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "minzheng.cli",
        "payments",
        "roll",
        county,
        "2020-03",
        "--chunk-size",
        str(CHUNK),
        "--quiet",
        *extra,
    ]


def _enrol_county(village: str, first_digits: str) -> None:
    for i in range(ENROLMENTS):
        household = person_household(
            village, f"对象{i}", f"{first_digits}1950010{i:03d}"[:17] + "X", date(1950, 1, 1)
        )
        enrol(household, "dibao", "2020-03", f"{500 + i}.00", person=household.head)


def _ledger(county: str) -> list[tuple[str, str, int, int, bool]]:
    lines = PaymentLine.objects.filter(region__code__startswith=county).order_by("source_id")
    first = lines[0].source_id
    return [
        (x.kind, f"{x.month:%Y-%m}", x.source_id - first, x.amount_fen, x.is_arrears) for x in lines
    ]


def test_a_roll_killed_mid_way_and_run_again_equals_one_clean_run(regions: None) -> None:
    _enrol_county("330203001001", "330203")
    _enrol_county("330212003001", "330212")
    env = {**os.environ, "DATABASE_URL": _database_url()}

    clean = subprocess.run(_command("330212"), env=env, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stderr

    killed = subprocess.Popen(
        _command("330203", "--pause", "1"), env=env, stderr=subprocess.PIPE, text=True
    )
    assert killed.stderr is not None
    for line in killed.stderr:
        if line.startswith("chunk 2/"):
            killed.send_signal(signal.SIGKILL)
            break
    killed.wait(timeout=60)
    assert killed.returncode == -signal.SIGKILL
    written = PaymentLine.objects.filter(region__code__startswith="330203").count()
    assert 2 * CHUNK <= written < ENROLMENTS  # part of the lines, in whole chunks

    rerun = subprocess.run(_command("330203"), env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr

    assert _ledger("330203") == _ledger("330212")
    assert len(_ledger("330203")) == ENROLMENTS
    assert Roll.objects.filter(county_id="330203000000").count() == 1
    again = subprocess.run(_command("330203"), env=env, capture_output=True, text=True)
    assert '"inserted": 0' in again.stdout
    assert YearMonth(2020, 3) == YearMonth.of(Roll.objects.get(county_id="330203000000").month)
