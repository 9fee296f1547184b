"""The programme catalogue (1+8+X): stable codes, Chinese names, how each is decided and paid."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from minzheng.assistance.errors import UnknownProgramme


class ProgrammeCode(StrEnum):
    DIBAO = "dibao"
    DIBIAN = "dibian"
    TEKUN = "tekun"
    LINSHI = "linshi"
    YILIAO = "yiliao"
    JIAOYU = "jiaoyu"
    ZHUFANG = "zhufang"
    JIUYE = "jiuye"
    SHOUZAI = "shouzai"
    CISHAN = "cishan"
    ERTONG = "ertong"
    GAOLING = "gaoling"
    ZHUCAN = "zhucan"
    SHILAOHUA = "shilaohua"


class Basis(StrEnum):
    """What a programme is decided on."""

    MEANS_TEST = "means_test"  # 家庭经济状况认定（收入、财产）
    STATUS = "status"  # 依已认定的救助身份（低保、特困、低边）
    EVENT = "event"  # 依突发事件或刚性支出个案审批
    REFERRAL = "referral"  # 转介社会力量，不由政府发放
    AGE = "age"  # 依户籍年龄，无需申请（高龄津贴）


@dataclass(frozen=True, slots=True)
class Programme:
    code: ProgrammeCode
    name: str
    short_name: str
    basis: Basis
    paid_monthly: bool
    rule_based: bool  # evaluated by `rules.evaluate_household`
    note: str = ""

    @property
    def means_tested(self) -> bool:
        return self.basis is Basis.MEANS_TEST


# 低边 is a status that opens special assistance (医疗、教育、住房…); no monthly cash in the
# sources read (policy.md §2), so it is not paid monthly here.
# "8" = the eight types of 暂行办法 (an unverified reading, policy.md §9).
PROGRAMMES: tuple[Programme, ...] = (
    Programme(ProgrammeCode.DIBAO, "最低生活保障", "低保", Basis.MEANS_TEST, True, True),
    Programme(
        ProgrammeCode.DIBIAN,
        "低保边缘（低收入农户与低保边缘两线合一）",
        "低边",
        Basis.MEANS_TEST,
        False,
        True,
        note="两线合一：原低收入农户并入低保边缘，按低保标准倍数认定（policy.md §2）",
    ),
    Programme(
        ProgrammeCode.TEKUN,
        "特困人员救助供养",
        "特困",
        Basis.MEANS_TEST,
        True,
        True,
        note="按生活自理能力分全自理、部分失能、完全失能三档照料护理（民发〔2021〕43号第21–22条）",
    ),
    Programme(ProgrammeCode.LINSHI, "临时救助", "临时", Basis.EVENT, False, False),
    Programme(ProgrammeCode.YILIAO, "医疗救助", "医疗", Basis.STATUS, False, False),
    Programme(ProgrammeCode.JIAOYU, "教育救助", "教育", Basis.STATUS, False, False),
    Programme(ProgrammeCode.ZHUFANG, "住房救助", "住房", Basis.STATUS, False, False),
    Programme(ProgrammeCode.JIUYE, "就业救助", "就业", Basis.STATUS, False, False),
    Programme(ProgrammeCode.SHOUZAI, "受灾人员救助", "受灾", Basis.EVENT, False, False),
    Programme(
        ProgrammeCode.CISHAN,
        "社会力量参与（慈善转介）",
        "X",
        Basis.REFERRAL,
        False,
        False,
        note="“1+8+X”中的 X：慈善组织、社会工作等社会力量参与救助",
    ),
    Programme(
        ProgrammeCode.ERTONG,
        "孤儿和事实无人抚养儿童基本生活保障",
        "儿童保障",
        Basis.STATUS,
        True,
        False,
        note="按儿童身份认定，个人按月发放（docs/children.md）",
    ),
    Programme(
        ProgrammeCode.GAOLING,
        "高龄津贴",
        "高龄津贴",
        Basis.AGE,
        True,
        False,
        note="按户籍年龄从人员库自动纳入，无需申请，按月随花名册发放（docs/eldercare.md）",
    ),
    Programme(
        ProgrammeCode.ZHUCAN,
        "老年助餐补贴",
        "助餐",
        Basis.AGE,
        False,
        False,
        note="按就餐记录和分类补贴标准按月结算给助餐点（docs/eldercare.md）",
    ),
    Programme(
        ProgrammeCode.SHILAOHUA,
        "老年人居家适老化改造补贴",
        "适老化改造",
        Basis.EVENT,
        False,
        False,
        note="按户申请、入户评估、验收合格后按补贴上限支付给施工单位（docs/eldercare.md）",
    ),
)

_BY_CODE: dict[str, Programme] = {p.code.value: p for p in PROGRAMMES}


def get_programme(code: str) -> Programme:
    try:
        return _BY_CODE[code]
    except KeyError:
        raise UnknownProgramme(code) from None


def means_tested_codes() -> tuple[ProgrammeCode, ...]:
    return tuple(p.code for p in PROGRAMMES if p.means_tested)


def monthly_paid_codes() -> tuple[ProgrammeCode, ...]:
    return tuple(p.code for p in PROGRAMMES if p.paid_monthly)
