from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from minzheng.core import audit
from minzheng.core.models import AuditEvent, AuditLogImmutable


@pytest.fixture
def entry(db: None) -> AuditEvent:
    return audit.record(
        None,
        AuditEvent.Action.UPDATE,
        "person",
        7,
        before={"name": "甲"},
        after={"name": "乙"},
        actor_name="tester",
    )


def test_an_entry_cannot_be_edited_through_the_model(entry: AuditEvent) -> None:
    entry.summary = "rewritten"
    with pytest.raises(AuditLogImmutable, match="审计日志只能追加，不能修改"):
        entry.save()
    with pytest.raises(AuditLogImmutable, match="审计日志只能追加，不能修改"):
        AuditEvent.objects.filter(pk=entry.pk).update(summary="rewritten")


def test_an_entry_cannot_be_deleted_through_the_model(entry: AuditEvent) -> None:
    with pytest.raises(AuditLogImmutable, match="审计日志只能追加，不能删除"):
        entry.delete()
    with pytest.raises(AuditLogImmutable, match="审计日志只能追加，不能删除"):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


@pytest.mark.parametrize(
    "sql",
    ["UPDATE core_auditevent SET summary = 'rewritten'", "DELETE FROM core_auditevent"],
)
def test_the_database_refuses_raw_update_and_delete(entry: AuditEvent, sql: str) -> None:
    refused = "audit log is append-only"
    with (
        pytest.raises(DatabaseError, match=refused),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    entry.refresh_from_db()
    assert entry.summary == "" and AuditEvent.objects.count() == 1


def test_state_changes_record_before_and_after(entry: AuditEvent) -> None:
    assert entry.before == {"name": "甲"} and entry.after == {"name": "乙"}
    assert entry.actor_name == "tester" and entry.at is not None
