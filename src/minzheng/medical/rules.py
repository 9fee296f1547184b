"""Medical assistance at discharge: the pure rule, over plain dataclasses (no ORM, no clock).

Settlement order (社会救助暂行办法第29条; policy.md §4): basic medical insurance, then critical-illness
insurance (大病保险), then other supplementary insurance; medical assistance covers what is left of
the *compliant* (政策范围内) cost: first the year's deductible left, then the ratio, then the annual cap.

    compliant self-pay = max(0, compliant cost − basic − critical illness − other)
    deductible applied = min(compliant self-pay, deductible − deductible met this year)
    assistance         = min(round((compliant self-pay − deductible applied) × ratio), cap left)
    patient pays       = total cost − basic − critical illness − other − assistance
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from minzheng.assistance.parameters import ParameterSet, ResolvedParameter
from minzheng.assistance.programmes import ProgrammeCode
from minzheng.core.errors import ValidationFailed
from minzheng.core.money import FEN, ZERO, Rounding, round_money


class Category(StrEnum):
    """The person's assistance category on the discharge date, strongest first."""

    TEKUN = "tekun"  # 特困人员
    DIBAO = "dibao"  # 低保对象
    DIBIAN = "dibian"  # 低保边缘家庭成员
    ZHICHU = "zhichu"  # 支出型贫困（因病致贫）
    NONE = "none"  # 非医疗救助对象


CATEGORY_LABELS: dict[str, str] = {
    Category.TEKUN: "特困",
    Category.DIBAO: "低保",
    Category.DIBIAN: "低边",
    Category.ZHICHU: "支出型",
    Category.NONE: "非救助对象",
}


class VisitKind(StrEnum):
    INPATIENT = "inpatient"  # 住院
    OUTPATIENT = "outpatient"  # 门诊
    CHRONIC = "chronic"  # 门诊慢特病


VISIT_KIND_LABELS: dict[str, str] = {
    VisitKind.INPATIENT: "住院",
    VisitKind.OUTPATIENT: "门诊",
    VisitKind.CHRONIC: "门诊慢特病",
}

LAYER_LABELS: dict[str, str] = {
    "basic_insurance": "基本医疗保险",
    "critical_illness": "大病保险",
    "other": "其他补充保险",
    "medical_assistance": "医疗救助",
}


class ClaimInvalid(ValidationFailed):
    code = "claim_invalid"


@dataclass(frozen=True, slots=True)
class Claim:
    visit_kind: VisitKind
    admitted_on: date
    discharged_on: date
    total_cost: Decimal
    compliant_cost: Decimal
    basic_insurance_paid: Decimal
    critical_illness_paid: Decimal
    other_paid: Decimal

    @property
    def insurance_paid(self) -> Decimal:
        return self.basic_insurance_paid + self.critical_illness_paid + self.other_paid

    @property
    def year(self) -> int:
        return self.discharged_on.year

    def stored_fields(self) -> dict[str, Any]:
        """The claim as a settlement row's columns, so every path that stores one names them once."""
        return {
            "visit_kind": self.visit_kind.value,
            "admitted_on": self.admitted_on,
            "discharged_on": self.discharged_on,
            "total_cost": self.total_cost,
            "compliant_cost": self.compliant_cost,
            "basic_insurance_paid": self.basic_insurance_paid,
            "critical_illness_paid": self.critical_illness_paid,
            "other_paid": self.other_paid,
        }


# Larger than any single bill; keeps a typo from overflowing the 14-digit amount columns.
AMOUNT_LIMIT = Decimal("1000000000")

_AMOUNT_FIELDS: dict[str, str] = {
    "total_cost": "医疗总费用",
    "compliant_cost": "政策范围内费用",
    "basic_insurance_paid": "基本医保支付",
    "critical_illness_paid": "大病保险支付",
    "other_paid": "其他保险支付",
}


