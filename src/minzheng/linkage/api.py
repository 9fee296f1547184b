"""/api/v1/linkage: a person's identity profile with its conflict warnings (scoped)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from minzheng.accounts.callers import actor
from minzheng.linkage.profiles import identity_profile

PREFIX = "/linkage"
router = Router(tags=["多重身份识别"])
SCOPE = "linkage:read"


@router.get("/persons/{person_id}/profile", summary="人员身份档案：各项身份、来源、日期与冲突提示")
def person_profile(
    request: HttpRequest, person_id: int, as_of: date | None = None
) -> dict[str, Any]:
    caller = actor(request, scope=SCOPE)
    return identity_profile(caller, person_id, as_of or timezone.localdate()).as_json()
