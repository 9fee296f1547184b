"""Who is calling an API endpoint: a partner system by its token's scope, or signed-in staff."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import ScopedActor
from minzheng.api.models import ApiClient
from minzheng.core.errors import PermissionDenied


def actor(
    request: HttpRequest, *, scope: str, capability: Capability = Capability.CASE_DATA
) -> ScopedActor:
    """The caller, checked for the partner scope or the staff capability the endpoint needs."""
    caller: Any = getattr(request, "auth", None)
    if isinstance(caller, ApiClient):
        if not caller.has_scope(scope):
            raise PermissionDenied(f"该客户端未获授权：{scope}")
        return caller
    if isinstance(caller, User) and caller.can(capability):
        return caller
    raise PermissionDenied("无权调用该接口")
