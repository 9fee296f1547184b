"""The settlement's reads and writes in few round trips: a hospital settles thousands of discharges a
second at peak, and each round trip to the database costs more than the rule itself.

One settlement is, on PostgreSQL, four statements: the person, their category on the discharge day
and any live settlement of the claim (one read); the lock on the person's year (one upsert that
returns the accumulator); the settlement, the accumulator and the audit event (one statement); and
the commit. SQLite, which cannot write from a WITH clause, runs the last one as three statements.
The SQL is written from the models' own table and column names and the values go through the
fields' own conversions, so the rows are the ones the ORM would write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Model

from minzheng.assistance.models import Enrolment
from minzheng.core.models import AuditEvent
from minzheng.medical.models import CapAccount, Settlement
from minzheng.registry.models import IdentityTag, Membership, Person

_ENDED = (Enrolment.Status.ENDED.value, Enrolment.Status.SUSPENDED.value)

# The person, then one row per identity tag and per open enrolment covering them on the day (their
# own, or their household's): the codes `medical.rules.category_of` reads. Tag codes and programme
# codes share their names (dibao, dibian, tekun); `yiliao` is only ever a programme.
_HOLDINGS = f"""
WITH p AS (SELECT id, region_id FROM {Person._meta.db_table} WHERE {{where}})
SELECT p.id, p.region_id, NULL FROM p
UNION ALL
SELECT p.id, p.region_id, t.tag FROM p JOIN {IdentityTag._meta.db_table} t ON t.person_id = p.id
 WHERE t.valid_from <= %(day)s AND (t.valid_to IS NULL OR t.valid_to > %(day)s)
UNION ALL
SELECT p.id, p.region_id, e.programme FROM p JOIN {Enrolment._meta.db_table} e ON e.person_id = p.id
 WHERE e.start_month <= %(day)s AND (e.end_month IS NULL OR e.end_month > %(day)s)
   AND e.status NOT IN ('{_ENDED[0]}', '{_ENDED[1]}')
UNION ALL
SELECT p.id, p.region_id, e.programme FROM p
  JOIN {Membership._meta.db_table} m ON m.person_id = p.id
   AND m.valid_from <= %(day)s AND (m.valid_to IS NULL OR m.valid_to > %(day)s)
  JOIN {Enrolment._meta.db_table} e ON e.household_id = m.household_id AND e.person_id IS NULL
 WHERE e.start_month <= %(day)s AND (e.end_month IS NULL OR e.end_month > %(day)s)
   AND e.status NOT IN ('{_ENDED[0]}', '{_ENDED[1]}')
