"""The monitoring rules: what each warning kind compares, against which parameter, and what follows.

Pure: a `MonitoringPolicy` is read from a resolved `ParameterSet` (dated, sourced rows); `decide`
turns a finding into severity, deadline, action and the rule text with its sources. The set-based
comparison itself is SQL in `monitoring/jobs.py`; `reference.py` is the same rules one household at
a time, kept to prove the SQL right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from minzheng.assistance.parameters import ParameterSet, ResolvedParameter
from minzheng.assistance.programmes import ProgrammeCode
from minzheng.monitoring import parameter_catalog as keys

# Vehicle kinds of the 车管 feed as the asset rules name them (asset.vehicle_exempt_kinds).
VEHICLE_ASSET_KIND = {
    "car": "car",
    "truck": "truck",
    "motorcycle": "two_wheel_motorcycle",
    "disability_vehicle": "disability_mobility",
    "tricycle": "tricycle",
}
SRC_MCA_2021_17 = (
    "最低生活保障审核确认办法（民发〔2021〕57号）第17条：核对户籍、不动产、市场主体、车辆、存款等"
)
SRC_REVIEW_31 = "民发〔2021〕57号第31条：家庭人口、收入、财产状况发生变化的，应及时复核"


@dataclass(frozen=True, slots=True)
class Param[T]:
    value: T
    used: ResolvedParameter

    @property
    def cite(self) -> str:
        tag = "（示例值）" if self.used.illustrative else ""
        return f"{self.used.version_id}{tag}：{self.used.source}"


@dataclass(frozen=True, slots=True)
class MonitoringPolicy:
    """Every parameter a monitor run reads for one county, read once up front."""

    county: str
    standard: Param[Decimal]
    dibian_multiplier: Param[Decimal]
    dibao_money_years: Param[int]
    dibian_money_years: Param[int]
    vehicle_allowed: Param[bool]
    vehicle_exempt: Param[frozenset[str]]
    nonresidential_allowed: Param[bool]
    max_homes: Param[int]
    max_homes_if_small: Param[int]
    average_area: Param[Decimal]
    grace_months: Param[int]
    dibian_grace_months: Param[int]
    review_days: Param[int]
    death_review_months: Param[int]
    visit_days: Param[int]
    medical_threshold: Param[Decimal]
    medical_share: Param[Decimal]

    @classmethod
    def read(cls, county: str, ps: ParameterSet) -> MonitoringPolicy:
        def dec(key: str) -> Param[Decimal]:
            return Param(*ps.decimal(key))

        def num(key: str) -> Param[int]:
            return Param(*ps.integer(key))

        def flag(key: str) -> Param[bool]:
            return Param(*ps.boolean(key))

        return cls(
            county=county,
            standard=dec("dibao.standard_monthly"),
            dibian_multiplier=dec("dibian.income_multiplier"),
            dibao_money_years=num("dibao.money_asset_years"),
            dibian_money_years=num("dibian.money_asset_years"),
            vehicle_allowed=flag("asset.vehicle_allowed"),
            vehicle_exempt=Param(*ps.codes("asset.vehicle_exempt_kinds")),
            nonresidential_allowed=flag("asset.nonresidential_property_allowed"),
            max_homes=num("asset.urban_max_homes"),
            max_homes_if_small=num("asset.urban_max_homes_if_small"),
            average_area=dec("asset.urban_average_floor_area_per_capita"),
            grace_months=num("gradual_exit.grace_months"),
            dibian_grace_months=num("dibian.gradual_exit.grace_months"),
            review_days=num(keys.REVIEW_DAYS),
            death_review_months=num(keys.DEATH_REVIEW_MONTHS),
            visit_days=num(keys.VISIT_DAYS),
            medical_threshold=dec(keys.MEDICAL_THRESHOLD),
            medical_share=dec(keys.MEDICAL_SHARE),
        )

    def income_line(self, programme: str) -> Decimal:
        """The monthly per-capita line a household's income is held to in its programme."""
        if programme == ProgrammeCode.DIBIAN:
            return self.standard.value * self.dibian_multiplier.value
        return self.standard.value

    def grace_for(self, programme: str) -> Param[int]:
        """The 渐退 period of the programme: 低边 has its own, like 低保."""
        return self.dibian_grace_months if programme == "dibian" else self.grace_months

    def exempt_vehicle(self, feed_kind: str) -> bool:
        return VEHICLE_ASSET_KIND.get(feed_kind, feed_kind) in self.vehicle_exempt.value


@dataclass(frozen=True, slots=True)
class Decision:
    severity: str
    action: str
    deadline: date
    rule: str


def add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def decide(kind: str, p: MonitoringPolicy, *, month_end: date, has_wage: bool = False) -> Decision:
    """What a warning of `kind` does: severity, deadline, automatic action and the rule it cites."""
    review_by = month_end + timedelta(days=p.review_days.value)
    match kind:
        case "death":
            return Decision(
                "high",
                "stop_payment",
                add_months(month_end, p.death_review_months.value),
                f"死亡次月停发、多发追回；{p.death_review_months.cite}",
            )
        case "imprisonment" | "hukou_moved_out":
            return Decision("medium", "review", review_by, f"{SRC_REVIEW_31}；{p.review_days.cite}")
        case "vehicle":
            return Decision(
                "medium",
                "review",
                review_by,
                f"{p.vehicle_allowed.cite}；豁免车型 {p.vehicle_exempt.cite}",
            )
        case "property":
            return Decision(
                "medium",
                "review",
                review_by,
                f"{p.nonresidential_allowed.cite}；{p.max_homes.cite}；{p.max_homes_if_small.cite}；"
                f"{p.average_area.cite}",
            )
        case "business":
            return Decision("medium", "review", review_by, f"{SRC_MCA_2021_17}；{SRC_REVIEW_31}")
        case "income_over_line":
            grace = has_wage and p.grace_months.value > 0
            return Decision(
                "high",
                "gradual_exit" if grace else "review",
                review_by,
                f"{p.standard.cite}；{p.dibian_multiplier.cite}"
                + (f"；成员就业收入超线给予渐退 {p.grace_months.cite}" if grace else ""),
            )
        case "deposits_over_limit":
            return Decision(
                "medium",
                "review",
                review_by,
                f"{p.standard.cite}；{p.dibao_money_years.cite}；{p.dibian_money_years.cite}",
            )
        case "high_medical_cost":
            return Decision(
                "high",
                "visit",
                month_end + timedelta(days=p.visit_days.value),
                f"{p.medical_threshold.cite}；{p.medical_share.cite}",
            )
    raise ValueError(kind)
