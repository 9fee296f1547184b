"""/api/v1/rescue: the stays at the caller's stations (a partner with `registry:read`, e.g. the
public security bureau following up a person it brought in), one stay, and the statistics."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from minzheng.accounts.callers import actor
from minzheng.core.clock import today
from minzheng.core.errors import ValidationFailed
from minzheng.rescue import queries
from minzheng.rescue.models import Stay

PREFIX = "/rescue"
router = Router(tags=["流浪乞讨人员救助"])


class StayOut(Schema):
    id: int
    station: str
    name: str
    identity_found: bool
    admitted_on: date
    due_on: date
    overdue: bool
    status: str
    status_label: str
    ended_on: date | None
    destination: str

    @staticmethod
    def of(s: Stay, day: date) -> StayOut:
        return StayOut(
            id=s.pk,
            station=s.station.name,
            name=s.name,
            identity_found=s.person_id is not None,
            admitted_on=s.admitted_on,
            due_on=s.due_on,
            overdue=queries.overdue_of(s, day).overdue,
            status=s.status,
            status_label=s.get_status_display(),
            ended_on=s.ended_on,
            destination=s.destination,
        )


class MonthOut(Schema):
    station: str
    month: str
    intakes: int
    returns: int
    ended: int
    meals: int
    average_stay_days: Decimal | None


@router.get("/stays", response=list[StayOut], summary="救助记录（限数据范围）")
def list_stays(request: HttpRequest, status: str = "", limit: int = 100) -> list[StayOut]:
    rows = queries.stays_visible(actor(request, scope="registry:read"))
    if status:
        if status not in Stay.Status.values:
            raise ValidationFailed("状态不正确", code="bad_status")
        rows = rows.filter(status=status)
    day = today()
    return [StayOut.of(s, day) for s in rows[: max(1, min(limit, 500))]]


@router.get("/stays/{stay_id}", response=StayOut, summary="一条救助记录")
def get_stay(request: HttpRequest, stay_id: int) -> StayOut:
    caller = actor(request, scope="registry:read")
    return StayOut.of(queries.stays_visible(caller).get_visible(caller, pk=stay_id), today())


@router.get("/statistics", response=list[MonthOut], summary="按救助站和月份的救助统计")
def statistics(request: HttpRequest) -> list[MonthOut]:
    rows = queries.statistics(actor(request, scope="registry:read"), until=today())
    return [
        MonthOut(
            station=r.station,
            month=str(r.month),
            intakes=r.intakes,
            returns=r.returns,
            ended=r.ended,
            meals=r.meals,
            average_stay_days=r.average_stay_days,
        )
        for r in rows
    ]
