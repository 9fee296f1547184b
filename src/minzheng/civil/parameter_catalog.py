"""The civil-service parameters: divorce periods, marriage age, appointment and Qingming capacity,
funeral fee waivers and eco-burial subsidies — dated, regional and sourced like the assistance
catalogue: loaded into the database with it (`assistance.parameter_catalog.all_specs`) and read
through the one resolver.

Values not confirmed by an official text seen are illustrative (confidence NF) and say so.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from minzheng.assistance.parameter_catalog import COVERAGE_START, NINGBO
from minzheng.assistance.parameters import (
    NATIONAL,
    CatalogValue,
    Confidence,
    ParameterRow,
    ParameterSet,
    ParameterSpec,
    ValueKind,
)
from minzheng.core.regioncode import county_of

A, B, C, NF = Confidence.A, Confidence.B, Confidence.C, Confidence.NF
CIVIL_CODE_START = date(2021, 1, 1)  # 民法典施行
SRC_1077 = "中华人民共和国民法典第1077条（2020-05-28通过，2021-01-01施行）"
SRC_1047 = "中华人民共和国民法典第1047条：结婚年龄，男不得早于二十二周岁，女不得早于二十周岁"
_ILLUSTRATIVE = "宁波取值未在资料中核实，为示例值，应由市局按实际配置"

CIVIL_PARAMETERS: list[ParameterSpec] = [
    ParameterSpec(
        "civil.divorce.cooling_off_days",
        "离婚冷静期",
        "日",
        ValueKind.INTEGER,
        (CatalogValue(NATIONAL, CIVIL_CODE_START, 30, f"{SRC_1077}第1款", A),),
        "自收到离婚登记申请之日起计算，期间任何一方可撤回申请",
    ),
    ParameterSpec(
        "civil.divorce.certificate_window_days",
        "冷静期届满后申领离婚证期限",
        "日",
        ValueKind.INTEGER,
        (CatalogValue(NATIONAL, CIVIL_CODE_START, 30, f"{SRC_1077}第2款", A),),
        "冷静期届满后该期限内双方未亲自申请发给离婚证的，视为撤回离婚登记申请",
    ),
    ParameterSpec(
        "civil.divorce.reminder_days_before",
        "离婚期限提醒提前天数",
        "日",
        ValueKind.INTEGER,
        (CatalogValue(NINGBO, COVERAGE_START, 3, _ILLUSTRATIVE, NF, illustrative=True),),
        "冷静期届满、申领期限届满前该天数向双方发送提醒短信",
    ),
    ParameterSpec(
        "civil.marriage.min_age_male",
        "法定婚龄（男）",
        "周岁",
        ValueKind.INTEGER,
        (CatalogValue(NATIONAL, CIVIL_CODE_START, 22, SRC_1047, A),),
    ),
    ParameterSpec(
        "civil.marriage.min_age_female",
        "法定婚龄（女）",
        "周岁",
        ValueKind.INTEGER,
        (CatalogValue(NATIONAL, CIVIL_CODE_START, 20, SRC_1047, A),),
    ),
    ParameterSpec(
        "civil.marriage.slot_capacity",
        "婚姻登记预约每时段名额",
        "对",
        ValueKind.INTEGER,
        (CatalogValue(NINGBO, COVERAGE_START, 20, _ILLUSTRATIVE, NF, illustrative=True),),
        "每个登记处每个工作日上午、下午各一个时段",
    ),
    ParameterSpec(
        "civil.funeral.waiver_groups",
        "基本殡葬服务费减免对象",
        "身份代码",
        ValueKind.CODES,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                ("dibao", "tekun", "dibian"),
                f"减免对象范围：{_ILLUSTRATIVE}",
                NF,
                illustrative=True,
            ),
        ),
        "逝者属于这些身份之一的，免除遗体接运、暂存、火化、骨灰寄存等基本殡葬服务费",
    ),
    ParameterSpec(
        "civil.funeral.basic_fee_waiver_amount",
        "基本殡葬服务费减免上限",
        "元/人",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO, COVERAGE_START, Decimal("1500"), _ILLUSTRATIVE, NF, illustrative=True
            ),
        ),
    ),
    ParameterSpec(
        "civil.eco_burial.subsidy.sea",
        "生态安葬补贴：海葬",
        "元/人",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO, COVERAGE_START, Decimal("3000"), _ILLUSTRATIVE, NF, illustrative=True
            ),
        ),
    ),
    ParameterSpec(
        "civil.eco_burial.subsidy.tree",
        "生态安葬补贴：树葬",
        "元/人",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO, COVERAGE_START, Decimal("2000"), _ILLUSTRATIVE, NF, illustrative=True
            ),
        ),
    ),
    ParameterSpec(
        "civil.eco_burial.subsidy.flower",
        "生态安葬补贴：花葬",
        "元/人",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO, COVERAGE_START, Decimal("2000"), _ILLUSTRATIVE, NF, illustrative=True
            ),
        ),
    ),
    ParameterSpec(
        "civil.qingming.slot_capacity",
        "清明祭扫预约每时段名额",
        "人",
        ValueKind.INTEGER,
        (CatalogValue(NINGBO, COVERAGE_START, 200, _ILLUSTRATIVE, NF, illustrative=True),),
    ),
]


def civil_rows() -> list[ParameterRow]:
    return [
        ParameterRow(
            spec.key,
            v.region_code,
            v.effective_from,
            v.value,
            v.source,
            v.confidence,
            v.illustrative,
        )
        for spec in CIVIL_PARAMETERS
        for v in spec.values
    ]


def civil_parameters(region_code: str, as_of: date) -> ParameterSet:
    """The civil parameters (and every other) in force for a county on a day: database rows
    loaded from this catalogue, through the one resolver (`assistance.queries.parameter_set`)."""
    from minzheng.assistance.queries import parameter_set

    return parameter_set(county_of(region_code), as_of)
