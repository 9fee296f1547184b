"""Grievance deadlines in working days, by kind, and how far an overdue item is escalated — dated
rows loaded with the assistance catalogue (`assistance.parameter_catalog.all_specs`).

No Ningbo or Zhejiang text fixing these working-day limits was seen: every value is illustrative.
(The 60-day limit of the national 信访 rules — 《信访工作条例》(2022) — was not read in this
work and is not encoded; it counts calendar days from acceptance.)
"""

from __future__ import annotations

from minzheng.assistance.parameter_catalog import COVERAGE_START, NINGBO
from minzheng.assistance.parameters import CatalogValue, Confidence, ParameterSpec, ValueKind

_ILLUSTRATIVE = (
    "宁波对民政投诉举报、救助热线办理时限的规定未在资料中找到，为示例值，应由市局按实际配置"
)


def _days(kind: str, name: str, days: int) -> ParameterSpec:
    return ParameterSpec(
        f"grievances.sla_working_days.{kind}",
        f"{name}办理时限",
        "工作日",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NINGBO, COVERAGE_START, days, _ILLUSTRATIVE, Confidence.NF, illustrative=True
            ),
        ),
        "自受理之日的次日起按工作日计算（法定节假日顺延）",
    )


GRIEVANCE_PARAMETERS: list[ParameterSpec] = [
    _days("complaint", "投诉", 15),
    _days("report", "举报", 15),
    _days("fraud", "骗保举报", 15),
    _days("request", "求助", 5),
    _days("inquiry", "政策咨询", 3),
    ParameterSpec(
        "grievances.escalation.max_level",
        "超期升级督办最高级别",
        "级",
        ValueKind.INTEGER,
        (CatalogValue(NINGBO, COVERAGE_START, 2, _ILLUSTRATIVE, Confidence.NF, illustrative=True),),
        "第1级由县（市、区）民政局督办，第2级由市民政局督办",
    ),
    ParameterSpec(
        "grievances.escalation.extra_working_days",
        "升级督办后的办理时限",
        "工作日",
        ValueKind.INTEGER,
        (CatalogValue(NINGBO, COVERAGE_START, 3, _ILLUSTRATIVE, Confidence.NF, illustrative=True),),
        "每升级一次，自升级之日起重新计算的期限",
    ),
]
