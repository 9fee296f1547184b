"""The settlement's reads and writes in few round trips: a hospital settles thousands of discharges a
second at peak, and each round trip to the database costs more than the rule itself.

On PostgreSQL a settlement is two statements, each its own transaction:

1. `snapshot`: the person, the codes they hold on the discharge day (for their category), their
   accumulator for the year and any live settlement of this claim (a retry);
2. `write_settlement(..., expect=...)`: the settlement, the accumulator and the audit event in one
   statement, written only if the accumulator still holds what step 1 read (compare and set: the
   UPDATE's WHERE names the values read, and PostgreSQL re-reads a row changed under it before it
   decides). When another claim for the person got there first, nothing is written and the caller
   settles again the careful way: `lock_account` inside a transaction, then the same write.

SQLite (which cannot write from a WITH clause, and runs one writing transaction at a time anyway)
always takes the careful way, with the write as three statements. The SQL is written from the
models' own table and column names and the values go through the fields' own conversions, so the
rows are the ones the ORM would write.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model

from minzheng.assistance.models import Enrolment
from minzheng.core.models import AuditEvent
from minzheng.medical.models import CapAccount, Settlement
from minzheng.registry.models import IdentityTag, Membership, Person


def _run(sql: str, params: Any, *, many: bool = False) -> Any:
    """Execute one statement on the request's connection and return its rows.

    On PostgreSQL as a server-side prepared statement: planning the snapshot's four joins costs the
    server five times more than running them, and a prepared statement is planned once per
    connection. (Django's own cursors bind client-side, which cannot prepare.)
    """
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchall() if many else cursor.fetchone()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if many else cursor.fetchone()


_ENDED = (Enrolment.Status.ENDED.value, Enrolment.Status.SUSPENDED.value)

_ACCOUNT = CapAccount._meta.db_table
_ACCUMULATORS = (
    "cap_used",
    "deductible_met_inpatient",
    "deductible_met_outpatient",
    "deductible_met_chronic",
)
_LIVE_CLAIM = (
    f"SELECT id FROM {Settlement._meta.db_table}"
    " WHERE hospital_id = %(hospital)s AND claim_id = %(claim)s AND status = 'settled'"
)
_NO_ACCOUNT = ", ".join(["NULL"] * (len(_ACCUMULATORS) + 2))

# The person with their accumulator for the year and the live settlement of the claim, then one
# row per identity tag and per open enrolment covering them on the day (their own, or their
# household's): the codes `medical.rules.category_of` reads. Tag codes and programme codes share
# their names (dibao, dibian, tekun); `yiliao` is only ever a programme.
_SNAPSHOT = f"""
WITH p AS (SELECT id, region_id FROM {Person._meta.db_table} WHERE {{where}})
SELECT p.id, p.region_id, NULL, a.id, ({_LIVE_CLAIM}),
       {", ".join(f"CAST(a.{c} AS TEXT)" for c in _ACCUMULATORS)}
  FROM p LEFT JOIN {_ACCOUNT} a ON a.person_id = p.id AND a.year = %(year)s
UNION ALL
SELECT p.id, p.region_id, t.tag, {_NO_ACCOUNT}
  FROM p JOIN {IdentityTag._meta.db_table} t ON t.person_id = p.id
 WHERE t.valid_from <= %(day)s AND (t.valid_to IS NULL OR t.valid_to > %(day)s)
UNION ALL
SELECT p.id, p.region_id, e.programme, {_NO_ACCOUNT}
  FROM p JOIN {Enrolment._meta.db_table} e ON e.person_id = p.id
 WHERE e.start_month <= %(day)s AND (e.end_month IS NULL OR e.end_month > %(day)s)
   AND e.status NOT IN ('{_ENDED[0]}', '{_ENDED[1]}')
UNION ALL
SELECT p.id, p.region_id, e.programme, {_NO_ACCOUNT}
  FROM p JOIN {Membership._meta.db_table} m ON m.person_id = p.id
   AND m.valid_from <= %(day)s AND (m.valid_to IS NULL OR m.valid_to > %(day)s)
  JOIN {Enrolment._meta.db_table} e ON e.household_id = m.household_id AND e.person_id IS NULL
 WHERE e.start_month <= %(day)s AND (e.end_month IS NULL OR e.end_month > %(day)s)
   AND e.status NOT IN ('{_ENDED[0]}', '{_ENDED[1]}')
"""


@dataclass(frozen=True, slots=True)
class Account:
    id: int | None  # None: the person's first claim of the year, no row yet
    cap_used: Decimal
    deductible_met: dict[str, Decimal]  # by column name
    live_settlement_id: int | None  # of the claim asked about, if already settled


_ZERO = Decimal("0.00")
NEW_ACCOUNT = Account(None, _ZERO, dict.fromkeys(_ACCUMULATORS[1:], _ZERO), None)


def _account(row: tuple[Any, ...]) -> Account:
    """From (id, live settlement id, accumulators as text...)."""
    if row[0] is None:
        return Account(None, _ZERO, NEW_ACCOUNT.deductible_met, _int(row[1]))
    values = [Decimal(v) for v in row[2:]]
    return Account(
        int(row[0]), values[0], dict(zip(_ACCUMULATORS[1:], values[1:], strict=True)), _int(row[1])
    )


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


@dataclass(frozen=True, slots=True)
class Snapshot:
    person_id: int
    region_id: str
    codes: frozenset[str]
    account: Account


def _snapshot(where: str, params: dict[str, Any]) -> Snapshot | None:
    rows = _run(_SNAPSHOT.format(where=where), params, many=True)
    first = next((r for r in rows if r[2] is None), None)
    if first is None:
        return None
    return Snapshot(
        int(first[0]),
        str(first[1]),
        frozenset(r[2] for r in rows if r[2]),
        _account(first[3:]),
    )


def snapshot(id_index: str, day: date, hospital_id: int, claim_id: str) -> Snapshot | None:
    """The person with this ID-number blind index, what they hold on `day`, their accumulator for
    that year and the live settlement of the claim — None if no such person."""
    params = {"index": id_index, "day": day, "year": day.year}
    return _snapshot(
        "id_number_index = %(index)s", {**params, "hospital": hospital_id, "claim": claim_id}
    )


def holdings_of(person_id: int, day: date) -> frozenset[str]:
    """The codes the person holds on `day`."""
    found = _snapshot(
        "id = %(person)s",
        {"person": person_id, "day": day, "year": day.year, "hospital": None, "claim": ""},
    )
    return found.codes if found else frozenset()


# ── the lock ──────────────────────────────────────────────────────────────────────────────────

# The year's first claim creates the row; every claim then takes the row lock in the same
# statement (ON CONFLICT DO UPDATE locks the existing row and returns its latest committed values),
# so claims and reversals for one person and year run one after another from here to the commit.
# Without it two claims read the same accumulator and together overrun the cap. The same statement
# looks for a live settlement of the claim (a retry); one committed while we waited for the lock is
# not seen by it, and the unique key on the live claim then refuses our insert instead.
_LOCK = (
    f"INSERT INTO {_ACCOUNT} (person_id, year, {', '.join(_ACCUMULATORS)})"
    " VALUES (%(person)s, %(year)s, 0, 0, 0, 0)"
    " ON CONFLICT (person_id, year) DO UPDATE SET year = excluded.year"
    f" RETURNING id, ({_LIVE_CLAIM}),"
    f" {', '.join(f'CAST({c} AS TEXT)' for c in _ACCUMULATORS)}"
)


def lock_account(
    person_id: int, year: int, hospital_id: int | None = None, claim_id: str = ""
) -> Account:
    """Lock (creating if need be) the person's accumulator for the year; call inside atomic()."""
    row = _run(
        _LOCK, {"person": person_id, "year": year, "hospital": hospital_id, "claim": claim_id}
    )
    return _account(row)


# ── the write ─────────────────────────────────────────────────────────────────────────────────


_fields: dict[tuple[type[Model], str], Any] = {}


def _prepared(model: type[Model], values: dict[str, Any]) -> tuple[list[str], list[Any]]:
    """Column names and database values, through each field's own conversion."""
    # The connection itself, not the thread-local proxy: each field's conversion looks it up
    # several times, and through the proxy that was a fifth of a settlement's CPU.
    db = connections[DEFAULT_DB_ALIAS]
    columns: list[str] = []
    params: list[Any] = []
    for name, value in values.items():
        field = _fields.get((model, name))
        if field is None:
            field = _fields.setdefault((model, name), model._meta.get_field(name))
        columns.append(str(field.column))
        params.append(field.get_db_prep_save(value, db))
    return columns, params


def _marks(n: int) -> str:
    return ", ".join(["%s"] * n)


def write_settlement(
    settlement: dict[str, Any],
    audit_event: dict[str, Any],
    *,
    person_id: int,
    year: int,
    account: Account,
    account_after: dict[str, Decimal] | None,
    guarded: bool,
) -> int | None:
    """Insert the settlement, write the accumulator (if the claim counts against it) and append the
    audit event naming the new settlement; returns the settlement's id.

    `guarded` (PostgreSQL, outside a transaction): one statement that writes only if the
    accumulator still holds `account`'s values, else nothing and None. Unguarded: inside the
    transaction that holds the lock. A duplicate live claim raises IntegrityError either way.
    """
    columns, values = _prepared(Settlement, settlement)
    audit_columns, audit_values = _prepared(AuditEvent, audit_event)
    table = Settlement._meta.db_table
    audit_table = AuditEvent._meta.db_table
    if not guarded:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({_marks(len(values))})"
                " RETURNING id",
                values,
            )
            settlement_id = int(cursor.fetchone()[0])
            if account_after:
                sets = ", ".join(f"{c} = %s" for c in account_after)
                cursor.execute(
                    f"UPDATE {_ACCOUNT} SET {sets} WHERE id = %s",
                    [*account_after.values(), account.id],
                )
            cursor.execute(
                f"INSERT INTO {audit_table} ({', '.join(audit_columns)}, object_id)"
                f" VALUES ({_marks(len(audit_values) + 1)})",
                [*audit_values, str(settlement_id)],
            )
        return settlement_id

    if not account_after:
        guard, source = "", ""
        guard_params: list[Any] = []
    elif account.id is None:
        # The year's first claim: the row must still not exist.
        guard = (
            f"a AS (INSERT INTO {_ACCOUNT} (person_id, year, {', '.join(_ACCUMULATORS)})"
            f" SELECT %s, %s, {_marks(len(_ACCUMULATORS))}"
            " ON CONFLICT (person_id, year) DO NOTHING RETURNING id), "
        )
        after = {**NEW_ACCOUNT.deductible_met, "cap_used": _ZERO, **account_after}
        guard_params = [person_id, year, *(after[c] for c in _ACCUMULATORS)]
        source = " FROM a"
    else:
        sets = ", ".join(f"{c} = %s" for c in account_after)
        checks = " AND ".join(f"{c} = %s" for c in account_after)  # as read, as the rule used
        before = {"cap_used": account.cap_used, **account.deductible_met}
        guard = f"a AS (UPDATE {_ACCOUNT} SET {sets} WHERE id = %s AND {checks} RETURNING id), "
        guard_params = [
            *account_after.values(),
            account.id,
            *(before[c] for c in account_after),
        ]
        source = " FROM a"
    sql = (
        f"WITH {guard}s AS (INSERT INTO {table} ({', '.join(columns)})"
        f" SELECT {_marks(len(values))}{source} RETURNING id),"
        f" e AS (INSERT INTO {audit_table} ({', '.join(audit_columns)}, object_id)"
        f" SELECT {_marks(len(audit_values))}, CAST(s.id AS TEXT) FROM s)"
        " SELECT id FROM s"
    )
    row = _run(sql, [*guard_params, *values, *audit_values])
    return None if row is None else int(row[0])


