"""Reads behind a roll's page: totals, the change from last month, missing accounts, the lines.

Everything starts from a roll already fetched through the region scope (`Roll.objects.get_visible`),
so every read here stays inside the actor's county.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Substr

from minzheng.accounts.scope import region_q
from minzheng.assistance.programmes import PROGRAMMES
from minzheng.core.regioncode import RegionCode
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.models import PAYOUT_KINDS, BankAccount, Kind, PaymentLine, Roll, fen_to_yuan
from minzheng.regions.models import Level, Region

PROGRAMME_LABELS: dict[str, str] = {p.code.value: p.short_name for p in PROGRAMMES}
KIND_LABELS: dict[str, str] = dict(Kind.choices)


def programme_label(code: str) -> str:
    return PROGRAMME_LABELS.get(code, "其他")


@dataclass(frozen=True)
class Total:
    label: str
    count: int
    amount: Decimal


def _county_lines(roll: Roll) -> QuerySet[PaymentLine]:
    return PaymentLine.objects.filter(region_q(RegionCode.of(roll.county_id, Level.COUNTY)))


def totals_by_programme(roll: Roll) -> list[Total]:
    rows = (
        PaymentLine.objects.filter(roll=roll)
        .values("programme", "kind")
        .annotate(n=Count("id"), fen=Sum("amount_fen"))
        .order_by("programme", "kind")
    )
    return [
        Total(
            f"{programme_label(r['programme'])}·{KIND_LABELS.get(r['kind'], '其他')}",
            r["n"],
            fen_to_yuan(r["fen"] or 0),
        )
        for r in rows
    ]


def totals_by_township(roll: Roll) -> list[Total]:
    rows = (
        PaymentLine.objects.filter(roll=roll, kind__in=PAYOUT_KINDS)
        .annotate(unit=Substr("region_id", 1, 9))
        .values("unit")
        .annotate(n=Count("id"), fen=Sum("amount_fen"))
        .order_by("unit")
    )
    county = region_q(RegionCode.of(roll.county_id, Level.COUNTY), "code")
    names = {
        r.unit.township_prefix: r.name for r in Region.objects.filter(county, level=Level.TOWNSHIP)
    }
    return [
        Total(names.get(r["unit"], "未知乡镇（街道）"), r["n"], fen_to_yuan(r["fen"] or 0))
        for r in rows
    ]


def roll_total(roll: Roll) -> tuple[int, Decimal]:
    agg = PaymentLine.objects.filter(roll=roll, kind__in=PAYOUT_KINDS).aggregate(
        n=Count("id"), fen=Sum("amount_fen")
    )
    return agg["n"], fen_to_yuan(agg["fen"] or 0)


@dataclass(frozen=True)
class Change:
    enrolment_id: int
    payee_id: int | None
    payee_name: str
    programme: str
    before: Decimal | None
    after: Decimal | None


@dataclass(frozen=True)
class MonthChange:
    previous: str
    new: list[Change]
    stopped: list[Change]
    changed: list[Change]


def _benefits(roll: Roll, month: YearMonth) -> dict[int, tuple[int, int | None, str, str]]:
    """Enrolment id → (fen, payee id, payee name, programme) of the month's benefit, all versions."""
    rows = (
        _county_lines(roll)
        .filter(kind=Kind.BENEFIT, month=month.first_day(), source="e")
        .values_list("source_id", "amount_fen", "payee_id", "payee__name", "programme")
    )
    return {sid: (fen, payee, name or "", prog) for sid, fen, payee, name, prog in rows}


def change_from_last_month(roll: Roll) -> MonthChange:
    """New, stopped and changed benefits against the month before (every version of each)."""
    month = YearMonth.of(roll.month)
    now, before = _benefits(roll, month), _benefits(roll, month - 1)

    def change(sid: int, old: int | None, new: int | None) -> Change:
        _fen, payee, name, prog = now.get(sid) or before[sid]
        return Change(
            sid,
            payee,
            name,
            programme_label(prog),
            None if old is None else fen_to_yuan(old),
            None if new is None else fen_to_yuan(new),
        )

    return MonthChange(
        str(month - 1),
        new=[change(s, None, now[s][0]) for s in sorted(now.keys() - before.keys())],
        stopped=[change(s, before[s][0], None) for s in sorted(before.keys() - now.keys())],
        changed=[
            change(s, before[s][0], now[s][0])
            for s in sorted(now.keys() & before.keys())
            if now[s][0] != before[s][0]
        ],
    )


@dataclass(frozen=True)
class MissingAccount:
    payee_id: int
    payee_name: str
    amount: Decimal


def payees_without_account(roll: Roll) -> list[MissingAccount]:
    """Payees of this roll with no active bank account: their transfer would fail at the bank."""
    active = BankAccount.objects.filter(person_id=OuterRef("payee_id"), active=True)
    rows = (
        PaymentLine.objects.filter(roll=roll, kind__in=PAYOUT_KINDS, payee__isnull=False)
        .annotate(has_account=Exists(active))
        .filter(has_account=False)
        .values("payee_id", "payee__name")
        .annotate(fen=Sum("amount_fen"))
        .order_by("payee_id")
    )
    return [MissingAccount(r["payee_id"], r["payee__name"], fen_to_yuan(r["fen"])) for r in rows]


def roll_lines(
    roll: Roll, *, name: str = "", programme: str = "", kind: str = "", township: str = ""
) -> QuerySet[PaymentLine]:
    # The account holder beside the payee: the person or a named agent (with the relation).
    account = BankAccount.objects.filter(person_id=OuterRef("payee_id"), active=True)
    lines = (
        PaymentLine.objects.filter(roll=roll)
        .select_related("payee", "region")
        .annotate(
            holder_name=Subquery(account.values("holder_name")[:1]),
            holder_relation=Subquery(account.values("holder_relation")[:1]),
        )
    )
    if name:
        lines = lines.filter(payee__name__contains=name)
    if programme:
        lines = lines.filter(programme=programme)
    if kind:
        lines = lines.filter(kind=kind)
    if township.isdigit() and len(township) == 12:
        lines = lines.filter(region_q(RegionCode.of(township, Level.TOWNSHIP)))
    return lines.order_by("id")


def townships_of(roll: Roll) -> list[Region]:
    county = region_q(RegionCode.of(roll.county_id, Level.COUNTY), "code")
    return list(Region.objects.filter(county, level=Level.TOWNSHIP).order_by("code"))