"""


@dataclass(frozen=True, slots=True)
class Holdings:
    person_id: int
    region_id: str
    codes: frozenset[str]


def _holdings(where: str, params: dict[str, Any]) -> Holdings | None:
    with connection.cursor() as cursor:
        cursor.execute(_HOLDINGS.format(where=where), params)
        rows = cursor.fetchall()
    if not rows:
        return None
    return Holdings(int(rows[0][0]), str(rows[0][1]), frozenset(r[2] for r in rows if r[2]))


def holdings_by_index(id_index: str, day: date) -> Holdings | None:
    """The person with this ID-number blind index, and the codes they hold on `day`."""
    return _holdings("id_number_index = %(index)s", {"index": id_index, "day": day})


def holdings_of(person_id: int, day: date) -> Holdings | None:
    return _holdings("id = %(person)s", {"person": person_id, "day": day})


_LIVE_CLAIM = (
    f"SELECT id FROM {Settlement._meta.db_table}"
    " WHERE hospital_id = %s AND claim_id = %s AND status = 'settled'"
)


# ── the lock ──────────────────────────────────────────────────────────────────────────────────

_ACCOUNT = CapAccount._meta.db_table
_ACCUMULATORS = (
    "cap_used",
    "deductible_met_inpatient",
    "deductible_met_outpatient",
    "deductible_met_chronic",
)
# The year's first claim creates the row; every claim then takes the row lock in the same
# statement (ON CONFLICT DO UPDATE locks the existing row and returns its latest committed values),
# so claims and reversals for one person and year run one after another from here to the commit.
# Without it two claims read the same accumulator and together overrun the cap. The same statement
# looks for a live settlement of the claim (a retry); one committed while we waited for the lock is
# not seen by it, and the unique key on the live claim then refuses our insert instead.
_LOCK = (
    f"INSERT INTO {_ACCOUNT} (person_id, year, {', '.join(_ACCUMULATORS)})"
    " VALUES (%s, %s, 0, 0, 0, 0)"
    " ON CONFLICT (person_id, year) DO UPDATE SET year = excluded.year"
    f" RETURNING id, ({_LIVE_CLAIM}),"
    f" {', '.join(f'CAST({c} AS TEXT)' for c in _ACCUMULATORS)}"
)


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    cap_used: Decimal
    deductible_met: dict[str, Decimal]  # by column name
    live_settlement_id: int | None  # of the claim asked about, if already settled


def lock_account(
    person_id: int, year: int, hospital_id: int | None = None, claim_id: str = ""
) -> Account:
    """Lock (creating if need be) the person's accumulator for the year; call inside atomic()."""
    with connection.cursor() as cursor:
        cursor.execute(_LOCK, [person_id, year, hospital_id, claim_id])
        row = cursor.fetchone()
    values = [Decimal(v) for v in row[2:]]
    return Account(
        int(row[0]),
        values[0],
        dict(zip(_ACCUMULATORS[1:], values[1:], strict=True)),
        None if row[1] is None else int(row[1]),
    )


# ── the write ─────────────────────────────────────────────────────────────────────────────────


def _prepared(model: type[Model], values: dict[str, Any]) -> tuple[list[str], list[Any]]:
    """Column names and database values, through each field's own conversion."""
    columns, params = [], []
    for name, value in values.items():
        field = model._meta.get_field(name)
        columns.append(field.column)  # type: ignore[union-attr]
        params.append(field.get_db_prep_save(value, connection))  # type: ignore[union-attr]
    return columns, params


def _insert(model: type[Model], values: dict[str, Any]) -> tuple[str, list[Any]]:
    columns, params = _prepared(model, values)
    marks = ", ".join(["%s"] * len(params))
    return f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES ({marks})", params


def write_settlement(
    settlement: dict[str, Any],
    account: Account,
    account_after: dict[str, Decimal] | None,
    audit_event: dict[str, Any],
) -> int:
    """Insert the settlement, write the accumulator back (if the claim counts) and append the audit
    event naming the new settlement; returns its id. A duplicate live claim raises IntegrityError.
    """
    insert_settlement, settlement_params = _insert(Settlement, settlement)
    sets = ", ".join(f"{c} = %s" for c in account_after or {})
    account_params = [*(account_after or {}).values(), account.id]
    audit_columns, audit_params = _prepared(AuditEvent, audit_event)
    table = AuditEvent._meta.db_table
    if connection.vendor == "postgresql":
        account_step = (
            f", account AS (UPDATE {_ACCOUNT} SET {sets} WHERE id = %s)" if account_after else ""
        )
        marks = ", ".join(["%s"] * len(audit_params))
        sql = (
            f"WITH s AS ({insert_settlement} RETURNING id){account_step},"
            f" event AS (INSERT INTO {table} ({', '.join(audit_columns)}, object_id)"
            f" SELECT {marks}, CAST(s.id AS TEXT) FROM s)"
            " SELECT id FROM s"
        )
        params = [*settlement_params, *(account_params if account_after else []), *audit_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return int(cursor.fetchone()[0])
    with connection.cursor() as cursor:
        cursor.execute(f"{insert_settlement} RETURNING id", settlement_params)
        settlement_id = int(cursor.fetchone()[0])
        if account_after:
            cursor.execute(f"UPDATE {_ACCOUNT} SET {sets} WHERE id = %s", account_params)
        marks = ", ".join(["%s"] * (len(audit_params) + 1))
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(audit_columns)}, object_id) VALUES ({marks})",
            [*audit_params, str(settlement_id)],
        )
    return settlement_id
