"""Workflow parameters (deadlines, the advance-aid amount, spot-check ratios) as catalogue data.

These are loaded into the database with every other policy parameter
(`assistance.actions.do_load_parameter_catalog`) and read back only through the one resolver
`assistance.queries.parameter_set(region, day)`; nothing reads this list at run time.

Versions follow the regulation in force: before 2021-07-01 the 2012-era rules
(最低生活保障审核审批办法（试行）, 民发〔2012〕220号, and 浙江省社会救助条例), from 2021-07-01
民发〔2021〕57号 and 〔2021〕43号. Where the 2012-era article was not seen, the earlier version says
so and is marked illustrative (NF) — its value is kept so that cases from 2020 keep a deadline.
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

A, B, C, NF = Confidence.A, Confidence.B, Confidence.C, Confidence.NF
ZHEJIANG = "330000"
NINGBO = "330200"
COVERAGE_START = date(2020, 1, 1)
MCA_2021_START = date(2021, 7, 1)

WORKING_DAYS = "工作日"
DAYS = "天"

SRC_ZJ_11 = "浙江省人大常委会《浙江省社会救助条例》第11条（原文未见；条文据瑞安市人民政府页面引文）"
SRC_MCA_2021 = "民政部《最低生活保障审核确认办法》（民发〔2021〕57号）"
SRC_MCA_2021_43 = "民政部《特困人员认定办法》（民发〔2021〕43号）"
SRC_MCA_2012 = "民政部《最低生活保障审核审批办法（试行）》（民发〔2012〕220号）"
_2012_NOT_SEEN = f"{SRC_MCA_2012}的相应条文原文未见；示例值沿用同一数值，待核实"
SRC_TEKUN_2016_NOT_SEEN = (
    "民政部《特困人员认定办法》（民发〔2016〕178号）相应条文原文未见；示例值沿用2021年口径，待核实"
)
SRC_FAST = (
    "宁波市民政局2020年工作文章“三快一缓”（审核快、发放快、救助快、退出缓）；"
    "具体时限原文未见（NF），为示例值，由民政局配置"
)
SRC_ADVANCE = (
    "宁波市民政局2020年工作文章：“三快一缓”，疫情防控期间外地来甬务工人员临时救助举措；"
    "先行救助的临时救助金额原文未见（NF），为示例值，由民政局配置"
)


def _deadline(
    key: str, name: str, unit: str, *values: CatalogValue, description: str = ""
) -> ParameterSpec:
    return ParameterSpec(key, name, unit, ValueKind.INTEGER, tuple(values), description)


WORKFLOW_PARAMETERS: list[ParameterSpec] = [
    # ── normal procedure ────────────────────────────────────────────────────────────────────
    _deadline(
        "deadline.accept",
        "受理后启动调查时限",
        WORKING_DAYS,
        CatalogValue(NATIONAL, COVERAGE_START, 3, _2012_NOT_SEEN, NF, illustrative=True),
        CatalogValue(NATIONAL, MCA_2021_START, 3, f"{SRC_MCA_2021}第15条：3个工作日内启动调查", A),
    ),
    _deadline(
        "deadline.township",
        "乡镇调查审核时限（自受理起）",
        WORKING_DAYS,
        CatalogValue(ZHEJIANG, COVERAGE_START, 15, f"{SRC_ZJ_11}：乡镇15个工作日内调查审核", B),
    ),
    _deadline(
        "deadline.notice",
        "公示期",
        DAYS,
        CatalogValue(ZHEJIANG, COVERAGE_START, 7, f"{SRC_ZJ_11}：公示7天", B),
        CatalogValue(NATIONAL, MCA_2021_START, 7, f"{SRC_MCA_2021}第19条：公示7天", A),
    ),
    _deadline(
        "deadline.county",
        "县级审批时限（自公示期满起）",
        WORKING_DAYS,
        CatalogValue(ZHEJIANG, COVERAGE_START, 5, f"{SRC_ZJ_11}：县级5个工作日内审批", B),
        CatalogValue(
            NATIONAL,
            MCA_2021_START,
            10,
            f"{SRC_MCA_2021}第20条：10个工作日内作出决定（浙江省条例5个工作日更严，省级取值优先）",
            A,
        ),
    ),
    _deadline(
        "deadline.refusal_notice",
        "不予批准书面告知时限",
        WORKING_DAYS,
        CatalogValue(NATIONAL, COVERAGE_START, 3, _2012_NOT_SEEN, NF, illustrative=True),
        CatalogValue(NATIONAL, MCA_2021_START, 3, f"{SRC_MCA_2021}第21条：3个工作日内书面告知", A),
    ),
    _deadline(
        "deadline.total",
        "审核确认总时限（自受理起）",
        WORKING_DAYS,
        CatalogValue(NATIONAL, COVERAGE_START, 30, _2012_NOT_SEEN, NF, illustrative=True),
        CatalogValue(NATIONAL, MCA_2021_START, 30, f"{SRC_MCA_2021}第22条：30个工作日内完成", A),
    ),
    _deadline(
        "deadline.total_special",
        "特殊情况总时限（须记录理由）",
        WORKING_DAYS,
        CatalogValue(NATIONAL, COVERAGE_START, 45, _2012_NOT_SEEN, NF, illustrative=True),
        CatalogValue(
            NATIONAL, MCA_2021_START, 45, f"{SRC_MCA_2021}第22条：特殊情况可延长至45个工作日", A
        ),
    ),
    _deadline(
        "deadline.termination_notice",
        "特困终止公示期",
        DAYS,
        CatalogValue(NATIONAL, COVERAGE_START, 7, SRC_TEKUN_2016_NOT_SEEN, NF, illustrative=True),
        CatalogValue(
            NATIONAL,
            MCA_2021_START,
            7,
            f"{SRC_MCA_2021_43}第26条：终止救助供养须公示7天，次月起停发",
            A,
        ),
    ),
    # ── fast track (三快一缓) ────────────────────────────────────────────────────────────────
    _deadline(
        "deadline.accept.fast",
        "快速通道：启动调查时限",
        WORKING_DAYS,
        CatalogValue(NINGBO, COVERAGE_START, 1, SRC_FAST, NF, illustrative=True),
    ),
    _deadline(
        "deadline.township.fast",
        "快速通道：乡镇调查审核时限",
        WORKING_DAYS,
        CatalogValue(NINGBO, COVERAGE_START, 5, SRC_FAST, NF, illustrative=True),
    ),
    _deadline(
        "deadline.notice.fast",
        "快速通道：公示期",
        DAYS,
        CatalogValue(
            ZHEJIANG, COVERAGE_START, 7, f"{SRC_ZJ_11}；未见快速通道缩短公示期的依据，仍为7天", B
        ),
    ),
    _deadline(
        "deadline.county.fast",
        "快速通道：县级审批时限",
        WORKING_DAYS,
        CatalogValue(NINGBO, COVERAGE_START, 2, SRC_FAST, NF, illustrative=True),
    ),
    _deadline(
        "deadline.refusal_notice.fast",
        "快速通道：不予批准书面告知时限",
        WORKING_DAYS,
        CatalogValue(NATIONAL, COVERAGE_START, 3, _2012_NOT_SEEN, NF, illustrative=True),
        CatalogValue(NATIONAL, MCA_2021_START, 3, f"{SRC_MCA_2021}第21条", A),
    ),
    # ── amounts and ratios ──────────────────────────────────────────────────────────────────
    ParameterSpec(
        "advance_aid.temporary_amount",
        "先行救助：临时救助金额",
        "元/次",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO, COVERAGE_START, Decimal("1000"), SRC_ADVANCE, NF, illustrative=True
            ),
        ),
    ),
    ParameterSpec(
        "dibao.spot_check_ratio",
        "低保县级入户抽查比例",
        "比例",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                Decimal("0.30"),
                f"{SRC_MCA_2012}第26条：县级民政部门入户抽查不少于30%",
                A,
            ),
            CatalogValue(
                NATIONAL,
                MCA_2021_START,
                Decimal("0.30"),
                f"{SRC_MCA_2021}：县级抽查比例的条文原文未见；示例沿用30%，待核实",
                NF,
                illustrative=True,
            ),
        ),
    ),
    ParameterSpec(
        "dibao.spot_check.monthly_share",
        "低保在保家庭每月抽查比例",
        "比例",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                Decimal("0.05"),
                f"对在保低保家庭按月抽查的比例：{SRC_MCA_2012}、{SRC_MCA_2021}及浙江、宁波"
                "相应条文原文未见；5%为示例值，由市、县民政部门按实际配置",
                NF,
                illustrative=True,
            ),
        ),
        "县级每月按此比例（向上取整）从在保低保家庭中可重复地抽取家庭，逐户启动复核",
    ),
    ParameterSpec(
        "tekun.spot_check_ratio",
        "特困县级抽查比例",
        "比例",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                Decimal("0.30"),
                SRC_TEKUN_2016_NOT_SEEN,
                NF,
                illustrative=True,
            ),
            CatalogValue(
                NATIONAL,
                MCA_2021_START,
                Decimal("0.30"),
                f"{SRC_MCA_2021_43}第13—17条：县级抽查不少于30%",
                A,
            ),
        ),
    ),
]
