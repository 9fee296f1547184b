"""Rules of social-organisation supervision: pure functions, no Django, no I/O, no clock.

Every value comes from the ParameterSet the caller resolved (organisations/parameter_catalog.py);
every decision carries its criteria with the parameter versions and sources it used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from minzheng.applications.rules import add_working_days, working_days_between
from minzheng.assistance.decisions import Criterion, uses
from minzheng.assistance.parameters import ParameterSet, ResolvedParameter

SRC_RATING = "全国性社会组织评估管理规定（民政部，2021-12-10）"


def _mmdd(value: int, year: int) -> date:
    return date(year, value // 100, value % 100)


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# ── registration ────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Deadline:
    on: date
    official_calendar: bool  # every day counted was in the official holiday calendar
    parameter: ResolvedParameter


def registration_deadline(accepted_on: date, params: ParameterSet, *, step: str) -> Deadline:
    """The working-day deadline of a registration step (review or decision) from acceptance."""
    key = (
        "organisations.registration.review_working_days"
        if step == "review"
        else "organisations.registration.decision_working_days"
    )
    days, p = params.integer(key)
    due = add_working_days(accepted_on, days)
    return Deadline(due.on, due.official, p)


def certificate_valid_until(
    issued_on: date, params: ParameterSet
) -> tuple[date, ResolvedParameter]:
    years, p = params.integer("organisations.certificate.validity_years")
    return add_years(issued_on, years) - timedelta(days=1), p


# ── annual inspection (年检 / 年报) ──────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class AnnualCycle:
    """The inspection of `report_year`'s work, held in the following year."""

    report_year: int
    supervisor_due: date  # to the supervising unit (业务主管单位)
    authority_due: date  # to the registration authority (登记管理机关)
    exempt_founded_after: date
    parameters: tuple[ResolvedParameter, ...]


def annual_cycle(report_year: int, params: ParameterSet) -> AnnualCycle:
    sup, p1 = params.integer("organisations.annual.supervisor_due_mmdd")
    auth, p2 = params.integer("organisations.annual.authority_due_mmdd")
    exempt, p3 = params.integer("organisations.annual.exempt_founded_after_mmdd")
    return AnnualCycle(
        report_year,
        _mmdd(sup, report_year + 1),
        _mmdd(auth, report_year + 1),
        _mmdd(exempt, report_year),
        (p1, p2, p3),
    )


@dataclass(frozen=True, slots=True)
class Obligation:
    required: bool
    criterion: Criterion


def annual_report_required(founded_on: date, cycle: AnnualCycle) -> Obligation:
    """An organisation founded after the cut-off in the report year is exempt that year."""
    required = founded_on <= cycle.exempt_founded_after
    return Obligation(
        required,
        Criterion(
            "成立时间在年检范围内",
            f"成立于{founded_on.isoformat()}",
            f"不晚于{cycle.exempt_founded_after.isoformat()}（之后成立的免于{cycle.report_year}年度年检）",
            required,
            uses(cycle.parameters[2]),
        ),
    )


class ReminderStage(StrEnum):
    NOT_YET = "not_yet"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


REMINDER_STAGE_LABELS = {
    ReminderStage.NOT_YET: "未到提醒期",
    ReminderStage.DUE_SOON: "即将到期",
    ReminderStage.OVERDUE: "已逾期",
}


@dataclass(frozen=True, slots=True)
class Reminder:
    stage: ReminderStage
    due: date
    days_left: int
    parameter: ResolvedParameter


def annual_reminder(today: date, due: date, params: ParameterSet) -> Reminder:
    before, p = params.integer("organisations.annual.reminder_days_before")
    left = (due - today).days
    stage = (
        ReminderStage.OVERDUE
        if left < 0
        else ReminderStage.DUE_SOON
        if left <= before
        else ReminderStage.NOT_YET
    )
    return Reminder(stage, due, left, p)


def expiry_reminder(today: date, valid_until: date, params: ParameterSet) -> Reminder:
    """证书到期提醒办: a certificate or rating expiring within the reminder window, or expired."""
    before, p = params.integer("organisations.expiry.reminder_days_before")
    left = (valid_until - today).days
    stage = (
        ReminderStage.OVERDUE
        if left < 0
        else ReminderStage.DUE_SOON
        if left <= before
        else ReminderStage.NOT_YET
    )
    return Reminder(stage, valid_until, left, p)


# ── credit supervision (民政部令第60号) ─────────────────────────────────────────────────────


def credit_entry_deadline(decided_on: date, params: ParameterSet) -> Deadline:
    days, p = params.integer("organisations.credit.entry_working_days")
    due = add_working_days(decided_on, days)
    return Deadline(due.on, due.official, p)


