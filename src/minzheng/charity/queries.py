"""Reads of charity supervision, always through the region scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet, Sum

from minzheng.accounts.scope import ScopedActor
from minzheng.charity import rules
from minzheng.charity.models import Campaign, Donation, Expenditure, Recognition, YearlyFinancials
from minzheng.core.money import ZERO
from minzheng.organisations.models import Kind
from minzheng.organisations.queries import params_for

WAN = Decimal("10000")


def wan(amount: Decimal) -> str:
    """An amount in 万元 with two decimals, as the city's reports give it."""
    return f"{(amount / WAN).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


@dataclass(frozen=True)
class Totals:
    year: int
    received: Decimal
    cash: Decimal
    goods: Decimal
    spent: Decimal

    @property
    def spent_ratio(self) -> str:
        if not self.received:
            return "—"
        return f"{(self.spent * 100 / self.received).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"

    def in_wan(self, name: str) -> str:
        value: Decimal = getattr(self, name)
        return wan(value)


def totals(actor: ScopedActor, year: int) -> Totals:
    """The year's gifts and spending of the charities the actor reads (慈善信息公开: the city's
    for every staff role) — sums only, no donor."""
    gifts = Donation.objects.published_to(actor).filter(received_on__year=year)
    by_form = {r["form"]: r["s"] for r in gifts.values("form").annotate(s=Sum("amount"))}
    cash = by_form.get(Donation.Form.CASH) or ZERO
    goods = by_form.get(Donation.Form.GOODS) or ZERO
    spent = (
        Expenditure.objects.published_to(actor)
        .filter(spent_on__year=year)
        .aggregate(s=Sum("amount"))["s"]
        or ZERO
    )
    return Totals(year, cash + goods, cash, goods, spent)


@dataclass(frozen=True)
class CampaignRow:
    campaign: Campaign
    total: Decimal
    previous: Decimal | None

    @property
    def growth(self) -> str:
        if not self.previous:
            return "—"
        change = (self.total - self.previous) * 100 / self.previous
        return f"{change.quantize(Decimal('0.01'), ROUND_HALF_UP):+}%"


def campaigns(actor: ScopedActor) -> list[CampaignRow]:
    """慈善一日捐 campaigns and what each raised: published results, read by every staff role."""
    rows = list(Campaign.objects.published_to(actor).select_related("region", "organiser"))
    sums = {
        r["campaign"]: r["s"]
        for r in Donation.objects.filter(campaign__in=rows)
        .values("campaign")
        .annotate(s=Sum("amount"))
    }
    by_key = {(c.region_id, c.year): sums.get(c.pk, ZERO) for c in rows}
    return [
        CampaignRow(c, sums.get(c.pk, ZERO), by_key.get((c.region_id, c.year - 1))) for c in rows
    ]


def search_donations(actor: ScopedActor, q: str = "", year: str = "") -> QuerySet[Donation]:
    rows = Donation.objects.visible_to(actor).select_related("organisation", "project", "campaign")
    if q.strip():
        rows = rows.filter(
            Q(donor__contains=q.strip())
            | Q(organisation__name__contains=q.strip())
            | Q(receipt_number=q.strip())
        )
    if year.isdigit():
        rows = rows.filter(received_on__year=int(year))
    return rows


@dataclass(frozen=True)
class CheckRow:
    financials: YearlyFinancials
    check: rules.SpendingCheck


def spending_checks(actor: ScopedActor, year: int, today: date) -> list[CheckRow]:
    """Each charity's yearly check, failing ones first, with the figures that decided it."""
    recognitions = {r.organisation_id: r for r in Recognition.objects.visible_to(actor)}
    rows = []
    for f in (
        YearlyFinancials.objects.visible_to(actor).filter(year=year).select_related("organisation")
    ):
        rec = recognitions.get(f.organisation_id)
        if rec is None:
            continue
        figures = rules.Figures(
            is_foundation=f.organisation.kind == Kind.FOUNDATION,
            public_fundraising=rec.public_fundraising,
            prior_year_income=f.prior_year_income,
            three_year_average_income=f.three_year_average_income,
            prior_year_net_assets=f.prior_year_net_assets,
            charitable_spending=f.charitable_spending,
            management_cost=f.management_cost,
            total_spending=f.total_spending,
        )
        # The parameters in force at the end of the checked year.
        params = params_for(f.organisation.region_id, min(date(year, 12, 31), today))
        rows.append(CheckRow(f, rules.spending_check(figures, params)))
    return sorted(rows, key=lambda r: (r.check.passed, r.financials.organisation.name))
