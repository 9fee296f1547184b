"""The payment parameters: price-subsidy trigger, rounding, floor, groups and multiplier, and the
number of instalments of a recovery — dated, regional and sourced, like the assistance catalogue.

This list is catalogue DATA: `assistance.actions.do_load_parameter_catalog` loads it into the
database together with the assistance and workflow parameters, and payments read the rows back
through `assistance.queries.parameter_set` (the price subsidy is a share of the 低保 standard
`dibao.standard_monthly` in force for the county that month).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from minzheng.assistance.parameter_catalog import COVERAGE_START, NINGBO
from minzheng.assistance.parameters import (
    NATIONAL,
    CatalogValue,
    Confidence,
    ParameterSet,
    ParameterSpec,
    ValueKind,
)
from minzheng.core.money import Rounding
from minzheng.core.regioncode import county_of

A, B, C, NF = Confidence.A, Confidence.B, Confidence.C, Confidence.NF

SRC_NDRC_2016 = (
    "国家发展改革委、民政部、财政部、人力资源社会保障部、国家统计局《关于进一步完善社会救助和保障"
    "标准与物价上涨挂钩联动机制的通知》（2016-08；文号与条款原文未见，内容据四川日报2016-08-29报道）"
)
SRC_ARTICLE_2020 = "宁波市民政局2020年工作文章：“3—6月价格临时补贴翻倍发放”"

PAYMENT_PARAMETERS: list[ParameterSpec] = [
    ParameterSpec(
        "price_subsidy.cpi_trigger_pct",
        "物价补贴启动条件：CPI单月同比涨幅",
        "%",
        ValueKind.DECIMAL,
        (CatalogValue(NATIONAL, COVERAGE_START, Decimal("3.5"), SRC_NDRC_2016, B),),
        "单月CPI同比涨幅达到该值即启动（各地可降低）",
    ),
    ParameterSpec(
        "price_subsidy.food_cpi_trigger_pct",
        "物价补贴启动条件：食品CPI单月同比涨幅",
        "%",
        ValueKind.DECIMAL,
        (CatalogValue(NATIONAL, COVERAGE_START, Decimal("6"), SRC_NDRC_2016, B),),
        "单月食品价格同比涨幅达到该值即启动，与CPI条件满足其一即可",
    ),
    ParameterSpec(
        "price_subsidy.rounding",
        "物价补贴取整规则",
        "规则",
        ValueKind.ROUNDING,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                Rounding.HALF_UP_YUAN.value,
                "宁波取整规则原文未见；示例取武汉、桂林等地“四舍五入到元”（武汉、桂林实施办法的文号与条款原文未见）",
                NF,
                illustrative=True,
            ),
        ),
    ),
    ParameterSpec(
        "price_subsidy.minimum",
        "物价补贴保底金额",
        "元/人·月",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                Decimal("10"),
                "宁波保底金额原文未见；示例取桂林“最低10元”（桂林实施办法的文号与条款原文未见）",
                NF,
                illustrative=True,
            ),
        ),
    ),
    ParameterSpec(
        "price_subsidy.groups",
        "物价补贴发放对象（救助项目）",
        "项目代码",
        ValueKind.CODES,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                ("dibao", "tekun"),
                f"{SRC_NDRC_2016}：低保对象、特困人员（失业保险金领取人员、优抚对象不在本系统发放）",
                B,
            ),
        ),
    ),
    ParameterSpec(
        "price_subsidy.multiplier",
        "物价补贴倍数",
        "倍",
        ValueKind.INTEGER,
        (
            CatalogValue(NATIONAL, COVERAGE_START, 1, SRC_NDRC_2016, B),
            CatalogValue(
                NINGBO,
                date(2020, 3, 1),
                2,
                f"{SRC_ARTICLE_2020}；翻倍的通知原文原文未见，来源未经证实",
                NF,
                illustrative=True,
                note="2020-03至2020-06按文章所述翻倍",
            ),
            CatalogValue(
                NINGBO,
                date(2020, 7, 1),
                1,
                f"{SRC_ARTICLE_2020}：翻倍至6月止；翻倍的通知原文未见，来源未经证实",
                NF,
                illustrative=True,
            ),
        ),
    ),
    ParameterSpec(
        "arrears.lookback_months",
        "补发追溯月数",
        "月",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                12,
                "补发追溯期限原文未见；12个月为示例值。早于本县首次发放花名册的月份不补发（由原系统发放）",
                NF,
                illustrative=True,
            ),
        ),
        "每次发放核对本月及之前该月数内应发未发的月份，按当月生效金额补发",
    ),
    ParameterSpec(
        "recovery.instalments",
        "多发资金追回分期数",
        "期（月）",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                3,
                "宁波追回分期办法原文未见；3期为示例值，由县级民政部门确定",
                NF,
                illustrative=True,
            ),
        ),
        "每期追回总额的1/n（向上取整到分），不超过尚未追回的余额",
    ),
]


def payment_parameters(county_code: str, as_of: date) -> ParameterSet:
    """The parameters in force for a county (6 digits) on a day — from the database.

    Payments read the same dated rows as the rules and the applications, through the one
    resolver `assistance.queries.parameter_set` (county → city → province → national).
    """
    from minzheng.assistance.queries import parameter_set

    return parameter_set(county_of(county_code), as_of)
