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
from minzheng.core.yearmonth import YearMonth

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


# ── 物价补贴 2020: the indices the history replays, and the calibration against the article ──────
# Calibration DATA, not policy parameters: `registry.year` (minzheng seed --history) enters these
# indices month by month through `do_enter_price_index`, and the roll computes the subsidy from
# the catalogue's parameters above. docs/synthetic_city.md shows the computation.

PRICE_INDEX_REGION = "330200"  # entered for Ningbo; the roll reads county → city → national
PRICE_INDEX_SOURCE_2020 = (
    "示例值：国家统计局2020年各月全国居民消费价格同比涨幅（全国CPI、食品CPI，按月度发布录入，"
    "未逐条核对原文；宁波月度数据未读到）"
)
_CPI_2020 = {  # month: (CPI YoY %, food CPI YoY %) — national, illustrative for Ningbo
    1: ("5.4", "20.6"),
    2: ("5.2", "21.9"),
    3: ("4.3", "18.3"),
    4: ("3.3", "14.8"),
    5: ("2.4", "10.6"),
    6: ("2.5", "11.1"),
    7: ("2.7", "13.2"),
    8: ("2.4", "11.2"),
    9: ("1.7", "7.9"),
    10: ("0.5", "-2.0"),
    11: ("-0.5", "-2.0"),
    12: ("0.2", "1.2"),
}


def _indices_2020() -> dict[YearMonth, tuple[Decimal, Decimal, str]]:
    return {
        YearMonth(2020, m): (Decimal(cpi), Decimal(food), PRICE_INDEX_SOURCE_2020)
        for m, (cpi, food) in _CPI_2020.items()
    }


PRICE_INDICES: dict[YearMonth, tuple[Decimal, Decimal, str]] = _indices_2020()

# With these indices food CPI ≥ 6 % triggers in January–September: the article's 9 launches.
# Per person with the catalogue's 2020 standard (750 元, illustrative), half-up to the yuan and
# doubled March–June: 155 + 164 + 274 + 222 + 160 + 166 + 99 + 84 + 59 = 1,383 元 for the year.
PRICE_SUBSIDY_CALIBRATION: dict[str, int | str] = {
    # 物价补贴 1.78 亿元 in 9 launches in 2020, doubled March–June (the article).
    "article_yuan": 178_000_000,
    "article_launches": 9,
    # Recipients the platform does not pay (失业保险金领取人员, 优抚对象 — the 2016 groups outside
    # the catalogue's 低保 and 特困), as a share of those it pays. Derived from the article:
    # 1.78 亿 ÷ 1,383 元 ≈ 128,700 person-years, of which 低保 59,337 + 特困 3,476 + 渐退 1,906
    # = 64,719 are on this platform; (128,700 − 64,719) ÷ 64,719 ≈ 0.99. Illustrative (NF): the
    # Ningbo count of those groups was not read.
    "outside_share": "0.99",
}
