"""Children's welfare parameters: the monthly basic living allowance by category, the age the
allowance ends at and the longer age while in full-time education, the duration tests of the
de-facto-unsupported definition, what counts as a severe disability, and the visit interval —
dated, regional and sourced rows loaded with the assistance catalogue
(`assistance.parameter_catalog.all_specs`) and read through the one resolver.

What was seen (and what was not):
- 民发〔2019〕62号《关于进一步加强事实无人抚养儿童保障工作的意见》: its national text was NOT seen.
  Its definition of 事实无人抚养儿童 (both parents severely disabled, seriously ill, detained,
  in compulsory drug rehabilitation, otherwise restricted, or lost contact; or one parent dead or
  missing and the other so) and its durations were read as restated in the Guangdong implementing
  document 粤民规字〔2019〕10号 §一 (广东省民政厅等14部门, 2019-12-20), which gives "重残是指一级二级…"
  and the six-month tests: confidence B.
- That its allowance equals the 社会散居孤儿 standard is stated in the issue after 62号; not seen.
- Ningbo's 2020 orphan allowance amounts were NOT found: illustrative values.
"""

from __future__ import annotations

from decimal import Decimal

from minzheng.assistance.parameter_catalog import COVERAGE_START, NINGBO
from minzheng.assistance.parameters import (
    NATIONAL,
    CatalogValue,
    Confidence,
    ParameterSpec,
    ValueKind,
)

A, B, C, NF = Confidence.A, Confidence.B, Confidence.C, Confidence.NF
SRC_62 = "民政部等12部门《关于进一步加强事实无人抚养儿童保障工作的意见》（民发〔2019〕62号）"
SRC_62_VIA_GD = (
    f"{SRC_62}第一条保障对象；原文未见，依广东省民政厅等14部门实施意见（粤民规字〔2019〕10号）"
    "第一条所转述的认定条件"
)
_ILLUSTRATIVE = "宁波取值未在资料中找到，为示例值，应由市局按实际配置"

CHILDREN_PARAMETERS: list[ParameterSpec] = [
    ParameterSpec(
        "children.allowance.institutional_orphan",
        "机构养育孤儿基本生活费",
        "元/人·月",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO, COVERAGE_START, Decimal("2100.00"), _ILLUSTRATIVE, NF, illustrative=True
            ),
        ),
    ),
    ParameterSpec(
        "children.allowance.scattered_orphan",
        "社会散居孤儿基本生活费",
        "元/人·月",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO, COVERAGE_START, Decimal("1600.00"), _ILLUSTRATIVE, NF, illustrative=True
            ),
        ),
        "事实无人抚养儿童按社会散居孤儿标准发放（民发〔2019〕62号，原文未见）",
    ),
    ParameterSpec(
        "children.end_age",
        "儿童基本生活费终止年龄",
        "周岁",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                18,
                f"{SRC_62_VIA_GD}：“以上儿童是指年龄未满18周岁”",
                B,
            ),
        ),
        "年满该年龄的次月起停发；全日制在校的按下一参数延长",
    ),
    ParameterSpec(
        "children.education_max_age",
        "全日制在校延长保障的最高年龄",
        "周岁",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                22,
                "年满18周岁后仍在全日制学校就读的可继续保障：相关文件原文未见，年龄上限为示例值",
                NF,
                illustrative=True,
            ),
        ),
        "登记了全日制在校截止日期的，保障至毕业当月，但不超过该年龄",
    ),
    ParameterSpec(
        "children.detention_min_months",
        "服刑在押、强制隔离戒毒等情形的最短期限",
        "月",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                6,
                f"{SRC_62_VIA_GD}：期限在6个月以上",
                B,
            ),
        ),
    ),
    ParameterSpec(
        "children.lost_contact_min_months",
        "失联认定的最短期限",
        "月",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                6,
                f"{SRC_62_VIA_GD}：失去联系且未履行监护抚养责任6个月以上",
                B,
            ),
        ),
    ),
    ParameterSpec(
        "children.severe_disability_max_grade",
        "重残：各类残疾的最低等级",
        "级",
        ValueKind.INTEGER,
        (CatalogValue(NATIONAL, COVERAGE_START, 2, f"{SRC_62_VIA_GD}：一级二级残疾", B),),
    ),
    ParameterSpec(
        "children.severe_mental_max_grade",
        "重残：精神、智力残疾的最低等级",
        "级",
        ValueKind.INTEGER,
        (CatalogValue(NATIONAL, COVERAGE_START, 4, f"{SRC_62_VIA_GD}：三级四级精神、智力残疾", B),),
    ),
    ParameterSpec(
        "children.visit_interval_days",
        "儿童主任走访周期",
        "日",
        ValueKind.INTEGER,
        (CatalogValue(NINGBO, COVERAGE_START, 90, _ILLUSTRATIVE, NF, illustrative=True),),
        "距上次走访超过该天数的儿童列入待走访名单",
    ),
]