# ── the whole settlement in the database (PostgreSQL) ─────────────────────────────────────────

# `medical_settle` (migration medical/0004): person, lock, retry check, category, rule, settlement,
# accumulator and audit event in one statement — one round trip and one commit per settlement.
_SETTLE = (
    "SELECT * FROM medical_settle("
    + ", ".join(["%s"] * 17)
    + ", CAST(%s AS jsonb), CAST(%s AS jsonb))"
)


@dataclass(frozen=True, slots=True)
class SettleCall:
    """The arguments of `medical_settle`, in its order."""

    hospital_id: int
    hospital_name: str
    actor_name: str
    claim_id: str
    id_index: str
    county: str  # six digits: the county whose parameters `policies` are
    visit_kind: str
    admitted_on: date
    discharged_on: date
    total_cost: Decimal
    compliant_cost: Decimal
    basic_insurance_paid: Decimal
    critical_illness_paid: Decimal
    other_paid: Decimal
    digest: str
    now: datetime
    today: date
    layers: str  # JSON: the explanation's insurance layers
    policies: str  # JSON: per category, `actions.function_policies`


@dataclass(frozen=True, slots=True)
class Figures:
    category: str
    assistance_amount: Decimal
    patient_pays: Decimal
    annual_cap: Decimal
    cap_used: Decimal
    cap_left: Decimal
    deductible_applied: Decimal
    explanation: list[dict[str, Any]]
    parameter_versions: list[str]


@dataclass(frozen=True, slots=True)
class InDatabase:
    """What `medical_settle` did: `settled` (with its figures), `retry` (a live settlement of the
    claim exists: `settlement_id`), `not_found`, `county` (the person lives in `region_id`, whose
    county's parameters were not passed) or `fallback` (no parameters for the person's category)."""

    outcome: str
    settlement_id: int | None
    person_id: int | None
    region_id: str | None
    figures: Figures | None


def settle_in_database(call: SettleCall) -> InDatabase:
    """One call of `medical_settle`: its own transaction unless the caller holds one."""
    row = _run(_SETTLE, [getattr(call, f) for f in call.__slots__])
    outcome, settlement_id, person_id, region_id, *figures = row
    if outcome == "settled":  # Django's connection hands jsonb over as text
        figures[-2:] = [_json(v) for v in figures[-2:]]
    return InDatabase(
        outcome,
        settlement_id,
        person_id,
        region_id,
        Figures(*figures) if outcome == "settled" else None,
    )


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
