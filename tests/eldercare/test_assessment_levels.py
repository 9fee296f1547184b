"""GB/T 42195-2022 worked by hand: a total at each side of every level boundary, and each of the
three adjustments (coma, diagnosis, care-risk events), on the catalogue's parameters."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from minzheng.assistance.parameter_catalog import default_parameters
from minzheng.eldercare.rules import (
    ITEMS,
    AbilityPolicy,
    AnswerInvalid,
    Conditions,
    Level,
    RiskEvent,
    assess,
    load_policy,
)

ON = date(2024, 6, 1)
SELF_CARE = [f"B.1.{i}" for i in range(1, 9)]  # eight items of 4 points: 32
MOVEMENT_ALL_BUT_STAIRS = ["B.2.1", "B.2.2", "B.2.3"]  # 4 points each; stairs (B.2.4) is 3


@pytest.fixture(scope="module")
def policy() -> AbilityPolicy:
    return load_policy(default_parameters("330203", ON))


def answers(**lowered: int) -> dict[str, int]:
    """Every item at its best option, except those named (B_1_1=3 means B.1.1 scores 3)."""
    scores = {i.code: i.max_points for i in ITEMS}
    for key, points in lowered.items():
        scores[key.replace("_", ".")] = points
    return scores


def zero(codes: list[str]) -> dict[str, int]:
    return {c.replace(".", "_"): 0 for c in codes}


# (what is lowered, expected total, expected level) — the arithmetic is in each comment.
BOUNDARIES = [
    ({}, 90, Level.INTACT),  # every item at its best: 32 + 15 + 28 + 15
    ({"B_3_7": 0}, 89, Level.MILD),  # aggression seen: 90 − 1
    (zero(SELF_CARE[:6]), 66, Level.MILD),  # six self-care items at 0: 90 − 24
    ({**zero(SELF_CARE[:6]), "B_1_7": 3}, 65, Level.MODERATE),  # 66 − 1
    ({**zero(SELF_CARE), **zero(MOVEMENT_ALL_BUT_STAIRS)}, 46, Level.MODERATE),  # 90 − 32 − 12
    ({**zero(SELF_CARE), **zero(MOVEMENT_ALL_BUT_STAIRS), "B_2_4": 2}, 45, Level.SEVERE),
    # self-care and movement all 0 (90 − 47 = 43), three orientation items 0 (31), memory 3 (30)
    (
        {
            **zero(SELF_CARE),
            **zero([*MOVEMENT_ALL_BUT_STAIRS, "B.2.4"]),
            **zero(["B.3.1", "B.3.2", "B.3.3"]),
            "B_3_4": 3,
        },
        30,
        Level.SEVERE,
    ),
    (
        {
            **zero(SELF_CARE),
            **zero([*MOVEMENT_ALL_BUT_STAIRS, "B.2.4"]),
            **zero(["B.3.1", "B.3.2", "B.3.3"]),
            "B_3_4": 2,
        },
        29,
        Level.COMPLETE,
    ),
    (zero([i.code for i in ITEMS]), 0, Level.COMPLETE),
]


@pytest.mark.parametrize(("lowered", "total", "level"), BOUNDARIES)
def test_each_level_boundary(
    policy: AbilityPolicy, lowered: dict[str, int], total: int, level: Level
) -> None:
    result = assess(answers(**lowered), Conditions(), ON, policy)
    assert result.total == total
    assert result.preliminary_level is level and result.final_level is level
    assert result.adjustments == ()


def test_group_scores_add_up(policy: AbilityPolicy) -> None:
    result = assess(answers(B_1_1=2, B_2_4=1, B_3_9=1, B_4_4=0), Conditions(), ON, policy)
    assert result.group_scores == {"self_care": 30, "movement": 13, "mental": 27, "perception": 12}
    assert result.total == 82


def test_coma_is_complete_loss_whatever_the_total(policy: AbilityPolicy) -> None:
    result = assess(answers(B_3_9=0), Conditions(coma=True), ON, policy)
    assert result.total == 88 and result.preliminary_level is Level.MILD
    assert result.final_level is Level.COMPLETE
    assert result.adjustments == ("coma",)
    assert result.tekun_care_level == "full"


def test_dementia_makes_the_level_one_worse(policy: AbilityPolicy) -> None:
    result = assess(answers(**zero(SELF_CARE[:6])), Conditions(dementia=True), ON, policy)
    assert (result.total, result.preliminary_level, result.final_level) == (
        66,
        Level.MILD,
        Level.MODERATE,
    )
    assert result.adjustments == ("dementia",)


def test_another_mental_disorder_also_makes_it_one_worse(policy: AbilityPolicy) -> None:
    result = assess(answers(), Conditions(mental_disorder=True), ON, policy)
    assert (result.total, result.final_level) == (90, Level.MILD)
    assert result.adjustments == ("mental_disorder",)


def test_a_diagnosis_counts_once_even_when_both_are_ticked(policy: AbilityPolicy) -> None:
    result = assess(answers(), Conditions(dementia=True, mental_disorder=True), ON, policy)
    assert result.final_level is Level.MILD


def test_complete_loss_cannot_get_worse(policy: AbilityPolicy) -> None:
    result = assess(answers(**zero([i.code for i in ITEMS])), Conditions(dementia=True), ON, policy)
    assert result.final_level is Level.COMPLETE


def test_two_care_risk_events_within_thirty_days_make_it_one_worse(policy: AbilityPolicy) -> None:
    events = ((RiskEvent.FALL, ON - timedelta(days=29)), (RiskEvent.WANDERING, ON))
    result = assess(
        answers(**zero(SELF_CARE[:6]), B_1_7=3), Conditions(risk_events=events), ON, policy
    )
    assert (result.total, result.preliminary_level, result.final_level) == (
        65,
        Level.MODERATE,
        Level.SEVERE,
    )
    assert result.adjustments == ("risk_events",)
    assert "跌倒（2024-05-03）" in result.explanation[-2]


def test_an_event_thirty_days_before_is_outside_the_window(policy: AbilityPolicy) -> None:
    events = ((RiskEvent.FALL, ON - timedelta(days=30)), (RiskEvent.CHOKING, ON))
    result = assess(answers(), Conditions(risk_events=events), ON, policy)
    assert result.final_level is Level.INTACT and result.adjustments == ()


def test_one_event_is_not_enough(policy: AbilityPolicy) -> None:
    result = assess(answers(), Conditions(risk_events=((RiskEvent.SELF_HARM, ON),)), ON, policy)
    assert result.final_level is Level.INTACT


def test_diagnosis_and_events_stack_by_default(policy: AbilityPolicy) -> None:
    events = ((RiskEvent.FALL, ON), (RiskEvent.FALL, ON - timedelta(days=3)))
    result = assess(
        answers(**zero(SELF_CARE[:6])), Conditions(dementia=True, risk_events=events), ON, policy
    )
    assert result.final_level is Level.SEVERE  # 66 轻度 → 中度 → 重度
    assert result.adjustments == ("dementia", "risk_events")


def test_without_stacking_two_conditions_raise_one_level() -> None:
    params = default_parameters("330203", ON).replace(
        "eldercare.assessment.adjustments_stack", False
    )
    events = ((RiskEvent.FALL, ON), (RiskEvent.FALL, ON - timedelta(days=3)))
    result = assess(
        answers(**zero(SELF_CARE[:6])),
        Conditions(dementia=True, risk_events=events),
        ON,
        load_policy(params),
    )
    assert result.final_level is Level.MODERATE and result.adjustments == ("dementia",)


def test_a_missing_item_is_refused_by_name(policy: AbilityPolicy) -> None:
    partial = answers()
    del partial["B.4.5"]
    with pytest.raises(AnswerInvalid, match=r"B\.4\.5 社会交往能力"):
        assess(partial, Conditions(), ON, policy)


def test_points_outside_an_items_options_are_refused(policy: AbilityPolicy) -> None:
    with pytest.raises(AnswerInvalid, match=r"B\.2\.4 上下楼梯 的得分只能是 3、2、1、0 之一"):
        assess(answers(B_2_4=4), Conditions(), ON, policy)


def test_an_event_after_the_assessment_is_refused(policy: AbilityPolicy) -> None:
    events = ((RiskEvent.FALL, ON + timedelta(days=1)),)
    with pytest.raises(AnswerInvalid, match="晚于评估日期"):
        assess(answers(), Conditions(risk_events=events), ON, policy)


def test_the_level_feeds_the_tekun_care_level(policy: AbilityPolicy) -> None:
    assert assess(answers(), Conditions(), ON, policy).tekun_care_level == "self_care"
    assert assess(answers(B_3_7=0), Conditions(), ON, policy).tekun_care_level == "partial"
    severe = answers(**zero(SELF_CARE), **zero(MOVEMENT_ALL_BUT_STAIRS), B_2_4=2)
    assert assess(severe, Conditions(), ON, policy).tekun_care_level == "full"
