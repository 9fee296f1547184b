"""Rescue parameters: the stay limit and how long an extension may be."""

from __future__ import annotations

from minzheng.assistance.parameter_catalog import COVERAGE_START, NINGBO
from minzheng.assistance.parameters import CatalogValue, Confidence, ParameterSpec, ValueKind

_RULES = (
    "民政部令第24号《城市生活无着的流浪乞讨人员救助管理办法实施细则》：救助站应当根据受助人员"
    "的情况确定救助期限，一般不超过10天；因特殊情况需要延长的，报上级民政主管部门备案"
    "（原文未见，条号未核对）"
)
_ILLUSTRATIVE = "延长期限的天数未在资料中找到，为示例值（细则只要求报上级民政主管部门备案）"


def _int(key: str, name: str, unit: str, value: int, source: str, c: Confidence) -> ParameterSpec:
    return ParameterSpec(
        key,
        name,
        unit,
        ValueKind.INTEGER,
        (CatalogValue(NINGBO, COVERAGE_START, value, source, c, illustrative=c is Confidence.NF),),
    )


RESCUE_PARAMETERS: list[ParameterSpec] = [
    _int("rescue.stay_limit_days", "救助期限", "天", 10, _RULES, Confidence.B),
    _int(
        "rescue.extension_max_days", "一次延长救助期限上限", "天", 10, _ILLUSTRATIVE, Confidence.NF
    ),
]
