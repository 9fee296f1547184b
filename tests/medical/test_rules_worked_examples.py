"""Worked examples, by hand, with the catalogue's (mostly illustrative) values:
ratio 70 % 特困/低保 (国办发〔2021〕42号 floor), 60 % 低边, 50 % 支出型; inpatient deductible 0 / 0 /
6000 / 15000 元, outpatient and chronic 0; annual cap 100000 / 80000 / 60000 / 50000 元."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from minzheng.assistance.parameter_catalog import default_parameters
from minzheng.medical.rules import (
    Category,
    Claim,
    ClaimInvalid,
    VisitKind,
    YearToDate,
    category_of,
    load_policy,
    settle,
)

D = Decimal
DISCHARGE = date(2024, 5, 20)


def claim(kind: str = "inpatient", **figures: str) -> Claim:
    base = {
        "total_cost": "10000.00",
        "compliant_cost": "9000.00",
        "basic_insurance_paid": "4000.00",
        "critical_illness_paid": "1000.00",
        "other_paid": "500.00",
    }
    base.update(figures)
    return Claim(
        VisitKind(kind), date(2024, 5, 10), DISCHARGE, **{k: D(v) for k, v in base.items()}
    )


def run(category: str, c: Claim, ytd: YearToDate | None = None):  # type: ignore[no-untyped-def]
    cat = Category(category)
    policy = load_policy(default_parameters("330203", c.discharged_on), cat, c.visit_kind)
    return settle(c, cat, policy, ytd or YearToDate())


# compliant self-pay = 9000 − 4000 − 1000 − 500 = 3500; left after insurance = 10000 − 5500 = 4500
@pytest.mark.parametrize(
    ("category", "kind", "assistance", "patient_pays", "deductible_applied"),
    [
        ("tekun", "inpatient", "2450.00", "2050.00", "0.00"),  # 3500 × 70 %
        ("tekun", "outpatient", "2450.00", "2050.00", "0.00"),
        ("tekun", "chronic", "2450.00", "2050.00", "0.00"),
        ("dibao", "inpatient", "2450.00", "2050.00", "0.00"),
        ("dibao", "outpatient", "2450.00", "2050.00", "0.00"),
        ("dibao", "chronic", "2450.00", "2050.00", "0.00"),
        (
            "dibian",
            "inpatient",
            "0.00",
            "4500.00",
            "3500.00",
        ),  # all 3500 goes to the 6000 deductible
        ("dibian", "outpatient", "2100.00", "2400.00", "0.00"),  # 3500 × 60 %
        ("dibian", "chronic", "2100.00", "2400.00", "0.00"),
        ("zhichu", "inpatient", "0.00", "4500.00", "3500.00"),  # 15000 deductible
        ("zhichu", "outpatient", "1750.00", "2750.00", "0.00"),  # 3500 × 50 %
        ("zhichu", "chronic", "1750.00", "2750.00", "0.00"),
    ],
)
def test_each_category_and_visit_kind_by_hand(
    category: str, kind: str, assistance: str, patient_pays: str, deductible_applied: str
) -> None:
    outcome = run(category, claim(kind))
    assert str(outcome.assistance_amount) == assistance
    assert str(outcome.patient_pays) == patient_pays
    assert str(outcome.deductible_applied) == deductible_applied
    assert outcome.cap_used == D(assistance)


def test_the_explanation_lists_the_layers_in_order_with_versions_and_sources() -> None:
    outcome = run("dibao", claim("inpatient"))
    layers = [e["layer"] for e in outcome.explanation]
    assert layers == ["basic_insurance", "critical_illness", "other", "medical_assistance"]
    assert [e["left"] for e in outcome.explanation] == ["6000.00", "5000.00", "4500.00", "2050.00"]
    aid = outcome.explanation[3]
    assert aid["ratio"]["version"] == "medical.ratio.dibao.inpatient@000000@2020-01-01"
    assert "国办发〔2021〕42号" in aid["ratio"]["source"] and "不低于70%" in aid["ratio"]["source"]
    assert aid["deductible"]["version"] == "medical.deductible.dibao.inpatient@330200@2020-01-01"
    assert aid["deductible"]["illustrative"] is True
    assert aid["cap"]["version"] == "medical.annual_cap.dibao@330200@2020-01-01"
    assert aid["cap"]["annual"] == "80000.00" and aid["cap"]["applied"] is False


def test_a_dibian_deductible_is_used_up_across_two_stays() -> None:
    # Stay 1: self-pay 30000−(14000+2000+1000)... compliant 28000 − 17000 = 11000; 6000 deductible,
    # then (11000 − 6000) × 60 % = 3000; patient 30000 − 17000 − 3000 = 10000.
    first = run(
        "dibian",
        claim(
            total_cost="30000.00",
            compliant_cost="28000.00",
            basic_insurance_paid="14000.00",
            critical_illness_paid="2000.00",
            other_paid="1000.00",
        ),
    )
    assert (first.assistance_amount, first.patient_pays, first.deductible_applied) == (
        D("3000.00"),
        D("10000.00"),
        D("6000.00"),
    )
    # Stay 2: nothing of the deductible left; (8000 − 4000) × 60 % = 2400.
    second = run(
        "dibian",
        claim(
            total_cost="8000.00",
            compliant_cost="8000.00",
            basic_insurance_paid="4000.00",
            critical_illness_paid="0",
            other_paid="0",
        ),
        YearToDate(cap_used=D("3000.00"), deductible_met=D("6000.00")),
    )
    assert (second.assistance_amount, second.cap_used, second.cap_left) == (
        D("2400.00"),
        D("5400.00"),
        D("54600.00"),
    )


def test_a_claim_that_hits_the_cap_midway_gets_only_what_is_left() -> None:
    # 低保, cap 80000, 63000 already used: (50000 − 20000) × 70 % = 21000 > 17000 left.
    outcome = run(
        "dibao",
        claim(
            total_cost="60000.00",
            compliant_cost="50000.00",
            basic_insurance_paid="20000.00",
            critical_illness_paid="0",
            other_paid="0",
        ),
        YearToDate(cap_used=D("63000.00")),
    )
    assert outcome.assistance_amount == D("17000.00")
    assert outcome.patient_pays == D("23000.00")  # 60000 − 20000 − 17000
    assert (outcome.cap_used, outcome.cap_left, outcome.cap_reached) == (
        D("80000.00"),
        D("0.00"),
        True,
    )
    assert outcome.explanation[3]["ratio"]["amount"] == "21000.00"
    assert outcome.explanation[3]["cap"]["left_before"] == "17000.00"


def test_half_a_fen_is_rounded_up_once() -> None:
    # 支出型 outpatient: (100.01 − 50.00) × 50 % = 25.005 → 25.01; patient 100.01 − 50 − 25.01 = 25.00
    outcome = run(
        "zhichu",
        claim(
            "outpatient",
            total_cost="100.01",
            compliant_cost="100.01",
            basic_insurance_paid="50.00",
            critical_illness_paid="0",
            other_paid="0",
        ),
    )
    assert (outcome.assistance_amount, outcome.patient_pays) == (D("25.01"), D("25.00"))


def test_a_person_of_no_category_gets_no_assistance() -> None:
    outcome = settle(claim(), Category.NONE, None, YearToDate())
    assert outcome.assistance_amount == D("0.00") and outcome.patient_pays == D("4500.00")
    assert "不享受医疗救助" in outcome.explanation[3]["reason"]


@pytest.mark.parametrize(
    ("figures", "code"),
    [
        ({"total_cost": "-1.00"}, "negative_amount"),
        ({"basic_insurance_paid": "9600.00"}, "paid_over_cost"),  # 9600 + 1000 + 500 > 10000
        ({"compliant_cost": "10000.01"}, "compliant_over_total"),
        ({"other_paid": "0.005"}, "amount_precision"),
    ],
)
def test_impossible_claims_are_refused_in_chinese(figures: dict[str, str], code: str) -> None:
    with pytest.raises(ClaimInvalid) as refused:
        run("dibao", claim(**figures))
    assert refused.value.code == code and any(
        "\u4e00" <= ch <= "\u9fff" for ch in refused.value.message
    )


def test_discharge_before_admission_is_refused() -> None:
    bad = Claim(
        VisitKind.INPATIENT, date(2024, 5, 10), date(2024, 5, 9), *[D("1")] * 2, *[D("0")] * 3
    )
    with pytest.raises(ClaimInvalid) as refused:
        settle(bad, Category.NONE, None, YearToDate())
    assert (
        refused.value.code == "discharge_before_admission"
        and "早于入院日期" in refused.value.message
    )


def test_the_strongest_category_wins() -> None:
    assert category_of({"dibian", "tekun"}, set()) is Category.TEKUN
    assert category_of({"single_person_dibao"}, {"dibian"}) is Category.DIBAO
    assert category_of(set(), {"dibian"}) is Category.DIBIAN
    assert category_of({"disabled"}, {"yiliao"}) is Category.ZHICHU
    assert category_of({"disabled"}, {"linshi"}) is Category.NONE
