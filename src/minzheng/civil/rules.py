"""Pure rules of the civil services: periods under the Civil Code, the divorce cooling-off period,
marriage age, certificate numbers, funeral fee waivers and eco-burial subsidies.

No ORM, no clock: every function takes the day it decides on and returns the decision with its
reasons and sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from minzheng.applications.rules import day_kind
from minzheng.core.regioncode import county_of

SRC_ART_201 = "民法典第201条：按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算"
SRC_ART_203 = "民法典第203条：期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日"
SRC_ART_1077 = (
    "民法典第1077条：自婚姻登记机关收到离婚登记申请之日起三十日内，任何一方不愿意离婚的，"
    "可以撤回；期间届满后三十日内，双方应当亲自申请发给离婚证，未申请的视为撤回"
)


# ── periods (民法典第201条、第203条) ───────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class PeriodEnd:
    """The last day of a period of days, and why it is that day."""

    start: date  # the event day, itself not counted
    days: int
    nominal_last_day: date  # start + days
    last_day: date  # after the holiday rollover
    official: bool  # every day looked at was in the official holiday calendar
    reasons: tuple[str, ...] = field(default=())


def period_end(start: date, days: int) -> PeriodEnd:
    """The last day of a period of `days` days that begins on the event day `start`.

    The start day is not counted (art. 201). When the last day is a rest day or a public holiday —
    not a working day in the official calendar, make-up working days counting as working — the
    period ends on the first working day after it (art. 203).
    """
    if days < 1:
        raise ValueError("期间天数应为正整数")
    nominal = start + timedelta(days=days)
    reasons = [f"{start.isoformat()}（当日不计入）起算{days}日，名义末日{nominal.isoformat()}"]
    last, official = nominal, True
    kind = day_kind(last)
    official = kind.official
    while not kind.working:
        last += timedelta(days=1)
        kind = day_kind(last)
        official = official and kind.official
    if last != nominal:
        reasons.append(
            f"{nominal.isoformat()}为法定休假日，顺延至休假日结束的次日{last.isoformat()}"
        )
    if not official:
        reasons.append("期间涉及官方节假日历未覆盖的年份，按周一至周五为工作日估算")
    return PeriodEnd(start, days, nominal, last, official, tuple(reasons))


# ── divorce by agreement (民法典第1077条) ─────────────────────────────────────────────────────


class DivorceStage(StrEnum):
    COOLING_OFF = "cooling_off"  # either party may withdraw
    CERTIFICATE_WINDOW = "certificate_window"  # both must come to obtain the certificate
    DEEMED_WITHDRAWN = "deemed_withdrawn"  # nobody came in the window


DIVORCE_STAGE_LABELS = {
    DivorceStage.COOLING_OFF: "离婚冷静期",
    DivorceStage.CERTIFICATE_WINDOW: "待双方申请发给离婚证",
    DivorceStage.DEEMED_WITHDRAWN: "逾期未申请，视为撤回",
}


@dataclass(frozen=True, slots=True)
class DivorceTimeline:
    received_on: date
    cooling_off: PeriodEnd  # last day on which either party may withdraw
    certificate: PeriodEnd  # last day on which both may obtain the certificate
    sources: tuple[str, ...]

    @property
    def cooling_off_last_day(self) -> date:
        return self.cooling_off.last_day

    @property
    def certificate_first_day(self) -> date:
        return self.cooling_off.last_day + timedelta(days=1)

    @property
    def certificate_last_day(self) -> date:
        return self.certificate.last_day

    def stage(self, on: date) -> DivorceStage:
        return stage_on(on, self.cooling_off.last_day, self.certificate.last_day)


def stage_on(on: date, cooling_off_last_day: date, certificate_last_day: date) -> DivorceStage:
    """Where a divorce application stands on a day, from its two last days."""
    if on <= cooling_off_last_day:
        return DivorceStage.COOLING_OFF
    if on <= certificate_last_day:
        return DivorceStage.CERTIFICATE_WINDOW
    return DivorceStage.DEEMED_WITHDRAWN


def divorce_timeline(received_on: date, cooling_off_days: int, window_days: int) -> DivorceTimeline:
    """The two windows of art. 1077, each counted by arts. 201 and 203.

    The second window begins when the first has ended — after its holiday rollover, since the
    cooling-off period has not "届满" before its (rolled-over) last day.
    """
    cooling = period_end(received_on, cooling_off_days)
    window = period_end(cooling.last_day, window_days)
    return DivorceTimeline(received_on, cooling, window, (SRC_ART_1077, SRC_ART_201, SRC_ART_203))


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reasons: tuple[str, ...]
    code: str = ""


def may_withdraw(timeline: DivorceTimeline, on: date) -> Decision:
    stage = timeline.stage(on)
    if on < timeline.received_on:
        return Decision(False, ("撤回日期早于申请受理日期",), "before_application")
    if stage is DivorceStage.COOLING_OFF:
        return Decision(
            True,
            (f"冷静期至{timeline.cooling_off_last_day.isoformat()}止，期间任何一方可撤回",),
        )
    return Decision(
        False,
        (f"冷静期已于{timeline.cooling_off_last_day.isoformat()}届满，不能再撤回",),
        "cooling_off_over",
    )


def may_issue_certificate(timeline: DivorceTimeline, on: date, both_present: bool) -> Decision:
    stage = timeline.stage(on)
    if stage is DivorceStage.COOLING_OFF:
        return Decision(
            False,
            (f"冷静期至{timeline.cooling_off_last_day.isoformat()}止，期满后方可申请发给离婚证",),
            "in_cooling_off",
        )
    if stage is DivorceStage.DEEMED_WITHDRAWN:
        return Decision(
            False,
            (
                f"应于{timeline.certificate_last_day.isoformat()}前申请发给离婚证，"
                "逾期未申请，视为撤回离婚登记申请",
            ),
            "deemed_withdrawn",
        )
    if not both_present:
        return Decision(False, ("须双方亲自到婚姻登记机关申请",), "both_parties_required")
    return Decision(
        True,
        (
            f"冷静期已届满，在{timeline.certificate_first_day.isoformat()}至"
            f"{timeline.certificate_last_day.isoformat()}期间内双方亲自申请",
        ),
    )


# ── marriage ─────────────────────────────────────────────────────────────────────────────────


def full_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    sex: str  # 男 / 女
    birth_date: date | None
    married: bool  # has a spouse on record


def marriage_check(
    a: Party, b: Party, on: date, *, min_age_male: int, min_age_female: int
) -> Decision:
    """民法典第1047条 (age), 第1041条 (monogamy), 婚姻登记条例 (2025) 第六条 declaration."""
    reasons: list[str] = []
    if a.sex == b.sex or {a.sex, b.sex} != {"男", "女"}:
        return Decision(False, ("结婚登记须男女双方共同申请（民法典第1046条）",), "same_sex")
    for p in (a, b):
        need = min_age_male if p.sex == "男" else min_age_female
        if p.birth_date is None:
            return Decision(False, (f"{p.name}缺少出生日期，无法核对法定婚龄",), "no_birth_date")
        age = full_years(p.birth_date, on)
        if age < need:
            return Decision(
                False,
                (f"{p.name}{age}周岁，未达法定婚龄{need}周岁（民法典第1047条）",),
                "under_age",
            )
        reasons.append(f"{p.name}{age}周岁，达到法定婚龄{need}周岁")
        if p.married:
            return Decision(
                False, (f"{p.name}登记为有配偶，不得重婚（民法典第1042条）",), "already_married"
            )
    reasons.append("双方均无配偶")
    return Decision(True, tuple(reasons))


# ── certificate numbers ──────────────────────────────────────────────────────────────────────

CERTIFICATE_LETTERS = {"marriage": "J", "divorce": "L", "reissue": "BJ", "reissue_divorce": "BL"}


def certificate_number(kind: str, office_code: str, year: int, sequence: int) -> str:
    """Letter + office region code + year + sequence reset yearly, e.g. J330203-2026-000012.

    The national 字号 format was not verified (next-domains.md §5); this follows the OpenCRVS
    pattern (year + office + event + yearly sequence) and is an illustrative layout.
    """
    if sequence < 1:
        raise ValueError("序号应从1开始")
    return f"{CERTIFICATE_LETTERS[kind]}{county_of(office_code)}-{year:04d}-{sequence:06d}"


# ── funeral ──────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Amount:
    amount: Decimal
    reasons: tuple[str, ...]
    parameter_versions: tuple[str, ...]


def funeral_fee_waiver(
    identities: frozenset[str],
    waiver_groups: frozenset[str],
    waiver_amount: Decimal,
    fee: Decimal,
    *,
    version: str,
    source: str,
    labels: Mapping[str, str] | None = None,
) -> Amount:
    """The basic funeral service fee waived for a deceased in one of the groups, up to the cap."""
    names = labels or {}
    hit = sorted(names.get(code, code) for code in identities & waiver_groups)
    if not hit:
        return Amount(Decimal("0.00"), ("不属于基本殡葬服务费减免对象",), (version,))
    waived = min(fee, waiver_amount).quantize(Decimal("0.01"))
    return Amount(
        waived,
        (
            f"身份{'、'.join(hit)}属于减免对象（{source}）",
            f"基本服务费{fee:.2f}元，减免上限{waiver_amount:.2f}元，减免{waived:.2f}元",
        ),
        (version,),
    )
