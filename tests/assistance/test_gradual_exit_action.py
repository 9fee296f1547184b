"""`do_start_gradual_exit`: 渐退期, not ended; paid up to the end month; audited; checked."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from minzheng.assistance.actions import amount_for, do_enrol, do_start_gradual_exit
from minzheng.assistance.models import Enrolment
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolment(household_zhou_yinzhou: Any) -> Enrolment:
    return do_enrol(
        None,
        household=household_zhou_yinzhou,
        programme="dibao",
        start=YearMonth(2020, 10),
        amount=Decimal("900"),
    )


def test_gradual_exit_keeps_paying_until_the_end_month(
    enrolment: Enrolment, caseworker_xiaying: Any
) -> None:
    result = do_start_gradual_exit(
        caseworker_xiaying, enrolment, until=YearMonth(2021, 4), reason="儿子就业，收入超标"
    )
    result.refresh_from_db()
    assert result.status == Enrolment.Status.GRADUAL_EXIT
    assert result.get_status_display() == "渐退期"
    assert str(result.end_month) == "2021-05-01"
    assert amount_for(result, YearMonth(2021, 4)) == Decimal("900")
    assert amount_for(result, YearMonth(2021, 5)) is None
    event = AuditEvent.objects.filter(object_type="enrolment", summary__startswith="渐退").first()
    assert event is not None and "渐退" in event.summary


def test_gradual_exit_refused_twice_and_for_auditors(
    enrolment: Enrolment, caseworker_xiaying: Any, auditor: Any
) -> None:
    with pytest.raises(PermissionDenied, match="您的角色无权执行此操作"):
        do_start_gradual_exit(auditor, enrolment, until=YearMonth(2021, 4), reason="x")
    do_start_gradual_exit(caseworker_xiaying, enrolment, until=YearMonth(2021, 4), reason="x")
    with pytest.raises(ValidationFailed, match="只有在保的救助可以进入渐退期"):
        do_start_gradual_exit(caseworker_xiaying, enrolment, until=YearMonth(2021, 5), reason="x")
