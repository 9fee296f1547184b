"""The pure transition rules: who may move a case, and when."""

from __future__ import annotations

from datetime import date

from minzheng.applications.rules import (
    COUNTY_APPROVER,
    TOWNSHIP_CASEWORKER,
    VILLAGE_ASSISTANT,
    CaseFacts,
    Move,
    Step,
    decide_move,
    exit_allowed,
    steps_for_role,
)

TODAY = date(2020, 9, 25)


def test_an_illegal_transition_names_the_current_step_in_chinese() -> None:
    verdict = decide_move(CaseFacts(Step.SUBMITTED), Move.APPROVE, COUNTY_APPROVER, 1, TODAY)
    assert not verdict.allowed and verdict.code == "illegal_transition"
    assert "当前环节为“待受理”" in verdict.message


def test_a_village_assistant_accepts_but_cannot_approve() -> None:
    assert decide_move(CaseFacts(Step.SUBMITTED), Move.ACCEPT, VILLAGE_ASSISTANT, 1, TODAY).allowed
    verdict = decide_move(
        CaseFacts(Step.COUNTY_APPROVAL), Move.APPROVE, VILLAGE_ASSISTANT, 1, TODAY
    )
    assert verdict.code == "role_not_allowed"


def test_the_approver_cannot_be_the_investigator() -> None:
    case = CaseFacts(Step.COUNTY_APPROVAL, investigator_id=7)
    assert (
        decide_move(case, Move.APPROVE, COUNTY_APPROVER, 7, TODAY).code
        == "approver_is_investigator"
    )
    assert decide_move(case, Move.APPROVE, COUNTY_APPROVER, 8, TODAY).allowed


def test_a_staff_relative_cannot_skip_the_home_visit_even_on_the_fast_track() -> None:
    case = CaseFacts(Step.VISIT, fast_track=True, staff_relative=True, consents_signed=True)
    verdict = decide_move(case, Move.DEFER_VISIT, TOWNSHIP_CASEWORKER, 1, TODAY)
    assert verdict.code == "relative_needs_visit"


def test_help_first_needs_the_fast_track() -> None:
    case = CaseFacts(Step.VISIT, consents_signed=True)
    assert (
        decide_move(case, Move.DEFER_VISIT, TOWNSHIP_CASEWORKER, 1, TODAY).code == "not_fast_track"
    )
    fast = CaseFacts(Step.VISIT, fast_track=True, consents_signed=True)
    assert (
        decide_move(fast, Move.DEFER_VISIT, TOWNSHIP_CASEWORKER, 1, TODAY).target
        is Step.VERIFICATION
    )


def test_verification_waits_for_the_signed_pledge_and_authorisation() -> None:
    verdict = decide_move(CaseFacts(Step.VISIT), Move.RECORD_VISIT, TOWNSHIP_CASEWORKER, 1, TODAY)
    assert verdict.code == "consents_missing"


def test_the_notice_closes_only_after_seven_days_and_answered_objections() -> None:
    running = CaseFacts(Step.PUBLIC_NOTICE, notice_ends_on=date(2020, 10, 2))
    assert (
        decide_move(running, Move.CLOSE_PUBLIC_NOTICE, TOWNSHIP_CASEWORKER, 1, TODAY).code
        == "notice_running"
    )
    ended = CaseFacts(Step.PUBLIC_NOTICE, notice_ends_on=TODAY, unanswered_objections=1)
    assert (
        decide_move(ended, Move.CLOSE_PUBLIC_NOTICE, TOWNSHIP_CASEWORKER, 1, TODAY).code
        == "objections_open"
    )


def test_each_role_works_its_own_steps() -> None:
    assert steps_for_role(COUNTY_APPROVER) == (Step.COUNTY_APPROVAL,)
    assert steps_for_role(VILLAGE_ASSISTANT) == (Step.SUBMITTED, Step.VISIT)
    assert Step.PUBLIC_NOTICE in steps_for_role(TOWNSHIP_CASEWORKER)


def test_exits_are_held_during_a_fast_track_period() -> None:
    assert exit_allowed(fast_track_period=None).allowed
    held = exit_allowed(fast_track_period="海曙区2020-02-01至2020-06-30（疫情）")
    assert held.code == "exit_held_fast_track" and "退出缓" in held.message
