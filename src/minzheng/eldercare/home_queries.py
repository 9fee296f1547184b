"""Reads of home adaptation, home care and the time bank — every one through `visible_to` — and
their statistics by county (homes adapted and the spend; service hours), counted from the rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Count, Max, QuerySet, Sum

from minzheng.accounts.models import User
from minzheng.accounts.permissions import require
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import RegionScopedQuerySet, ScopedActor
from minzheng.core.errors import NotFound
from minzheng.core.regioncode import county_of
from minzheng.eldercare.models import (
    Adaptation,
    CareOrder,
    CareProvider,
    CareVisit,
    TimeBankEntry,
)
from minzheng.regions.models import Level, Region
from minzheng.registry.models import Person


def require_or_system(actor: User | None, capability: Capability, message: str) -> None:
    """`actor` None is the demo or the command line, which act for the system."""
    if actor is not None:
        require(actor, capability, message=message)


def in_scope[M: models.Model](
    actor: ScopedActor | None, rows: RegionScopedQuerySet[M]
) -> RegionScopedQuerySet[M]:
    return rows if actor is None else rows.visible_to(actor)


def person(actor: ScopedActor | None, person_id: int) -> Person:
    found = in_scope(actor, Person.objects.all()).filter(pk=person_id).first()
    if found is None:
        raise NotFound("人员不存在或不在您的管辖范围内")
    return found


def adaptations(actor: ScopedActor) -> QuerySet[Adaptation]:
    return Adaptation.objects.visible_to(actor).select_related("person", "region")


def providers(actor: ScopedActor) -> QuerySet[CareProvider]:
    return CareProvider.objects.visible_to(actor).select_related("region")


def orders(actor: ScopedActor) -> QuerySet[CareOrder]:
    return CareOrder.objects.visible_to(actor).select_related("person", "provider", "region")


def visits(actor: ScopedActor) -> QuerySet[CareVisit]:
    return CareVisit.objects.visible_to(actor).select_related("order__person", "volunteer")


def timebank_entries(actor: ScopedActor) -> QuerySet[TimeBankEntry]:
    return TimeBankEntry.objects.visible_to(actor).select_related("person")


def timebank_balance(actor: ScopedActor, person_id: int) -> Decimal:
    last = (
        TimeBankEntry.objects.visible_to(actor).filter(person_id=person_id).order_by("-id").first()
    )
    return last.balance if last else Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Account:
    person_id: int
    name: str
    deposited: Decimal
    withdrawn: Decimal
    balance: Decimal


def timebank_accounts(actor: ScopedActor) -> list[Account]:
    """Each account in scope: hours deposited, withdrawn, and the balance (of its last line)."""
    rows = TimeBankEntry.objects.visible_to(actor)
    sums: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for r in rows.values("person_id", "kind").annotate(h=Sum("hours")):
        sums[r["person_id"]][r["kind"]] = r["h"] or Decimal("0.00")
    last_ids = list(
        rows.values("person_id").annotate(last=Max("id")).values_list("last", flat=True)
    )
    last = {
        e.person_id: e
        for e in TimeBankEntry.objects.filter(pk__in=last_ids).select_related("person")
    }
    return sorted(
        (
            Account(
                pid,
                last[pid].person.name,
                sums[pid].get("deposit", Decimal("0.00")),
                sums[pid].get("withdrawal", Decimal("0.00")),
                last[pid].balance,
            )
            for pid in last
        ),
        key=lambda a: (-a.balance, a.person_id),
    )


@dataclass(frozen=True, slots=True)
class AdaptationFigures:
    county: str
    applied: int
    adapted: int  # completed or paid
    paid: int
    subsidy_paid: Decimal
    own_share: Decimal

    @property
    def average(self) -> Decimal:
        return (
            (self.subsidy_paid / self.paid).quantize(Decimal("0.01"))
            if self.paid
            else Decimal("0.00")
        )


def _county_names() -> dict[str, str]:
    return {county_of(r.code): r.name for r in Region.objects.filter(level=Level.COUNTY)}


def adaptation_figures(actor: ScopedActor) -> list[AdaptationFigures]:
    """By county: applications, homes adapted (验收合格), paid, and the subsidy paid."""
    names = _county_names()
    acc: dict[str, dict[str, Decimal]] = {}
    rows = (
        Adaptation.objects.visible_to(actor)
        .values("region_id", "status")
        .annotate(n=Count("id"), s=Sum("subsidy"), o=Sum("own_share"))
    )
    zero = Decimal("0.00")
    for r in rows:
        row = acc.setdefault(county_of(r["region_id"]), defaultdict(lambda: zero))
        row["applied"] += r["n"]
        if r["status"] in (Adaptation.Status.COMPLETED, Adaptation.Status.PAID):
            row["adapted"] += r["n"]
        if r["status"] == Adaptation.Status.PAID:
            row["paid"] += r["n"]
            row["subsidy"] += r["s"] or zero
            row["own"] += r["o"] or zero
    return [
        AdaptationFigures(
            names.get(c, c),
            int(v["applied"]),
            int(v["adapted"]),
            int(v["paid"]),
            v["subsidy"],
            v["own"],
        )
        for c, v in sorted(acc.items())
    ]


@dataclass(frozen=True, slots=True)
class ServiceFigures:
    county: str
    orders: int
    visits: int
    minutes: int
    volunteer_minutes: int

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))

    @property
    def volunteer_hours(self) -> Decimal:
        return (Decimal(self.volunteer_minutes) / 60).quantize(Decimal("0.01"))


def service_figures(actor: ScopedActor) -> list[ServiceFigures]:
    """By county: orders, visits and service hours (of which by time-bank volunteers)."""
    names = _county_names()
    acc: dict[str, list[int]] = {}
    for r in CareOrder.objects.visible_to(actor).values("region_id").annotate(n=Count("id")):
        acc.setdefault(county_of(r["region_id"]), [0, 0, 0, 0])[0] += r["n"]
    for r in (
        CareVisit.objects.visible_to(actor)
        .values("region_id", "volunteer_id")
        .annotate(n=Count("id"), m=Sum("minutes"))
    ):
        row = acc.setdefault(county_of(r["region_id"]), [0, 0, 0, 0])
        row[1] += r["n"]
        row[2] += r["m"] or 0
        if r["volunteer_id"] is not None:
            row[3] += r["m"] or 0
    return [ServiceFigures(names.get(c, c), *v) for c, v in sorted(acc.items())]