def entry_within_deadline(decided_on: date, entered_on: date, params: ParameterSet) -> Criterion:
    deadline = credit_entry_deadline(decided_on, params)
    used = working_days_between(decided_on, entered_on)
    return Criterion(
        "决定后按时录入信用信息",
        f"第{used}个工作日录入（{entered_on.isoformat()}）",
        f"不晚于{deadline.on.isoformat()}",
        entered_on <= deadline.on,
        uses(deadline.parameter),
    )


@dataclass(frozen=True, slots=True)
class Escalation:
    due: bool
    escalates_on: date
    criterion: Criterion


def serious_list_escalation(listed_on: date, today: date, params: ParameterSet) -> Escalation:
    """On the abnormal list for the set years without removal → 严重违法失信名单."""
    years, p = params.integer("organisations.credit.serious_after_years")
    on = add_years(listed_on, years)
    due = today >= on
    return Escalation(
        due,
        on,
        Criterion(
            "列入活动异常名录满规定年限",
            f"{listed_on.isoformat()}列入",
            f"{years}年（{on.isoformat()}起）",
            due,
            uses(p),
        ),
    )


# ── rating (等级评估) ────────────────────────────────────────────────────────────────────────


class InspectionOutcome(StrEnum):
    QUALIFIED = "qualified"
    BASIC = "basic"
    UNQUALIFIED = "unqualified"


OUTCOME_LABELS = {
    InspectionOutcome.QUALIFIED: "合格",
    InspectionOutcome.BASIC: "基本合格",
    InspectionOutcome.UNQUALIFIED: "不合格",
}


@dataclass(frozen=True, slots=True)
class RatingFacts:
    year: int  # the year of the rating
    outcomes: dict[int, InspectionOutcome]  # annual inspection outcome by report year
    penalised_in_period: bool  # administrative penalty (行政处罚)
    on_credit_list: bool  # 活动异常名录 or 严重违法失信名单
    under_investigation: bool  # 涉嫌违法正在被调查


@dataclass(frozen=True, slots=True)
class RatingEligibility:
    eligible: bool
    criteria: tuple[Criterion, ...]

    @property
    def reasons(self) -> list[str]:
        return [c.label for c in self.criteria if not c.passed]


def rating_eligibility(facts: RatingFacts) -> RatingEligibility:
    """The exclusion rules of 全国性社会组织评估管理规定 (2021), each as a criterion with its source."""
    last, before = facts.year - 1, facts.year - 2
    last_outcome = facts.outcomes.get(last)
    before_outcome = facts.outcomes.get(before)

    def label(o: InspectionOutcome | None) -> str:
        return OUTCOME_LABELS[o] if o else "未参加年检"

    criteria = (
        Criterion(
            "上一年度参加年检",
            f"{last}年度：{label(last_outcome)}",
            f"须参加（{SRC_RATING}）",
            last_outcome is not None,
        ),
        Criterion(
            "上一年度年检不是不合格",
            f"{last}年度：{label(last_outcome)}",
            f"不得为不合格（{SRC_RATING}）",
            last_outcome is not InspectionOutcome.UNQUALIFIED,
        ),
        Criterion(
            "不是连续两年基本合格",
            f"{before}年度：{label(before_outcome)}；{last}年度：{label(last_outcome)}",
            f"不得连续2年基本合格（{SRC_RATING}）",
            not (
                last_outcome is InspectionOutcome.BASIC
                and before_outcome is InspectionOutcome.BASIC
            ),
        ),
        Criterion(
            "未受行政处罚",
            "受过行政处罚" if facts.penalised_in_period else "无",
            f"评估期内未受行政处罚（{SRC_RATING}）",
            not facts.penalised_in_period,
        ),
        Criterion(
            "未列入活动异常名录或严重违法失信名单",
            "在名录中" if facts.on_credit_list else "不在名录中",
            f"不得在名录中（{SRC_RATING}）",
            not facts.on_credit_list,
        ),
        Criterion(
            "未因涉嫌违法被立案调查",
            "正在被调查" if facts.under_investigation else "无",
            f"不得正在被调查（{SRC_RATING}）",
            not facts.under_investigation,
        ),
    )
    return RatingEligibility(all(c.passed for c in criteria), criteria)


def rating_valid_until(awarded_on: date, params: ParameterSet) -> tuple[date, ResolvedParameter]:
    years, p = params.integer("organisations.rating.validity_years")
    return add_years(awarded_on, years) - timedelta(days=1), p
