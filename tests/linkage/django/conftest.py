"""Django-backed linkage tests: the project-wide fixtures that the engine tests' conftest turns
off (audit flush guard, fast password hashing) are restored here, and the records read like the
domain."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

from tests.conftest import _household


@pytest.fixture(scope="session", autouse=True)
def _audit_guard_opened_for_flush() -> Iterator[None]:
    from django.db.backends.base.operations import BaseDatabaseOperations

    from minzheng.core.dbguard import audit_purge_allowed

    original = BaseDatabaseOperations.execute_sql_flush

    def flush(self: BaseDatabaseOperations, sql_list: list[str]) -> None:
        with audit_purge_allowed():
            original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = flush  # type: ignore[method-assign]
    yield
    BaseDatabaseOperations.execute_sql_flush = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def today() -> date:
    return date(2026, 1, 1)


@pytest.fixture
def make_source_record(regions: None) -> Callable[..., Any]:
    from minzheng.linkage.models import SourceRecord

    def make(department: str, record_id: str, name: str, **fields: Any) -> SourceRecord:
        id_number = fields.pop("id_number", "")
        phone = fields.pop("phone", "")
        record = SourceRecord(department=department, record_id=record_id, name=name, **fields)
        record.set_id_number(id_number)
        record.set_phone(phone)
        record.save()
        return record

    return make


@pytest.fixture
def household_chen_haishu_twin(regions: None) -> Any:
    """陈国强 of 福湖社区 (海曙区), registered a second time by another clerk as 陈国強."""
    return _household(
        "330203001001",
        "海曙区南门街道福湖社区解放南路30号",
        [("陈国强", "330203196502021233", "head", date(1965, 2, 2), "13905741111")],
    )
