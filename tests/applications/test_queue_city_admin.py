"""救助申请 for the city administrator (issue #14: always empty, as the role acts on no step):
a role that acts on no step follows every open case of its scope, at every open step."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import time_machine

from minzheng.applications import actions, queries


def test_the_city_admin_follows_every_open_case(
    household_li_three_members: Any, caseworker_nanmen: Any, city_admin: Any
) -> None:
    with time_machine.travel(date(2026, 11, 2), tick=False):
        app = actions.do_submit_application(
            caseworker_nanmen,
            applicant=household_li_three_members.head,
            programmes=["dibao"],
            declared_income=Decimal("400"),
            reason="家庭成员失业，收入下降",
            consents_confirmed=True,
        )
    q = queries.queue_for(city_admin, date(2026, 11, 3))
    assert [(a.pk, a.step) for a in q.rows] == [(app.pk, "visit")]
    assert q.total == 1
    assert ("visit", 1) in [(s, n) for s, _label, n, _late in q.by_step]
