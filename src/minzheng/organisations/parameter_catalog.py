"""Policy values of social-organisation supervision, as dated, sourced catalogue rows.

Appended to `assistance.parameter_catalog.PARAMETERS`, so they are loaded, resolved, edited and
replayed by the same machinery as every other parameter. Dates of the year are encoded MMDD
(331 = 3月31日). Confidence: A primary text read in full, B official page in excerpt, C secondary or
quoted in docs/next-domains.md, NF not found (illustrative, flagged).
"""

from __future__ import annotations

from datetime import date

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
START = date(2020, 1, 1)  # the system's coverage period; the rules are older
SRC_SHETUAN = "社会团体登记管理条例（国务院令第250号，2016年修订）"
SRC_MCA_60 = "社会组织信用信息管理办法（民政部令第60号，2018）"
SRC_RATING = "全国性社会组织评估管理规定（民政部，2021-12-10）"
SRC_JIAXING = "嘉兴市2026年度社会组织年检通知（浙江实践，见 next-domains.md §3）"
SRC_CENSUS = "宁波市第七次全国人口普查主要数据公报（宁波市统计局，2021-05-17）"
_UNVERIFIED = "条文见 docs/next-domains.md 引述，条号与原文未在本系统资料中逐字核对"


def _spec(
    key: str,
    name: str,
    unit: str,
    value: int,
    source: str,
    conf: Confidence,
    *,
    region: str = NATIONAL,
    illustrative: bool = False,
    note: str = "",
    description: str = "",
) -> ParameterSpec:
    return ParameterSpec(
        key,
        name,
        unit,
        ValueKind.INTEGER,
        (CatalogValue(region, START, value, source, conf, illustrative, note),),
        description,
    )


ORGANISATION_PARAMETERS: list[ParameterSpec] = [
    _spec(
        "organisations.registration.decision_working_days",
        "登记申请办理时限",
        "工作日",
        20,
        "条例规定登记管理机关自收到全部有效文件之日起60日内作出决定（社会团体登记管理条例第11条，"
        "未核对原文）；宁波承诺时限未找到，20个工作日为示例值",
        NF,
        illustrative=True,
        description="成立、变更、注销登记从受理到核准的时限",
    ),
    _spec(
        "organisations.registration.review_working_days",
        "登记申请初审时限",
        "工作日",
        10,
        "初审环节时限未找到，10个工作日为示例值",
        NF,
        illustrative=True,
    ),
    _spec(
        "organisations.certificate.validity_years",
        "登记证书有效期",
        "年",
        5,
        "社会组织法人登记证书有效期未在资料中核实，5年为示例值",
        NF,
        illustrative=True,
    ),
    _spec(
        "organisations.annual.supervisor_due_mmdd",
        "年检报业务主管单位截止日",
        "月日（MMDD）",
        331,
        f"{SRC_SHETUAN}第31条：每年3月31日前报送业务主管单位",
        C,
        note=_UNVERIFIED,
    ),
    _spec(
        "organisations.annual.authority_due_mmdd",
        "年检报登记管理机关截止日",
        "月日（MMDD）",
        531,
        f"{SRC_SHETUAN}第31条：经业务主管单位初审同意后5月31日前报送登记管理机关",
        C,
        note=_UNVERIFIED,
    ),
    _spec(
        "organisations.annual.exempt_founded_after_mmdd",
        "当年成立免于年检的起始日",
        "月日（MMDD）",
        630,
        f"{SRC_JIAXING}：年检对象为上一年6月30日前登记的社会组织",
        C,
        region=ZHEJIANG,
        description="在报告年度的这一天之后成立的组织免于该年度年检",
    ),
    _spec(
        "organisations.annual.reminder_days_before",
        "年检截止前提醒天数",
        "天",
        30,
        "提醒提前量未见规定，30天为示例值",
        NF,
        illustrative=True,
    ),
    _spec(
        "organisations.credit.entry_working_days",
        "信用信息录入时限",
        "工作日",
        5,
        f"{SRC_MCA_60}：作出决定后5个工作日内录入",
        C,
        note=_UNVERIFIED,
    ),
    _spec(
        "organisations.credit.serious_after_years",
        "活动异常名录转严重违法失信名单年限",
        "年",
        2,
        f"{SRC_MCA_60}：列入活动异常名录满2年仍未移出的，列入严重违法失信名单",
        C,
        note=_UNVERIFIED,
    ),
    _spec(
        "organisations.rating.validity_years",
        "评估等级有效期",
        "年",
        5,
        f"{SRC_RATING}：评估等级有效期为5年",
        C,
        note=_UNVERIFIED,
    ),
    _spec(
        "organisations.expiry.reminder_days_before",
        "证书到期提醒天数",
        "天",
        90,
        "证书到期提醒办：提醒提前量未见规定，90天为示例值",
        NF,
        illustrative=True,
        region=NINGBO,
    ),
    ParameterSpec(
        "organisations.statistics.resident_population",
        "常住人口（社会组织密度分母）",
        "人",
        ValueKind.INTEGER,
        (
            CatalogValue(NINGBO, START, 9404283, f"{SRC_CENSUS}：全市常住人口", B),
            *(
                CatalogValue(code, START, people, f"{SRC_CENSUS}：{name}常住人口", B)
                for code, name, people in (
                    ("330203", "海曙区", 1041285),
                    ("330205", "江北区", 488885),
                    ("330206", "北仑区", 829448),
                    ("330211", "镇海区", 510462),
                    ("330212", "鄞州区", 1609555),
                    ("330213", "奉化区", 577505),
                    ("330225", "象山县", 567665),
                    ("330226", "宁海县", 695958),
                )
            ),
            # 余姚 and 慈溪 are 3,083,520 together; the split follows the 2021 estimates' ratio.
            CatalogValue(
                "330281",
                START,
                1246256,
                f"{SRC_CENSUS}：余姚、慈溪合计按2021年估计比例拆分",
                C,
                True,
            ),
            CatalogValue(
                "330282",
                START,
                1837264,
                f"{SRC_CENSUS}：余姚、慈溪合计按2021年估计比例拆分",
                C,
                True,
            ),
        ),
        "统计用的人口数，不是政策标准；按区划取最具体的一行",
    ),
]
