"""Every state change of an application, review or sign-in code: one transaction, checked, audited.

The package re-exports every public action, so callers import from `minzheng.applications.actions`;
private helpers live in their submodules."""

from __future__ import annotations

from minzheng.applications.actions.common import OBJECT, WorkflowRefused, case_facts
from minzheng.applications.actions.decision import do_county_decide
from minzheng.applications.actions.fast_track import do_start_fast_track
from minzheng.applications.actions.intake import (
    do_accept_application,
    do_sign_consents,
    do_submit_application,
)
from minzheng.applications.actions.investigation import (
    do_defer_home_visit,
    do_extend_limit,
    do_grant_advance_aid,
    do_record_home_visit,
    do_record_verification,
    do_township_review,
)
from minzheng.applications.actions.public_notice import (
    do_answer_objection,
    do_close_public_notice,
    do_record_objection,
    do_record_spot_check,
)
from minzheng.applications.actions.reviews import (
    do_complete_review,
    do_start_termination_notice,
    schedule_review,
)
from minzheng.applications.actions.signin import do_check_sign_in_code, do_send_sign_in_code

__all__ = [
    "OBJECT",
    "WorkflowRefused",
    "case_facts",
    "do_accept_application",
    "do_answer_objection",
    "do_check_sign_in_code",
    "do_close_public_notice",
    "do_complete_review",
    "do_county_decide",
    "do_defer_home_visit",
    "do_extend_limit",
    "do_grant_advance_aid",
    "do_record_home_visit",
    "do_record_objection",
    "do_record_spot_check",
    "do_record_verification",
    "do_send_sign_in_code",
    "do_sign_consents",
    "do_start_fast_track",
    "do_start_termination_notice",
    "do_submit_application",
    "do_township_review",
    "schedule_review",
]
