"""Re-evaluate 1,000,000 registered households from PostgreSQL; compare with the per-household ORM loop.

Seeding is set-based: the synthetic columns of `assistance.synthetic` are written with COPY FROM
STDIN (households, persons, memberships, incomes, assets), not through the ORM. Then the timed part
is what `minzheng evaluate --all` does: a few SQL queries (COPY … TO STDOUT into pyarrow/numpy)
and `batch.evaluate_batch`. A sample goes through `eligibility.household_facts` + the pure rules
one household at a time; both must agree. Prints JSON lines.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/mz_bench \
     .venv/bin/python benchmarks/assistance_reevaluate.py [households] [sample] [--reuse DBNAME]
     .venv/bin/python benchmarks/assistance_reevaluate.py --quick   # 2,000 households
(the database is emptied of registry and assistance rows first: use a scratch database)

`--reuse DBNAME` runs against PostgreSQL database DBNAME (on the server of $BENCH_PG_URL, default
postgres://postgres@127.0.0.1:5432) and seeds it only when it does not already hold exactly
`households` households from an earlier run, so the long seed is paid once (the database is
created when it does not exist). `--quick` without a PostgreSQL DATABASE_URL uses
`--reuse minzheng_bench_quick`.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

try:
    import minzheng  # noqa: F401
except ModuleNotFoundError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

_parser = argparse.ArgumentParser()
_parser.add_argument("households", type=int, nargs="?", default=1_000_000)
_parser.add_argument("sample", type=int, nargs="?", default=1_000)
_parser.add_argument("--reuse", metavar="DBNAME", help="a seeded database to keep between runs")
_parser.add_argument(
    "--quick", action="store_true", help="2,000 households, 100 sampled, in a scratch database"
)
ARGS = _parser.parse_args()
if ARGS.quick:
    ARGS.households, ARGS.sample = 2_000, 100
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") and not ARGS.reuse:
        ARGS.reuse = "minzheng_bench_quick"
if ARGS.reuse:
    _server = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    if _server.count("/") > 2:
        _server = _server.rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{_server}/{ARGS.reuse}"
    import psycopg

    with psycopg.connect(f"{_server}/postgres", autocommit=True) as _admin:
        if not _admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (ARGS.reuse,)
        ).fetchone():
            _admin.execute(f'CREATE DATABASE "{ARGS.reuse}"')

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")
import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from minzheng.assistance import columnar  # noqa: E402
from minzheng.assistance.actions import do_load_parameter_catalog  # noqa: E402
from minzheng.assistance.batch import INCOME_KINDS, RELATIONSHIPS, VEHICLE_KINDS  # noqa: E402
from minzheng.assistance.eligibility import evaluate, household_facts  # noqa: E402
from minzheng.assistance.queries import parameter_sets  # noqa: E402
from minzheng.assistance.synthetic import NINGBO_COUNTIES, synthetic_columns  # noqa: E402
from minzheng.regions.loader import load_divisions  # noqa: E402
from minzheng.regions.models import Region  # noqa: E402
from minzheng.registry.models import Household  # noqa: E402

AS_OF = date(2021, 3, 1)
KINSHIP = {
    "applicant": "head",
    "spouse": "spouse",
    "child": "child",
    "parent": "parent",
    "sibling": "sibling",
    "grandparent": "grandparent",
    "grandchild": "grandchild",
    "other": "other",
}
DISABILITY_CODES = (
    "",
    "visual",
    "hearing",
    "speech",
    "physical",
    "intellectual",
    "mental",
    "multiple",
)


def _copy(table: str, columns: list[str], rows: list[np.ndarray]) -> None:
    buffer = io.StringIO()
    text = [np.asarray(c).astype(str) for c in rows]
    lines = text[0]
    for col in text[1:]:
        lines = np.char.add(np.char.add(lines, "\t"), col)
    buffer.write("\n".join(lines.tolist()))
    buffer.write("\n")
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        copy.write(buffer.getvalue())


def seed(households: int) -> int:
    call_command("migrate", interactive=False, verbosity=0)
    load_divisions()
    do_load_parameter_catalog(None)
    with connection.cursor() as cursor:
        for table in (
            "assistance_incomerecord",
            "assistance_householdasset",
            "registry_membership",
            "registry_household",
            "registry_person",
        ):
            cursor.execute(f"DELETE FROM {table}")  # a scratch database; the audit log is kept
    hc, mc, _ = synthetic_columns(households, seed=20200601, as_of=AS_OF, regions=NINGBO_COUNTIES)
    villages = {
        c: Region.objects.filter(code__startswith=c, level="village").order_by("code").first()
        for c in NINGBO_COUNTIES
    }
    village = np.array([villages[c].code for c in hc.regions])[hc.region]  # type: ignore[union-attr]
    H, M = len(hc.region), len(mc.household)
    now = "2021-01-01 00:00:00+08"
    hid = np.arange(1, H + 1)
    pid = np.arange(1, M + 1)
    head_urban = hc.urban[mc.household]
    rel = np.array([KINSHIP[r.value] for r in RELATIONSHIPS])[mc.relationship]
    # Persons: born on 1 January, so their age on 1 March is the synthetic age.
    born = np.char.add((AS_OF.year - mc.age.astype(np.int64)).astype(str), "-01-01")
    dis = np.array(DISABILITY_CODES)[mc.disability]
    grade = np.where(mc.disability > 0, mc.grade.astype(str), "\\N")
    ill = np.where(mc.serious_illness, '["重特大疾病"]', "[]")
    hukou = np.where(head_urban, "urban", "rural")
    blank = np.full(M, "")
    _copy(
        "registry_person",
        [
            "id",
            "name",
            "id_number_cipher",
            "id_number_masked",
            "sex",
            "birth_date",
            "phone_cipher",
            "phone_index",
            "phone_masked",
            "address",
            "created_at",
            "updated_at",
            "region_id",
            "disability_category",
            "disability_grade",
            "hukou_type",
            "labour_capacity",
            "serious_illnesses",
        ],
        [
            pid,
            np.char.add("P", pid.astype(str)),
            blank,
            blank,
            blank,
            born,
            blank,
            blank,
            blank,
            blank,
            np.full(M, now),
            np.full(M, now),
            village[mc.household],
            dis,
            grade,
            hukou,
            blank,
            ill,
        ],
    )
    heads = hc.applicant + 1
    _copy(
        "registry_household",
        ["id", "region_id", "address", "head_id", "revision", "created_at", "updated_at"],
        [
            hid,
            village,
            np.full(H, "合成地址"),
            heads,
            np.zeros(H, np.int64),
            np.full(H, now),
            np.full(H, now),
        ],
    )
    _copy(
        "registry_membership",
        ["id", "household_id", "person_id", "relationship", "lives_together", "valid_from"],
        [
            pid,
            mc.household + 1,
            pid,
            rel,
            np.where(mc.lives_together, "t", "f"),
            np.full(M, "2018-03-01"),
        ],
    )
    m_rows, k_rows = np.nonzero(mc.income_fen)
    n = len(m_rows)
    _copy(
        "assistance_incomerecord",
        ["person_id", "kind", "monthly_amount", "valid_from", "source", "note", "created_at"],
        [
            m_rows + 1,
            np.array([k.value for k in INCOME_KINDS])[k_rows],
            (mc.income_fen[m_rows, k_rows] / 100).round(2),
            np.full(n, "2020-01-01"),
            np.full(n, "verified"),
            np.full(n, ""),
            np.full(n, now),
        ],
    )
    assets: list[tuple[np.ndarray, str, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    money = np.nonzero(hc.money_fen)[0]
    assets.append(
        (
            money,
            "money",
            (hc.money_fen[money] / 100).round(2).astype(str),
            np.full(len(money), ""),
            np.full(len(money), "f"),
            np.full(len(money), "\\N"),
        )
    )
    for count in range(1, 4):
        rows = np.nonzero(hc.homes >= count)[0]
        area = (
            (hc.floor_area_centi[rows] / 100).round(2).astype(str)
            if count == 1
            else np.full(len(rows), "0")
        )
        assets.append(
            (
                rows,
                "home",
                np.full(len(rows), "\\N"),
                np.full(len(rows), ""),
                np.full(len(rows), "f"),
                area,
            )
        )
    for k, kind in enumerate(VEHICLE_KINDS):
        rows = np.nonzero(hc.vehicles[:, k])[0]
        assets.append(
            (
                rows,
                "vehicle",
                np.full(len(rows), "\\N"),
                np.full(len(rows), kind.value),
                np.full(len(rows), "f"),
                np.full(len(rows), "\\N"),
            )
        )
    for column, only in ((hc.nonresidential, "f"), (hc.nonresidential_only_home, "t")):
        rows = np.nonzero(column)[0]
        assets.append(
            (
                rows,
                "nonresidential",
                np.full(len(rows), "\\N"),
                np.full(len(rows), ""),
                np.full(len(rows), only),
                np.full(len(rows), "\\N"),
            )
        )
    for rows, kind, amount, vehicle, only, area in assets:
        k = len(rows)
        if not k:
            continue
        _copy(
            "assistance_householdasset",
            [
                "household_id",
                "kind",
                "amount",
                "vehicle_kind",
                "nonresidential_kind",
                "is_only_home",
                "floor_area",
                "valid_from",
                "note",
                "created_at",
            ],
            [
                rows + 1,
                np.full(k, kind),
                amount,
                vehicle,
                np.full(k, "shop" if kind == "nonresidential" else ""),
                only,
                area,
                np.full(k, "2020-01-01"),
                np.full(k, ""),
                np.full(k, now),
            ],
        )
    with connection.cursor() as cursor:
        for table in ("registry_person", "registry_household", "registry_membership"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute("ANALYZE")
    return M


def seeded_already(households: int) -> int | None:
    """The member count of an earlier seed of exactly `households` households, else None."""
    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), coalesce(max(id), 0) FROM registry_household")
        count, top = cursor.fetchone()
        if count != households or top != households:
            return None
        cursor.execute("SELECT count(*) FROM registry_membership")
        return int(cursor.fetchone()[0])


def main(households: int = 1_000_000, sample: int = 1_000, reuse: bool = False) -> None:
    assert connection.vendor == "postgresql", "run against PostgreSQL (DATABASE_URL)"
    started = time.perf_counter()
    members = seeded_already(households) if reuse else None
    reused = members is not None
    if members is None:
        members = seed(households)
    seeded = time.perf_counter() - started

    steps: dict[str, float] = {}
    started = time.perf_counter()
    mark = [started]

    def step(name: str) -> None:
        now = time.perf_counter()
        steps[name] = round(now - mark[0], 2)
        mark[0] = now

    gathered = columnar.gather(columnar.region_bounds("330200"), AS_OF, progress=step)
    gather_s = time.perf_counter() - started
    started = time.perf_counter()
    result = columnar.evaluate_gathered(
        gathered, parameter_sets(gathered.households.regions, AS_OF)
    )
    batch_s = time.perf_counter() - started
    total = gather_s + batch_s

    rows = np.random.default_rng(7).choice(len(gathered.household_ids), size=sample, replace=False)
    ids = gathered.household_ids[rows]
    started = time.perf_counter()
    disagree = 0
    for row, hid in zip(rows, ids, strict=True):
        decisions = evaluate(household_facts(Household.objects.get(pk=int(hid)), AS_OF))
        dibao, dibian, tekun = decisions[0], decisions[-2], decisions[-1]
        same = (
            int(result.dibao_amount_fen[row]) == int(dibao.monthly_amount * 100)
            and bool(result.dibao_route[row]) == dibao.eligible
            and bool(result.dibian_eligible[row]) == dibian.eligible
            and bool(result.tekun_eligible[row]) == tekun.eligible
            and int(result.tekun_amount_fen[row]) == int(tekun.monthly_amount * 100)
        )
        disagree += not same
    loop_s = time.perf_counter() - started
    batch_rate = len(gathered.household_ids) / total
    loop_rate = sample / loop_s
    print(
        json.dumps(
            {
                "benchmark": "assistance_reevaluate",
                "database": "postgresql",
                "households": len(gathered.household_ids),
                "members": members,
                "seed_seconds": round(seeded, 1),
                "reused_seed": reused,
                "gather_seconds": round(gather_s, 2),
                "gather_steps_seconds": steps,
                "batch_seconds": round(batch_s, 2),
                "total_seconds": round(total, 2),
                "per_second": round(batch_rate),
                "ratio_vs_orm_loop": round(batch_rate / loop_rate, 1),
                **columnar.totals(result),
            }
        )
    )
    print(
        json.dumps(
            {
                "benchmark": "assistance_orm_loop_sample",
                "households": sample,
                "seconds": round(loop_s, 2),
                "per_second": round(loop_rate, 1),
                "agree": disagree == 0,
                "disagreements": disagree,
            }
        )
    )
    if disagree:
        raise SystemExit(f"batch and ORM loop disagree on {disagree} of {sample} households")


if __name__ == "__main__":
    main(ARGS.households, ARGS.sample, reuse=bool(ARGS.reuse))
