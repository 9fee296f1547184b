"""Reads for 流浪乞讨人员救助: stations, stays with their overdue flag, and the statistics by station
and month (intakes, returns, average stay)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from minzheng.accounts.scope import ScopedActor
from minzheng.core.yearmonth import YearMonth
from minzheng.rescue import rules
from minzheng.rescue.models import CareRecord, Station, StationQuerySet, Stay, StayQuerySet


def stations_visible(actor: ScopedActor) -> StationQuerySet:
    return Station.objects.visible_to(actor).select_related("region")


def stays_visible(actor: ScopedActor) -> StayQuerySet:
    return Stay.objects.visible_to(actor).select_related("station", "person")


def overdue_of(stay: Stay, today: date) -> rules.Overdue:
    return rules.overdue(stay.due_on, today, stay.status == Stay.Status.IN_CARE)


def overdue_stays(actor: ScopedActor, today: date) -> StayQuerySet:
    return stays_visible(actor).filter(status=Stay.Status.IN_CARE, due_on__lt=today)


@dataclass(frozen=True)
class MonthRow:
    station_id: int
    station: str
    month: YearMonth
    intakes: int
    returns: int
    ended: int
    meals: int
    average_stay_days: Decimal | None


def statistics(actor: ScopedActor, months: int = 12, *, until: date) -> list[MonthRow]:
    """Per station and month: intakes (admitted that month), returns (escorted home that month),
    stays ended that month and their average length in days, meals served."""
    first = (YearMonth.of(until) - (months - 1)).first_day()
    intakes: dict[tuple[int, YearMonth], int] = defaultdict(int)
    returns: dict[tuple[int, YearMonth], int] = defaultdict(int)
    lengths: dict[tuple[int, YearMonth], list[int]] = defaultdict(list)
    meals: dict[tuple[int, YearMonth], int] = defaultdict(int)
    names = dict(stations_visible(actor).values_list("pk", "name"))
    stays = Stay.objects.visible_to(actor)
    for station_id, admitted in stays.filter(admitted_on__gte=first).values_list(
        "station_id", "admitted_on"
    ):
        intakes[(station_id, YearMonth.of(admitted))] += 1
    for station_id, admitted, ended, status in stays.filter(ended_on__gte=first).values_list(
        "station_id", "admitted_on", "ended_on", "status"
    ):
        if ended is None:
            continue
        key = (station_id, YearMonth.of(ended))
        lengths[key].append(rules.stay_days(admitted, ended))
        if status == Stay.Status.RETURNED:
            returns[key] += 1
    for station_id, day in (
        CareRecord.objects.visible_to(actor)
        .filter(kind=CareRecord.Kind.MEAL, day__gte=first)
        .values_list("stay__station_id", "day")
    ):
        meals[(station_id, YearMonth.of(day))] += 1
    keys = sorted(
        set(intakes) | set(lengths) | set(meals), key=lambda k: (names.get(k[0], ""), k[1])
    )
    rows = []
    for key in keys:
        days = lengths.get(key, [])
        average = (
            (Decimal(sum(days)) / Decimal(len(days))).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if days
            else None
        )
        rows.append(
            MonthRow(
                key[0],
                names.get(key[0], ""),
                key[1],
                intakes.get(key, 0),
                returns.get(key, 0),
                len(days),
                meals.get(key, 0),
                average,
            )
        )
    return rows
