"""A resident's complaint: received with its deadline, escalated when overdue (once a day at
most), answered in writing, rated unsatisfied (reopened with a new deadline), answered again and
closed when rated satisfied."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from minzheng.grievances import actions
from minzheng.grievances.models import Grievance, GrievanceEvent

from .conftest import at

pytestmark = pytest.mark.django_db


def receive(person: Any, **kw: Any) -> Grievance:
    fields = {
        "kind": "complaint",
        "channel": "portal",
        "category": "payment",
        "content": "九月份低保金至今未到账，请核查。",
        "region": person.region,
        "complainant": person,
    }
    return actions.do_receive(None, **{**fields, **kw})


def test_the_complaint_escalates_when_overdue_and_closes_when_the_resident_is_satisfied(
    li_jianguo: Any, caseworker_nanmen: Any
) -> None:
    with time_machine.travel(at(date(2025, 9, 30)), tick=False) as clock:
        g = receive(li_jianguo)
        assert (g.due_on, g.status) == (date(2025, 10, 28), "open")
        assert g.sla_version == "grievances.sla_working_days.complaint@330200@2020-01-01"

        clock.move_to(at(date(2025, 10, 28)))
        assert actions.do_escalate_overdue(None, date(2025, 10, 28)) == 0
        clock.move_to(at(date(2025, 10, 29)))
        assert actions.do_escalate_overdue(None, date(2025, 10, 29)) == 1
        assert actions.do_escalate_overdue(None, date(2025, 10, 29)) == 0
        g.refresh_from_db()
        # Three working days from 10-29: 10-30, 10-31, 11-03.
        assert (g.escalation_level, g.escalated_on, g.due_on) == (
            1,
            date(2025, 10, 29),
            date(2025, 11, 3),
        )

        g = actions.do_reply(
            caseworker_nanmen,
            g,
            text="经核查，九月低保金因银行账户冻结退回，已于10月30日重新发放。",
        )
        assert g.status == "answered"
        g = actions.do_rate(li_jianguo, g, satisfaction="unsatisfied", comment="仍未收到")
        assert (g.status, g.reopen_count, g.escalation_level) == ("open", 1, 0)
        assert g.due_on == date(2025, 11, 19)  # 15 working days from 10-29

        actions.do_reply(
            caseworker_nanmen, g, text="已联系银行确认，款项已于今日到账，请查收存折。"
        )
        g = actions.do_rate(li_jianguo, g, satisfaction="satisfied")
        assert g.status == "closed"
    kinds = list(GrievanceEvent.objects.filter(grievance=g).values_list("action", flat=True))
    assert kinds == [
        "received",
        "escalated",
        "replied",
        "rated",
        "reopened",
        "replied",
        "rated",
        "closed",
    ]


def test_another_resident_cannot_rate_it_and_a_closed_item_cannot_be_rated_again(
    li_jianguo: Any, household_zhou_yinzhou: Any, caseworker_nanmen: Any
) -> None:
    from minzheng.core.errors import ValidationFailed

    g = receive(li_jianguo)
    actions.do_reply(caseworker_nanmen, g, text="经核查，已按规定处理，请查收答复。")
    with pytest.raises(ValidationFailed, match="未找到您的诉求"):
        actions.do_rate(household_zhou_yinzhou.head, g, satisfaction="satisfied")
    actions.do_rate(li_jianguo, g, satisfaction="basic")
    with pytest.raises(ValidationFailed, match="尚未答复或已办结"):
        actions.do_rate(li_jianguo, g, satisfaction="unsatisfied")


def test_a_12345_transfer_needs_its_ticket_number_and_bad_input_changes_nothing(
    li_jianguo: Any, caseworker_nanmen: Any
) -> None:
    from minzheng.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="12345转办须填写工单号"):
        receive(li_jianguo, channel="transfer_12345")
    with pytest.raises(ValidationFailed, match="联系电话应为7至12位数字"):
        receive(li_jianguo, phone="1380574abcd")
    with pytest.raises(ValidationFailed, match="请填写诉求内容"):
        receive(li_jianguo, content="太慢")
    assert not Grievance.objects.exists()
    g = receive(
        li_jianguo, channel="transfer_12345", external_ref="NB20251001-0042", phone="13805741234"
    )
    assert g.phone_masked == "138****1234" and "13805741234" not in g.phone_cipher


def test_the_escalation_run_of_another_county_leaves_haishu_alone(
    li_jianguo: Any, caseworker_xiaying: Any
) -> None:
    with time_machine.travel(at(date(2025, 9, 30)), tick=False):
        receive(li_jianguo)
    assert actions.do_escalate_overdue(caseworker_xiaying, date(2025, 12, 1)) == 0
    assert actions.do_escalate_overdue(None, date(2025, 12, 1)) == 1
