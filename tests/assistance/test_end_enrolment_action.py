"""`do_end_enrolment`: checked like its sibling, the gradual exit, and it ends the locked row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from minzheng.assistance.actions import do_end_enrolment, do_enrol
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


def test_an_auditor_may_not_end_an_enrolment_and_nothing_changes(
    enrolment: Enrolment, auditor: Any
) -> None:
    with pytest.raises(PermissionDenied, match="您的角色无权执行此操作"):
        do_end_enrolment(auditor, enrolment, last_paid_month=YearMonth(2021, 3), reason="x")
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.end_month is None
    assert not AuditEvent.objects.filter(object_type="enrolment", summary__startswith="终止")


def test_a_caseworker_ends_it_after_the_last_paid_month(
    enrolment: Enrolment, caseworker_xiaying: Any
) -> None:
    ended = do_end_enrolment(
        caseworker_xiaying, enrolment, last_paid_month=YearMonth(2021, 3), reason="复核退出"
    )
    assert ended.status == Enrolment.Status.ENDED
    assert str(ended.end_month) == "2021-04-01"
    # the caller's object follows the locked row it changed
    assert enrolment.status == Enrolment.Status.ENDED
    assert str(enrolment.end_month) == "2021-04-01"
    event = AuditEvent.objects.get(object_type="enrolment", summary="终止：复核退出")
    assert event.actor_name == "caseworker_xiaying"


def test_the_county_may_end_one_and_a_stale_copy_cannot_end_it_twice(
    enrolment: Enrolment, approver_yinzhou: Any
) -> None:
    stale = Enrolment.objects.get(pk=enrolment.pk)
    do_end_enrolment(approver_yinzhou, enrolment, last_paid_month=YearMonth(2021, 3), reason="x")
    # The check reads the locked row, not the caller's copy.
    with pytest.raises(ValidationFailed, match="该救助已终止"):
        do_end_enrolment(approver_yinzhou, stale, last_paid_month=YearMonth(2021, 5), reason="x")
    assert AuditEvent.objects.filter(object_type="enrolment", summary="终止：x").count() == 1
