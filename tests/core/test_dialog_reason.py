"""The reason typed in the confirmation dialog goes with the audit event of the action it
confirmed — unlock and reveal here, any other action the same way (core.audit.dialog_reason)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_unlocking_an_account_records_the_reason(
    security_admin: Any, caseworker_nanmen: Any
) -> None:
    from minzheng.accounts.models import User

    User.objects.filter(pk=caseworker_nanmen.pk).update(locked_at=timezone.now())
    client = Client()
    client.force_login(security_admin)
    response = client.post(
        f"/security/locked/{caseworker_nanmen.pk}/unlock/", {"dialog_reason": "本人来电核实身份"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UNLOCK).get()
    assert event.summary == "解锁 caseworker_nanmen（理由：本人来电核实身份）"


def test_revealing_an_id_number_records_the_reason(
    approver_haishu: Any, household_li_three_members: Any
) -> None:
    head = household_li_three_members.head
    client = Client()
    client.force_login(approver_haishu)
    response = client.post(
        f"/registry/persons/{head.pk}/reveal/id_number/", {"dialog_reason": "核对低保申请材料"}
    )
    assert "330203195001011238" in response.content.decode()
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_PII).get()
    assert event.summary == "查看李建国的身份证号明文（理由：核对低保申请材料）"


def test_without_a_reason_the_summary_is_unchanged(
    approver_haishu: Any, household_li_three_members: Any
) -> None:
    client = Client()
    client.force_login(approver_haishu)
    client.post(f"/registry/persons/{household_li_three_members.head.pk}/reveal/phone/")
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_PII).get()
    assert event.summary == "查看李建国的手机号明文"
