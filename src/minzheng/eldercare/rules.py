"""Pure rules of elderly care: the ability assessment of GB/T 42195-2022 and the age bands of the
高龄津贴. No Django, no I/O, no clock: the shell loads the parameters and the answers.

The assessment (GB/T 42195-2022《老年人能力评估规范》, 国家市场监督管理总局、国家标准化管理委员会,
published and in force 2022-12-30): 26 items in four groups — 自理能力 8, 基础运动能力 4, 精神状态 9,
感知觉与社会参与 5 — every option worth the points below, higher = more able, total 0–90. The
item table was checked against a public transcription of the standard's appendix B in an
implementing repository; the standard's own text was not seen (docs/eldercare.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from minzheng.assistance.parameters import ParameterSet
from minzheng.assistance.programmes import ProgrammeCode
from minzheng.core.errors import ValidationFailed

STANDARD = "GB/T 42195-2022《老年人能力评估规范》"


class AnswerInvalid(ValidationFailed):
    code = "assessment_invalid"


class Group(StrEnum):
    SELF_CARE = "self_care"
    MOVEMENT = "movement"
    MENTAL = "mental"
    PERCEPTION = "perception"


GROUP_LABELS: dict[str, str] = {
    Group.SELF_CARE.value: "自理能力",
    Group.MOVEMENT.value: "基础运动能力",
    Group.MENTAL.value: "精神状态",
    Group.PERCEPTION.value: "感知觉与社会参与",
}


@dataclass(frozen=True, slots=True)
class Item:
    code: str  # the standard's number, B.1.1 … B.4.5
    group: Group
    name: str
    options: tuple[tuple[int, str], ...]  # (points, what the assessor sees), best first

    @property
    def max_points(self) -> int:
        return self.options[0][0]


# The five-step help scale most self-care and movement items share (appendix B).
_HELP = (
    (4, "独立完成，不需要协助"),
    (3, "在他人指导或提示下完成"),
    (2, "需要他人协助，但以自身完成为主"),
    (1, "主要依靠他人协助，自身能给予配合"),
    (0, "完全依赖他人协助，且不能给予配合"),
)

ITEMS: tuple[Item, ...] = (
    Item(
        "B.1.1",
        Group.SELF_CARE,
        "进食",
        (
            (4, "独立使用器具将食物送进口中并咽下，没有呛咳"),
            (3, "在他人指导或提示下完成，或独立使用辅具，没有呛咳"),
            (2, "进食中需要少量接触式协助，偶尔（每月一次及以上）呛咳"),
            (1, "进食中需要大量接触式协助，经常（每周一次及以上）呛咳"),
            (0, "完全依赖他人协助进食，或吞咽困难，或留置营养管"),
        ),
    ),
    Item("B.1.2", Group.SELF_CARE, "修饰（洗脸、刷牙、梳头、剪指甲等）", _HELP),
    Item("B.1.3", Group.SELF_CARE, "洗澡", _HELP),
    Item("B.1.4", Group.SELF_CARE, "穿/脱上衣", _HELP),
    Item("B.1.5", Group.SELF_CARE, "穿/脱裤子和鞋袜", _HELP),
    Item(
        "B.1.6",
        Group.SELF_CARE,
        "小便控制",
        (
            (4, "可自行控制排尿，次数和控制均正常"),
            (3, "白天可自行控制，夜间次数增多、控制较差，或自行使用尿布、尿垫"),
            (2, "白天大部分时间可控制，偶有尿失禁，或需他人少量协助使用尿布、尿垫"),
            (1, "白天大部分时间不能控制（每天1次及以上），或需他人大量协助使用尿布、尿垫"),
            (0, "小便失禁，完全不能控制，或留置导尿管"),
        ),
    ),
    Item(
        "B.1.7",
        Group.SELF_CARE,
        "大便控制",
        (
            (4, "可正常自行控制大便排出"),
            (3, "有时便秘或大便失禁，或自行使用开塞露、尿垫"),
            (2, "经常便秘或大便失禁，或需他人少量协助使用开塞露、尿垫"),
            (1, "大部分时间便秘或大便失禁，或需他人大量协助"),
            (0, "严重便秘或完全大便失禁，需依赖他人协助排便或清洁皮肤"),
        ),
    ),
    Item("B.1.8", Group.SELF_CARE, "如厕", _HELP),
    Item("B.2.1", Group.MOVEMENT, "床上体位转移", _HELP),
    Item("B.2.2", Group.MOVEMENT, "床椅转移", _HELP),
    Item(
        "B.2.3",
        Group.MOVEMENT,
        "平地行走",
        (
            (4, "独立平地行走50米左右，不需要协助，无摔倒风险"),
            (3, "能行走50米左右，有跌倒风险，需他人监护指导或使用拐杖、助行器"),
            (2, "步行时需要他人少量扶持协助"),
            (1, "步行时需要他人大量扶持协助"),
            (0, "完全不能步行"),
        ),
    ),
    Item(
        "B.2.4",
        Group.MOVEMENT,
        "上下楼梯",
        (
            (3, "可独立上下楼梯（连续10～15个台阶），不需要协助"),
            (2, "在他人指导或提示下完成"),
            (1, "需要他人协助，但以自身完成为主"),
            (0, "主要或完全依靠他人协助"),
        ),
    ),
    Item(
        "B.3.1",
        Group.MENTAL,
        "时间定向",
        (
            (4, "时间观念（年、月）清楚，日期或星期几可相差一天"),
            (3, "时间观念有些下降，年、月、日不能全部分清"),
            (2, "时间观念较差，年、月、日不清楚，可知上半年或下半年或季节"),
            (1, "时间观念很差，只知上午、下午或白天、夜间"),
            (0, "无时间观念"),
        ),
    ),
    Item(
        "B.3.2",
        Group.MENTAL,
        "空间定向",
        (
            (4, "能在日常生活范围内单独外出"),
            (3, "不能单独外出，但准确知道日常生活所在地的地址"),
            (2, "不能单独外出，知道较多有关日常生活的地址信息"),
            (1, "不能单独外出，知道较少居住地的地址信息"),
            (0, "不能单独外出，无空间观念"),
        ),
    ),
    Item(
        "B.3.3",
        Group.MENTAL,
        "人物定向",
        (
            (4, "认识长期共同生活的人，能称呼并知道关系"),
            (3, "能认识大部分共同生活的人，能称呼或知道关系"),
            (2, "能认识部分日常同住的亲人或照护者"),
            (1, "只认识自己或极少数日常同住的亲人或照护者"),
            (0, "不认识任何人（包括自己）"),
        ),
    ),
    Item(
        "B.3.4",
        Group.MENTAL,
        "记忆",
        (
            (4, "记忆能力与社会、年龄相适应，能完整回忆"),
            (3, "轻度记忆紊乱（3个词语5分钟后仅能回忆0～1个）"),
            (2, "中度记忆紊乱（不记得上一顿饭吃了什么）"),
            (1, "重度记忆紊乱（不记得自己的老朋友）"),
            (0, "记忆完全紊乱"),
        ),
    ),
    Item(
        "B.3.5",
        Group.MENTAL,
        "理解能力",
        (
            (4, "能正常理解他人的话"),
            (3, "能理解他人的话，但需要增加时间"),
            (2, "理解有困难，需频繁重复或简化口头表达"),
            (1, "理解有严重困难，需要大量他人帮助"),
            (0, "完全不能理解他人的话"),
        ),
    ),
    Item(
        "B.3.6",
        Group.MENTAL,
        "表达能力",
        (
            (4, "能正常表达自己的想法"),
            (3, "能表达自己的需要，但需要增加时间"),
            (2, "表达有困难，需频繁重复或简化口头表达"),
            (1, "表达有严重困难，需要大量他人帮助"),
            (0, "完全不能表达需要"),
        ),
    ),
    Item("B.3.7", Group.MENTAL, "攻击行为", ((1, "未出现"), (0, "近一个月内出现过攻击行为"))),
    Item("B.3.8", Group.MENTAL, "抑郁症状", ((1, "未出现"), (0, "近一个月内出现过负性情绪"))),
    Item(
        "B.3.9",
        Group.MENTAL,
        "意识水平",
        (
            (2, "神志清醒，对周围环境能做出正确反应"),
            (1, "嗜睡或意识模糊"),
            (0, "昏睡或昏迷"),
        ),
    ),
    Item(
        "B.4.1",
        Group.PERCEPTION,
        "视力（最好矫正视力下）",
        (
            (2, "视力正常"),
            (1, "能看清大字体，看不清书报标准字体；或能辨认物体"),
            (0, "只能看到光、颜色和形状，或完全失明"),
        ),
    ),
    Item(
        "B.4.2",
        Group.PERCEPTION,
        "听力（可借助助听设备）",
        (
            (2, "听力正常"),
            (1, "轻声或两米外听不清，需安静环境或大声说话"),
            (0, "大声或慢速说话才能部分听见，或完全失聪"),
        ),
    ),
    Item(
        "B.4.3",
        Group.PERCEPTION,
        "执行日常事务（洗衣、小额购物、服药管理等）",
        (
            (4, "能完全独立计划、安排和完成，无需协助"),
            (3, "需要他人监护或指导"),
            (2, "需要少量协助"),
            (1, "需要大量协助"),
            (0, "完全依赖他人"),
        ),
    ),
    Item(
        "B.4.4",
        Group.PERCEPTION,
        "使用交通工具外出",
        (
            (3, "能自己骑车或搭乘公共交通工具外出"),
            (2, "能自己搭乘出租车，但不会搭乘其他交通工具"),
            (1, "有人协助或陪伴时可搭乘公共交通工具"),
            (0, "只能在他人协助下乘出租车或私家车外出，或完全不能出门"),
        ),
    ),
    Item(
        "B.4.5",
        Group.PERCEPTION,
        "社会交往能力",
        (
            (4, "参与社会，有一定适应能力，待人接物恰当"),
            (3, "能适应单纯环境，主动接触他人，不能理解隐喻语"),
            (2, "脱离社会，可被动接触，容易上当受骗"),
            (1, "勉强可与他人接触，谈吐不清，表情不恰当"),
            (0, "不能与人交往"),
        ),
    ),
)

ITEMS_BY_CODE: dict[str, Item] = {i.code: i for i in ITEMS}
GROUP_MAX: dict[str, int] = {
    g.value: sum(i.max_points for i in ITEMS if i.group is g) for g in Group
}  # 32, 15, 28, 15
MAX_TOTAL = sum(i.max_points for i in ITEMS)  # 90: checked by tests/eldercare/test_items_table.py


class Level(StrEnum):
    """Ordered from the most able to the least; "one level worse" is the next in this order."""

    INTACT = "intact"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    COMPLETE = "complete"


LEVEL_LABELS: dict[str, str] = {
    Level.INTACT.value: "能力完好",
    Level.MILD.value: "轻度失能",
    Level.MODERATE.value: "中度失能",
    Level.SEVERE.value: "重度失能",
    Level.COMPLETE.value: "完全失能",
}
_ORDER = list(Level)


class RiskEvent(StrEnum):
    """照护风险事件 named by the standard."""

    FALL = "fall"
    CHOKING = "choking"
    SUICIDE = "suicide"
    SELF_HARM = "self_harm"
    WANDERING = "wandering"


RISK_EVENT_LABELS: dict[str, str] = {
    RiskEvent.FALL.value: "跌倒",
    RiskEvent.CHOKING.value: "噎食",
    RiskEvent.SUICIDE.value: "自杀",
    RiskEvent.SELF_HARM.value: "自伤",
    RiskEvent.WANDERING.value: "走失",
}

ADJUSTMENT_LABELS: dict[str, str] = {
    "coma": "昏迷，直接评定为完全失能",
    "dementia": "确诊痴呆（F00～F03），提高一个等级",
    "mental_disorder": "精神科诊断的其他精神和行为障碍（F04～F99），提高一个等级",
    "risk_events": "近期照护风险事件达到次数，提高一个等级",
}

# 特困 care levels (assistance.decisions.CareLevel values) by ability level: a parameter decides.
TEKUN_CARE_LABELS: dict[str, str] = {
    "self_care": "生活自理",
    "partial": "部分丧失生活自理能力",
    "full": "完全丧失生活自理能力",
}


@dataclass(frozen=True, slots=True)
class AbilityPolicy:
    mild_max: int  # the top of 轻度 (89): a total above it is 完好
    moderate_max: int
    severe_max: int
    complete_max: int
    risk_window_days: int
    risk_events_min: int
    adjustments_stack: bool
    full_care_levels: frozenset[str]
    partial_care_levels: frozenset[str]
    reassess_months: int
    versions: tuple[str, ...]


def load_policy(params: ParameterSet) -> AbilityPolicy:
    used: list[str] = []

    def integer(key: str) -> int:
        value, p = params.integer(f"eldercare.assessment.{key}")
        used.append(p.version_id)
        return value

    def codes(key: str) -> frozenset[str]:
        value, p = params.codes(f"eldercare.tekun_care.{key}")
        used.append(p.version_id)
        return value

    stack, p_stack = params.boolean("eldercare.assessment.adjustments_stack")
    used.append(p_stack.version_id)
    return AbilityPolicy(
        mild_max=integer("mild_max"),
        moderate_max=integer("moderate_max"),
        severe_max=integer("severe_max"),
        complete_max=integer("complete_max"),
        risk_window_days=integer("risk_window_days"),
        risk_events_min=integer("risk_events_min"),
        adjustments_stack=stack,
        full_care_levels=codes("full_levels"),
        partial_care_levels=codes("partial_levels"),
        reassess_months=integer("reassess_months"),
        versions=tuple(used),
    )


@dataclass(frozen=True, slots=True)
class Conditions:
    """What changes the level beyond the total (the standard's 5.3 adjustments)."""

    coma: bool = False
    dementia: bool = False  # F00–F03 diagnosed
    mental_disorder: bool = False  # F04–F99 diagnosed by a psychiatrist
    risk_events: tuple[tuple[RiskEvent, date], ...] = ()


@dataclass(frozen=True, slots=True)
class AssessmentResult:
    item_scores: dict[str, int]
    group_scores: dict[str, int]
    total: int
    preliminary_level: Level
    final_level: Level
    adjustments: tuple[str, ...]
    tekun_care_level: str
    explanation: tuple[str, ...]
    parameter_versions: tuple[str, ...] = field(default=())


def _check_answers(answers: Mapping[str, int]) -> dict[str, int]:
    missing = [i.code for i in ITEMS if i.code not in answers]
    if missing:
        names = "、".join(f"{c} {ITEMS_BY_CODE[c].name}" for c in missing[:3])
        more = f"等{len(missing)}项" if len(missing) > 3 else ""
        raise AnswerInvalid(f"评估项目未填写完整：{names}{more}", code="item_missing")
    unknown = sorted(set(answers) - set(ITEMS_BY_CODE))
    if unknown:
        raise AnswerInvalid(f"不认识的评估项目：{'、'.join(unknown[:3])}", code="item_unknown")
    scores: dict[str, int] = {}
    for item in ITEMS:
        points = answers[item.code]
        if isinstance(points, bool) or points not in {p for p, _ in item.options}:
            allowed = "、".join(str(p) for p, _ in item.options)
            raise AnswerInvalid(
                f"{item.code} {item.name} 的得分只能是 {allowed} 之一", code="points_invalid"
            )
        scores[item.code] = points
    return scores


def level_of(total: int, policy: AbilityPolicy) -> Level:
    """The level a total falls in: 90 完好, 66–89 轻度, 46–65 中度, 30–45 重度, 0–29 完全 (5.3)."""
    if total > policy.mild_max:
        return Level.INTACT
    if total > policy.moderate_max:
        return Level.MILD
    if total > policy.severe_max:
        return Level.MODERATE
    if total > policy.complete_max:
        return Level.SEVERE
    return Level.COMPLETE


def _worse(level: Level) -> Level:
    return _ORDER[min(_ORDER.index(level) + 1, len(_ORDER) - 1)]


def recent_risk_events(
    events: Sequence[tuple[RiskEvent, date]], assessed_on: date, window_days: int
) -> list[tuple[RiskEvent, date]]:
    """Events on the assessment day or within the `window_days` − 1 days before it."""
    for _, day in events:
        if day > assessed_on:
            raise AnswerInvalid(
                f"照护风险事件日期 {day.isoformat()} 晚于评估日期", code="event_in_future"
            )
    return [(kind, day) for kind, day in events if (assessed_on - day).days < window_days]


def tekun_care_level(level: Level, policy: AbilityPolicy) -> str:
    if level.value in policy.full_care_levels:
        return "full"
    if level.value in policy.partial_care_levels:
        return "partial"
    return "self_care"


def assess(
    answers: Mapping[str, int], conditions: Conditions, assessed_on: date, policy: AbilityPolicy
) -> AssessmentResult:
    """Score the 26 items, place the total in a level, then apply the adjustments in order:
    coma first (it decides alone), then a diagnosis, then the care-risk events."""
    scores = _check_answers(answers)
    groups = {g.value: 0 for g in Group}
    for item in ITEMS:
        groups[item.group.value] += scores[item.code]
    total = sum(groups.values())
    preliminary = level_of(total, policy)
    lines = [
        "；".join(f"{GROUP_LABELS[g]}得分 {s}" for g, s in groups.items())
        + f"；总分 {total}（满分 {MAX_TOTAL}）",
        f"按总分初步评定为{LEVEL_LABELS[preliminary]}",
    ]
    level = preliminary
    adjustments: list[str] = []
    recent = recent_risk_events(conditions.risk_events, assessed_on, policy.risk_window_days)
    if conditions.coma:
        level = Level.COMPLETE
        adjustments.append("coma")
        lines.append(f"{ADJUSTMENT_LABELS['coma']}（{STANDARD}）")
    else:
        raised = False
        diagnosis = "dementia" if conditions.dementia else None
        if diagnosis is None and conditions.mental_disorder:
            diagnosis = "mental_disorder"
        if diagnosis is not None:
            level, raised = _worse(level), True
            adjustments.append(diagnosis)
            lines.append(f"{ADJUSTMENT_LABELS[diagnosis]}：{LEVEL_LABELS[level]}")
        if len(recent) >= policy.risk_events_min:
            events = "、".join(f"{RISK_EVENT_LABELS[k]}（{d.isoformat()}）" for k, d in recent)
            if raised and not policy.adjustments_stack:
                lines.append(f"近{policy.risk_window_days}天内照护风险事件：{events}；不再叠加")
            else:
                level = _worse(level)
                adjustments.append("risk_events")
                lines.append(
                    f"近{policy.risk_window_days}天内照护风险事件 {len(recent)} 次"
                    f"（{events}），提高一个等级：{LEVEL_LABELS[level]}"
                )
    care = tekun_care_level(level, policy)
    lines.append(
        f"最终等级{LEVEL_LABELS[level]}；特困人员照料护理等级建议：{TEKUN_CARE_LABELS[care]}"
    )
    return AssessmentResult(
        item_scores=scores,
        group_scores=groups,
        total=total,
        preliminary_level=preliminary,
        final_level=level,
        adjustments=tuple(adjustments),
        tekun_care_level=care,
        explanation=tuple(lines),
        parameter_versions=policy.versions,
    )


# ── 高龄津贴 ───────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class AllowanceBand:
    code: str  # "80", "90", "100": the band's first age
    from_age: int
    monthly_amount: Decimal
    version_ids: tuple[str, ...]


BAND_CODES = ("80", "90", "100")
BAND_LABELS: dict[str, str] = {"80": "80～89周岁", "90": "90～99周岁", "100": "100周岁及以上"}


def allowance_bands(params: ParameterSet) -> list[AllowanceBand]:
    bands = []
    for code in BAND_CODES:
        age, p_age = params.integer(f"eldercare.allowance.from_age.{code}")
        amount, p_amount = params.decimal(f"eldercare.allowance.monthly.{code}")
        bands.append(AllowanceBand(code, age, amount, (p_age.version_id, p_amount.version_id)))
    return sorted(bands, key=lambda b: b.from_age)


def age_on(birth: date, day: date) -> int:
    """Full years (周岁) on `day`; born on 29 February, the birthday is 1 March in other years."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def allowance_band(
    birth: date, month_first: date, bands: Sequence[AllowanceBand]
) -> AllowanceBand | None:
    """The band a person is in for a month: their age (周岁) on the month's first day, so the
    higher amount starts with the first month that begins on or after the birthday (a reading
    of ours: the Ningbo rule on the start month was not found)."""
    age = age_on(birth, month_first)
    chosen = None
    for band in bands:
        if age >= band.from_age:
            chosen = band
    return chosen


# ── 助餐 ────────────────────────────────────────────────────────────────────────────────────

MEAL_CATEGORIES = ("tekun", "dibao", "disabled", "gaoling", "elderly")
MEAL_CATEGORY_LABELS: dict[str, str] = {
    "tekun": "特困人员",
    "dibao": "低保对象",
    "disabled": "残疾老年人",
    "gaoling": "高龄老年人",
    "elderly": "其他老年人",
}


@dataclass(frozen=True, slots=True)
class MealSubsidy:
    category: str
    per_meal: Decimal
    meals: int
    amount: Decimal
    versions: tuple[str, ...]


def meal_subsidy(
    params: ParameterSet, *, held: frozenset[str], age: int, disabled: bool, meals: int
) -> MealSubsidy:
    """差异化补贴 (民发〔2023〕58号): of the categories a diner belongs to, the one with the highest
    subsidy a meal applies; at most the day's maximum of meals is subsidised."""
    limit, p_limit = params.integer("eldercare.meal.max_meals_per_day")
    if meals < 1 or meals > limit:
        raise AnswerInvalid(f"每人每天补贴餐次为 1～{limit} 次", code="meals_invalid")
    gaoling_age, p_age = params.integer("eldercare.meal.gaoling_age")
    elderly_age, p_elderly = params.integer("eldercare.elderly_age")
    belongs = {
        "tekun": ProgrammeCode.TEKUN in held,
        "dibao": ProgrammeCode.DIBAO in held,
        "disabled": disabled,
        "gaoling": age >= gaoling_age,
        "elderly": age >= elderly_age,
    }
    if not belongs["elderly"]:
        raise AnswerInvalid(f"未满{elderly_age}周岁，不享受老年助餐补贴", code="not_elderly")
    best: tuple[str, Decimal, str] | None = None
    for code in MEAL_CATEGORIES:
        if not belongs[code]:
            continue
        amount, p = params.decimal(f"eldercare.meal.subsidy.{code}")
        if best is None or amount > best[1]:
            best = (code, amount, p.version_id)
    assert best is not None
    code, per_meal, version = best
    return MealSubsidy(
        code,
        per_meal,
        meals,
        per_meal * meals,
        (version, p_limit.version_id, p_age.version_id, p_elderly.version_id),
    )
