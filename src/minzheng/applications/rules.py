"""Pure workflow rules: the steps, who may move a case, and each step's deadline in working days.

No Django, no I/O, no clock: the shell passes today's date and the facts of the case.
Working days come from the official holiday calendar (`chinese_calendar`, which knows the
adjusted working weekends such as 2020-09-27 and 2020-10-10).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import chinese_calendar

from minzheng.assistance.errors import ParameterMissing
from minzheng.assistance.parameters import ParameterSet

# ── steps ────────────────────────────────────────────────────────────────────────────────────


class Step(StrEnum):
    SUBMITTED = "submitted"
    VISIT = "visit"
    VERIFICATION = "verification"
    TOWNSHIP_REVIEW = "township_review"
    PUBLIC_NOTICE = "public_notice"
    COUNTY_APPROVAL = "county_approval"
    APPROVED = "approved"
    REFUSED = "refused"


STEP_LABELS: dict[Step, str] = {
    Step.SUBMITTED: "待受理",
    Step.VISIT: "入户调查",
    Step.VERIFICATION: "家庭经济状况核对",
    Step.TOWNSHIP_REVIEW: "乡镇审核",
    Step.PUBLIC_NOTICE: "公示",
    Step.COUNTY_APPROVAL: "县级审批",
    Step.APPROVED: "已批准",
    Step.REFUSED: "不予批准",
}

# Step codes renamed since: stored rows were rewritten by a migration (applications 0007), but
# audit events are append-only and keep the old code, so the labels still know it.
RETIRED_STEP_CODES: dict[str, Step] = {"notice": Step.PUBLIC_NOTICE}

OPEN_STEPS: tuple[Step, ...] = (
    Step.SUBMITTED,
    Step.VISIT,
    Step.VERIFICATION,
    Step.TOWNSHIP_REVIEW,
    Step.PUBLIC_NOTICE,
    Step.COUNTY_APPROVAL,
)
CLOSED_STEPS: tuple[Step, ...] = (Step.APPROVED, Step.REFUSED)


class Move(StrEnum):
    ACCEPT = "accept"
    RECORD_VISIT = "record_visit"
    DEFER_VISIT = "defer_visit"  # 先核对、入户后补: only under the fast track, never for relatives
    RECORD_VERIFICATION = "record_verification"
    PASS_REVIEW = "pass_review"
    REFUSE_AT_REVIEW = "refuse_at_review"
    CLOSE_PUBLIC_NOTICE = "close_public_notice"
    APPROVE = "approve"
    REFUSE = "refuse"


class CaseAct(StrEnum):
    """What a case page posts to `applications/<id>/act/<code>/`.

    A form that makes exactly one workflow move posts that move's `Move` code; 乡镇审核 and 县级审批
    post one code for the two moves their form chooses between; the rest act beside the workflow.
    """

    ACCEPT = Move.ACCEPT.value
    RECORD_VISIT = Move.RECORD_VISIT.value
    DEFER_VISIT = Move.DEFER_VISIT.value
    RECORD_VERIFICATION = Move.RECORD_VERIFICATION.value
    TOWNSHIP_REVIEW = "township_review"  # 乡镇审核: Move.PASS_REVIEW or Move.REFUSE_AT_REVIEW
    CLOSE_PUBLIC_NOTICE = Move.CLOSE_PUBLIC_NOTICE.value
    COUNTY_DECISION = "county_decision"  # 县级审批: Move.APPROVE or Move.REFUSE
    ADVANCE_AID = "advance_aid"  # 先行救助
    EXTEND = "extend"  # 延长办理时限
    SPOT_CHECK = "spot_check"  # 公示期抽查
    CONSENTS = "consents"  # 承诺书与授权书
    OBJECTION = "objection"  # 公示异议
    ANSWER = "answer"  # 异议答复


# Role codes as in accounts.roles.Role (kept as strings: this module does not import Django).
VILLAGE_ASSISTANT = "village_assistant"
TOWNSHIP_CASEWORKER = "township_caseworker"
COUNTY_APPROVER = "county_approver"


@dataclass(frozen=True, slots=True)
class Transition:
    source: Step
    target: Step
    roles: frozenset[str]
    label: str


_INTAKE = frozenset({VILLAGE_ASSISTANT, TOWNSHIP_CASEWORKER})
_TOWNSHIP = frozenset({TOWNSHIP_CASEWORKER})
_COUNTY = frozenset({COUNTY_APPROVER})

# 村社协理员/乡镇经办员受理、入户；乡镇审核；县级审批（浙江省社会救助条例第11条的分工）.
TRANSITIONS: dict[Move, Transition] = {
    Move.ACCEPT: Transition(Step.SUBMITTED, Step.VISIT, _INTAKE, "受理"),
    Move.RECORD_VISIT: Transition(Step.VISIT, Step.VERIFICATION, _INTAKE, "登记入户调查"),
    Move.DEFER_VISIT: Transition(Step.VISIT, Step.VERIFICATION, _TOWNSHIP, "先核对，入户后补"),
    Move.RECORD_VERIFICATION: Transition(
        Step.VERIFICATION, Step.TOWNSHIP_REVIEW, _TOWNSHIP, "登记核对结果"
    ),
    Move.PASS_REVIEW: Transition(
        Step.TOWNSHIP_REVIEW, Step.PUBLIC_NOTICE, _TOWNSHIP, "审核通过，公示"
    ),
    Move.REFUSE_AT_REVIEW: Transition(Step.TOWNSHIP_REVIEW, Step.REFUSED, _TOWNSHIP, "审核不通过"),
    Move.CLOSE_PUBLIC_NOTICE: Transition(
        Step.PUBLIC_NOTICE, Step.COUNTY_APPROVAL, _TOWNSHIP, "公示结束"
    ),
    Move.APPROVE: Transition(Step.COUNTY_APPROVAL, Step.APPROVED, _COUNTY, "批准"),
    Move.REFUSE: Transition(Step.COUNTY_APPROVAL, Step.REFUSED, _COUNTY, "不予批准"),
}


def steps_for_role(role: str) -> tuple[Step, ...]:
    """The open steps a role acts on: its work queue."""
    return tuple(
        s
        for s in OPEN_STEPS
        if any(t.source is s and role in t.roles for t in TRANSITIONS.values())
    )


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the transition rules need to know about one case."""

    step: Step
    fast_track: bool = False
    staff_relative: bool = False
    consents_signed: bool = False
    investigator_id: int | None = None
    notice_ends_on: date | None = None
    unanswered_objections: int = 0
    spot_check_pending: bool = False  # 特困: drawn for the county's spot check, not yet done


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    code: str
    reasons: tuple[str, ...]
    target: Step | None = None

    @property
    def message(self) -> str:
        return "；".join(self.reasons)


