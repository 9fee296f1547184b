"""The one permission check every action makes before it changes anything."""

from __future__ import annotations

from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import ScopedActor
from minzheng.core.errors import NotFound, PermissionDenied

DENIED = "您的角色无权执行此操作"


def require[A: ScopedActor](
    actor: A | None,
    capability: Capability,
    *,
    region_code: str | None = None,
    message: str = DENIED,
) -> A:
    """The actor, if their role grants `capability` and, when a region is given, it is theirs.

    A missing capability is PermissionDenied with `message`; a region outside the actor's scope is
    NotFound, so the refusal never tells that the row exists elsewhere.
    """
    if actor is None or not actor.can(capability):
        raise PermissionDenied(message)
    if region_code is not None and not actor.covers(region_code):
        raise NotFound("记录不存在或不在您的管辖范围内")
    return actor
