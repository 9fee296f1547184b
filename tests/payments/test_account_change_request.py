"""变更银行账户: a caseworker files, an approver decides; only then does the new account pay.
Numbers are masked on every page and in the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.payments.account_changes import do_decide_account_change, do_file_account_change
from minzheng.payments.accounts import check_account_form
from minzheng.payments.actions import do_register_bank_account
from minzheng.payments.models import AccountChange, BankAccount

pytestmark = pytest.mark.django_db

OLD = "6222020200112233445"
NEW = "6217000010012345677"  # a UnionPay number with a valid check digit


@pytest.fixture
def li_paid_at_icbc(household_li_three_members: Any, caseworker_nanmen: Any) -> Any:
    head = household_li_three_members.head
    do_register_bank_account(caseworker_nanmen, head, bank_name="中国工商银行", number=OLD)
    return head


def _agent_form(person: Any) -> Any:
    return check_account_form(
        person,
        bank_name="中国建设银行",
        number=NEW,
        holder="agent",
        agent_name="李明",
        relation="子女",
    )


def test_the_new_account_pays_only_after_another_person_approves(
    li_paid_at_icbc: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    change = do_file_account_change(
        caseworker_nanmen, li_paid_at_icbc, _agent_form(li_paid_at_icbc), reason="老人行动不便"
    )
    active = BankAccount.objects.get(person=li_paid_at_icbc, active=True)
    assert (active.bank_name, active.number_masked) == ("中国工商银行", "6222***********3445")
    assert change.number_masked == "6217***********5677"

    do_decide_account_change(approver_haishu, change.pk, approve=True)
    active = BankAccount.objects.get(person=li_paid_at_icbc, active=True)
    assert (active.bank_name, active.number_masked, active.holder_name, active.holder_relation) == (
        "中国建设银行",
        "6217***********5677",
        "李明",
        "子女",
    )
    assert BankAccount.objects.filter(person=li_paid_at_icbc).count() == 2
    change.refresh_from_db()
    assert change.status == "approved" and change.new_account_id == active.pk


def test_the_audit_trail_holds_masked_numbers_only(
    li_paid_at_icbc: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    change = do_file_account_change(
        caseworker_nanmen, li_paid_at_icbc, _agent_form(li_paid_at_icbc), reason="换卡"
    )
    do_decide_account_change(approver_haishu, change.pk, approve=True)
    events = AuditEvent.objects.filter(object_type="account_change").order_by("id")
    assert [e.summary for e in events] == [
        "申请变更李建国的银行账户为 中国建设银行 6217***********5677，收款人代理人李*（子女）",
        "批准李建国的银行账户变更（6217***********5677）",
    ]
    for event in events:
        assert NEW not in f"{event.summary}{event.before}{event.after}"


def test_rejecting_needs_a_comment_and_keeps_the_old_account(
    li_paid_at_icbc: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    change = do_file_account_change(
        caseworker_nanmen, li_paid_at_icbc, _agent_form(li_paid_at_icbc), reason="换卡"
    )
    with pytest.raises(ValidationFailed, match="驳回须填写审核意见"):
        do_decide_account_change(approver_haishu, change.pk, approve=False)
    do_decide_account_change(approver_haishu, change.pk, approve=False, comment="代理委托书未附")
    active = BankAccount.objects.get(person=li_paid_at_icbc, active=True)
    assert active.bank_name == "中国工商银行"
    with pytest.raises(ValidationFailed, match="该申请已审核"):
        do_decide_account_change(approver_haishu, change.pk, approve=True)


def test_one_pending_request_at_a_time_and_no_self_approval(
    li_paid_at_icbc: Any, caseworker_nanmen: Any, approver_yinzhou: Any
) -> None:
    form = _agent_form(li_paid_at_icbc)
    change = do_file_account_change(caseworker_nanmen, li_paid_at_icbc, form, reason="换卡")
    with pytest.raises(ValidationFailed, match="已有待审核"):
        do_file_account_change(caseworker_nanmen, li_paid_at_icbc, form, reason="再次")
    with pytest.raises(PermissionDenied, match="只有审核审批人员可以审核银行账户变更"):
        do_decide_account_change(caseworker_nanmen, change.pk, approve=True)
    from minzheng.core.errors import NotFound

    with pytest.raises(
        NotFound, match="记录不存在或不在您的管辖范围内"
    ):  # another county's approver does not see it
        do_decide_account_change(approver_yinzhou, change.pk, approve=True)


def test_the_pages_file_list_and_decide(
    li_paid_at_icbc: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    worker = Client()
    worker.force_login(caseworker_nanmen)
    detail = worker.get(f"/registry/persons/{li_paid_at_icbc.pk}/").content.decode()
    assert "中国工商银行 6222***********3445" in detail and "变更银行账户" in detail
    bad = worker.post(
        f"/payments/account-changes/new/{li_paid_at_icbc.pk}/",
        {"bank_name": "中国建设银行", "account_number": "12ab", "reason": "换卡"},
    )
    assert bad.status_code == 400 and "银行账号应为12至25位数字" in bad.content.decode()
    assert not AccountChange.objects.exists()
    filed = worker.post(
        f"/payments/account-changes/new/{li_paid_at_icbc.pk}/",
        {
            "bank_name": "中国建设银行",
            "account_number": NEW,
            "account_holder": "agent",
            "agent_name": "李明",
            "agent_relation": "子女",
            "reason": "老人行动不便",
        },
    )
    assert filed.status_code == 302
    approver = Client()
    approver.force_login(approver_haishu)
    listing = approver.get("/payments/account-changes/?status=pending").content.decode()
    assert "6217***********5677" in listing and NEW not in listing
    assert "李明（代理人，子女）" in listing
    change = AccountChange.objects.get()
    approver.post(
        f"/payments/account-changes/{change.pk}/decide/",
        {"decision": "approve", "dialog_reason": "委托书齐全"},
    )
    assert BankAccount.objects.get(person=li_paid_at_icbc, active=True).holder_name == "李明"
    event = AuditEvent.objects.filter(object_type="account_change").latest("id")
    assert event.summary.endswith("（理由：委托书齐全）")


def test_the_roll_shows_the_account_holder_beside_the_payee(
    approved_march: Any, caseworker_nanmen: Any, approver_haishu: Any
) -> None:
    """An agent holds 李建国's new account: the roll names the agent and the relation."""
    head = approved_march.lines.filter(payee__name="李建国").first().payee
    change = do_file_account_change(caseworker_nanmen, head, _agent_form(head), reason="换卡")
    do_decide_account_change(approver_haishu, change.pk, approve=True)
    client = Client()
    client.force_login(approver_haishu)
    page = client.get(f"/payments/rolls/{approved_march.pk}/?name=李建国").content.decode()
    assert "<td data-holder>李明（代理人，子女）</td>" in page
    other = client.get(f"/payments/rolls/{approved_march.pk}/?name=赵德顺").content.decode()
    assert "<td data-holder>赵德顺</td>" in other