def _no(code: str, reason: str) -> Verdict:
    return Verdict(False, code, (reason,))


def decide_move(case: CaseFacts, move: Move, role: str, actor_id: int, today: date) -> Verdict:
    """May this actor make this move on this case today? The decision and its reasons."""
    t = TRANSITIONS[move]
    if case.step is not t.source:
        return _no(
            "illegal_transition",
            f"当前环节为“{STEP_LABELS[case.step]}”，不能执行“{t.label}”"
            f"（该操作只能在“{STEP_LABELS[t.source]}”环节进行）",
        )
    if role not in t.roles:
        return _no("role_not_allowed", f"您的角色不能执行“{t.label}”")
    if move is Move.DEFER_VISIT:
        if case.staff_relative:
            # 民发〔2021〕57号第11、20条: staff relatives' applications always get a home visit.
            return _no("relative_needs_visit", "工作人员近亲属申请须先入户调查，不能入户后补")
        if not case.fast_track:
            return _no("not_fast_track", "只有“三快一缓”快速通道期间的案件可先核对、入户后补")
    if t.target is Step.VERIFICATION and not case.consents_signed:
        # 社会救助暂行办法第58条: the family's written authorisation precedes the check.
        return _no("consents_missing", "尚未签署诚信承诺书和核对授权书，不能开始家庭经济状况核对")
    if move is Move.CLOSE_PUBLIC_NOTICE:
        if case.notice_ends_on is not None and today < case.notice_ends_on:
            return _no(
                "notice_running", f"公示期至{case.notice_ends_on.isoformat()}，期满后方可结束"
            )
        if case.unanswered_objections:
            return _no("objections_open", f"尚有{case.unanswered_objections}条异议未答复")
    if move in (Move.APPROVE, Move.REFUSE) and case.investigator_id == actor_id:
        return _no("approver_is_investigator", "审批人不能是本案的入户调查人")
    if move is Move.APPROVE and case.spot_check_pending:
        return _no("spot_check_pending", "本案已抽入县级入户抽查，请先登记抽查结果再批准")
    return Verdict(True, "ok", (t.label,), t.target)


