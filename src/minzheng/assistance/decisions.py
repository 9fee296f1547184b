"""What a rule returns: the decision, its criteria with parameter versions, the arithmetic."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from minzheng.assistance.parameters import ResolvedParameter
from minzheng.assistance.programmes import get_programme
from minzheng.core.money import FEN


class Route(StrEnum):
    NONE = "none"  # not eligible
    HOUSEHOLD = "household"  # 按户认定
    SINGLE_PERSON = "single_person"  # 单人户
    GRADUAL_EXIT = "gradual_exit"  # 渐退期
    INDIVIDUAL = "individual"  # 特困：按人认定


class CareLevel(StrEnum):
    SELF_CARE = "self_care"  # 生活自理
    PARTIAL = "partial"  # 部分丧失生活自理能力
    FULL = "full"  # 完全丧失生活自理能力


CARE_LEVEL_NAMES: dict[CareLevel, str] = {
    CareLevel.SELF_CARE: "生活自理",
    CareLevel.PARTIAL: "部分丧失生活自理能力",
    CareLevel.FULL: "完全丧失生活自理能力",
}


def money_text(amount: Decimal) -> str:
    return str(amount.quantize(FEN))


@dataclass(frozen=True, slots=True)
class ParameterUse:
    key: str
    version_id: str
    source: str

    @classmethod
    def of(cls, p: ResolvedParameter) -> ParameterUse:
        return cls(p.key, p.version_id, p.source)

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "version": self.version_id, "source": self.source}


def uses(*params: ResolvedParameter) -> tuple[ParameterUse, ...]:
    return tuple(ParameterUse.of(p) for p in params)


@dataclass(frozen=True, slots=True)
class Criterion:
    label: str  # Chinese, e.g. 人均收入低于低保标准
    value: str  # what was found
    threshold: str  # what it was compared with
    passed: bool
    parameters: tuple[ParameterUse, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "value": self.value,
            "threshold": self.threshold,
            "passed": self.passed,
            "parameters": [p.to_dict() for p in self.parameters],
        }


@dataclass(frozen=True, slots=True)
class AmountLine:
    """One step of the benefit arithmetic, in words a caseworker can check by hand."""

    label: str
    amount: Decimal
    formula: str
    parameters: tuple[ParameterUse, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "amount": money_text(self.amount),
            "formula": self.formula,
            "parameters": [p.to_dict() for p in self.parameters],
        }


@dataclass(frozen=True, slots=True)
class IncomeLine:
    member_id: str
    item: str  # income kind code, or "extra_expense_deduction"
    label: str
    amount: Decimal
    counted: Decimal  # the signed amount that enters the household total
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {
            "member_id": self.member_id,
            "item": self.item,
            "label": self.label,
            "amount": money_text(self.amount),
            "counted": money_text(self.counted),
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class MembershipLine:
    member_id: str
    included: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"member_id": self.member_id, "included": self.included, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Decision:
    programme: str
    eligible: bool
    monthly_amount: Decimal
    criteria: tuple[Criterion, ...]
    summary: str
    route: Route
    region_code: str
    as_of: str
    member_id: str | None = None  # set for 单人户 and 特困, which are decided per person
    care_level: CareLevel | None = None
    amount_lines: tuple[AmountLine, ...] = ()
    membership: tuple[MembershipLine, ...] = ()
    income_lines: tuple[IncomeLine, ...] = ()

    def parameters_used(self) -> tuple[ParameterUse, ...]:
        seen: dict[str, ParameterUse] = {}
        groups = [c.parameters for c in self.criteria] + [a.parameters for a in self.amount_lines]
        for group in groups:
            for use in group:
                seen.setdefault(use.version_id, use)
        return tuple(sorted(seen.values(), key=lambda u: u.key))

    def to_dict(self) -> dict[str, Any]:
        return {
            "programme": self.programme,
            "programme_name": get_programme(self.programme).short_name,
            "eligible": self.eligible,
            "route": self.route.value,
            "member_id": self.member_id,
            "monthly_amount": money_text(self.monthly_amount),
            "care_level": self.care_level.value if self.care_level else None,
            "summary": self.summary,
            "region_code": self.region_code,
            "as_of": self.as_of,
            "criteria": [c.to_dict() for c in self.criteria],
            "amount_lines": [a.to_dict() for a in self.amount_lines],
            "membership": [m.to_dict() for m in self.membership],
            "income_lines": [i.to_dict() for i in self.income_lines],
            "parameters": [p.to_dict() for p in self.parameters_used()],
        }
