from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from minzheng.assistance.parameter_catalog import default_parameters
from minzheng.core.creditcode import build
from minzheng.core.errors import DomainError
from minzheng.organisations import actions, queries, rules
from minzheng.organisations.models import CreditListing, Organisation

from .conftest import establish

PARAMS = default_parameters("330203", date(2025, 1, 1))
REPORT = {
    "income": "120000.00",
    "expenditure": "98000.50",
    "net_assets": "45000",
    "activities": "科普讲座12场",
}


def test_the_2024_cycle_has_its_dates_from_parameters() -> None:
    cycle = rules.annual_cycle(2024, PARAMS)
    assert (cycle.supervisor_due, cycle.authority_due) == (date(2025, 3, 31), date(2025, 5, 31))
    assert cycle.exempt_founded_after == date(2024, 6, 30)
    assert [p.key for p in cycle.parameters] == [
        "organisations.annual.supervisor_due_mmdd",
        "organisations.annual.authority_due_mmdd",
        "organisations.annual.exempt_founded_after_mmdd",
    ]


def test_founded_on_30_june_reports_and_on_1_july_is_exempt() -> None:
    cycle = rules.annual_cycle(2024, PARAMS)
    assert rules.annual_report_required(date(2024, 6, 30), cycle).required
    exempt = rules.annual_report_required(date(2024, 7, 1), cycle)
    assert not exempt.required
    assert exempt.criterion.threshold == "不晚于2024-06-30（之后成立的免于2024年度年检）"


def test_reminders_start_30_days_before_and_turn_overdue_after_the_deadline() -> None:
    due = date(2025, 5, 31)
    assert rules.annual_reminder(date(2025, 4, 30), due, PARAMS).stage == "not_yet"
    assert rules.annual_reminder(date(2025, 5, 1), due, PARAMS).stage == "due_soon"
    assert rules.annual_reminder(date(2025, 5, 31), due, PARAMS).days_left == 0
    assert rules.annual_reminder(date(2025, 6, 1), due, PARAMS).stage == "overdue"


def test_annual_report_filed_approved_and_reviewed(
    haishu_science_society: Organisation, approver_haishu: Any
) -> None:
    org = haishu_science_society
    report = actions.do_file_annual_report(
        approver_haishu, org.pk, report_year="2024", data=REPORT, filed_on=date(2025, 3, 20)
    )
    actions.do_supervisor_approve(approver_haishu, report.pk, on=date(2025, 3, 28))
    with pytest.raises(DomainError) as caught:
        actions.do_review_annual_report(
            approver_haishu, report.pk, outcome="basic", note="", on=date(2025, 5, 6)
        )
    assert caught.value.code == "missing_reason"
    assert caught.value.message == "基本合格或不合格须写明问题"
    report = actions.do_review_annual_report(
        approver_haishu, report.pk, outcome="qualified", note="", on=date(2025, 5, 6)
    )
    assert (report.status, report.get_outcome_display()) == ("reviewed", "合格")
    with pytest.raises(DomainError, match="已经报送"):
        actions.do_file_annual_report(
            approver_haishu, org.pk, report_year="2024", data=REPORT, filed_on=date(2025, 3, 21)
        )


def test_an_organisation_founded_in_the_second_half_of_the_year_is_exempt(
    catalog: None, approver_haishu: Any
) -> None:
    org = establish(
        approver_haishu,
        name="新成立协会",
        code=build("5", "1", "330203", "MJ000009"),
        founded=date(2024, 7, 1),
    )
    with pytest.raises(DomainError, match="免于2024年度年检"):
        actions.do_file_annual_report(
            approver_haishu, org.pk, report_year=2024, data=REPORT, filed_on=date(2025, 3, 1)
        )
    rows = queries.annual_status(approver_haishu, 2024, date(2025, 5, 10))
    assert [(r.organisation.name, r.required) for r in rows] == [("新成立协会", False)]


def test_the_reminder_queue_lists_who_has_not_filed(
    haishu_science_society: Organisation, approver_haishu: Any
) -> None:
    rows = queries.annual_status(approver_haishu, 2024, date(2025, 5, 10))
    assert len(rows) == 1 and rows[0].reminder is not None
    assert (rows[0].reminder.stage, rows[0].reminder.days_left) == ("due_soon", 21)


# --- credit supervision ------------------------------------------------------------------------


def test_entry_must_be_within_five_working_days(
    haishu_science_society: Organisation, approver_haishu: Any
) -> None:
    # Decided Monday 2 June 2025 (端午 was 31 May–2 June: 2 June is a holiday) → due 9 June.
    with pytest.raises(DomainError) as caught:
        actions.do_list_abnormal(
            approver_haishu,
            haishu_science_society.pk,
            reason="no_annual_report",
            decided_on=date(2025, 6, 2),
            entered_on=date(2025, 6, 10),
        )
    assert caught.value.code == "organisation_refused"
    assert "2025-06-09前" in caught.value.message
    listing = actions.do_list_abnormal(
        approver_haishu,
        haishu_science_society.pk,
        reason="no_annual_report",
        decided_on=date(2025, 6, 2),
        entered_on=date(2025, 6, 9),
    )
    assert listing.entry_due == date(2025, 6, 9)