# ── 先行救助: help first, verify after ───────────────────────────────────────────────────────

ADVANCE_AID_STEPS: tuple[Step, ...] = (Step.VISIT, Step.VERIFICATION)


@dataclass(frozen=True, slots=True)
class AdvanceFacts:
    """What the 先行救助 rule needs: the case, whether a fast-track period is in force now."""

    step: Step
    period_active: bool
    staff_relative: bool
    already_granted: bool


def decide_advance_aid(facts: AdvanceFacts, role: str) -> Verdict:
    """May the township (or county) help first and verify after? (宁波2020“三快一缓”：救助快)"""
    if role not in (TOWNSHIP_CASEWORKER, COUNTY_APPROVER):
        return _no("role_not_allowed", "只有乡镇经办员或县级审核审批员可以决定先行救助")
    if facts.already_granted:
        return _no("advance_already_granted", "本案已先行救助")
    if facts.step not in ADVANCE_AID_STEPS:
        return _no(
            "advance_wrong_step",
            f"先行救助只能在受理后、核对完成前决定（当前环节“{STEP_LABELS[facts.step]}”）",
        )
    if facts.staff_relative:
        # 民发〔2021〕57号第11、20条: staff relatives' applications always get a home visit first.
        return _no("relative_needs_visit", "工作人员近亲属申请须先入户调查，不能先行救助")
    if not facts.period_active:
        return _no("not_fast_track", "该地区当前不在“三快一缓”快速通道期间，不能先行救助")
    return Verdict(True, "ok", ("可以先行救助",))


@dataclass(frozen=True, slots=True)
class DatedAmount:
    """A dated, sourced amount (yuan) or ratio read from the parameter set in force."""

    key: str
    effective_from: date
    value: str
    source: str
    confidence: str
    illustrative: bool
    version_id: str


def policy_amount(key: str, params: ParameterSet) -> DatedAmount:
    """An amount or ratio (e.g. `advance_aid.temporary_amount`) from the resolved parameters."""
    value, used = params.decimal(key)
    return DatedAmount(
        key,
        used.effective_from,
        str(value),
        used.source,
        used.confidence.value,
        used.illustrative,
        used.version_id,
    )


def spot_check_due(drawn: int, total_before: int, ratio: float) -> bool:
    """Draw this 特困 case for the county's home-visit spot check?

    Deterministic, so the share never drops below the ratio: with `drawn` of `total_before` cases
    already drawn, this one is drawn when otherwise fewer than ratio × (total_before + 1) would be.
    """
    needed = ratio * (total_before + 1)
    return drawn < needed - 1e-9


# ── the working-day calendar ─────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class DayKind:
    working: bool
    official: bool  # False: outside the official calendar's years, Monday–Friday assumed


def day_kind(day: date) -> DayKind:
    try:
        return DayKind(chinese_calendar.is_workday(day), True)
    except NotImplementedError:
        return DayKind(day.weekday() < 5, False)


