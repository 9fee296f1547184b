"""The yearly spending and management-cost check of a charity organisation: pure, no Django.

慈善法 (2016 art.60; 2023 revision art.61) for foundations with public-fundraising qualification,
and the 2016 three-ministry rules for the others, by type and by last year-end net assets. Every
ratio, band edge and the management-cost exemption is a dated parameter (charity/parameter_catalog.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from minzheng.assistance.decisions import Criterion, uses
from minzheng.assistance.parameters import ParameterSet, ResolvedParameter
from minzheng.core.money import FEN


class Group(StrEnum):
    PUBLIC_FOUNDATION = "public_foundation"
    PUBLIC_OTHER = "public_other"
    PRIVATE_FOUNDATION = "private_foundation"
    PRIVATE_OTHER = "private_other"


GROUP_LABELS = {
    Group.PUBLIC_FOUNDATION: "具有公开募捐资格的基金会",
    Group.PUBLIC_OTHER: "具有公开募捐资格的社会团体、社会服务机构",
    Group.PRIVATE_FOUNDATION: "不具有公开募捐资格的基金会",
    Group.PRIVATE_OTHER: "不具有公开募捐资格的社会团体、社会服务机构",
}
# Net-asset bands of the organisations without public-fundraising qualification, largest first.
BANDS = ("large", "upper", "middle", "small")


@dataclass(frozen=True, slots=True)
class Figures:
    is_foundation: bool
    public_fundraising: bool
    prior_year_income: Decimal
    three_year_average_income: Decimal | None
    prior_year_net_assets: Decimal
    charitable_spending: Decimal
    management_cost: Decimal
    total_spending: Decimal

    @property
    def group(self) -> Group:
        if self.public_fundraising:
            return Group.PUBLIC_FOUNDATION if self.is_foundation else Group.PUBLIC_OTHER
        return Group.PRIVATE_FOUNDATION if self.is_foundation else Group.PRIVATE_OTHER


@dataclass(frozen=True, slots=True)
class SpendingCheck:
    passed: bool
    group: Group
    band: str  # "" for the public-fundraising groups
    criteria: tuple[Criterion, ...]

    @property
    def failures(self) -> list[Criterion]:
        return [c for c in self.criteria if not c.passed]


def money(value: Decimal) -> str:
    return f"{value.quantize(FEN, rounding=ROUND_HALF_UP):,}元"


def pct(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}%"


def band_for(
    group: Group, net_assets: Decimal, params: ParameterSet
) -> tuple[str, list[ResolvedParameter]]:
    """The band whose lower edge (inclusive, 含本数) the net assets reach; "small" below them all."""
    used = []
    for band in BANDS[:-1]:
        floor, p = params.decimal(f"charity.{group}.{band}.min_net_assets")
        used.append(p)
        if net_assets >= floor:
            return band, used
    return BANDS[-1], used


def spending_check(f: Figures, params: ParameterSet) -> SpendingCheck:
    group = f.group
    criteria: list[Criterion] = []
    if group in (Group.PUBLIC_FOUNDATION, Group.PUBLIC_OTHER):
        band = ""
        ratio, p = params.decimal(f"charity.{group}.min_spending_ratio")
        needed = ratio * f.prior_year_income
        passed = f.charitable_spending >= needed
        threshold = f"不低于上年总收入{money(f.prior_year_income)}的{pct(ratio)}，即{money(needed)}"
        if f.three_year_average_income is not None:
            # 慈善法: 上一年总收入的70% 或者 前三年收入平均数额的70% — either base suffices.
            needed_avg = ratio * f.three_year_average_income
            passed = passed or f.charitable_spending >= needed_avg
            threshold += f"，或前三年收入平均数{money(f.three_year_average_income)}的{pct(ratio)}即{money(needed_avg)}"
        criteria.append(
            Criterion(
                "年度慈善活动支出比例", money(f.charitable_spending), threshold, passed, uses(p)
            )
        )
    else:
        band, band_params = band_for(group, f.prior_year_net_assets, params)
        ratio, p = params.decimal(f"charity.{group}.{band}.min_spending_ratio")
        needed = ratio * f.prior_year_net_assets
        criteria.append(
            Criterion(
                "年度慈善活动支出比例",
                money(f.charitable_spending),
                f"不低于上年末净资产{money(f.prior_year_net_assets)}的{pct(ratio)}，即{money(needed)}",
                f.charitable_spending >= needed,
                uses(*band_params, p),
            )
        )
        if group is Group.PRIVATE_OTHER and band == "small":
            income_ratio, pi = params.decimal("charity.private_other.small.min_income_ratio")
            needed_income = income_ratio * f.prior_year_income
            criteria.append(
                Criterion(
                    "年度慈善活动支出占上年总收入比例",
                    money(f.charitable_spending),
                    f"不低于上年总收入{money(f.prior_year_income)}的{pct(income_ratio)}，即{money(needed_income)}",
                    f.charitable_spending >= needed_income,
                    uses(pi),
                )
            )
    key = (
        f"charity.{group}.max_management_ratio"
        if not band
        else f"charity.{group}.{band}.max_management_ratio"
    )
    cap_ratio, pm = params.decimal(key)
    exempt_below, pe = params.decimal("charity.management_exempt_below")
    cap = cap_ratio * f.total_spending
    if f.management_cost < exempt_below:
        criteria.append(
            Criterion(
                "管理费用比例",
                money(f.management_cost),
                f"低于{money(exempt_below)}，不受比例限制",
                True,
                uses(pe),
            )
        )
    else:
        criteria.append(
            Criterion(
                "管理费用比例",
                money(f.management_cost),
                f"不超过当年总支出{money(f.total_spending)}的{pct(cap_ratio)}，即{money(cap)}",
                f.management_cost <= cap,
                uses(pm, pe),
            )
        )
    return SpendingCheck(all(c.passed for c in criteria), group, band, tuple(criteria))


# The bands as the 2016 rules name them (the edges themselves are parameters).
BAND_LABELS = {
    (Group.PRIVATE_FOUNDATION, "large"): "净资产6000万元以上",
    (Group.PRIVATE_FOUNDATION, "upper"): "净资产800万—6000万元",
    (Group.PRIVATE_FOUNDATION, "middle"): "净资产400万—800万元",
    (Group.PRIVATE_FOUNDATION, "small"): "净资产400万元以下",
    (Group.PRIVATE_OTHER, "large"): "净资产1000万元以上",
    (Group.PRIVATE_OTHER, "upper"): "净资产500万—1000万元",
    (Group.PRIVATE_OTHER, "middle"): "净资产100万—500万元",
    (Group.PRIVATE_OTHER, "small"): "净资产100万元以下",
}
