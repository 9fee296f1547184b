"""Roll sizes and totals for the operators' metrics (read at scrape time)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Sum
from prometheus_client.core import GaugeMetricFamily, Metric

from minzheng.payments.models import PaymentLine, Roll


def collect() -> Iterable[Metric]:
    lines = GaugeMetricFamily(
        "minzheng_roll_lines", "Lines in each county's latest roll", labels=["county", "month"]
    )
    amount = GaugeMetricFamily(
        "minzheng_roll_amount_yuan",
        "Total of each county's latest roll, in yuan",
        labels=["county", "month"],
    )
    seen: set[str] = set()
    newest_first = Roll.objects.select_related("county").order_by("county_id", "-month", "-version")
    for roll in newest_first:
        if roll.county_id in seen:
            continue
        seen.add(roll.county_id)
        figures = PaymentLine.objects.filter(roll=roll).aggregate(
            n=Count("id"), fen=Sum("amount_fen")
        )
        labels = [roll.county.code, roll.month.strftime("%Y-%m")]
        lines.add_metric(labels, figures["n"] or 0)
        amount.add_metric(labels, (figures["fen"] or 0) / 100)
    yield lines
    yield amount