def check_claim(claim: Claim) -> None:
    """Refuse a claim that cannot be true, with a Chinese message naming the figure."""
    for field, label in _AMOUNT_FIELDS.items():
        amount: Decimal = getattr(claim, field)
        if not amount.is_finite():
            raise ClaimInvalid(f"{label}不是有效金额", code="amount_invalid")
        if amount < 0:
            raise ClaimInvalid(f"{label}不能为负数：{amount}", code="negative_amount")
        if amount >= AMOUNT_LIMIT:
            raise ClaimInvalid(f"{label}超出合理范围：{amount}", code="amount_too_large")
        if amount != amount.quantize(FEN):
            raise ClaimInvalid(f"{label}最多保留两位小数：{amount}", code="amount_precision")
    if claim.discharged_on < claim.admitted_on:
        raise ClaimInvalid(
            f"出院日期 {claim.discharged_on} 早于入院日期 {claim.admitted_on}",
            code="discharge_before_admission",
        )
    if claim.compliant_cost > claim.total_cost:
        raise ClaimInvalid(
            f"政策范围内费用 {claim.compliant_cost} 超过医疗总费用 {claim.total_cost}",
            code="compliant_over_total",
        )
    if claim.insurance_paid > claim.total_cost:
        raise ClaimInvalid(
            f"各项保险支付合计 {claim.insurance_paid} 超过医疗总费用 {claim.total_cost}",
            code="paid_over_cost",
        )


@dataclass(frozen=True, slots=True)
class Setting:
    value: Decimal
    parameter: ResolvedParameter

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.parameter.version_id,
            "source": self.parameter.source,
            "illustrative": self.parameter.illustrative,
        }


@dataclass(frozen=True, slots=True)
class MedicalPolicy:
    deductible: Setting
    ratio: Setting
    annual_cap: Setting
    rounding: Rounding
    rounding_parameter: ResolvedParameter


def load_policy(params: ParameterSet, category: Category, visit_kind: VisitKind) -> MedicalPolicy:
    """The four parameters this category and visit kind read, in force on the discharge date."""

    def read(key: str) -> Setting:
        value, parameter = params.decimal(key)
        if value < 0:
            raise ClaimInvalid(
                f"政策参数 {parameter.version_id} 不能为负数", code="parameter_invalid"
            )
        return Setting(value, parameter)

    text, rounding_parameter = params.text("medical.rounding")
    return MedicalPolicy(
        deductible=read(f"medical.deductible.{category}.{visit_kind}"),
        ratio=read(f"medical.ratio.{category}.{visit_kind}"),
        annual_cap=read(f"medical.annual_cap.{category}"),
        rounding=Rounding(text),
        rounding_parameter=rounding_parameter,
    )


@dataclass(frozen=True, slots=True)
class YearToDate:
    """The person's accumulator for the discharge year, before this claim."""

    cap_used: Decimal = ZERO
    deductible_met: Decimal = ZERO  # for this claim's visit kind


@dataclass(frozen=True, slots=True)
class Outcome:
    category: Category
    assistance_amount: Decimal
    patient_pays: Decimal
    annual_cap: Decimal
    cap_used: Decimal  # after this claim
    cap_left: Decimal
    deductible_applied: Decimal
    cap_reached: bool
    explanation: tuple[dict[str, Any], ...]

    @property
    def parameter_versions(self) -> list[str]:
        versions: list[str] = []
        for layer in self.explanation:
            for part in ("deductible", "ratio", "cap", "rounding"):
                if part in layer and "version" in layer[part]:
                    versions.append(layer[part]["version"])
        return versions


def _m(amount: Decimal) -> str:
    return str(amount.quantize(FEN))


def insurance_layers(claim: Claim) -> list[dict[str, Any]]:
    """The explanation's first entries: what each insurance layer paid and what it left."""
    layers: list[dict[str, Any]] = []
    remaining = claim.total_cost
    for layer, paid in (
        ("basic_insurance", claim.basic_insurance_paid),
        ("critical_illness", claim.critical_illness_paid),
        ("other", claim.other_paid),
    ):
        remaining -= paid
        layers.append(
            {"layer": layer, "label": LAYER_LABELS[layer], "paid": _m(paid), "left": _m(remaining)}
        )
    return layers


