"""Elderly-care parameters: the ability assessment's level bands, adjustments and reassessment
interval, the mapping of ability levels to 特困 care levels, and the 高龄津贴 age bands and amounts —
dated, regional, sourced rows loaded with the assistance catalogue (`all_specs`) and read through
the one resolver (`assistance.queries.parameter_set`).

What was checked (next-domains.md §2):
- GB/T 42195-2022 level bands and adjustments: seen only through implementing repositories
  (confidence C); the standard's own text was not seen.
- Reassessment every 12 months: marked [M] (not confirmed) — illustrative.
- 高龄津贴: Ningbo's bands and amounts were not found. The defaults are Beijing's (京民养老发〔2019〕
  160号: 80–89 100 元/月, 90–99 500, 100+ 800; confidence C) — an example from another city,
  labelled illustrative for Ningbo.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from minzheng.assistance.parameter_catalog import COVERAGE_START, NINGBO
from minzheng.assistance.parameters import (
    NATIONAL,
    CatalogValue,
    Confidence,
    ParameterSpec,
    ValueKind,
)

C, NF = Confidence.C, Confidence.NF
STANDARD_START = date(2022, 12, 30)  # GB/T 42195-2022 发布并实施
SRC_STD = (
    "GB/T 42195-2022《老年人能力评估规范》（国家市场监督管理总局、国家标准化管理委员会，"
    "2022-12-30发布实施）"
)
_SEEN_VIA = "；标准原文未见，据实施该标准的公开系统转录核对"
SRC_LEVELS = f"{SRC_STD}第5.3条 能力等级划分{_SEEN_VIA}"
SRC_ADJUST = f"{SRC_STD}第5.3条 等级变更条件{_SEEN_VIA}"
SRC_BEIJING = (
    "示例值：宁波高龄津贴标准未找到，取北京市《关于调整完善高龄老年人津贴制度的通知》"
    "（京民养老发〔2019〕160号）的分档金额作示例：80～89周岁100元/月、90～99周岁500元/月、"
    "100周岁及以上800元/月"
)


def _national(
    key: str, name: str, unit: str, value: int, source: str, note: str = ""
) -> ParameterSpec:
    return ParameterSpec(
        key,
        name,
        unit,
        ValueKind.INTEGER,
        (CatalogValue(NATIONAL, STANDARD_START, value, source, C),),
        note,
    )


ELDERCARE_PARAMETERS: list[ParameterSpec] = [
    ParameterSpec(
        "eldercare.elderly_age",
        "老年人起始年龄",
        "周岁",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                60,
                "《中华人民共和国老年人权益保障法》第二条：老年人是指六十周岁以上的公民"
                "（条文据记忆引用，本次未重读原文）",
                C,
            ),
        ),
        "能力评估对象和每百名老年人床位数等指标的年龄口径",
    ),
    _national(
        "eldercare.assessment.mild_max",
        "老年人能力评估：轻度失能总分上限",
        "分",
        89,
        SRC_LEVELS,
        "总分高于该值（90分）为能力完好；66～89分为轻度失能",
    ),
    _national(
        "eldercare.assessment.moderate_max",
        "老年人能力评估：中度失能总分上限",
        "分",
        65,
        SRC_LEVELS,
        "46～65分为中度失能",
    ),
    _national(
        "eldercare.assessment.severe_max",
        "老年人能力评估：重度失能总分上限",
        "分",
        45,
        SRC_LEVELS,
        "30～45分为重度失能",
    ),
    _national(
        "eldercare.assessment.complete_max",
        "老年人能力评估：完全失能总分上限",
        "分",
        29,
        SRC_LEVELS,
        "0～29分为完全失能",
    ),
    _national(
        "eldercare.assessment.risk_window_days",
        "照护风险事件统计天数",
        "日",
        30,
        SRC_ADJUST,
        "评估当日及之前该天数内发生的跌倒、噎食、自杀、自伤、走失",
    ),
    _national(
        "eldercare.assessment.risk_events_min",
        "照护风险事件提高等级的次数",
        "次",
        2,
        SRC_ADJUST,
        "统计期内照护风险事件达到该次数的，在原等级上提高一个等级",
    ),
    ParameterSpec(
        "eldercare.assessment.adjustments_stack",
        "诊断与照护风险事件两项提级可叠加",
        "是/否",
        ValueKind.BOOLEAN,
        (
            CatalogValue(
                NATIONAL,
                STANDARD_START,
                True,
                f"示例值：所见转录未说明两项变更条件能否叠加，按逐项适用处理{_SEEN_VIA}",
                NF,
                illustrative=True,
            ),
        ),
        "是：确诊痴呆或精神障碍、近期风险事件各提高一个等级；否：两项同时存在只提高一个等级",
    ),
    ParameterSpec(
        "eldercare.assessment.reassess_months",
        "老年人能力复评周期",
        "月",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NINGBO,
                STANDARD_START,
                12,
                "示例值：每12个月复评一次的说法未经原文核实（next-domains.md 标为待核实）",
                NF,
                illustrative=True,
            ),
        ),
        "评估日起该月数后到期复评；能力明显变化时随时复评",
    ),
    ParameterSpec(
        "eldercare.tekun_care.full_levels",
        "对应特困人员完全丧失生活自理能力的评估等级",
        "等级",
        ValueKind.CODES,
        (
            CatalogValue(
                NINGBO,
                STANDARD_START,
                ("severe", "complete"),
                "示例值：能力等级与特困人员照料护理等级（民发〔2021〕43号第21～22条）的对应未找到文件，"
                "为示例对应",
                NF,
                illustrative=True,
            ),
        ),
    ),
    ParameterSpec(
        "eldercare.tekun_care.partial_levels",
        "对应特困人员部分丧失生活自理能力的评估等级",
        "等级",
        ValueKind.CODES,
        (
            CatalogValue(
                NINGBO,
                STANDARD_START,
                ("mild", "moderate"),
                "示例值：能力等级与特困人员照料护理等级的对应未找到文件，为示例对应",
                NF,
                illustrative=True,
            ),
        ),
    ),
]

for _band, _age, _amount in (("80", 80, "100"), ("90", 90, "500"), ("100", 100, "800")):
    ELDERCARE_PARAMETERS += [
        ParameterSpec(
            f"eldercare.allowance.from_age.{_band}",
            f"高龄津贴第{_band}档起始年龄",
            "周岁",
            ValueKind.INTEGER,
            (CatalogValue(NINGBO, COVERAGE_START, _age, SRC_BEIJING, NF, illustrative=True),),
            "按每月1日的周岁年龄确定档次",
        ),
        ParameterSpec(
            f"eldercare.allowance.monthly.{_band}",
            f"高龄津贴第{_band}档月标准",
            "元/月",
            ValueKind.DECIMAL,
            (
                CatalogValue(
                    NINGBO, COVERAGE_START, Decimal(_amount), SRC_BEIJING, NF, illustrative=True
                ),
            ),
        ),
    ]

SRC_MEAL = (
    "民政部等《积极发展老年助餐服务行动方案》（民发〔2023〕58号，2023-10-20）提出对特殊困难老年人"
    "“差异化补贴”；宁波的补贴对象分类和标准未找到，"
)
for _code, _name, _amount in (
    ("tekun", "特困人员", "10"),
    ("dibao", "低保对象", "8"),
    ("disabled", "残疾老年人", "6"),
    ("gaoling", "高龄老年人", "5"),
    ("elderly", "其他老年人", "3"),
):
    ELDERCARE_PARAMETERS.append(
        ParameterSpec(
            f"eldercare.meal.subsidy.{_code}",
            f"老年助餐每餐补贴：{_name}",
            "元/餐",
            ValueKind.DECIMAL,
            (
                CatalogValue(
                    NINGBO,
                    COVERAGE_START,
                    Decimal(_amount),
                    f"{SRC_MEAL}示例值",
                    NF,
                    illustrative=True,
                ),
            ),
            "就餐老人同时属于多个类别的，按补贴最高的类别",
        )
    )
ELDERCARE_PARAMETERS += [
    ParameterSpec(
        "eldercare.meal.max_meals_per_day",
        "老年助餐每人每天补贴餐次上限",
        "次",
        ValueKind.INTEGER,
        (CatalogValue(NINGBO, COVERAGE_START, 2, f"{SRC_MEAL}示例值", NF, illustrative=True),),
    ),
    ParameterSpec(
        "eldercare.meal.gaoling_age",
        "老年助餐高龄补贴起始年龄",
        "周岁",
        ValueKind.INTEGER,
        (CatalogValue(NINGBO, COVERAGE_START, 80, f"{SRC_MEAL}示例值", NF, illustrative=True),),
    ),
]

# ── 适老化改造 and 时间银行 ───────────────────────────────────────────────────────────────────
SRC_ARTICLE_ADAPTATION = (
    "宁波市民政局2020年工作文章（全市民政会议）：“顺利完成‘810户生活困难老年人家庭适老化改造’"
    "……其中，适老化户均改造标准12000元/户”；文章所说是户均改造标准，本系统把它用作每户补贴上限，"
    "宁波的补贴上限文件原文未见"
)
SRC_TIMEBANK = (
    "示例值：宁波时间银行的计时规则未找到；按实际服务时长向下取整到计时单位计入，"
    "以保证存入时长为精确的小数"
)
ELDERCARE_PARAMETERS += [
    ParameterSpec(
        "eldercare.adaptation.cap",
        "适老化改造每户补贴上限",
        "元/户",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                Decimal("12000"),
                SRC_ARTICLE_ADAPTATION,
                C,
                illustrative=True,
            ),
        ),
        "基础类项目按清单顺序补贴，累计达到上限后的部分由家庭自付；自选项目全部自费",
    ),
    ParameterSpec(
        "eldercare.timebank.unit_minutes",
        "时间银行计时单位",
        "分钟",
        ValueKind.INTEGER,
        (CatalogValue(NINGBO, COVERAGE_START, 15, SRC_TIMEBANK, NF, illustrative=True),),
        "应能整除60分钟",
    ),
]
