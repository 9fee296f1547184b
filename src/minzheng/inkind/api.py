"""/api/v1/inkind: the stock of the caller's townships and the distributions with their hand-over
progress (a partner with `registry:read`, e.g. a charity that donated the goods)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from minzheng.accounts.callers import actor
from minzheng.inkind import queries

PREFIX = "/inkind"
router = Router(tags=["实物救助"])


class StockOut(Schema):
    township_code: str
    township: str
    item: str
    category_label: str
    unit: str
    quantity: int


class DistributionOut(Schema):
    id: int
    name: str
    township: str
    item: str
    quantity_each: int
    source_label: str
    households: int
    confirmed: int
    value_issued: Decimal
    created_on: date


@router.get("/stock", response=list[StockOut], summary="物资库存（限数据范围）")
def stock(request: HttpRequest) -> list[StockOut]:
    return [
        StockOut(
            township_code=s.region_id,
            township=s.region.name,
            item=s.item.name,
            category_label=s.item.get_category_display(),
            unit=s.item.unit,
            quantity=s.quantity,
        )
        for s in queries.stock_visible(actor(request, scope="registry:read"))[:1000]
    ]


@router.get("/distributions", response=list[DistributionOut], summary="实物发放及签收进度")
def distributions(request: HttpRequest, limit: int = 100) -> list[DistributionOut]:
    rows = queries.with_progress(
        queries.distributions_visible(actor(request, scope="registry:read"))
    )
    return [
        DistributionOut(
            id=d.pk,
            name=d.name,
            township=d.region.name,
            item=d.item.name,
            quantity_each=d.quantity_each,
            source_label=d.get_source_display(),
            households=d.households,  # type: ignore[attr-defined]
            confirmed=d.confirmed,  # type: ignore[attr-defined]
            value_issued=d.value_issued or Decimal("0.00"),  # type: ignore[attr-defined]
            created_on=d.created_on,
        )
        for d in rows[: max(1, min(limit, 500))]
    ]