@dataclass(frozen=True, slots=True)
class Due:
    on: date
    official: bool  # every day counted was in the official calendar


def add_working_days(start: date, n: int) -> Due:
    """The n-th working day after `start` (counting begins the next day, 民法典第201条)."""
    day, counted, official = start, 0, True
    while counted < n:
        day += timedelta(days=1)
        kind = day_kind(day)
        official = official and kind.official
        if kind.working:
            counted += 1
    return Due(day, official)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when end < start)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(
        1 for i in range(1, (end - start).days + 1) if day_kind(start + timedelta(i)).working
    )


# ── deadline parameters (dated, sourced) ─────────────────────────────────────────────────────


class DeadlineKey(StrEnum):
    ACCEPT = "accept"  # start the investigation after an application arrives
    TOWNSHIP = "township"  # visit, check and township review, counted from acceptance
    NOTICE = "notice"  # posting in the village, calendar days
    COUNTY = "county"  # county decision, counted from the end of the notice
    REFUSAL_NOTICE = "refusal_notice"  # tell the applicant of a refusal
    TOTAL = "total"  # the whole procedure, counted from acceptance
    TOTAL_SPECIAL = "total_special"  # the same in special cases, with a recorded reason
    TERMINATION_NOTICE = "termination_notice"  # 特困: posting before benefits end, calendar days


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    DAYS = "days"


@dataclass(frozen=True, slots=True)
class DeadlineValue:
    key: DeadlineKey
    effective_from: date
    value: int
    unit: Unit
    source: str
    confidence: str
    version_id: str
    fast_track: bool = False
    illustrative: bool = False

    @property
    def text(self) -> str:
        return f"{self.value}{'个工作日' if self.unit is Unit.WORKING_DAYS else '天'}"


WD, D = Unit.WORKING_DAYS, Unit.DAYS
K = DeadlineKey
_CALENDAR_DAY_KEYS = frozenset({K.NOTICE, K.TERMINATION_NOTICE})


class DeadlineMissing(LookupError):
    pass


def deadline_parameter_key(key: DeadlineKey, *, fast_track: bool = False) -> str:
    """The policy parameter holding a deadline, e.g. `deadline.county` or `deadline.county.fast`."""
    return f"deadline.{key.value}{'.fast' if fast_track else ''}"


def deadline_value(
    key: DeadlineKey, params: ParameterSet, *, fast_track: bool = False
) -> DeadlineValue:
    """The deadline in force for the set's region and day (the set is resolved on the anchor day).

    The dated rows carry the regulation in force: before 2021-07-01 the 2012-era rules and
    浙江省社会救助条例, from 2021-07-01 民发〔2021〕57号/43号.
    """
    try:
        value, used = params.integer(deadline_parameter_key(key, fast_track=fast_track))
    except ParameterMissing as exc:
        raise DeadlineMissing(f"{key}@{params.as_of.isoformat()}") from exc
    return DeadlineValue(
        key,
        used.effective_from,
        value,
        D if key in _CALENDAR_DAY_KEYS else WD,
        used.source,
        used.confidence.value,
        used.version_id,
        fast_track,
        used.illustrative,
    )


@dataclass(frozen=True, slots=True)
class StepDeadline:
    due: Due
    parameter: DeadlineValue
    anchor: date

    @property
    def explanation(self) -> str:
        return f"自{self.anchor.isoformat()}起{self.parameter.text}（{self.parameter.source}）"


_STEP_KEYS: dict[Step, DeadlineKey] = {
    Step.SUBMITTED: K.ACCEPT,
    Step.VISIT: K.TOWNSHIP,
    Step.VERIFICATION: K.TOWNSHIP,
    Step.TOWNSHIP_REVIEW: K.TOWNSHIP,
    Step.PUBLIC_NOTICE: K.NOTICE,
    Step.COUNTY_APPROVAL: K.COUNTY,
}


