"""/api/v1/eligibility: decisions with their explanation, for a described or a registered household."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from minzheng.accounts.callers import actor
from minzheng.assistance.eligibility import HouseholdIn, explain_household, explain_json
from minzheng.registry.models import Household

PREFIX = "/eligibility"
router = Router(tags=["救助资格测算"])
SCOPE = "eligibility:evaluate"


@router.post("/evaluate", summary="按提交的家庭情况测算低保、低边、特困资格（不保存）")
def evaluate(request: HttpRequest, household: HouseholdIn) -> dict[str, Any]:
    actor(request, scope=SCOPE)
    return explain_json(household.model_dump(mode="json", exclude_none=True))


@router.get("/households/{household_id}", summary="已登记家庭户的资格测算（限数据范围）")
def evaluate_registered(
    request: HttpRequest, household_id: int, as_of: date | None = None
) -> dict[str, Any]:
    caller = actor(request, scope=SCOPE)
    household = Household.objects.get_visible(caller, pk=household_id)
    return explain_household(household, as_of or timezone.localdate())
