"""Every policy parameter the assistance rules read, with dated defaults and sources.

Confidence follows policy.md: A primary text read in full, B official page in excerpt, C secondary
or another locality's example, NF not found. NF values are illustrative defaults, flagged as such,
to be replaced by the bureau; they are never presented as Ningbo policy.
The lead loads this list into the database; `resolve_parameters` works on the same rows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from minzheng.assistance.parameters import (
    NATIONAL,
    CatalogValue,
    Confidence,
    ParameterRow,
    ParameterSet,
    ParameterSpec,
    ParameterValue,
    ValueKind,
    resolve_parameters,
)
from minzheng.core.money import Rounding

A, B, C, NF = Confidence.A, Confidence.B, Confidence.C, Confidence.NF
ZHEJIANG = "330000"
NINGBO = "330200"
YINZHOU = "330212"

# The catalogue covers the system's period from 2020. Where a rule was already in force in 2020
# but its own start date was not checked, the value starts on this day and the note says so.
COVERAGE_START = date(2020, 1, 1)
MCA_2021_START = date(2021, 7, 1)  # 民发〔2021〕57号 and 〔2021〕43号 in force (policy.md §1.1, §3)

_D = Decimal
_STARTS_AT_COVERAGE = "本条自系统覆盖期起点2020-01-01起列示，文件本身的施行日原文未见"

SRC_MCA_2021_57 = "民政部《最低生活保障审核确认办法》（民发〔2021〕57号）"
SRC_MCA_2021_43 = "民政部《特困人员认定办法》（民发〔2021〕43号）"
SRC_MCA_2012 = "民政部《最低生活保障审核审批办法（试行）》（民发〔2012〕220号）"
SRC_ZJ_2015_13 = "浙江省民政厅等六部门《浙江省社会救助家庭经济状况认定办法》（浙民助〔2015〕13号）"
ZJ_TEXT_NOT_SEEN = "（原文未见；条文内容据浙江省民政厅2015-02-25新闻稿摘要）"
SRC_ZJ_TIAOLI_13 = (
    "浙江省人大常委会《浙江省社会救助条例》第13条（原文未见；条文据瑞安市人民政府页面引文）"
)
SRC_JIAOJIANG = "台州市椒江区人民政府办公室通知（椒政办发〔2016〕128号，条款号原文未见）"
SRC_MCA_2022_10 = "关于进一步做好最低生活保障等社会救助兜底工作的通知（民政部等，2022-10）"

SRC_2012_ERA_NOT_SEEN = (
    "2021-07-01前施行的民政部《最低生活保障审核审批办法（试行）》（民发〔2012〕220号）"
    "相应条文原文未见；示例沿用2021年口径，待核实"
)
SRC_TEKUN_2016_NOT_SEEN = (
    "2021-07-01前施行的民政部《特困人员认定办法》（民发〔2016〕178号）相应条文原文未见；"
    "示例沿用2021年口径，待核实"
)


def _by_regulation(
    value: ParameterValue,
    source_2021: str,
    *,
    before_source: str,
    before: ParameterValue | None = None,
    before_confidence: Confidence = NF,
    region: str = NATIONAL,
) -> tuple[CatalogValue, CatalogValue]:
    """Two dated versions: the 2012-era rule until 2021-06-30, the 2021 rule from 2021-07-01.

    民发〔2021〕57号 and 〔2021〕43号 came into force on 2021-07-01; a value citing them never starts
    earlier. Where the earlier article was not seen, the earlier version says so and is illustrative.
    """
    earlier = value if before is None else before
    return (
        CatalogValue(
            region,
            COVERAGE_START,
            earlier,
            before_source,
            before_confidence,
            illustrative=before_confidence is NF,
        ),
        CatalogValue(region, MCA_2021_START, value, source_2021, A),
    )


PARAMETERS: list[ParameterSpec] = [
    # ── who counts as the household ──────────────────────────────────────────────────────────
    ParameterSpec(
        "household.adult_age",
        "成年年龄",
        "岁",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                18,
                "全国人大《中华人民共和国民法总则》第17条（2017-10-01施行）：十八周岁以上为成年人",
                A,
            ),
            CatalogValue(
                NATIONAL,
                date(2021, 1, 1),
                18,
                "全国人大《中华人民共和国民法典》第17条（2021-01-01施行）：十八周岁以上为成年人",
                A,
            ),
        ),
        "未成年子女计入共同生活家庭成员，也是分类施保“未成年人”的界线",
    ),
    ParameterSpec(
        "household.clergy_away_min_years",
        "宗教教职人员脱离家庭年限",
        "年",
        ValueKind.INTEGER,
        (*_by_regulation(3, f"{SRC_MCA_2021_57}第7条", before_source=SRC_2012_ERA_NOT_SEEN),),
        "连续脱离家庭独立生活满该年限的宗教教职人员不计入家庭成员",
    ),
    # ── income ───────────────────────────────────────────────────────────────────────────────
    ParameterSpec(
        "income.excluded_kinds",
        "不计入家庭收入的项目",
        "收入类别代码",
        ValueKind.CODES,
        _by_regulation(
            (
                "special_care_pension",
                "family_planning_award",
                "scholarship",
                "government_assistance",
                "central_basic_pension",
            ),
            f"{SRC_MCA_2021_57}第13条（优抚金、计划生育奖励、奖学金、政府救助、城乡居民基本养老保险基础养老金）",
            before=(
                "special_care_pension",
                "family_planning_award",
                "scholarship",
                "government_assistance",
            ),
            before_source=(
                "2021-07-01前：民发〔2012〕220号的收入豁免条文原文未见；示例列优抚金、计划生育奖励、"
                "奖学金、政府救助，不含城乡居民基础养老金（该项豁免见民发〔2021〕57号第13条，属“十四五”期间）"
            ),
        ),
    ),
    ParameterSpec(
        "income.deduct_extra_expenses",
        "扣减因残因病刚性支出",
        "是/否",
        ValueKind.BOOLEAN,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                True,
                f"宁波是否扣减原文未见，示例值；扣减的依据见{SRC_MCA_2021_57}第13条（2021-07-01施行），此前的规定原文未见",
                NF,
                illustrative=True,
            ),
        ),
    ),
    # ── 低保 ──────────────────────────────────────────────────────────────────────────────────
    ParameterSpec(
        "dibao.standard_monthly",
        "最低生活保障标准",
        "元/人·月",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                _D("750"),
                "宁波市2020年低保标准原文未见；示例值按市民政局2020年工作文章“最低生活保障年标准达到9000元以上”折合9000÷12=750元/月",
                NF,
                illustrative=True,
            ),
            CatalogValue(
                YINZHOU,
                date(2021, 1, 1),
                _D("1005"),
                "宁波市鄞州区人民政府网站2022-03-08公布的2021年低保标准1005元/月（nbyz.gov.cn/art/2022/3/8/art_1229137187_3947705.html；发文文号与条款原文未见）",
                B,
                note="来源只写明为2021年标准，未写起始月份；此处从2021-01-01起列示",
            ),
        ),
        "家庭人均收入低于该标准方可纳入低保（社会救助暂行办法第9–10条）",
    ),
    ParameterSpec(
        "dibao.money_asset_years",
        "低保人均货币财产上限（标准的年数）",
        "年",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                3,
                f"{SRC_ZJ_2015_13}第2项：人均货币财产低于3–4年低保标准之和，由各地确定；宁波取值原文未见，示例取3年{ZJ_TEXT_NOT_SEEN}",
                NF,
                illustrative=True,
            ),
        ),
    ),
    # ── 低边 (两线合一) ──────────────────────────────────────────────────────────────────────
    ParameterSpec(
        "dibian.income_multiplier",
        "低保边缘收入线（低保标准的倍数）",
        "倍",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                ZHEJIANG,
                COVERAGE_START,
                _D("1.5"),
                f"{SRC_ZJ_TIAOLI_13}：人均月收入不高于低保标准1.5倍；全国口径见{SRC_MCA_2021_57}第8条",
                B,
                note="瑞安2021-12-01、杭州2022年起改为2倍（C），宁波未见调整；"
                + _STARTS_AT_COVERAGE,
            ),
        ),
    ),
    ParameterSpec(
        "dibian.money_asset_years",
        "低边人均货币财产上限（标准的年数）",
        "年",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                4,
                f"{SRC_JIAOJIANG}：人均货币财产低于4年低保标准之和（外地示例，宁波取值原文未见）",
                C,
                illustrative=True,
            ),
        ),
    ),
    # ── asset tests ──────────────────────────────────────────────────────────────────────────
    ParameterSpec(
        "asset.vehicle_allowed",
        "允许拥有自用机动车辆、船舶",
        "是/否",
        ValueKind.BOOLEAN,
        (
            CatalogValue(
                ZHEJIANG, date(2015, 3, 1), False, f"{SRC_ZJ_2015_13}第3项{ZJ_TEXT_NOT_SEEN}", B
            ),
        ),
    ),
    ParameterSpec(
        "asset.vehicle_exempt_kinds",
        "不视为自用车辆的车型",
        "车型代码",
        ValueKind.CODES,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                ("disability_mobility", "two_wheel_motorcycle"),
                f"{SRC_JIAOJIANG}：残疾人功能性补偿代步机动车、普通二轮摩托车除外（外地示例）",
                C,
                illustrative=True,
            ),
        ),
    ),
    ParameterSpec(
        "asset.nonresidential_property_allowed",
        "允许拥有商铺、办公楼、厂房、酒店式公寓",
        "是/否",
        ValueKind.BOOLEAN,
        (
            CatalogValue(
                ZHEJIANG, date(2015, 3, 1), False, f"{SRC_ZJ_2015_13}第4项{ZJ_TEXT_NOT_SEEN}", B
            ),
        ),
    ),
    ParameterSpec(
        "asset.nonresidential_only_home_exempt",
        "非住宅改作唯一住房的不计",
        "是/否",
        ValueKind.BOOLEAN,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                True,
                f"{SRC_JIAOJIANG}：改作唯一住房的非居住类房屋除外（外地示例）",
                C,
                illustrative=True,
            ),
        ),
    ),
    ParameterSpec(
        "asset.urban_max_homes",
        "城镇家庭住房套数上限",
        "套",
        ValueKind.INTEGER,
        (
            CatalogValue(
                ZHEJIANG,
                date(2015, 3, 1),
                1,
                f"{SRC_ZJ_2015_13}第5项：城镇家庭拥有1套住房{ZJ_TEXT_NOT_SEEN}",
                B,
            ),
        ),
    ),
    ParameterSpec(
        "asset.urban_max_homes_if_small",
        "人均面积低于上年平均时可拥有的住房套数",
        "套",
        ValueKind.INTEGER,
        (
            CatalogValue(
                ZHEJIANG,
                date(2015, 3, 1),
                2,
                f"{SRC_ZJ_2015_13}第5项：或2套住房但人均住房面积低于当地上年度人均住房面积{ZJ_TEXT_NOT_SEEN}",
                B,
            ),
        ),
    ),
    ParameterSpec(
        "asset.urban_average_floor_area_per_capita",
        "当地上年度人均住房面积",
        "平方米/人",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                _D("40"),
                "宁波上年度人均住房面积原文未见；40平方米为示例值",
                NF,
                illustrative=True,
            ),
        ),
    ),
    # ── 分类施保 ─────────────────────────────────────────────────────────────────────────────
    ParameterSpec(
        "supplement.elderly.rate",
        "分类施保：高龄老人加发比例",
        "低保标准的比例",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                _D("0.30"),
                "宁波比例原文未见；示例参照慈溪市2011年对80–98周岁低收入老人"
                "加发标准的30%（慈溪市发文机关、文号及条款原文未见）",
                C,
                illustrative=True,
            ),
        ),
    ),
    ParameterSpec(
        "supplement.elderly.min_age",
        "分类施保：高龄老人起始年龄",
        "岁",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                80,
                "宁波原文未见；示例参照慈溪2011年80周岁起",
                C,
                illustrative=True,
            ),
        ),
    ),
    ParameterSpec(
        "supplement.minor.rate",
        "分类施保：未成年人加发比例",
        "低保标准的比例",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                _D("0.10"),
                "国务院《社会救助暂行办法》（国务院令第649号）第12条要求对未成年人采取必要措施；浙江、宁波比例原文未见，0.10为示例值",
                NF,
                illustrative=True,
            ),
        ),
    ),
    ParameterSpec(
        "supplement.severe_disability.rate",
        "分类施保：重度残疾人加发比例",
        "低保标准的比例",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                _D("0.20"),
                "国务院《社会救助暂行办法》（国务院令第649号）第12条要求对重度残疾人采取必要措施；比例原文未见，0.20为示例值",
                NF,
                illustrative=True,
            ),
        ),
    ),
    ParameterSpec(
        "supplement.severe_disability.max_grade",
        "分类施保：重度残疾的最低等级（1级至该级）",
        "级",
        ValueKind.INTEGER,
        (
            *_by_regulation(
                2,
                f"{SRC_MCA_2021_57}第8条：一级、二级为重度残疾",
                before_source=SRC_2012_ERA_NOT_SEEN,
            ),
        ),
    ),
    ParameterSpec(
        "supplement.serious_illness.rate",
        "分类施保：重病患者加发比例",
        "低保标准的比例",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                _D("0.20"),
                "国务院《社会救助暂行办法》（国务院令第649号）第12条要求对重病患者采取必要措施；比例原文未见，0.20为示例值",
                NF,
                illustrative=True,
            ),
        ),
    ),
    ParameterSpec(
        "supplement.cumulative",
        "分类施保可叠加",
        "是/否",
        ValueKind.BOOLEAN,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                False,
                "原文未见；示例规则：同一人符合多类时只按最高一类加发",
                NF,
                illustrative=True,
            ),
        ),
    ),
    # ── benefit arithmetic ───────────────────────────────────────────────────────────────────
    ParameterSpec(
        "benefit.rounding",
        "保障金舍入规则",
        "舍入规则",
        ValueKind.ROUNDING,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                Rounding.HALF_UP_YUAN.value,
                "宁波舍入规则原文未见；示例取四舍五入到元",
                NF,
                illustrative=True,
            ),
        ),
    ),
    ParameterSpec(
        "benefit.floor_monthly",
        "低保金每户最低发放额",
        "元/户·月",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                _D("50"),
                "宁波保底金额原文未见；50元为示例值",
                NF,
                illustrative=True,
            ),
        ),
        "按差额计算不足此数的，按此数发放",
    ),
    # ── 渐退 ──────────────────────────────────────────────────────────────────────────────────
    ParameterSpec(
        "gradual_exit.grace_months",
        "渐退期",
        "月",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                6,
                f"浙江、宁波2020年渐退期限原文未见；示例取{SRC_MCA_2022_10}第一（三）项“原则上不超过6个月”的上限",
                NF,
                illustrative=True,
            ),
        ),
        "家庭成员就业使收入超过低保标准的，可给予渐退期（民发〔2021〕57号第33条）",
    ),
    ParameterSpec(
        "dibian.gradual_exit.grace_months",
        "低边渐退期",
        "月",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                6,
                "宁波市民政局2020年工作文章提及“低保低边渐退”，低边渐退期限的文件原文未见；"
                f"示例沿用低保渐退期，即{SRC_MCA_2022_10}第一（三）项“原则上不超过6个月”",
                NF,
                illustrative=True,
            ),
        ),
        "低边家庭成员就业使收入超过低边收入线的，渐退期内保留低边身份",
    ),
    # ── 复核 ──────────────────────────────────────────────────────────────────────────────────
    ParameterSpec(
        "review.interval_months.stable",
        "复核周期：收入稳定家庭",
        "月",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                6,
                f"{SRC_MCA_2012}第33条：每半年",
                A,
                note=_STARTS_AT_COVERAGE,
            ),
            CatalogValue(NATIONAL, MCA_2021_START, 12, f"{SRC_MCA_2021_57}第31条：每年", A),
        ),
    ),
    ParameterSpec(
        "review.interval_months.stable_special",
        "复核周期：三无人员及收入稳定的重病重残家庭",
        "月",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                12,
                f"{SRC_MCA_2012}第33条：每年",
                A,
                note=_STARTS_AT_COVERAGE,
            ),
            CatalogValue(NATIONAL, MCA_2021_START, 12, f"{SRC_MCA_2021_57}第31条：每年", A),
        ),
    ),
    ParameterSpec(
        "review.interval_months.variable",
        "复核周期：收入变动且有劳动能力（城镇）",
        "月",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                1,
                f"{SRC_MCA_2012}第33条：城市按月",
                A,
                note=_STARTS_AT_COVERAGE,
            ),
            CatalogValue(NATIONAL, MCA_2021_START, 6, f"{SRC_MCA_2021_57}第31条：每半年", A),
        ),
    ),
    ParameterSpec(
        "review.interval_months.variable_rural",
        "复核周期：收入变动且有劳动能力（农村）",
        "月",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                3,
                f"{SRC_MCA_2012}第33条：农村按季",
                A,
                note=_STARTS_AT_COVERAGE,
            ),
            CatalogValue(NATIONAL, MCA_2021_START, 6, f"{SRC_MCA_2021_57}第31条：每半年", A),
        ),
    ),
    # ── 单人户 ────────────────────────────────────────────────────────────────────────────────
    ParameterSpec(
        "single_person.household_income_multiplier",
        "单人户：所在家庭收入线（低保标准的倍数）",
        "倍",
        ValueKind.DECIMAL,
        _by_regulation(
            _D("1.5"),
            f"{SRC_MCA_2021_57}第8条：低保边缘家庭中的重残、重病人员可单独提出申请",
            before_source=(
                f"{SRC_MCA_2012}第10条未设所在家庭收入倍数；宁波2020年重病重残单人户的家庭收入口径"
                "原文未见（市民政局2020年工作文章只写明继续执行），示例沿用1.5倍"
            ),
        ),
    ),
    ParameterSpec(
        "single_person.severe_disability_max_grade",
        "单人户：重度残疾等级（1级至该级）",
        "级",
        ValueKind.INTEGER,
        _by_regulation(
            2,
            f"{SRC_MCA_2021_57}第8条：一级、二级残疾",
            before=2,
            before_source=f"{SRC_MCA_2012}第10条：单独立户的重度残疾且丧失劳动能力的成年人",
            before_confidence=A,
        ),
    ),
    ParameterSpec(
        "single_person.intellectual_mental_max_grade",
        "单人户：智力、精神残疾等级（1级至该级）",
        "级",
        ValueKind.INTEGER,
        (
            *_by_regulation(
                3,
                f"{SRC_MCA_2021_57}第8条：三级智力、精神残疾",
                before=2,
                before_source=(
                    f"{SRC_MCA_2012}第10条：仅限重度残疾（一、二级）；"
                    "三级智力、精神残疾单独纳入始于民发〔2021〕57号第8条"
                ),
                before_confidence=A,
            ),
        ),
    ),
    ParameterSpec(
        "single_person.serious_illness_allowed",
        "单人户：重病患者可单独纳入",
        "是/否",
        ValueKind.BOOLEAN,
        (
            *_by_regulation(
                True,
                f"{SRC_MCA_2021_57}第8条：当地认定的重特大疾病患者",
                before=False,
                before_source=(
                    f"{SRC_MCA_2012}第10条：单人户只限单独立户的重度残疾、丧失劳动能力的成年人，"
                    "重病患者不在其列；浙江、宁波2020年重病单人户口径原文未见"
                ),
                before_confidence=A,
            ),
        ),
    ),
    # ── 特困 ──────────────────────────────────────────────────────────────────────────────────
    ParameterSpec(
        "tekun.basic_multiplier",
        "特困基本生活标准（低保标准的倍数）",
        "倍",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                _D("1.3"),
                "浙江、宁波倍数原文未见；示例取贵州2017、长沙等地落实国发〔2016〕14号的“不低于低保标准1.3倍”",
                C,
                illustrative=True,
            ),
        ),
    ),
    *(
        ParameterSpec(
            f"tekun.care_amount.{level}",
            f"特困照料护理标准：{label}",
            "元/人·月",
            ValueKind.DECIMAL,
            (
                CatalogValue(
                    NINGBO,
                    COVERAGE_START,
                    _D(amount),
                    f"浙江、宁波照料护理标准原文未见；示例值按长沙结构（上年最低工资的{share}）乘示例基数2100元/月，2100元不是宁波最低工资",
                    NF,
                    illustrative=True,
                ),
            ),
        )
        for level, label, amount, share in (
            ("self_care", "生活自理", "210", "1/10"),
            ("partial", "部分丧失生活自理能力", "350", "1/6"),
            ("full", "完全丧失生活自理能力", "700", "1/3"),
        )
    ),
    ParameterSpec(
        "tekun.care.partial_max_failed_items",
        "部分丧失生活自理能力：不能完成的项目数上限",
        "项",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                MCA_2021_START,
                3,
                f"{SRC_MCA_2021_43}第21–22条：六项中1–3项不能完成为部分丧失，4项以上为完全丧失",
                A,
            ),
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                3,
                SRC_TEKUN_2016_NOT_SEEN,
                NF,
                illustrative=True,
            ),
        ),
    ),
    ParameterSpec(
        "tekun.incapacity.min_age",
        "无劳动能力：老年人年龄",
        "岁",
        ValueKind.INTEGER,
        (
            *_by_regulation(
                60, f"{SRC_MCA_2021_43}第5条：60周岁以上", before_source=SRC_TEKUN_2016_NOT_SEEN
            ),
        ),
    ),
    ParameterSpec(
        "tekun.incapacity.under_age",
        "无劳动能力：未满年龄",
        "岁",
        ValueKind.INTEGER,
        (
            *_by_regulation(
                16, f"{SRC_MCA_2021_43}第5条：未满16周岁", before_source=SRC_TEKUN_2016_NOT_SEEN
            ),
        ),
    ),
    ParameterSpec(
        "tekun.minor.until_age",
        "特困：未成年人救助供养年龄上限（未满该年龄）",
        "岁",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                16,
                "民政部《特困人员认定办法》（民发〔2016〕178号）条文原文未见；中办、国办《关于改革完善"
                "社会救助制度的意见》（2020，文号原文未见）第5条称将未成年人年龄从16周岁延长至18周岁，此前按16周岁",
                B,
            ),
            CatalogValue(
                NATIONAL,
                date(2020, 8, 25),
                18,
                "中共中央办公厅、国务院办公厅《关于改革完善社会救助制度的意见》（2020，文号原文未见）第5条："
                "特困人员救助供养覆盖的未成年人年龄从16周岁延长至18周岁",
                A,
                note="起始日按该意见公开发布日2020-08-25列示，资料中未载印发日，待核实",
            ),
            CatalogValue(
                NATIONAL,
                MCA_2021_START,
                18,
                f"{SRC_MCA_2021_43}第24条：特困人员中的未成年人，可继续享有救助供养待遇至18周岁",
                A,
            ),
        ),
        "未满该年龄的未成年人视为无劳动能力（不论有无残疾）",
    ),
    ParameterSpec(
        "tekun.incapacity.intellectual_mental_max_grade",
        "无劳动能力：智力、精神残疾等级（1级至该级）",
        "级",
        ValueKind.INTEGER,
        (
            *_by_regulation(
                3,
                f"{SRC_MCA_2021_43}第5条：一至三级智力、精神残疾",
                before_source=SRC_TEKUN_2016_NOT_SEEN,
            ),
        ),
    ),
    ParameterSpec(
        "tekun.incapacity.physical_max_grade",
        "无劳动能力：肢体残疾等级（1级至该级）",
        "级",
        ValueKind.INTEGER,
        (
            *_by_regulation(
                2,
                f"{SRC_MCA_2021_43}第5条：一、二级肢体残疾",
                before_source=SRC_TEKUN_2016_NOT_SEEN,
            ),
        ),
    ),
    ParameterSpec(
        "tekun.incapacity.visual_max_grade",
        "无劳动能力：视力残疾等级（1级至该级）",
        "级",
        ValueKind.INTEGER,
        (
            *_by_regulation(
                1, f"{SRC_MCA_2021_43}第5条：一级视力残疾", before_source=SRC_TEKUN_2016_NOT_SEEN
            ),
        ),
    ),
    ParameterSpec(
        "tekun.excluded_kinds",
        "特困认定不计入收入的项目",
        "收入类别代码",
        ValueKind.CODES,
        _by_regulation(
            (
                "basic_pension",
                "central_basic_pension",
                "medical_insurance",
                "special_care_pension",
                "old_age_allowance",
            ),
            f"{SRC_MCA_2021_43}第6条：基本养老金、基本医疗保险等社会保险和优抚金、高龄津贴不计入",
            before_source=SRC_TEKUN_2016_NOT_SEEN,
        ),
    ),
    ParameterSpec(
        "tekun.supporter.dibao_min_age",
        "义务人无履行能力：享受低保的年龄",
        "岁",
        ValueKind.INTEGER,
        (
            *_by_regulation(
                60,
                f"{SRC_MCA_2021_43}第8条：60周岁以上的最低生活保障对象",
                before_source=SRC_TEKUN_2016_NOT_SEEN,
            ),
        ),
    ),
    ParameterSpec(
        "tekun.supporter.elderly_min_age",
        "义务人无履行能力：高龄年龄",
        "岁",
        ValueKind.INTEGER,
        (
            *_by_regulation(
                70,
                f"{SRC_MCA_2021_43}第8条：70周岁以上且收入低于当地人均可支配收入",
                before_source=SRC_TEKUN_2016_NOT_SEEN,
            ),
        ),
    ),
    ParameterSpec(
        "tekun.supporter.severe_disability_max_grade",
        "义务人无履行能力：重度残疾等级（1级至该级）",
        "级",
        ValueKind.INTEGER,
        (
            *_by_regulation(
                2,
                f"{SRC_MCA_2021_43}第8条：一、二级重度残疾",
                before_source=SRC_TEKUN_2016_NOT_SEEN,
            ),
        ),
    ),
    ParameterSpec(
        "tekun.supporter.intellectual_mental_max_grade",
        "义务人无履行能力：智力、精神残疾等级（1级至该级）",
        "级",
        ValueKind.INTEGER,
        (
            *_by_regulation(
                3,
                f"{SRC_MCA_2021_43}第8条：三级智力、精神残疾",
                before_source=SRC_TEKUN_2016_NOT_SEEN,
            ),
        ),
    ),
    ParameterSpec(
        "tekun.supporter.income_line_monthly",
        "当地居民人均可支配收入（月）",
        "元/人·月",
        ValueKind.DECIMAL,
        (
            CatalogValue(
                NINGBO,
                COVERAGE_START,
                _D("5000"),
                "宁波人均可支配收入原文未见；5000元/月为示例值，应按统计公报配置",
                NF,
                illustrative=True,
            ),
        ),
    ),
]


# Plausibility bounds a proposed value must fall within (inclusive). They are sanity limits chosen
# by the project, not policy: a value outside them is refused as a likely typing error (a 低保
# standard of 1 元), and a bureau that needs a value outside them changes the bound in review.
_D0, _D1 = Decimal("0"), Decimal("1")
BOUNDS: dict[str, tuple[Decimal, Decimal]] = {
    "dibao.standard_monthly": (Decimal("300"), Decimal("5000")),
    "dibao.money_asset_years": (_D1, Decimal("10")),
    "dibian.income_multiplier": (_D1, Decimal("3")),
    "dibian.money_asset_years": (_D1, Decimal("10")),
    "tekun.basic_multiplier": (_D1, Decimal("3")),
    "tekun.supporter.income_line_monthly": (Decimal("500"), Decimal("30000")),
    "benefit.floor_monthly": (_D0, Decimal("500")),
    "gradual_exit.grace_months": (_D0, Decimal("24")),
    "dibian.gradual_exit.grace_months": (_D0, Decimal("24")),
    "advance_aid.temporary_amount": (_D0, Decimal("20000")),
    "price_subsidy.cpi_trigger_pct": (_D0, Decimal("20")),
    "price_subsidy.food_cpi_trigger_pct": (_D0, Decimal("30")),
    "price_subsidy.minimum": (_D0, Decimal("500")),
    "price_subsidy.multiplier": (_D1, Decimal("5")),
    "household.adult_age": (Decimal("16"), Decimal("18")),
    "tekun.minor.until_age": (Decimal("16"), Decimal("25")),
    "tekun.incapacity.min_age": (Decimal("50"), Decimal("70")),
}
_PREFIX_BOUNDS: tuple[tuple[str, tuple[Decimal, Decimal]], ...] = (
    ("supplement.", (_D0, Decimal("100"))),  # rates 0–1 and ages up to 100
    ("tekun.care_amount.", (_D0, Decimal("10000"))),
    ("review.interval_months.", (_D1, Decimal("24"))),
    ("deadline.", (_D1, Decimal("90"))),
    ("dibao.spot_check_ratio", (Decimal("0.01"), _D1)),
    ("tekun.spot_check_ratio", (Decimal("0.01"), _D1)),
    ("dibao.spot_check.monthly_share", (Decimal("0.001"), _D1)),
)


def bounds_for(key: str) -> tuple[Decimal, Decimal] | None:
    """The inclusive bounds of a numeric parameter, or None where the kind needs none."""
    if key in BOUNDS:
        return BOUNDS[key]
    for prefix, bounds in _PREFIX_BOUNDS:
        if key.startswith(prefix):
            return bounds
    return None


def all_specs() -> list[ParameterSpec]:
    """Every parameter the platform reads: assistance rules, payments, the workflow and each
    later app's catalogue (monitoring, medical, organisations, charity, civil services).

    This is catalogue DATA, loaded into the database by `do_load_parameter_catalog`; at run time
    every value is read from the database through `assistance.queries.parameter_set`.
    """
    from minzheng.applications.parameter_catalog import WORKFLOW_PARAMETERS
    from minzheng.charity.parameter_catalog import CHARITY_PARAMETERS
    from minzheng.children.parameter_catalog import CHILDREN_PARAMETERS
    from minzheng.civil.parameter_catalog import CIVIL_PARAMETERS
    from minzheng.eldercare.parameter_catalog import ELDERCARE_PARAMETERS
    from minzheng.grievances.parameter_catalog import GRIEVANCE_PARAMETERS
    from minzheng.medical.parameter_catalog import MEDICAL_PARAMETERS
    from minzheng.monitoring.parameter_catalog import MONITORING_PARAMETERS
    from minzheng.operations.parameter_catalog import RETENTION_PARAMETERS
    from minzheng.organisations.parameter_catalog import ORGANISATION_PARAMETERS
    from minzheng.outreach.parameter_catalog import OUTREACH_PARAMETERS
    from minzheng.payments.parameter_catalog import PAYMENT_PARAMETERS
    from minzheng.rescue.parameter_catalog import RESCUE_PARAMETERS

    return [
        *PARAMETERS,
        *PAYMENT_PARAMETERS,
        *WORKFLOW_PARAMETERS,
        *MONITORING_PARAMETERS,
        *MEDICAL_PARAMETERS,
        *ORGANISATION_PARAMETERS,
        *CHARITY_PARAMETERS,
        *CIVIL_PARAMETERS,
        *CHILDREN_PARAMETERS,
        *GRIEVANCE_PARAMETERS,
        *OUTREACH_PARAMETERS,
        *ELDERCARE_PARAMETERS,
        *RESCUE_PARAMETERS,
        *RETENTION_PARAMETERS,
    ]


def catalog_rows() -> list[ParameterRow]:
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
        for spec in all_specs()
        for v in spec.values
    ]


_SPECS: dict[str, ParameterSpec] = {}


def spec_for(key: str) -> ParameterSpec:
    if not _SPECS:
        _SPECS.update({spec.key: spec for spec in all_specs()})
    return _SPECS[key]


def default_parameters(region_code: str, as_of: date) -> ParameterSet:
    """The catalogue resolved in memory — for pure-rule tests and benchmarks only.

    The platform never calls this at run time: it reads the database rows loaded from this
    catalogue through `assistance.queries.parameter_set` (a confirmed county value overrides).
    """
    return resolve_parameters(catalog_rows(), region_code, as_of)
