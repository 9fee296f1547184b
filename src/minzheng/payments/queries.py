"""Reads of the payment data, always through the region scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Substr

from minzheng.accounts.models import User
from minzheng.assistance.parameters import region_chain
from minzheng.core.money import ZERO
from minzheng.core.regioncode import county_of
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.models import (
    PAYOUT_KINDS,
    BankFile,
    BankFileLine,
    PaymentLine,
    PriceIndex,
    Roll,
    fen_to_yuan,
)
from minzheng.payments.parameter_catalog import payment_parameters
from minzheng.payments.rules import price_subsidy
from minzheng.regions.models import Region


def rolls_for(actor: User) -> QuerySet[Roll]:
    return Roll.objects.visible_to(actor).select_related("county", "made_by", "approved_by")


def lines_for(actor: User) -> QuerySet[PaymentLine]:
    return PaymentLine.objects.visible_to(actor)


@dataclass(frozen=True)
class TotalRow:
    key: str
    name: str
    programme: str
    kind: str
    count: int
    amount: Decimal


def monthly_totals(actor: User, month: YearMonth, *, level: str = "county") -> list[TotalRow]:
    """Payouts of a month by county (or township) and programme and kind."""
    digits = 6 if level == "county" else 9
    rows = (
        lines_for(actor)
        .filter(roll__month=month.first_day(), kind__in=PAYOUT_KINDS)
        .annotate(unit=Substr("region_id", 1, digits))
        .values("unit", "programme", "kind")
        .annotate(n=Count("id"), fen=Sum("amount_fen"))
        .order_by("unit", "programme", "kind")
    )
    names = {
        r.code[:digits]: r.name
        for r in Region.objects.filter(level="county" if level == "county" else "township")
    }
    return [
        TotalRow(
            r["unit"],
            names.get(r["unit"], r["unit"]),
            r["programme"],
            r["kind"],
            r["n"],
            fen_to_yuan(r["fen"] or 0),
        )
        for r in rows
    ]


def latest_paid_month(actor: User) -> YearMonth | None:
    """The last month an approved roll pays in the actor's scope (the reports page opens on it):
    today's roll still waiting for its approver is not yet a payout."""
    month = (
        lines_for(actor)
        .filter(
            kind__in=PAYOUT_KINDS, roll__status__in=(Roll.Status.APPROVED, Roll.Status.EXPORTED)
        )
        .aggregate(m=Max("roll__month"))["m"]
    )
    return YearMonth.of(month) if month is not None else None


def year_by_month(actor: User, year: int) -> list[tuple[str, Decimal]]:
    """Payouts per roll month of a year (the chart on the reports page)."""
    totals = {
        f"{r['roll__month']:%Y-%m}": r["fen"]
        for r in lines_for(actor)
        .filter(roll__month__year=year, kind__in=PAYOUT_KINDS)
        .values("roll__month")
        .annotate(fen=Sum("amount_fen"))
    }
    return [
        (f"{year}-{m:02d}", fen_to_yuan(totals.get(f"{year}-{m:02d}", 0) or 0))
        for m in range(1, 13)
    ]


def payee_history(actor: User, person_id: int) -> QuerySet[PaymentLine]:
    return (
        lines_for(actor).filter(payee_id=person_id).select_related("roll").order_by("month", "kind")
    )


@dataclass(frozen=True)
class Reconciliation:
    issued: int
    paid: int
    failed: int
    pending: int
    issued_count: int
    paid_count: int
    failed_count: int
    pending_count: int

    @property
    def balanced(self) -> bool:
        return self.issued == self.paid + self.failed + self.pending


def reconciliation(bank_file: BankFile) -> Reconciliation:
    """Issued = paid + failed + pending, in fen, for one bank file."""
    lines = BankFileLine.objects.filter(bank_file=bank_file)
    agg = lines.aggregate(
        issued=Sum("amount_fen"),
        issued_n=Count("id"),
        paid=Sum("amount_fen", filter=Q(outcome__status="paid")),
        paid_n=Count("id", filter=Q(outcome__status="paid")),
        failed=Sum("amount_fen", filter=Q(outcome__status="failed")),
        failed_n=Count("id", filter=Q(outcome__status="failed")),
        pending=Sum("amount_fen", filter=Q(outcome__isnull=True)),
        pending_n=Count("id", filter=Q(outcome__isnull=True)),
    )
    return Reconciliation(
        agg["issued"] or 0,
        agg["paid"] or 0,
        agg["failed"] or 0,
        agg["pending"] or 0,
        agg["issued_n"],
        agg["paid_n"],
        agg["failed_n"],
        agg["pending_n"],
    )


@dataclass(frozen=True)
class SubsidyMonth:
    month: str
    cpi_yoy: Decimal | None
    food_cpi_yoy: Decimal | None
    triggered: bool
    per_person: Decimal
    reasons: tuple[str, ...]
    paid: Decimal


@dataclass
class SubsidyReport:
    year: int
    rows: list[SubsidyMonth] = field(default_factory=list)

    @property
    def launches(self) -> int:
        return sum(1 for r in self.rows if r.triggered)

    @property
    def per_person_total(self) -> Decimal:
        return sum((r.per_person for r in self.rows), ZERO)

    @property
    def paid_total(self) -> Decimal:
        return sum((r.paid for r in self.rows), ZERO)


def price_subsidy_report(actor: User, year: int) -> SubsidyReport:
    """The year's launches (months triggered), the amount per person, and what was paid."""
    county = county_of(actor.region_id) if actor.region.level != "city" else "330200"
    chain = region_chain(county)
    indices: dict[str, PriceIndex] = {}
    for index in PriceIndex.objects.filter(month__year=year, region_code__in=chain):
        key = f"{index.month:%Y-%m}"
        if key not in indices or chain.index(index.region_code) < chain.index(
            indices[key].region_code
        ):
            indices[key] = index
    paid = {
        f"{r['month']:%Y-%m}": r["fen"]
        for r in lines_for(actor)
        .filter(kind="price_subsidy", month__year=year)
        .values("month")
        .annotate(fen=Sum("amount_fen"))
    }
    report = SubsidyReport(year)
    for m in range(1, 13):
        month = YearMonth(year, m)
        key = str(month)
        entered = indices.get(key)
        if entered is None:
            report.rows.append(SubsidyMonth(key, None, None, False, ZERO, ("未录入指数",), ZERO))
            continue
        decision = price_subsidy(
            payment_parameters(county, month.first_day()),
            cpi_yoy=entered.cpi_yoy,
            food_cpi_yoy=entered.food_cpi_yoy,
        )
        report.rows.append(
            SubsidyMonth(
                key,
                entered.cpi_yoy,
                entered.food_cpi_yoy,
                decision.triggered,
                decision.per_person,
                decision.reasons,
                fen_to_yuan(paid.get(key, 0) or 0),
            )
        )
    return report
