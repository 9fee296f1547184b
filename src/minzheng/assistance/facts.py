"""The facts a household decision is made on: frozen dataclasses the shell builds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from minzheng.assistance.errors import InvalidHouseholdFacts
from minzheng.core.money import ZERO


class Relationship(StrEnum):
    APPLICANT = "applicant"  # 申请人
    SPOUSE = "spouse"  # 配偶
    CHILD = "child"  # 子女
    PARENT = "parent"  # 父母
    GRANDPARENT = "grandparent"  # 祖父母、外祖父母
    GRANDCHILD = "grandchild"  # 孙子女、外孙子女
    SIBLING = "sibling"  # 兄弟姐妹
    OTHER = "other"


class AwayReason(StrEnum):
    NONE = "none"
    PRISON = "prison"  # 在监狱服刑
    COMPULSORY_REHAB = "compulsory_rehab"  # 强制隔离戒毒
    MISSING = "missing"  # 宣告失踪
    CLERGY = "clergy"  # 宗教教职人员脱离家庭


class StudentStatus(StrEnum):
    NONE = "none"
    FULL_TIME_UP_TO_BACHELOR = "full_time_up_to_bachelor"  # 全日制本科及以下
    FULL_TIME_POSTGRADUATE = "full_time_postgraduate"
    PART_TIME = "part_time"


class DisabilityCategory(StrEnum):
    VISUAL = "visual"  # 视力
    HEARING = "hearing"  # 听力
    SPEECH = "speech"  # 言语
    PHYSICAL = "physical"  # 肢体
    INTELLECTUAL = "intellectual"  # 智力
    MENTAL = "mental"  # 精神
    MULTIPLE = "multiple"  # 多重


DISABILITY_NAMES: dict[DisabilityCategory, str] = {
    DisabilityCategory.VISUAL: "视力残疾",
    DisabilityCategory.HEARING: "听力残疾",
    DisabilityCategory.SPEECH: "言语残疾",
    DisabilityCategory.PHYSICAL: "肢体残疾",
    DisabilityCategory.INTELLECTUAL: "智力残疾",
    DisabilityCategory.MENTAL: "精神残疾",
    DisabilityCategory.MULTIPLE: "多重残疾",
}


class WorkCapacity(StrEnum):
    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


class IncomeKind(StrEnum):
    WAGE = "wage"  # 工资性收入（扣除必要就业成本后）
    BUSINESS = "business"  # 家庭经营净收入
    PROPERTY = "property"  # 财产净收入
    TRANSFER = "transfer"  # 转移净收入
    SPECIAL_CARE_PENSION = "special_care_pension"  # 优抚金
    FAMILY_PLANNING_AWARD = "family_planning_award"  # 计划生育奖励与扶助金
    SCHOLARSHIP = "scholarship"  # 奖学金
    GOVERNMENT_ASSISTANCE = "government_assistance"  # 政府发放的各类救助金
    CENTRAL_BASIC_PENSION = "central_basic_pension"  # 城乡居民基本养老保险基础养老金
    BASIC_PENSION = "basic_pension"  # 其余基本养老金
    OLD_AGE_ALLOWANCE = "old_age_allowance"  # 高龄津贴
    MEDICAL_INSURANCE = "medical_insurance"  # 基本医疗保险待遇


INCOME_NAMES: dict[IncomeKind, str] = {
    IncomeKind.WAGE: "工资性收入",
    IncomeKind.BUSINESS: "经营净收入",
    IncomeKind.PROPERTY: "财产净收入",
    IncomeKind.TRANSFER: "转移净收入",
    IncomeKind.SPECIAL_CARE_PENSION: "优抚金",
    IncomeKind.FAMILY_PLANNING_AWARD: "计划生育奖励",
    IncomeKind.SCHOLARSHIP: "奖学金",
    IncomeKind.GOVERNMENT_ASSISTANCE: "政府救助金",
    IncomeKind.CENTRAL_BASIC_PENSION: "基础养老金",
    IncomeKind.BASIC_PENSION: "基本养老金",
    IncomeKind.OLD_AGE_ALLOWANCE: "高龄津贴",
    IncomeKind.MEDICAL_INSURANCE: "医疗保险待遇",
}


class VehicleKind(StrEnum):
    CAR = "car"
    VESSEL = "vessel"
    OTHER_MOTOR = "other_motor"
    DISABILITY_MOBILITY = "disability_mobility"  # 残疾人功能性补偿代步机动车
    TWO_WHEEL_MOTORCYCLE = "two_wheel_motorcycle"  # 普通二轮摩托车


class NonResidentialKind(StrEnum):
    SHOP = "shop"
    OFFICE = "office"
    FACTORY = "factory"
    SERVICED_APARTMENT = "serviced_apartment"


class IncomeRiseReason(StrEnum):
    MEMBER_FOUND_WORK = "member_found_work"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Income:
    kind: IncomeKind
    monthly_amount: Decimal


@dataclass(frozen=True, slots=True)
class Disability:
    category: DisabilityCategory
    grade: int  # 1 (most severe) … 4

    def __post_init__(self) -> None:
        if not 1 <= self.grade <= 4:
            raise InvalidHouseholdFacts(f"残疾等级应为1至4级，收到 {self.grade}")


@dataclass(frozen=True, slots=True)
class AdlAssessment:
    """Six items of 民发〔2021〕43号 art 21; True means the person can do it alone."""

    eating: bool
    dressing: bool
    transfer: bool  # 上下床
    toileting: bool
    walking_indoors: bool
    bathing: bool

    def failed_items(self) -> int:
        items = (
            self.eating,
            self.dressing,
            self.transfer,
            self.toileting,
            self.walking_indoors,
            self.bathing,
        )
        return sum(1 for ok in items if not ok)


@dataclass(frozen=True, slots=True)
class Supporter:
    """A person with a legal duty to support a 特困 applicant (赡养、抚养、扶养义务人)."""

    id: str
    age: int
    monthly_income: Decimal = ZERO
    is_tekun: bool = False
    is_dibao_recipient: bool = False
    disability: Disability | None = None
    legally_incapacitated: bool = False
    missing: bool = False
    in_prison: bool = False


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    relationship: Relationship
    birth_date: date | None = None
    age: int | None = None  # used only when birth_date is unknown
    lives_together: bool = True  # 长期共同居住
    has_legal_support_duty: bool = False  # 与申请人有法定赡养、扶养、抚养关系
    unable_to_live_independently: bool = False
    away_reason: AwayReason = AwayReason.NONE
    away_years: int = 0
    student: StudentStatus = StudentStatus.NONE
    disability: Disability | None = None
    serious_illness: bool = False  # 当地认定的重特大疾病
    work_capacity: WorkCapacity = WorkCapacity.FULL
    incomes: tuple[Income, ...] = ()
    extra_expenses_monthly: Decimal = ZERO  # 因残、因病刚性支出
    adl: AdlAssessment | None = None
    supporters: tuple[Supporter, ...] = ()

    def age_on(self, day: date) -> int:
        if self.birth_date is not None:
            before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
            return day.year - self.birth_date.year - int(before_birthday)
        if self.age is None:
            raise InvalidHouseholdFacts(f"成员 {self.id} 缺少出生日期或年龄")
        return self.age


@dataclass(frozen=True, slots=True)
class Vehicle:
    kind: VehicleKind


@dataclass(frozen=True, slots=True)
class NonResidentialProperty:
    kind: NonResidentialKind
    is_only_home: bool = False  # 改作唯一住房


@dataclass(frozen=True, slots=True)
class Home:
    floor_area: Decimal  # 建筑面积，平方米


@dataclass(frozen=True, slots=True)
class Assets:
    money: Decimal = ZERO  # 存款、有价证券、基金、商业保险、债权、互联网金融资产
    vehicles: tuple[Vehicle, ...] = ()
    nonresidential: tuple[NonResidentialProperty, ...] = ()
    homes: tuple[Home, ...] = ()
    urban: bool = True


@dataclass(frozen=True, slots=True)
class Enrolment:
    """The household's current 低保 or 低边 enrolment, as far as 渐退 needs it."""

    monthly_amount: Decimal
    months_since_income_rose: int | None = None
    income_rise_reason: IncomeRiseReason | None = None
    programme: str = "dibao"  # ProgrammeCode value: "dibao" or "dibian" (低边 has no amount)


@dataclass(frozen=True, slots=True)
class HouseholdFacts:
    members: tuple[Member, ...]
    assets: Assets
    region_code: str
    as_of: date
    enrolment: Enrolment | None = None
    income_variable: bool = False  # 收入变动较大（复核周期）

    def applicant(self) -> Member:
        applicants = [m for m in self.members if m.relationship is Relationship.APPLICANT]
        if len(applicants) != 1:
            raise InvalidHouseholdFacts(f"家庭应有且只有一名申请人，当前为 {len(applicants)} 名")
        return applicants[0]

    def member(self, member_id: str) -> Member:
        for m in self.members:
            if m.id == member_id:
                return m
        raise InvalidHouseholdFacts(f"家庭中没有成员 {member_id}")
