"""The resident changes their benefit account on the portal: the same maker-checker request the
staff file (payments.AccountChange), pending until a county approver decides it; masked only."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client

from minzheng.core.models import AuditEvent
from minzheng.payments.account_changes import do_decide_account_change
from minzheng.payments.actions import do_register_bank_account
from minzheng.payments.models import AccountChange, BankAccount
from tests.payments.conftest import enrol

pytestmark = pytest.mark.django_db

OLD = "6222020200112233445"
NEW = "6217000010012345677"  # UnionPay, valid check digit


def portal_client(person: Any) -> Client:
    client = Client()
    session = client.session
    session["portal_person"] = person.pk
    session["portal_seen"] = time.time()
    session.save()
    return client


@pytest.fixture
def li_enrolled(household_li_three_members: Any, caseworker_nanmen: Any) -> Any:
    enrol(household_li_three_members, "dibao", "2024-01", "1200.00")
    head = household_li_three_members.head
    do_register_bank_account(caseworker_nanmen, head, bank_name="中国工商银行", number=OLD)
    return head


def _post(client: Client, **over: str) -> Any:
    data = {
        "bank_name": "中国建设银行",
        "account_number": NEW,
        "account_holder": "agent",
        "agent_name": "李明",
        "agent_relation": "子女",
        "reason": "原卡挂失",
    }
    data.update(over)
    return client.post("/portal/account/", data)


def test_resident_files_a_change_that_pays_only_after_approval(
    li_enrolled: Any, approver_haishu: Any
) -> None:
    client = portal_client(li_enrolled)
    response = _post(client)
    assert response.status_code == 302
    change = AccountChange.objects.get(person=li_enrolled)
    assert (change.status, change.filed_by_id, change.number_masked, change.holder_name) == (
        "pending",
        None,
        "6217***********5677",
        "李明",
    )
    assert BankAccount.objects.get(person=li_enrolled, active=True).number_masked == (
        "6222***********3445"
    )
    page = client.get("/portal/account/?filed=1").content.decode()
    assert "6217***********5677" in page and "待审核" in page and NEW not in page
    assert "不能再次提交" in page

    do_decide_account_change(approver_haishu, change.pk, approve=True)
    active = BankAccount.objects.get(person=li_enrolled, active=True)
    assert (active.bank_name, active.number_masked, active.holder_relation) == (
        "中国建设银行",
        "6217***********5677",
        "子女",
    )
    page = client.get("/portal/account/").content.decode()
    assert "已批准" in page and "当前收款账户：中国建设银行 6217***********5677" in page

    event = AuditEvent.objects.get(object_type="account_change", action="create")
    assert event.actor_name == "居民 李*国" and event.actor_id is None
    assert event.person_id == li_enrolled.pk and NEW not in f"{event.summary}{event.after}"


def test_staff_list_shows_the_resident_as_filer(
    li_enrolled: Any, approver_haishu: Any, client: Client
) -> None:
    _post(portal_client(li_enrolled))
    client.force_login(approver_haishu)
    page = client.get("/payments/account-changes/").content.decode()
    assert "居民本人（网上申请）" in page and "6217***********5677" in page


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"account_number": "6217000010012345678"}, "银行卡号校验位不正确"),
        ({"account_number": "12ab"}, "银行账号应为12至25位数字"),
        ({"bank_name": "瑞士银行"}, "请从列表中选择开户银行"),
        ({"agent_name": ""}, "须填写代理人姓名及与申请人的关系"),
        ({"reason": " "}, "请填写变更理由"),
    ],
)
def test_bad_input_is_a_chinese_error_that_changes_nothing(
    li_enrolled: Any, over: dict[str, str], message: str
) -> None:
    response = _post(portal_client(li_enrolled), **over)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AccountChange.objects.exists()
    assert not AuditEvent.objects.filter(object_type="account_change").exists()


def test_a_second_request_waits_for_the_first(li_enrolled: Any) -> None:
    client = portal_client(li_enrolled)
    _post(client)
    response = _post(client, bank_name="中国银行")
    assert response.status_code == 400
    assert "已有待审核的账户变更申请" in response.content.decode()
    assert AccountChange.objects.count() == 1


def test_a_household_not_enrolled_cannot_file(household_li_three_members: Any) -> None:
    response = _post(portal_client(household_li_three_members.head))
    assert response.status_code == 400
    assert "没有在保的救助" in response.content.decode()
    assert not AccountChange.objects.exists()


def test_a_resident_cannot_touch_another_persons_account(
    li_enrolled: Any, household_zhou_yinzhou: Any
) -> None:
    """The person is the one signed in; a person id in the form is ignored."""
    enrol(household_zhou_yinzhou, "dibao", "2024-01", "900.00")
    zhou = household_zhou_yinzhou.head
    client = portal_client(zhou)
    client.post(
        "/portal/account/",
        {
            "person": str(li_enrolled.pk),
            "person_id": str(li_enrolled.pk),
            "bank_name": "中国银行",
            "account_number": NEW,
            "account_holder": "applicant",
            "reason": "换卡",
        },
    )
    assert not AccountChange.objects.filter(person=li_enrolled).exists()
    assert AccountChange.objects.get().person_id == zhou.pk
    assert "6222***********3445" not in client.get("/portal/account/").content.decode()


def test_signed_out_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.post("/portal/account/", {"bank_name": "中国银行"})
    assert response.status_code == 302 and response.url == "/portal/"
    assert not AccountChange.objects.exists()
