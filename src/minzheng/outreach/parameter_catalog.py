"""大排摸 parameters: who is an elderly person living alone, how recent an exit counts, what
counts as a severe disability — illustrative values (no Ningbo campaign rules were seen) — and the
article's figures with the city's population they are scaled by."""

from __future__ import annotations

from minzheng.assistance.parameter_catalog import COVERAGE_START, NINGBO
from minzheng.assistance.parameters import CatalogValue, Confidence, ParameterSpec, ValueKind

_ILLUSTRATIVE = "宁波2020年大排摸的对象条件未在资料中找到，为示例值"
_ARTICLE = (
    "宁波市民政局2020年工作总结（../seed 文章）：“大排摸”走访重点对象11019人，新纳入保障1159人"
)
_CENSUS = "宁波市第七次全国人口普查主要数据公报（宁波市统计局，2021-05-17）：常住人口9404283人"


def _int(key: str, name: str, unit: str, value: int, source: str, c: Confidence) -> ParameterSpec:
    return ParameterSpec(
        key,
        name,
        unit,
        ValueKind.INTEGER,
        (CatalogValue(NINGBO, COVERAGE_START, value, source, c, illustrative=c is Confidence.NF),),
    )


OUTREACH_PARAMETERS: list[ParameterSpec] = [
    _int(
        "outreach.elderly_alone_min_age",
        "独居老人年龄下限",
        "周岁",
        70,
        _ILLUSTRATIVE,
        Confidence.NF,
    ),
    _int(
        "outreach.recent_exit_months", "近期退出保障的月数", "月", 12, _ILLUSTRATIVE, Confidence.NF
    ),
    _int(
        "outreach.severe_disability_max_grade",
        "重度残疾等级上限",
        "级",
        2,
        _ILLUSTRATIVE,
        Confidence.NF,
    ),
    _int("outreach.article_surveyed", "文章：大排摸走访人数", "人", 11019, _ARTICLE, Confidence.C),
    _int(
        "outreach.article_newly_covered", "文章：新纳入保障人数", "人", 1159, _ARTICLE, Confidence.C
    ),
    _int("outreach.city_population", "全市常住人口", "人", 9404283, _CENSUS, Confidence.B),
]
