"""On PostgreSQL the settlements are partitioned by month: the live-claim key (hospital, claim
number) no longer fits a unique index and is kept by `medical_settlement_claim`. A second live
settlement of a claim is refused by the database; a reversal frees the number."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client

from minzheng.core import partitions as parts
from minzheng.core.clock import today
from minzheng.core.yearmonth import YearMonth
from minzheng.medical.models import Settlement
from tests.medical.conftest import body, post

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="only PostgreSQL partitions the tables"
)
SPEC = parts.SPEC_BY_TABLE["medical_settlement"]


def _keys() -> list[tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT claim_id, settlement_id FROM medical_settlement_claim ORDER BY 1, 2")
        return [(str(c), int(s)) for c, s in cursor.fetchall()]


def _copy_settled(settlement_id: int) -> None:
    """A second live row of the same claim, written past the application."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(quote_ident(attname), ', ') FROM pg_attribute"
            " WHERE attrelid = 'medical_settlement'::regclass AND attnum > 0"
            " AND NOT attisdropped AND attname <> 'id'"
        )
        cols = cursor.fetchone()[0]
        cursor.execute(
            f"INSERT INTO medical_settlement ({cols}) SELECT {cols} FROM medical_settlement"
            " WHERE id = %s",
            [settlement_id],
        )


def test_a_settlement_lands_in_its_month_and_its_claim_is_held_once(
    patients: Any, hospital: Client
) -> None:
    day = today()
    with connection.cursor() as cursor:
        parts.ensure_months(cursor, SPEC, day, 0, start=YearMonth(day.year, day.month))
    first = post(hospital, body()).json()
    settlement = Settlement.objects.get(pk=first["settlement_id"])
    month = YearMonth(settlement.settled_on.year, settlement.settled_on.month)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM medical_settlement WHERE id = %s", [settlement.pk]
        )
        assert cursor.fetchone()[0] == parts.month_partition(SPEC, month)
    assert _keys() == [("ZY2024-0001", settlement.pk)]

    with pytest.raises(IntegrityError, match="medical_settlement_claim_pkey"), transaction.atomic():
        _copy_settled(settlement.pk)
    assert Settlement.objects.filter(claim_id="ZY2024-0001").count() == 1

    # Reversed, the number is free again: the corrected claim is a new live settlement.
    assert hospital.post(f"/api/v1/medical/settlements/{settlement.pk}/reverse").status_code == 200
    assert _keys() == []
    again = post(hospital, body(total_cost="9000.00"))
    assert again.status_code == 200, again.content
    assert _keys() == [("ZY2024-0001", again.json()["settlement_id"])]
    assert Settlement.objects.filter(claim_id="ZY2024-0001").count() == 2
