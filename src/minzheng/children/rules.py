"""Which children's category a child falls in, what the allowance is, and the last month it is
paid — pure functions over plain values. Every criterion carries its value, threshold, outcome
and the parameter version it used.

Definitions (民发〔2019〕62号 §一 as restated by 粤民规字〔2019〕10号 §一; docs/children.md):
- 孤儿: both parents dead or declared missing (or not to be found).
- 事实无人抚养儿童: both parents "unable" (重残, 重病, detained ≥ 6 months, lost contact ≥ 6
  months), or one parent dead or missing and the other unable.
- 其他困境儿童: one parent gone or unable while the other still raises the child.
A child aged at or over the end age is none of these unless in full-time education.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from minzheng.assistance.parameters import ParameterSet
from minzheng.core.yearmonth import YearMonth

GONE = frozenset({"dead", "declared_missing", "unknown"})
UNABLE_ALWAYS = frozenset({"severe_disability", "serious_illness"})
UNABLE_AFTER_MONTHS = {
    "detained": "children.detention_min_months",
    "lost_contact": "children.lost_contact_min_months",
}
MENTAL_CATEGORIES = frozenset({"intellectual", "mental"})
SITUATION_LABELS = {
    "present": "正常履行抚养责任",
    "dead": "死亡",
    "declared_missing": "宣告失踪",
    "severe_disability": "重残",
    "serious_illness": "重病",
    "detained": "服刑在押、强制隔离戒毒或限制人身自由",
    "lost_contact": "失联",
    "unknown": "查找不到",
}


class ChildCategory(StrEnum):
    INSTITUTIONAL_ORPHAN = "institutional_orphan"
    SCATTERED_ORPHAN = "scattered_orphan"
    UNSUPPORTED = "unsupported"
    IN_DIFFICULTY = "in_difficulty"


PAID_CATEGORIES = frozenset(
    {
        ChildCategory.INSTITUTIONAL_ORPHAN,
        ChildCategory.SCATTERED_ORPHAN,
        ChildCategory.UNSUPPORTED,
    }
)
# 事实无人抚养儿童 get the 社会散居孤儿 allowance (民发〔2019〕62号).
ALLOWANCE_KEY = {
    ChildCategory.INSTITUTIONAL_ORPHAN: "children.allowance.institutional_orphan",
    ChildCategory.SCATTERED_ORPHAN: "children.allowance.scattered_orphan",
    ChildCategory.UNSUPPORTED: "children.allowance.scattered_orphan",
}


@dataclass(frozen=True, slots=True)
class Parent:
    role: str  # 父亲 / 母亲
    situation: str  # children.models.ParentSituation
    months: int = 0


@dataclass(frozen=True, slots=True)
class ChildFacts:
    birth_date: date
    in_institution: bool
    father: Parent
    mother: Parent
    education_until: date | None = None


@dataclass(frozen=True, slots=True)
class Criterion:
    name: str
    value: str
    threshold: str
    passed: bool
    version: str = ""


@dataclass(frozen=True, slots=True)
class ChildDecision:
    category: ChildCategory | None
    criteria: list[Criterion] = field(default_factory=list)
    summary: str = ""

    @property
    def paid(self) -> bool:
        return self.category in PAID_CATEGORIES

    def as_dict(self) -> dict[str, object]:
        return {
            "category": self.category.value if self.category else "",
            "summary": self.summary,
            "criteria": [
                {
                    "name": c.name,
                    "value": c.value,
                    "threshold": c.threshold,
                    "passed": c.passed,
                    "version": c.version,
                }
                for c in self.criteria
            ],
        }


def severe_disability(category: str, grade: int | None, params: ParameterSet) -> Criterion:
    """重残: grade 1–2 of any category, or grade 3–4 of a mental or intellectual disability."""
    key = (
        "children.severe_mental_max_grade"
        if category in MENTAL_CATEGORIES
        else "children.severe_disability_max_grade"
    )
    limit, version = params.integer(key)
    passed = grade is not None and grade <= limit
    return Criterion(
        "重残",
        f"{grade}级" if grade is not None else "无残疾证",
        f"{limit}级及以上",
        passed,
        version.version_id,
    )


def _said(parent: Parent) -> str:
    return SITUATION_LABELS.get(parent.situation, "查找不到")


def _parent_state(parent: Parent, params: ParameterSet) -> tuple[str, Criterion]:
    """'gone', 'unable' or 'present', with the criterion that says why."""
    if parent.situation in GONE:
        return "gone", Criterion(f"{parent.role}死亡、失踪或查找不到", _said(parent), "是", True)
    if parent.situation in UNABLE_ALWAYS:
        return "unable", Criterion(f"{parent.role}重残或重病", _said(parent), "是", True)
    if parent.situation in UNABLE_AFTER_MONTHS:
        minimum, version = params.integer(UNABLE_AFTER_MONTHS[parent.situation])
        passed = parent.months >= minimum
        state = "unable" if passed else "present"
        return state, Criterion(
            f"{parent.role}{_said(parent)}持续期限",
            f"{parent.months}个月",
            f"不少于{minimum}个月",
            passed,
            version.version_id,
        )
    return "present", Criterion(f"{parent.role}不能履行抚养责任", _said(parent), "是", False)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def last_paid_month(facts: ChildFacts, params: ParameterSet) -> tuple[YearMonth, list[Criterion]]:
    """The month of the end-age birthday is the last paid; full-time education extends it to the
    month the schooling ends, at most to the month of the education cap birthday."""
    end_age, end_v = params.integer("children.end_age")
    birthday = _birthday(facts.birth_date, end_age)
    last = YearMonth.of(birthday)
    criteria = [
        Criterion("年满终止年龄", birthday.isoformat(), f"{end_age}周岁", True, end_v.version_id)
    ]
    if facts.education_until is not None and facts.education_until > birthday:
        cap_age, cap_v = params.integer("children.education_max_age")
        cap = _birthday(facts.birth_date, cap_age)
        school_end = YearMonth.of(min(facts.education_until, cap))
        criteria.append(
            Criterion(
                "全日制在校延长",
                facts.education_until.isoformat(),
                f"不超过{cap_age}周岁",
                facts.education_until <= cap,
                cap_v.version_id,
            )
        )
        last = max(last, school_end)
    return last, criteria


def _birthday(birth: date, age: int) -> date:
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # born 29 February
        return date(birth.year + age, 3, 1)


def classify(facts: ChildFacts, params: ParameterSet, today: date) -> ChildDecision:
    """The child's category on `today`, or None, with every criterion that decided it."""
    last, age_criteria = last_paid_month(facts, params)
    within_age = YearMonth.of(today) <= last
    criteria = [
        Criterion(
            "在保障年龄内",
            f"{age_on(facts.birth_date, today)}周岁",
            f"至{last}",
            within_age,
            age_criteria[0].version,
        ),
        *age_criteria[1:],
    ]
    father_state, father_c = _parent_state(facts.father, params)
    mother_state, mother_c = _parent_state(facts.mother, params)
    criteria += [father_c, mother_c]
    states = sorted([father_state, mother_state])
    category: ChildCategory | None
    if not within_age:
        category = None
    elif states == ["gone", "gone"]:
        category = (
            ChildCategory.INSTITUTIONAL_ORPHAN
            if facts.in_institution
            else ChildCategory.SCATTERED_ORPHAN
        )
    elif states in (["unable", "unable"], ["gone", "unable"]):
        category = ChildCategory.UNSUPPORTED
    elif "present" in states and states != ["present", "present"]:
        category = ChildCategory.IN_DIFFICULTY
    else:
        category = None
    names = {
        ChildCategory.INSTITUTIONAL_ORPHAN: "机构养育孤儿",
        ChildCategory.SCATTERED_ORPHAN: "社会散居孤儿",
        ChildCategory.UNSUPPORTED: "事实无人抚养儿童",
        ChildCategory.IN_DIFFICULTY: "其他困境儿童",
    }
    if category is None:
        summary = "超过保障年龄" if not within_age else "父母均能履行抚养责任，不属于保障对象"
    else:
        summary = f"认定为{names[category]}"
    return ChildDecision(category, criteria, summary)


def allowance(category: ChildCategory, params: ParameterSet) -> tuple[Decimal, str]:
    """The monthly basic living allowance of a paid category, with the parameter version."""
    amount, version = params.decimal(ALLOWANCE_KEY[category])
    return amount, version.version_id
