"""State changes of enrolments. Each is one transaction and writes the audit trail.

The package re-exports every public action, so callers import from `minzheng.assistance.actions`;
private helpers live in their submodules."""

from __future__ import annotations

from minzheng.assistance.actions.decisions import do_record_decision, replay_decision
from minzheng.assistance.actions.enrolments import (
    amount_for,
    do_change_enrolment_amount,
    do_end_enrolment,
    do_enrol,
    do_start_gradual_exit,
)
from minzheng.assistance.actions.facts import (
    do_record_adl_assessment,
    do_record_asset,
    do_record_extra_expense,
    do_record_income,
    do_record_supporter,
    do_set_member_circumstance,
)
from minzheng.assistance.actions.parameters import (
    do_confirm_parameter,
    do_load_parameter_catalog,
    do_propose_parameter,
    do_withdraw_parameter,
    first_month_in_force,
    preview_parameter,
)

__all__ = [
    "amount_for",
    "do_change_enrolment_amount",
    "do_confirm_parameter",
    "do_end_enrolment",
    "do_enrol",
    "do_load_parameter_catalog",
    "do_propose_parameter",
    "do_record_adl_assessment",
    "do_record_asset",
    "do_record_decision",
    "do_record_extra_expense",
    "do_record_income",
    "do_record_supporter",
    "do_set_member_circumstance",
    "do_start_gradual_exit",
    "do_withdraw_parameter",
    "first_month_in_force",
    "preview_parameter",
    "replay_decision",
]
