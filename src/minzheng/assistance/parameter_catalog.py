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
_STARTS_AT_COVERAGE = "本条自系统覆盖期起点2020-01-01起列示，文件本身的施行日未在资料中核实"

SRC_MCA_2021_57 = "最低生活保障审核确认办法（民发〔2021〕57号）"
SRC_MCA_2021_43 = "特困人员认定办法（民发〔2021〕43号）"
SRC_MCA_2012 = "最低生活保障审核审批办法（试行）（2012）"
SRC_ZJ_2015_13 = "浙江省社会救助家庭经济状况认定办法（浙民助〔2015〕13号）"
ZJ_REPRINT = "（省民政厅2015-02-25新闻稿，xian.baogaosu.com 转载）"
SRC_ZJ_TIAOLI_13 = (
    "浙江省社会救助条例第13条（瑞安市页面引文，juke.outofmemory.cn/read/1461983.html）"
)
SRC_JIAOJIANG = "椒江区椒政办发〔2016〕128号（nbxinxi.com 转载）"
SRC_MCA_2022_10 = "关于进一步做好最低生活保障等社会救助兜底工作的通知（民政部等，2022-10）"

PARAMETERS: list[ParameterSpec] = [
    # ── who counts as the household ──────────────────────────────────────────────────────────
    ParameterSpec(
        "household.adult_age",
        "成年年龄",
        "岁",
        ValueKind.INTEGER,
        (CatalogValue(NATIONAL, COVERAGE_START, 18, "民法典第17条：十八周岁以上为成年人", A),),
        "未成年子女计入共同生活家庭成员，也是分类施保“未成年人”的界线",
    ),
    ParameterSpec(
        "household.clergy_away_min_years",
        "宗教教职人员脱离家庭年限",
        "年",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL, COVERAGE_START, 3, f"{SRC_MCA_2021_57}第7条", A, note=_STARTS_AT_COVERAGE
            ),
        ),
        "连续脱离家庭独立生活满该年限的宗教教职人员不计入家庭成员",
    ),
    # ── income ───────────────────────────────────────────────────────────────────────────────
    ParameterSpec(
        "income.excluded_kinds",
        "不计入家庭收入的项目",
        "收入类别代码",
        ValueKind.CODES,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                (
                    "special_care_pension",
                    "family_planning_award",
                    "scholarship",
                    "government_assistance",
                    "central_basic_pension",
                ),
                f"{SRC_MCA_2021_57}第13条（优抚金、计划生育奖励、奖学金、政府救助、城乡居民基本养老保险基础养老金）",
                A,
                note=_STARTS_AT_COVERAGE,
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
                f"{SRC_MCA_2021_57}第13条允许扣减；宁波是否采用未找到",
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
                "宁波市2020年低保标准未找到；示例值按市民政局2020年工作文章“最低生活保障年标准达到9000元以上”折合9000÷12=750元/月",
                NF,
                illustrative=True,
            ),
            CatalogValue(
                YINZHOU,
                date(2021, 1, 1),
                _D("1005"),
                "鄞州区2021年低保标准1005元/月（nbyz.gov.cn/art/2022/3/8/art_1229137187_3947705.html）",
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
                f"{SRC_ZJ_2015_13}第2项：人均货币财产低于3–4年低保标准之和，由各地确定；宁波取值未找到，示例取3年{ZJ_REPRINT}",
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
                f"{SRC_JIAOJIANG}：人均货币财产低于4年低保标准之和（外地示例，宁波取值未找到）",
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
        (CatalogValue(ZHEJIANG, date(2015, 3, 1), False, f"{SRC_ZJ_2015_13}第3项{ZJ_REPRINT}", B),),
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
        (CatalogValue(ZHEJIANG, date(2015, 3, 1), False, f"{SRC_ZJ_2015_13}第4项{ZJ_REPRINT}", B),),
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
                f"{SRC_ZJ_2015_13}第5项：城镇家庭拥有1套住房{ZJ_REPRINT}",
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
                f"{SRC_ZJ_2015_13}第5项：或2套住房但人均住房面积低于当地上年度人均住房面积{ZJ_REPRINT}",
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
                "宁波上年度人均住房面积未找到；40平方米为示例值",
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
                "宁波比例未找到；示例参照慈溪2011年对80–98周岁低收入老人"
                "加发标准的30%（ningbolife.com 4523）",
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
                "宁波未找到；示例参照慈溪2011年80周岁起",
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
                "社会救助暂行办法第12条要求对未成年人采取必要措施；浙江、宁波比例未找到，0.10为示例值",
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
                "社会救助暂行办法第12条要求对重度残疾人采取必要措施；比例未找到，0.20为示例值",
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
            CatalogValue(
                NATIONAL, COVERAGE_START, 2, f"{SRC_MCA_2021_57}第8条：一级、二级为重度残疾", A
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
                "社会救助暂行办法第12条要求对重病患者采取必要措施；比例未找到，0.20为示例值",
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
                "未找到；示例规则：同一人符合多类时只按最高一类加发",
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
                "宁波舍入规则未找到；示例取四舍五入到元",
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
                "宁波保底金额未找到；50元为示例值",
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
                f"浙江、宁波2020年渐退期限未找到；示例取{SRC_MCA_2022_10}第一（三）项“原则上不超过6个月”的上限",
                NF,
                illustrative=True,
            ),
        ),
        "家庭成员就业使收入超过低保标准的，可给予渐退期（民发〔2021〕57号第33条）",
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
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                _D("1.5"),
                f"{SRC_MCA_2021_57}第8条：低保边缘家庭中的重残、重病人员可单独提出申请；宁波2020年继续执行重病重残单人户政策（市民政局2020年工作文章）",
                A,
                note=_STARTS_AT_COVERAGE,
            ),
        ),
    ),
    ParameterSpec(
        "single_person.severe_disability_max_grade",
        "单人户：重度残疾等级（1级至该级）",
        "级",
        ValueKind.INTEGER,
        (CatalogValue(NATIONAL, COVERAGE_START, 2, f"{SRC_MCA_2021_57}第8条：一级、二级残疾", A),),
    ),
    ParameterSpec(
        "single_person.intellectual_mental_max_grade",
        "单人户：智力、精神残疾等级（1级至该级）",
        "级",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL, COVERAGE_START, 3, f"{SRC_MCA_2021_57}第8条：三级智力、精神残疾", A
            ),
        ),
    ),
    ParameterSpec(
        "single_person.serious_illness_allowed",
        "单人户：重病患者可单独纳入",
        "是/否",
        ValueKind.BOOLEAN,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                True,
                f"{SRC_MCA_2021_57}第8条：当地认定的重特大疾病患者",
                A,
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
                "浙江、宁波倍数未找到；示例取贵州2017、长沙等地落实国发〔2016〕14号的“不低于低保标准1.3倍”",
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
                    f"浙江、宁波照料护理标准未找到；示例值按长沙结构（上年最低工资的{share}）乘示例基数2100元/月，2100元不是宁波最低工资",
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
                "民发〔2016〕178号同类规定的具体条文未核实；沿用2021年口径",
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
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                60,
                f"{SRC_MCA_2021_43}第5条：60周岁以上",
                A,
                note=_STARTS_AT_COVERAGE,
            ),
        ),
    ),
    ParameterSpec(
        "tekun.incapacity.under_age",
        "无劳动能力：未满年龄",
        "岁",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                16,
                f"{SRC_MCA_2021_43}第5条：未满16周岁",
                A,
                note=_STARTS_AT_COVERAGE,
            ),
        ),
    ),
    ParameterSpec(
        "tekun.incapacity.intellectual_mental_max_grade",
        "无劳动能力：智力、精神残疾等级（1级至该级）",
        "级",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                3,
                f"{SRC_MCA_2021_43}第5条：一至三级智力、精神残疾",
                A,
                note=_STARTS_AT_COVERAGE,
            ),
        ),
    ),
    ParameterSpec(
        "tekun.incapacity.physical_max_grade",
        "无劳动能力：肢体残疾等级（1级至该级）",
        "级",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                2,
                f"{SRC_MCA_2021_43}第5条：一、二级肢体残疾",
                A,
                note=_STARTS_AT_COVERAGE,
            ),
        ),
    ),
    ParameterSpec(
        "tekun.incapacity.visual_max_grade",
        "无劳动能力：视力残疾等级（1级至该级）",
        "级",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                1,
                f"{SRC_MCA_2021_43}第5条：一级视力残疾",
                A,
                note=_STARTS_AT_COVERAGE,
            ),
        ),
    ),
    ParameterSpec(
        "tekun.excluded_kinds",
        "特困认定不计入收入的项目",
        "收入类别代码",
        ValueKind.CODES,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                (
                    "basic_pension",
                    "central_basic_pension",
                    "medical_insurance",
                    "special_care_pension",
                    "old_age_allowance",
                ),
                f"{SRC_MCA_2021_43}第6条：基本养老金、基本医疗保险等社会保险和优抚金、高龄津贴不计入",
                A,
                note=_STARTS_AT_COVERAGE,
            ),
        ),
    ),
    ParameterSpec(
        "tekun.supporter.dibao_min_age",
        "义务人无履行能力：享受低保的年龄",
        "岁",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                60,
                f"{SRC_MCA_2021_43}第8条：60周岁以上的最低生活保障对象",
                A,
                note=_STARTS_AT_COVERAGE,
            ),
        ),
    ),
    ParameterSpec(
        "tekun.supporter.elderly_min_age",
        "义务人无履行能力：高龄年龄",
        "岁",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                70,
                f"{SRC_MCA_2021_43}第8条：70周岁以上且收入低于当地人均可支配收入",
                A,
                note=_STARTS_AT_COVERAGE,
            ),
        ),
    ),
    ParameterSpec(
        "tekun.supporter.severe_disability_max_grade",
        "义务人无履行能力：重度残疾等级（1级至该级）",
        "级",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                2,
                f"{SRC_MCA_2021_43}第8条：一、二级重度残疾",
                A,
                note=_STARTS_AT_COVERAGE,
            ),
        ),
    ),
    ParameterSpec(
        "tekun.supporter.intellectual_mental_max_grade",
        "义务人无履行能力：智力、精神残疾等级（1级至该级）",
        "级",
        ValueKind.INTEGER,
        (
            CatalogValue(
                NATIONAL,
                COVERAGE_START,
                3,
                f"{SRC_MCA_2021_43}第8条：三级智力、精神残疾",
                A,
                note=_STARTS_AT_COVERAGE,
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
                "宁波人均可支配收入未在资料中核实；5000元/月为示例值，应按统计公报配置",
                NF,
                illustrative=True,
            ),
        ),
    ),
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
        for spec in PARAMETERS
        for v in spec.values
    ]


def spec_for(key: str) -> ParameterSpec:
    for spec in PARAMETERS:
        if spec.key == key:
            return spec
    raise KeyError(key)


def default_parameters(region_code: str, as_of: date) -> ParameterSet:
    """The catalogue defaults resolved for one region and day (demo, tests, what-if)."""
    return resolve_parameters(catalog_rows(), region_code, as_of)


# Other apps' policy values, loaded and resolved by the same machinery (see their catalogues).
from minzheng.charity.parameter_catalog import CHARITY_PARAMETERS  # noqa: E402
from minzheng.organisations.parameter_catalog import ORGANISATION_PARAMETERS  # noqa: E402

PARAMETERS.extend(ORGANISATION_PARAMETERS)
PARAMETERS.extend(CHARITY_PARAMETERS)
