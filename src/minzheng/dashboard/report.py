"""The monthly report a county sends by the 15th of the next month (民政统计月报), in its layout:
coded rows, persons and households as counts, funds in 万元 to one decimal, and the cross-checks
the county must pass before sending."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from minzheng.core.yearmonth import YearMonth
from minzheng.dashboard.indicators import Figures, Hierarchy, regions_under
from minzheng.dashboard.queries import ledger_total

WAN = Decimal(10000)


@dataclass(frozen=True)
class ReportRow:
    code: str  # the row's code in the report
    name: str
    unit: str
    indicators: tuple[str, ...]  # summed


ROWS: tuple[ReportRow, ...] = (
    ReportRow("A01", "城市最低生活保障人数", "人", ("dibao_urban_persons",)),
    ReportRow("A02", "城市最低生活保障户数", "户", ("dibao_urban_households",)),
    ReportRow("A03", "城市最低生活保障资金支出", "万元", ("dibao_urban_funds",)),
    ReportRow("B01", "农村最低生活保障人数", "人", ("dibao_rural_persons",)),
    ReportRow("B02", "农村最低生活保障户数", "户", ("dibao_rural_households",)),
    ReportRow("B03", "农村最低生活保障资金支出", "万元", ("dibao_rural_funds",)),
    ReportRow("C01", "最低生活保障资金支出合计", "万元", ("dibao_funds", "dibao_price_subsidy")),
    ReportRow("C02", "　其中：低保金", "万元", ("dibao_funds",)),
    ReportRow("C03", "　　　　价格临时补贴", "万元", ("dibao_price_subsidy",)),
    ReportRow("D01", "特困人员救助供养人数", "人", ("tekun_persons",)),
    ReportRow("D02", "特困人员救助供养资金支出", "万元", ("tekun_funds", "tekun_price_subsidy")),
    ReportRow("E01", "临时救助资金支出", "万元", ("temporary_funds",)),
    ReportRow("F01", "低保边缘家庭户数", "户", ("dibian_households",)),
    ReportRow("F02", "低保边缘家庭人数", "人", ("dibian_persons",)),
)


def value(figures: dict[str, Any], row: ReportRow) -> Decimal:
    total = sum((Decimal(figures.get(code, 0)) for code in row.indicators), Decimal(0))
    if row.unit == "万元":
        return (total / WAN).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return total


@dataclass
class Check:
    name: str
    passed: bool
    detail: str


@dataclass
class MonthlyReport:
    county: str
    county_name: str
    month: YearMonth
    rows: list[tuple[ReportRow, Decimal]]
    checks: list[Check]

    @property
    def ready(self) -> bool:
        return all(c.passed for c in self.checks)


def monthly_report(
    figures: Figures, tree: Hierarchy, county: str, month: YearMonth
) -> MonthlyReport:
    mine = figures.get(county, {})
    rows = [(row, value(mine, row)) for row in ROWS]
    checks = []
    townships = list(regions_under(tree, county, "township"))
    for row in ROWS:
        if row.unit == "万元":
            continue
        summed = sum((value(figures.get(t, {}), row) for t in townships), Decimal(0))
        if summed != value(mine, row):
            checks.append(
                Check(
                    f"{row.code} 等于各乡镇之和", False, f"县 {value(mine, row)}，乡镇合计 {summed}"
                )
            )
    if not checks:
        checks.append(Check("人数、户数等于各乡镇之和", True, f"{len(townships)} 个乡镇（街道）"))
    reported = sum(
        (
            Decimal(mine.get(c, 0))
            for c in (
                "dibao_funds",
                "dibao_price_subsidy",
                "tekun_funds",
                "tekun_price_subsidy",
                "temporary_funds",
            )
        ),
        Decimal(0),
    )
    ledger = ledger_total(county, month)
    checks.append(
        Check(
            "资金支出等于台账",
            reported == ledger,
            f"报表 {reported:.2f} 元，已审批花名册台账 {ledger:.2f} 元",
        )
    )
    return MonthlyReport(county, tree.name.get(county, county), month, rows, checks)
