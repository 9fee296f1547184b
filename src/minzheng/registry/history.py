"""Versions of persons, households and memberships: writing them, and reading a day's state.

Every action that changes one of these rows calls `write_version` with the state before and after,
inside its own transaction. A version is valid over the half-open interval [valid_from, valid_to).
"A day" means the state at the end of that day in Asia/Shanghai, so a change approved at 10:00
shows on that day's page.

Snapshots hold business fields only. ID and phone numbers are kept in their masked form: a copy of
a ciphertext in JSON would escape key rotation, and history never needs the full number.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.registry.models import (
    ChangeRequest,
    Household,
    HouseholdVersion,
    Membership,
    MembershipVersion,
    Person,
    PersonVersion,
    Version,
    VersionOperation,
)

PERSON_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "id_number_masked",
    "phone_masked",
    "region_id",
    "hukou_region_id",
    "hukou_type",
    "address",
    "disability_category",
    "disability_grade",
    "serious_illnesses",
    "labour_capacity",
    "date_of_death",
)
HOUSEHOLD_FIELDS = ("region_id", "address", "head_id", "closed_on")
MEMBERSHIP_FIELDS = (
    "household_id",
    "person_id",
    "relationship",
    "lives_together",
    "valid_from",
    "valid_to",
)
DATE_FIELDS = {"birth_date", "date_of_death", "closed_on", "valid_from", "valid_to"}

type Tracked = Person | Household | Membership


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value


def _fields(record: Tracked) -> tuple[str, ...]:
    if isinstance(record, Person):
        return PERSON_FIELDS
    if isinstance(record, Household):
        return HOUSEHOLD_FIELDS
    return MEMBERSHIP_FIELDS


def snapshot(record: Tracked) -> dict[str, Any]:
    """The business fields of a row as JSON-ready values."""
    return {name: _plain(getattr(record, name)) for name in _fields(record)}


def _version_model(record: Tracked) -> tuple[type[Version], str]:
    if isinstance(record, Person):
        return PersonVersion, "person"
    if isinstance(record, Household):
        return HouseholdVersion, "household"
    return MembershipVersion, "membership"


def write_version(
    record: Tracked,
    *,
    before: dict[str, Any] | None,
    actor: User | None,
    at: datetime,
    change_request: ChangeRequest | None = None,
    summary: str = "",
) -> Version:
    """Close the open version of `record` and open one with its current state.

    `before` is the state the action found (None when it created the row). A row without any
    version yet gets a baseline holding `before`, so its pre-history state is not lost.
    """
    model, subject = _version_model(record)
    versions = model._default_manager.filter(**{subject: record})
    if before is not None and not versions.exists():
        model._default_manager.create(
            **{subject: record},
            snapshot=before,
            operation=VersionOperation.BASELINE,
            valid_from=min(getattr(record, "created_at", None) or at, at),
            valid_to=at,
            summary="变更前状态",
        )
    else:
        versions.filter(valid_to__isnull=True).update(valid_to=at)
    return model._default_manager.create(
        **{subject: record},
        snapshot=snapshot(record),
        operation=VersionOperation.CREATE if before is None else VersionOperation.UPDATE,
        valid_from=at,
        actor=actor,
        change_request=change_request,
        summary=summary[:200],
    )


def end_of_day(day: date) -> datetime:
    """The first instant after `day` in the project's time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def restore(model: type[Tracked], pk: int, state: dict[str, Any]) -> Any:
    """An unsaved instance carrying a snapshot, for pages and the API to read like the live row."""
    values = {
        name: date.fromisoformat(value) if name in DATE_FIELDS and value else value
        for name, value in state.items()
    }
    return model(pk=pk, **values)


def membership_current_on(day: date) -> models.Q:
    """Memberships whose [valid_from, valid_to) covers `day`."""
    return models.Q(valid_from__lte=day) & (
        models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=day)
    )
