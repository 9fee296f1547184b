"""Reads for 实物救助: townships in scope, stock, distributions with their progress, vouchers, and
the value issued beside cash on the ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import ScopedActor, region_q, scope_q
from minzheng.core.regioncode import RegionCode
from minzheng.inkind.models import (
    Distribution,
    DistributionQuerySet,
    Handover,
    HandoverQuerySet,
    Movement,
    MovementQuerySet,
    Stock,
    StockQuerySet,
    Voucher,
    VoucherQuerySet,
)
from minzheng.regions.models import Level, Region


def townships(actor: ScopedActor) -> QuerySet[Region]:
    return (
        Region.objects.filter(level=Level.TOWNSHIP).filter(scope_q(actor, "code")).order_by("code")
    )


def _store_unit(actor: ScopedActor) -> RegionCode:
    """Whose store the actor sees: their scope, or for a village assistant their township's store
    (the goods they hand out come from it)."""
    unit = actor.scope_code()
    return unit.township if unit.level == Level.VILLAGE else unit


def stock_visible(actor: ScopedActor) -> StockQuerySet:
    if not actor.can(Capability.CASE_DATA):
        return Stock.objects.none()
    return Stock.objects.filter(region_q(_store_unit(actor))).select_related("item", "region")


def movements_visible(actor: ScopedActor) -> MovementQuerySet:
    if not actor.can(Capability.CASE_DATA):
        return Movement.objects.none()
    return Movement.objects.filter(region_q(_store_unit(actor))).select_related(
        "stock__item", "region", "recorded_by"
    )


def distributions_visible(actor: ScopedActor) -> DistributionQuerySet:
    """Distributions of the actor's townships, and those with households in the actor's village."""
    inside = Distribution.objects.visible_to(actor).values("pk")
    touching = Handover.objects.visible_to(actor).values("distribution_id")
    return (
        Distribution.objects.filter(Q(pk__in=inside) | Q(pk__in=touching))
        .select_related("region", "item", "campaign")
        .order_by("-created_on", "-id")
    )


def with_progress(rows: DistributionQuerySet) -> DistributionQuerySet:
    return rows.annotate(
        households=Count("handovers"),
        confirmed=Count("handovers", filter=Q(handovers__status=Handover.Status.CONFIRMED)),
        value_issued=Sum("handovers__value", filter=Q(handovers__status=Handover.Status.CONFIRMED)),
    )


def handovers_visible(actor: ScopedActor) -> HandoverQuerySet:
    return Handover.objects.visible_to(actor).select_related(
        "recipient", "region", "distribution__item"
    )


def vouchers_visible(actor: ScopedActor) -> VoucherQuerySet:
    return Voucher.objects.visible_to(actor).select_related("holder", "region")


def voucher_state(v: Voucher, today: date) -> str:
    """未使用 / 已使用 / 已过期, in words."""
    if v.status == Voucher.Status.REDEEMED:
        return Voucher.Status.REDEEMED.label
    return "已过期" if today > v.expires_on else Voucher.Status.ISSUED.label


def voucher_usable(v: Voucher, today: date) -> bool:
    return v.status == Voucher.Status.ISSUED and today <= v.expires_on


def ledger_beside_cash(actor: ScopedActor, month_first: date) -> list[tuple[str, Decimal]]:
    """The month's ledger lines in the actor's scope by kind, in 元: in-kind and vouchers beside
    the cash benefits."""
    from minzheng.payments.models import Kind, PaymentLine

    rows = (
        PaymentLine.objects.filter(scope_q(actor), month=month_first)
        .values("kind")
        .annotate(total=Sum("amount_fen"))
        .order_by("kind")
    )
    labels = dict(Kind.choices)
    return [
        (labels.get(r["kind"], "其他"), (Decimal(r["total"] or 0) / 100).quantize(Decimal("0.01")))
        for r in rows
    ]
