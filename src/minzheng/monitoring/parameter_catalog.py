"""The monitoring parameters: deadlines and the high medical cost warning, dated and sourced.

They join the assistance catalogue (`assistance.parameter_catalog.PARAMETERS`), so they are loaded
into the database, edited and resolved with every other policy value. The asset and income lines
the warnings compare against are the assistance parameters themselves (低保标准, 货币财产年数 …).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from minzheng.assistance.parameters import CatalogValue, Confidence, ParameterSpec, ValueKind

NF, A = Confidence.NF, Confidence.A
NINGBO = "330200"
NATIONAL = "000000"
START = date(2020, 1, 1)

REVIEW_DAYS = "monitoring.review_deadline_days"
DEATH_REVIEW_MONTHS = "monitoring.death_review_months"
VISIT_DAYS = "monitoring.visit_deadline_days"
MEDICAL_THRESHOLD = "medical_warning.self_paid_12m"
MEDICAL_SHARE = "medical_warning.income_share"

MONITORING_PARAMETERS: list[ParameterSpec] = [
    ParameterSpec(
        REVIEW_DAYS,
        "预警核查期限",
        "天",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NINGBO,
                START,
                30,
                "宁波预警核查期限未找到；30天为示例值",
                NF,
                illustrative=True,
            ),
        ),
        "车辆、房产、经营、收入、存款等预警自发出之日起须完成复核的天数",
    ),
    ParameterSpec(
        DEATH_REVIEW_MONTHS,
        "成员死亡后复核期限",
        "月",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                START,
                3,
                "家庭成员死亡的，应在3个月内复核（最低生活保障审核确认办法（民发〔2021〕57号）"
                "第34条；民政部等2022-10通知第一（三）项）",
                A,
                note="本条自系统覆盖期起点2020-01-01起列示，文件本身的施行日未在资料中核实",
            ),
        ),
    ),
    ParameterSpec(
        VISIT_DAYS,
        "高额医疗费用预警入户期限",
        "天",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NINGBO,
                START,
                15,
                "宁波入户核查期限未找到；15天为示例值",
                NF,
                illustrative=True,
            ),
        ),
    ),
    ParameterSpec(
        MEDICAL_THRESHOLD,
        "高额医疗费用预警：近12个月个人自付",
        "元",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO,
                START,
                Decimal("20000"),
                "个人自付预警金额未找到（policy.md §5：浙江大救助系统有此模块，阈值未公开）；"
                "20000元为示例值",
                NF,
                illustrative=True,
            ),
        ),
        "近12个月医保结算个人自付合计超过该金额即预警（国办发〔2021〕42号要求建立高额医疗费用预警）",
    ),
    ParameterSpec(
        MEDICAL_SHARE,
        "高额医疗费用预警：自付占家庭年收入比例",
        "比例",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO,
                START,
                Decimal("0.5"),
                "自付占家庭收入比例未找到（刚性支出困难家庭按“当地确定的比例”）；0.5为示例值",
                NF,
                illustrative=True,
            ),
        ),
        "近12个月个人自付超过家庭同期收入的该比例即预警",
    ),
]
