"""Writing the audit trail. Every action calls `record` inside its own transaction."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from minzheng.core.models import AuditEvent

if TYPE_CHECKING:
    from django.http import HttpRequest


class Actor(Protocol):
    """Who acts, as the audit trail records them: a staff user (core imports no app)."""

    @property
    def pk(self) -> Any: ...

    @property
    def username(self) -> str: ...


# The reason typed in a page's confirmation dialog (approve, refuse, confirm, unlock, reveal), set
# for the length of one request by `core.middleware.DialogReasonMiddleware`: every event the
# request's action writes carries it, whichever app's action that is.
dialog_reason: ContextVar[str] = ContextVar("dialog_reason", default="")


def with_reason(summary: str) -> str:
    reason = dialog_reason.get().strip()
    if reason and reason not in summary:
        return f"{summary}（理由：{reason[:200]}）"
    return summary


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _event(
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: object,
    *,
    summary: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    person_id: int | None,
    region_code: str,
    request: HttpRequest | None,
    actor_name: str | None,
) -> AuditEvent:
    return AuditEvent(
        actor_id=actor.pk if actor is not None and actor.pk else None,
        actor_name=actor_name or (actor.username if actor is not None else "system"),
        actor_role=getattr(actor, "role", "") or "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        person_id=person_id,
        region_code=region_code,
        summary=with_reason(summary)[:300],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        ip=client_ip(request),
    )


def record(
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: object = "",
    *,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    person_id: int | None = None,
    region_code: str = "",
    request: HttpRequest | None = None,
    actor_name: str | None = None,
) -> AuditEvent:
    event = _event(
        actor,
        action,
        object_type,
        object_id,
        summary=summary,
        before=before,
        after=after,
        person_id=person_id,
        region_code=region_code,
        request=request,
        actor_name=actor_name,
    )
    event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class Entry:
    """One object's part of a batch: what `record` takes besides the actor, action and type."""

    object_id: object = ""
    summary: str = ""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    person_id: int | None = None
    region_code: str = ""


def record_many(
    actor: Actor | None,
    action: str,
    object_type: str,
    entries: list[Entry],
    *,
    request: HttpRequest | None = None,
) -> list[AuditEvent]:
    """One event per entry, as `record` writes it, in one insert per thousand: a batch action's
    trail (inside the action's transaction, like `record`)."""
    events = [
        _event(
            actor,
            action,
            object_type,
            entry.object_id,
            summary=entry.summary,
            before=entry.before,
            after=entry.after,
            person_id=entry.person_id,
            region_code=entry.region_code,
            request=request,
            actor_name=None,
        )
        for entry in entries
    ]
    return AuditEvent.objects.bulk_create(events, batch_size=1000)


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, for a compact before → after."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
