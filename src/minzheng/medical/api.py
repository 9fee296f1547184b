"""/api/v1/medical: one-stop settlement at discharge, reversal, and a hospital's daily list.

Only a hospital's own API client (scope `medical:settle`, linked to the hospital) may call these.
Amounts are strings of yuan with two decimals ("1234.50"), exact.
"""

from __future__ import annotations

import threading
import time
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router
from pydantic import BaseModel, ConfigDict

from minzheng.accounts.callers import actor
from minzheng.api.auth import PartnerToken
from minzheng.api.models import ApiClient, hash_token
from minzheng.core.errors import PermissionDenied
from minzheng.medical import actions
from minzheng.medical.models import CapAccount, Settlement
from minzheng.medical.queries import hospital_daily
from minzheng.medical.rules import Claim, ClaimInvalid, VisitKind

PREFIX = "/medical"
router = Router(tags=["医疗救助一站式结算"])
SCOPE = "medical:settle"


# A plain pydantic model, not a ninja Schema: a Schema validates through ninja's ORM-reading getter,
# a third of a settlement's validation CPU (cProfile, 2026-12-03); the body is a dict, never a row.
class SettlementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hospital_code: str
    claim_id: str
    id_number: str
    visit_kind: str
    admitted_on: date
    discharged_on: date
    total_cost: Decimal
    compliant_cost: Decimal
    basic_insurance_paid: Decimal
    critical_illness_paid: Decimal
    other_paid: Decimal


# A hospital sends its token with every discharge; the client it opens is kept this long per
# process, so a token switched off stops settling at most this many seconds later (its expiry
# date is checked on every call).
TOKEN_CACHE_SECONDS = 10.0
_tokens: dict[str, tuple[float, ApiClient]] = {}
_tokens_lock = threading.Lock()


class HospitalToken(PartnerToken):
    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        return client_for_token(token, request)


def client_for_token(token: str, request: HttpRequest | None = None) -> ApiClient | None:
    """The active, usable client of this bearer token, kept `TOKEN_CACHE_SECONDS` per process."""
    digest = hash_token(token)
    now = time.monotonic()
    with _tokens_lock:
        hit = _tokens.get(digest)
    if hit is not None and now - hit[0] < TOKEN_CACHE_SECONDS and hit[1].usable:
        return hit[1]
    client = PartnerToken().authenticate(request or HttpRequest(), token)
    with _tokens_lock:
        if client is None:
            _tokens.pop(digest, None)
        else:
            _tokens[digest] = (now, client)
    return client


def clear_token_cache() -> None:
    with _tokens_lock:
        _tokens.clear()


def _client(request: HttpRequest) -> ApiClient:
    caller = actor(request, scope=SCOPE)
    if not isinstance(caller, ApiClient):
        raise PermissionDenied("结算接口仅供定点医院的接口客户端调用")
    return caller


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def settlement_answer(s: Settlement) -> dict[str, Any]:
    return {
        "settlement_id": s.pk,
        "category": s.category,
        "assistance_amount": _money(s.assistance_amount),
        "patient_pays": _money(s.patient_pays),
        "annual_cap": _money(s.annual_cap),
        "cap_used": _money(s.cap_used),
        "cap_left": _money(s.cap_left),
        "explanation": s.explanation,
    }


@router.post(
    "/settlements",
    summary="出院一站式结算：计算并记录医疗救助（按医院+结算号幂等）",
    auth=[HospitalToken()],
)
def settle(request: HttpRequest, body: SettlementIn) -> dict[str, Any]:
    return settle_for(_client(request), body)


def settle_for(client: ApiClient, body: SettlementIn) -> dict[str, Any]:
    """The settlement's answer; shared with the lean entry (`medical.fastpath`)."""
    try:
        visit_kind = VisitKind(body.visit_kind)
    except ValueError:
        raise ClaimInvalid(
            f"就诊类型应为 inpatient（住院）、outpatient（门诊）或 chronic（门诊慢特病）：{body.visit_kind}",
            code="visit_kind_invalid",
        ) from None
    claim = Claim(
        visit_kind=visit_kind,
        admitted_on=body.admitted_on,
        discharged_on=body.discharged_on,
        total_cost=body.total_cost,
        compliant_cost=body.compliant_cost,
        basic_insurance_paid=body.basic_insurance_paid,
        critical_illness_paid=body.critical_illness_paid,
        other_paid=body.other_paid,
    )
    settlement = actions.do_settle_claim(
        client,
        hospital_code=body.hospital_code,
        claim_id=body.claim_id,
        id_number=body.id_number,
        claim=claim,
    )
    return settlement_answer(settlement)


@router.post("/settlements/{settlement_id}/reverse", summary="冲销结算，恢复年度救助额度")
def reverse(request: HttpRequest, settlement_id: int) -> dict[str, Any]:
    settlement = actions.do_reverse_settlement(_client(request), settlement_id)
    account = CapAccount.objects.get(
        person_id=settlement.person_id, year=settlement.discharged_on.year
    )
    return {
        "settlement_id": settlement.pk,
        "status": settlement.status,
        "restored": _money(settlement.assistance_amount),
        "cap_used": _money(account.cap_used),
        "cap_left": _money(max(settlement.annual_cap - account.cap_used, Decimal(0))),
    }


@router.get("/settlements", summary="本医院某日结算清单（含已冲销）")
def daily_list(request: HttpRequest, hospital_code: str, day: date) -> list[dict[str, Any]]:
    hospital = actions.hospital_for(_client(request), hospital_code)
    return [
        {
            "settlement_id": s.pk,
            "claim_id": s.claim_id,
            "status": s.status,
            "visit_kind": s.visit_kind,
            "discharged_on": s.discharged_on.isoformat(),
            "category": s.category,
            "total_cost": _money(s.total_cost),
            "assistance_amount": _money(s.assistance_amount),
            "patient_pays": _money(s.patient_pays),
        }
        for s in hospital_daily(hospital, day)
    ]
