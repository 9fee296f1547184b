"""Medical assistance parameters: deductible and ratio per category and visit kind, annual cap per
category, and the rounding of the assisted amount — dated, regional, sourced rows loaded through the
assistance catalogue (`assistance.parameter_catalog.PARAMETERS`) and resolved by the same resolver.

What was checked (next-domains.md §1, policy.md §4):
- 国办发〔2021〕42号: "对低保对象、特困人员符合规定的医疗费用可按不低于70%的比例救助" — quote seen
  (confidence C). 70 % is the national floor; the Ningbo ratio was not found.
- The deductible figures of the same opinion (特困/低保 原则上取消起付标准, 低边 about 10 %, 因病致贫
  about 25 % of last year's per-capita disposable income) were NOT seen in the text: illustrative.
- Annual caps are set by each 统筹地区; Ningbo's were not found: illustrative.
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
from minzheng.core.money import Rounding

NINGBO = "330200"
START = date(
    2020, 1, 1
)  # the system's coverage period starts here (as in the assistance catalogue)

CATEGORIES: dict[str, str] = {
    "tekun": "特困人员",
    "dibao": "低保对象",
    "dibian": "低保边缘家庭成员",
    "zhichu": "支出型贫困（因病致贫）",
}
VISIT_KINDS: dict[str, str] = {"inpatient": "住院", "outpatient": "门诊", "chronic": "门诊慢特病"}

SRC_42 = "国务院办公厅关于健全重特大疾病医疗保险和救助制度的意见（国办发〔2021〕42号）"
_RATIO_FLOOR = (
    f"{SRC_42}：“对低保对象、特困人员符合规定的医疗费用可按不低于70%的比例救助”"
    "（gov.cn/gongbao/content/2021/content_5659514.htm 引文）；取全国下限，宁波比例未找到"
)
_NOTE_42_DATE = "文件日期2021-10-28；此处自系统覆盖期起点2020-01-01起列示，宁波2020年取值未核实"
_INCOME = "按上年居民人均可支配收入示例值60000元/年（特困人员赡养义务人收入线示例值 5000元/月×12）"

# (category, visit kind) → (deductible 元/年, ratio, source of the deductible, source of the ratio)
_DEDUCTIBLE: dict[str, tuple[Decimal, str]] = {
    "tekun": (
        Decimal("0"),
        f"示例值：资料称{SRC_42}对特困人员“原则上取消起付标准”，原文未核实",
    ),
    "dibao": (
        Decimal("0"),
        f"示例值：资料称{SRC_42}对低保对象“原则上取消起付标准”，原文未核实",
    ),
    "dibian": (
        Decimal("6000"),
        f"示例值：资料称{SRC_42}低边起付标准约为上年居民人均可支配收入的10%，原文未核实；{_INCOME}",
    ),
    "zhichu": (
        Decimal("15000"),
        f"示例值：资料称{SRC_42}因病致贫重病患者起付标准约为上年居民人均可支配收入的25%，原文未核实；{_INCOME}",
    ),
}
# Outpatient and chronic visits: no separate deductible found anywhere; illustrative zero.
_OUTPATIENT_DEDUCTIBLE = (
    "示例值：门诊、门诊慢特病起付标准未找到，示例取0元（年度起付标准只在住院计）"
)

_RATIO: dict[str, tuple[Decimal, str, Confidence, bool]] = {
    "tekun": (Decimal("0.70"), _RATIO_FLOOR, Confidence.C, False),
    "dibao": (Decimal("0.70"), _RATIO_FLOOR, Confidence.C, False),
    "dibian": (
        Decimal("0.60"),
        f"示例值：资料称{SRC_42}对其他救助对象比例“略低于低保对象”，原文未核实；宁波比例未找到",
        Confidence.NF,
        True,
    ),
    "zhichu": (
        Decimal("0.50"),
        f"示例值：资料称{SRC_42}对因病致贫重病患者比例“略低于低保对象”，原文未核实；宁波比例未找到",
        Confidence.NF,
        True,
    ),
}
_CAP: dict[str, Decimal] = {
    "tekun": Decimal("100000"),
    "dibao": Decimal("80000"),
    "dibian": Decimal("60000"),
    "zhichu": Decimal("50000"),
}
_CAP_SOURCE = f"示例值：{SRC_42}规定年度救助限额由统筹地区确定；宁波限额未找到"


def _specs() -> list[ParameterSpec]:
    specs: list[ParameterSpec] = []
    for category, category_name in CATEGORIES.items():
        for kind, kind_name in VISIT_KINDS.items():
            amount, source = _DEDUCTIBLE[category]
            if kind != "inpatient":
                amount, source = Decimal("0"), _OUTPATIENT_DEDUCTIBLE
            specs.append(
                ParameterSpec(
                    f"medical.deductible.{category}.{kind}",
                    f"医疗救助年度起付标准：{category_name}·{kind_name}",
                    "元/年",
                    ValueKind.DECIMAL,
                    (
                        CatalogValue(
                            NINGBO, START, amount, source, Confidence.NF, illustrative=True
                        ),
                    ),
                    "经基本医保、大病保险和其他保险报销后的政策范围内个人自付，先扣除年度起付标准余额",
                )
            )
            ratio, source, confidence, illustrative = _RATIO[category]
            region = NATIONAL if not illustrative else NINGBO
            specs.append(
                ParameterSpec(
                    f"medical.ratio.{category}.{kind}",
                    f"医疗救助比例：{category_name}·{kind_name}",
                    "比例",
                    ValueKind.DECIMAL,
                    (
                        CatalogValue(
                            region,
                            START,
                            ratio,
                            source,
                            confidence,
                            illustrative=illustrative,
                            note=_NOTE_42_DATE,
                        ),
                    ),
                    "扣除起付标准后的政策范围内个人自付乘以该比例",
                )
            )
        specs.append(
            ParameterSpec(
                f"medical.annual_cap.{category}",
                f"医疗救助年度限额：{category_name}",
                "元/年",
                ValueKind.DECIMAL,
                (
                    CatalogValue(
                        NINGBO, START, _CAP[category], _CAP_SOURCE, Confidence.NF, illustrative=True
                    ),
                ),
                "同一人同一自然年度累计救助不超过该限额（住院、门诊、慢特病合计）",
            )
        )
    specs.append(
        ParameterSpec(
            "medical.rounding",
            "医疗救助金额舍入规则",
            "规则",
            ValueKind.ROUNDING,
            (
                CatalogValue(
                    NINGBO,
                    START,
                    Rounding.HALF_UP_FEN.value,
                    "示例值：舍入规则未找到，按四舍五入到分",
                    Confidence.NF,
                    illustrative=True,
                ),
            ),
        )
    )
    return specs


MEDICAL_PARAMETERS: list[ParameterSpec] = _specs()