def settle(
    claim: Claim, category: Category, policy: MedicalPolicy | None, ytd: YearToDate
) -> Outcome:
    """Split the bill between the payer layers; `policy` is None for a person of no category."""
    check_claim(claim)
    explanation = insurance_layers(claim)
    remaining = claim.total_cost - claim.insurance_paid
    compliant_self_pay = max(ZERO, claim.compliant_cost - claim.insurance_paid)

    if policy is None or category is Category.NONE:
        explanation.append(
            {
                "layer": "medical_assistance",
                "label": LAYER_LABELS["medical_assistance"],
                "paid": _m(ZERO),
                "left": _m(remaining),
                "reason": "出院日不属于特困、低保、低边或支出型贫困对象，不享受医疗救助",
            }
        )
        return Outcome(
            category, ZERO.quantize(FEN), remaining.quantize(FEN), ZERO.quantize(FEN),
            ZERO.quantize(FEN), ZERO.quantize(FEN), ZERO.quantize(FEN), False, tuple(explanation),
        )  # fmt: skip

    deductible_left = max(ZERO, policy.deductible.value - ytd.deductible_met)
    deductible_applied = min(compliant_self_pay, deductible_left)
    base = compliant_self_pay - deductible_applied
    by_ratio = round_money(base * policy.ratio.value, policy.rounding)
    cap = policy.annual_cap.value
    cap_left_before = max(ZERO, cap - ytd.cap_used)
    assistance = min(by_ratio, cap_left_before)
    cap_reached = by_ratio > cap_left_before
    patient_pays = remaining - assistance
    explanation.append(
        {
            "layer": "medical_assistance",
            "label": LAYER_LABELS["medical_assistance"],
            "paid": _m(assistance),
            "left": _m(patient_pays),
            "compliant_self_pay": _m(compliant_self_pay),
            "deductible": {
                "annual": _m(policy.deductible.value),
                "left_before": _m(deductible_left),
                "applied": _m(deductible_applied),
                "left_after": _m(deductible_left - deductible_applied),
                **policy.deductible.to_dict(),
            },
            "ratio": {
                "value": str(policy.ratio.value),
                "base": _m(base),
                "amount": _m(by_ratio),
                **policy.ratio.to_dict(),
            },
            "cap": {
                "annual": _m(cap),
                "used_before": _m(ytd.cap_used),
                "left_before": _m(cap_left_before),
                "applied": cap_reached,
                **policy.annual_cap.to_dict(),
            },
            "rounding": {
                "rule": policy.rounding.value,
                "version": policy.rounding_parameter.version_id,
                "source": policy.rounding_parameter.source,
                "illustrative": policy.rounding_parameter.illustrative,
            },
        }
    )
    cap_used = ytd.cap_used + assistance
    return Outcome(
        category=category,
        assistance_amount=assistance.quantize(FEN),
        patient_pays=patient_pays.quantize(FEN),
        annual_cap=cap.quantize(FEN),
        cap_used=cap_used.quantize(FEN),
        cap_left=max(ZERO, cap - cap_used).quantize(FEN),
        deductible_applied=deductible_applied.quantize(FEN),
        cap_reached=cap_reached,
        explanation=tuple(explanation),
    )


def category_of(tags: set[str], programmes: set[str]) -> Category:
    """The strongest category the person holds on the day, from identity tags and open enrolments.

    支出型 is an open individual 医疗救助 (`yiliao`) enrolment without a stronger status.
    """
    held = tags | programmes
    if ProgrammeCode.TEKUN in held:
        return Category.TEKUN
    if held & {"dibao", "single_person_dibao"}:
        return Category.DIBAO
    if ProgrammeCode.DIBIAN in held:
        return Category.DIBIAN
    if "yiliao" in programmes:
        return Category.ZHICHU
    return Category.NONE