def step_deadline(
    step: Step, anchor: date, params: ParameterSet, *, fast_track: bool = False
) -> StepDeadline | None:
    """The deadline of a step counted from its anchor date (acceptance for the township steps).

    `params` is the parameter set of the case's county resolved on `anchor`.
    """
    key = _STEP_KEYS.get(step)
    if key is None:
        return None
    p = deadline_value(key, params, fast_track=fast_track)
    if p.unit is Unit.DAYS:
        return StepDeadline(Due(anchor + timedelta(days=p.value), True), p, anchor)
    return StepDeadline(add_working_days(anchor, p.value), p, anchor)


def refusal_notice_due(
    decided_on: date, params: ParameterSet, *, fast_track: bool = False
) -> StepDeadline:
    p = deadline_value(K.REFUSAL_NOTICE, params, fast_track=fast_track)
    return StepDeadline(add_working_days(decided_on, p.value), p, decided_on)


@dataclass(frozen=True, slots=True)
class Lateness:
    overdue: bool
    days_left: int  # working days; negative when overdue


def lateness(due: date | None, today: date) -> Lateness:
    if due is None:
        return Lateness(False, 0)
    left = working_days_between(today, due)
    return Lateness(today > due, left)


# ── reviews and exits ────────────────────────────────────────────────────────────────────────


def review_interval_key(*, income_variable: bool, rural: bool) -> str:
    """The parameter naming the household's review interval (民发〔2021〕57号第31条; 2012年第33条)."""
    if not income_variable:
        return "review.interval_months.stable"
    return "review.interval_months.variable_rural" if rural else "review.interval_months.variable"


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def total_limit(accepted_on: date, params: ParameterSet, *, special: bool) -> StepDeadline:
    """The whole procedure's limit: 30 working days, 45 in special cases (民发〔2021〕57号第22条)."""
    p = deadline_value(K.TOTAL_SPECIAL if special else K.TOTAL, params)
    return StepDeadline(add_working_days(accepted_on, p.value), p, accepted_on)


def termination_notice_end(started_on: date, params: ParameterSet) -> StepDeadline:
    p = deadline_value(K.TERMINATION_NOTICE, params)
    return StepDeadline(Due(started_on + timedelta(days=p.value), True), p, started_on)


def tekun_exit_allowed(notice_ends_on: date | None, today: date) -> Verdict:
    """特困 ends only after a 7-day posting of the termination (民发〔2021〕43号第26条)."""
    if notice_ends_on is None:
        return _no("termination_notice_required", "终止特困供养须先公示7天：请先“发起终止公示”")
    if today < notice_ends_on:
        return _no(
            "termination_notice_running",
            f"终止公示期至{notice_ends_on.isoformat()}，期满后方可终止",
        )
    return Verdict(True, "ok", ("公示期满，可以终止",))


def exit_allowed(*, fast_track_period: str | None) -> Verdict:
    """退出缓: no exit while a fast-track period covers the household's region."""
    if fast_track_period:
        return _no(
            "exit_held_fast_track",
            f"“三快一缓”期间退出缓：{fast_track_period}，暂不终止救助，期满后再行复核",
        )
    return Verdict(True, "ok", ("可以退出",))


# ── sign-in codes (security settings, not policy) ────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class CodePolicy:
    digits: int = 6
    valid_minutes: int = 5
    max_sends: int = 3  # per person within window_minutes
    window_minutes: int = 15
    max_attempts: int = 5  # wrong entries before a code is void


CODE_POLICY = CodePolicy()


def may_send_code(sent_in_window: int, policy: CodePolicy = CODE_POLICY) -> Verdict:
    if sent_in_window >= policy.max_sends:
        return _no(
            "code_rate_limited",
            f"验证码发送过于频繁：{policy.window_minutes}分钟内最多{policy.max_sends}次，请稍后再试",
        )
    return Verdict(True, "ok", ("可以发送",))