def test_listing_for_no_report_is_repaired_only_after_the_report_is_filed(
    haishu_science_society: Organisation, approver_haishu: Any
) -> None:
    org = haishu_science_society
    listing = actions.do_list_abnormal(
        approver_haishu,
        org.pk,
        reason="no_annual_report",
        decided_on=date(2025, 6, 3),
        entered_on=date(2025, 6, 3),
    )
    with pytest.raises(DomainError, match="尚未补报年度报告"):
        actions.do_remove_listing(
            approver_haishu, listing.pk, reason="已补报", on=date(2025, 6, 20)
        )
    actions.do_file_annual_report(
        approver_haishu, org.pk, report_year=2024, data=REPORT, filed_on=date(2025, 6, 18)
    )
    listing = actions.do_remove_listing(
        approver_haishu, listing.pk, reason="已补报年报", on=date(2025, 6, 20)
    )
    assert (listing.status, listing.removed_on) == ("removed", date(2025, 6, 20))


def test_an_objection_is_recorded_and_an_upheld_one_removes_the_entry(
    haishu_science_society: Organisation, approver_haishu: Any
) -> None:
    listing = actions.do_list_abnormal(
        approver_haishu,
        haishu_science_society.pk,
        reason="unreachable",
        decided_on=date(2025, 6, 3),
        entered_on=date(2025, 6, 3),
    )
    actions.do_file_objection(
        approver_haishu, listing.pk, text="住所已变更并已备案", on=date(2025, 6, 5)
    )
    listing = actions.do_remove_listing(
        approver_haishu,
        listing.pk,
        reason="已核实新住所",
        on=date(2025, 6, 10),
        objection_upheld=True,
    )
    assert listing.objection == "住所已变更并已备案"
    assert listing.objection_reply == "异议成立：已核实新住所"


def test_two_years_on_the_abnormal_list_moves_the_organisation_to_the_serious_list(
    haishu_science_society: Organisation, approver_haishu: Any
) -> None:
    listing = actions.do_list_abnormal(
        approver_haishu,
        haishu_science_society.pk,
        reason="unreachable",
        decided_on=date(2023, 6, 5),
        entered_on=date(2023, 6, 5),
    )
    assert actions.do_escalate_listings(approver_haishu, today=date(2025, 6, 4)) == []
    [serious] = actions.do_escalate_listings(approver_haishu, today=date(2025, 6, 5))
    assert (serious.list, serious.reason, serious.source_listing_id) == (
        "serious",
        "abnormal_two_years",
        listing.pk,
    )
    assert CreditListing.objects.get(pk=listing.pk).status == "escalated"
    assert actions.do_escalate_listings(approver_haishu, today=date(2025, 6, 6)) == []


# --- rating -----------------------------------------------------------------------------------

Q, B, U = (
    rules.InspectionOutcome.QUALIFIED,
    rules.InspectionOutcome.BASIC,
    rules.InspectionOutcome.UNQUALIFIED,
)


def facts(outcomes: dict[int, rules.InspectionOutcome], **flags: bool) -> rules.RatingFacts:
    return rules.RatingFacts(
        year=2025,
        outcomes=outcomes,
        penalised_in_period=flags.get("penalised", False),
        on_credit_list=flags.get("listed", False),
        under_investigation=flags.get("investigated", False),
    )


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        (facts({2023: Q}), "上一年度参加年检"),
        (facts({2024: U}), "上一年度年检不是不合格"),
        (facts({2023: B, 2024: B}), "不是连续两年基本合格"),
        (facts({2024: Q}, penalised=True), "未受行政处罚"),
        (facts({2024: Q}, listed=True), "未列入活动异常名录或严重违法失信名单"),
        (facts({2024: Q}, investigated=True), "未因涉嫌违法被立案调查"),
    ],
)
def test_each_exclusion_rule_excludes_with_its_reason(case: rules.RatingFacts, reason: str) -> None:
    result = rules.rating_eligibility(case)
    assert not result.eligible
    assert result.reasons == [reason]


def test_one_basic_pass_after_a_qualified_year_is_still_eligible() -> None:
    result = rules.rating_eligibility(facts({2023: Q, 2024: B}))
    assert result.eligible
    assert all("全国性社会组织评估管理规定" in c.threshold for c in result.criteria)


def test_a_rating_is_valid_five_years_and_refused_while_listed(
    haishu_science_society: Organisation, approver_haishu: Any
) -> None:
    org = haishu_science_society
    report = actions.do_file_annual_report(
        approver_haishu, org.pk, report_year=2024, data=REPORT, filed_on=date(2025, 3, 20)
    )
    actions.do_supervisor_approve(approver_haishu, report.pk, on=date(2025, 3, 28))
    actions.do_review_annual_report(
        approver_haishu, report.pk, outcome="qualified", note="", on=date(2025, 5, 6)
    )
    rating = actions.do_award_rating(
        approver_haishu, org.pk, grade="4", score="865.5", awarded_on=date(2025, 9, 1)
    )
    assert (rating.get_grade_display(), rating.valid_until) == ("4A", date(2030, 8, 31))
    listing = actions.do_list_abnormal(
        approver_haishu,
        org.pk,
        reason="unreachable",
        decided_on=date(2025, 9, 2),
        entered_on=date(2025, 9, 2),
    )
    with pytest.raises(DomainError, match="不符合参评条件：未列入活动异常名录或严重违法失信名单"):
        actions.do_award_rating(
            approver_haishu, org.pk, grade="5", score="960", awarded_on=date(2025, 9, 3)
        )
    assert listing.status == "listed"


def test_the_expiry_queue_shows_certificates_and_ratings_within_90_days(
    haishu_science_society: Organisation, approver_haishu: Any
) -> None:
    org = haishu_science_society  # certificate valid until 2026-05-09
    assert queries.expiry_queue(approver_haishu, date(2026, 2, 7)) == []  # 91 days
    [row] = queries.expiry_queue(approver_haishu, date(2026, 2, 8))
    assert (row.what, row.valid_until, row.reminder.days_left) == ("登记证书", date(2026, 5, 9), 90)
    assert org.certificate_valid_until == date(2026, 5, 9)
