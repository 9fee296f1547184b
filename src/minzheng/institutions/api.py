"""/api/v1/institutions: the institution registry, its beds and the indicators by county, read by
partners with `registry:read` (or signed-in staff) within their region."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from minzheng.accounts.callers import actor
from minzheng.core import clock
from minzheng.core.inputs import MAX_ID, Limit, Offset
from minzheng.institutions import queries
from minzheng.institutions.models import Institution
from minzheng.institutions.rules import KIND_LABELS

PREFIX = "/institutions"
router = Router(tags=["养老机构"])
SCOPE = "registry:read"
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]


class InstitutionOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    licence_no: str
    filed_on: date
    valid_until: date | None
    region: str
    region_name: str
    operator: str
    active: bool
    beds: dict[str, int]
    occupied: int

    @staticmethod
    def of(i: Institution) -> InstitutionOut:
        counts = queries.bed_counts(i)
        return InstitutionOut(
            id=i.pk,
            name=i.name,
            kind=i.kind,
            kind_label=KIND_LABELS[i.kind],
            licence_no=i.licence_no,
            filed_on=i.filed_on,
            valid_until=i.valid_until,
            region=i.region_id,
            region_name=i.region.name,
            operator=i.operator,
            active=i.active,
            beds={k: c["beds"] for k, c in counts.items()},
            occupied=sum(c["occupied"] for c in counts.values()),
        )


class IndicatorOut(Schema):
    county: str
    name: str
    institutions: int
    beds: int
    nursing_beds: int
    occupied: int
    elderly: int
    beds_per_100_elderly: Decimal | None
    nursing_share_percent: Decimal | None


@router.get("", response=list[InstitutionOut], summary="养老机构（辖区内）")
def list_institutions(
    request: HttpRequest, offset: Offset = 0, limit: Limit = 100
) -> list[InstitutionOut]:
    caller = actor(request, scope=SCOPE)
    rows = queries.institutions_visible(caller).order_by("id")[offset : offset + min(limit, 500)]
    return [InstitutionOut.of(i) for i in rows]


@router.get("/indicators", response=list[IndicatorOut], summary="每百名老年人床位与护理型床位占比")
def list_indicators(request: HttpRequest, day: date | None = None) -> list[IndicatorOut]:
    caller = actor(request, scope=SCOPE)
    rows, _ = queries.indicators(caller, day or clock.today())
    return [
        IndicatorOut(
            county=r.code,
            name=r.name,
            institutions=r.institutions,
            beds=r.beds,
            nursing_beds=r.nursing_beds,
            occupied=r.occupied,
            elderly=r.elderly,
            beds_per_100_elderly=r.per_100,
            nursing_share_percent=r.nursing_share,
        )
        for r in rows
    ]


@router.get("/{institution_id}", response=InstitutionOut, summary="一家养老机构及其床位")
def get_institution(request: HttpRequest, institution_id: RecordId) -> InstitutionOut:
    caller = actor(request, scope=SCOPE)
    return InstitutionOut.of(
        queries.institutions_visible(caller).get_visible(caller, pk=institution_id)
    )
