"""Charity spending and management-cost limits (慈善法 and the 2016 three-ministry rules), dated.

Ratios are fractions (0.70 = 70 %); amounts are 元. Bands are "from this net-asset amount up
(inclusive)": the 2016 rules say 含本数 at the lower edge — confirmed for the bands tagged [C] in
docs/next-domains.md, assumed for the two [M] bands, which are therefore flagged illustrative.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from minzheng.assistance.parameters import (
    NATIONAL,
    CatalogValue,
    Confidence,
    ParameterSpec,
    ValueKind,
)

C, NF = Confidence.C, Confidence.NF
START = date(2020, 1, 1)
LAW_2023_IN_FORCE = date(2024, 9, 5)
SRC_LAW_2016 = "中华人民共和国慈善法（2016）第60条"
SRC_LAW_2023 = "中华人民共和国慈善法（2023年修正，2024-09-05施行）第61条"
SRC_2016_RULES = (
    "民政部 财政部 国家税务总局《关于慈善组织开展慈善活动年度支出和管理费用的规定》（2016）"
)
_M = "next-domains.md 标为未核实[M]，按示例值列示，待核对原文"
_D = Decimal


def _law(key: str, name: str, value: str, clause: str, description: str) -> ParameterSpec:
    return ParameterSpec(
        key,
        name,
        "比例",
        ValueKind.DECIMAL,
        (
            CatalogValue(NATIONAL, START, _D(value), f"{SRC_LAW_2016}：{clause}", C),
            CatalogValue(NATIONAL, LAW_2023_IN_FORCE, _D(value), f"{SRC_LAW_2023}：{clause}", C),
        ),
        description,
    )


def _rule(
    key: str, name: str, unit: str, value: str, clause: str, *, unconfirmed: bool = False
) -> ParameterSpec:
    return ParameterSpec(
        key,
        name,
        unit,
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NATIONAL,
                START,
                _D(value),
                f"{SRC_2016_RULES}：{clause}",
                NF if unconfirmed else C,
                illustrative=unconfirmed,
                note=_M if unconfirmed else "",
            ),
        ),
    )


def _band(
    group: str, band: str, label: str, floor: str | None, spend: str, manage: str, *, m: bool
) -> list[ParameterSpec]:
    prefix = f"charity.{group}.{band}"
    specs = []
    if floor is not None:
        specs.append(
            _rule(
                f"{prefix}.min_net_assets", f"{label}净资产下限", "元", floor, label, unconfirmed=m
            )
        )
    specs.append(
        _rule(
            f"{prefix}.min_spending_ratio",
            f"{label}年度慈善活动支出比例下限",
            "比例",
            spend,
            f"{label}不低于上年末净资产的{_pct(spend)}",
            unconfirmed=m,
        )
    )
    specs.append(
        _rule(
            f"{prefix}.max_management_ratio",
            f"{label}管理费用比例上限",
            "比例",
            manage,
            f"{label}管理费用不超过当年总支出的{_pct(manage)}",
            unconfirmed=m,
        )
    )
    return specs


def _pct(value: str) -> str:
    return f"{(_D(value) * 100).normalize()}%"


CHARITY_PARAMETERS: list[ParameterSpec] = [
    _law(
        "charity.public_foundation.min_spending_ratio",
        "具有公开募捐资格的基金会年度慈善活动支出比例下限",
        "0.70",
        "不得低于上一年总收入的70%或者前三年收入平均数额的70%",
        "以上年总收入（或前三年收入平均数）为基数",
    ),
    _law(
        "charity.public_foundation.max_management_ratio",
        "具有公开募捐资格的基金会管理费用比例上限",
        "0.10",
        "年度管理费用不得超过当年总支出的10%",
        "以当年总支出为基数",
    ),
    _rule(
        "charity.public_other.min_spending_ratio",
        "具有公开募捐资格的社会团体、社会服务机构年度慈善活动支出比例下限",
        "比例",
        "0.70",
        "具有公开募捐资格的社会团体和社会服务机构不低于上年总收入的70%",
    ),
    _rule(
        "charity.public_other.max_management_ratio",
        "具有公开募捐资格的社会团体、社会服务机构管理费用比例上限",
        "比例",
        "0.13",
        "管理费用不超过当年总支出的13%",
    ),
    *_band(
        "private_foundation",
        "large",
        "不具有公开募捐资格的基金会（净资产6000万元以上）",
        "60000000",
        "0.06",
        "0.12",
        m=True,
    ),
    *_band(
        "private_foundation",
        "upper",
        "不具有公开募捐资格的基金会（净资产800万—6000万元）",
        "8000000",
        "0.06",
        "0.13",
        m=False,
    ),
    *_band(
        "private_foundation",
        "middle",
        "不具有公开募捐资格的基金会（净资产400万—800万元）",
        "4000000",
        "0.07",
        "0.15",
        m=True,
    ),
    *_band(
        "private_foundation",
        "small",
        "不具有公开募捐资格的基金会（净资产400万元以下）",
        None,
        "0.08",
        "0.20",
        m=False,
    ),
    *_band(
        "private_other",
        "large",
        "不具有公开募捐资格的社会团体、社会服务机构（净资产1000万元以上）",
        "10000000",
        "0.06",
        "0.13",
        m=False,
    ),
    *_band(
        "private_other",
        "upper",
        "不具有公开募捐资格的社会团体、社会服务机构（净资产500万—1000万元）",
        "5000000",
        "0.07",
        "0.14",
        m=False,
    ),
    *_band(
        "private_other",
        "middle",
        "不具有公开募捐资格的社会团体、社会服务机构（净资产100万—500万元）",
        "1000000",
        "0.08",
        "0.15",
        m=False,
    ),
    *_band(
        "private_other",
        "small",
        "不具有公开募捐资格的社会团体、社会服务机构（净资产100万元以下）",
        None,
        "0.08",
        "0.20",
        m=False,
    ),
    _rule(
        "charity.private_other.small.min_income_ratio",
        "净资产100万元以下的社会团体、社会服务机构支出占上年总收入比例下限",
        "比例",
        "0.50",
        "上年末净资产低于100万元的，年度慈善活动支出还应不低于上年总收入的50%",
    ),
    _rule(
        "charity.management_exempt_below",
        "管理费用比例豁免额",
        "元",
        "200000",
        "年度管理费用低于20万元的，不受管理费用比例限制",
    ),
]


def _days(
    key: str, name: str, value: int, source: str, *, illustrative: bool, note: str = ""
) -> ParameterSpec:
    return ParameterSpec(
        key,
        name,
        "天",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL, START, value, source, NF if illustrative else C, illustrative, note
            ),
        ),
    )


CHARITY_PARAMETERS += [
    _days(
        "charity.fundraising.plan_days_before",
        "募捐方案提前备案天数",
        10,
        "募捐方案备案指引（2026-01-01施行，见 next-domains.md §4）：开展公开募捐10日前备案",
        illustrative=False,
        note="2026年以前的规定未在资料中核对，沿用同一数值",
    ),
    _days(
        "charity.trust.filing_days",
        "慈善信托备案时限",
        7,
        "受托人应在慈善信托文件签订之日起7日内备案（next-domains.md 标为未核实[M]），示例值",
        illustrative=True,
    ),
    _days(
        "charity.disclosure.major_event_days",
        "重大事项公开时限",
        30,
        "慈善组织信息公开办法（民政部令第81号，2026-01-01施行）：重大资产变动、投资、关联交易30日内公开",
        illustrative=False,
    ),
]
