"""Resident sign-in by one-time code, applying online, and the QR status page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from minzheng.applications import actions
from minzheng.applications.models import Application, SignInCode, SmsMessage

pytestmark = pytest.mark.django_db
LI_ID = "330203195001011238"


def _last_code() -> str:
    match = re.search(r"验证码为(\d{6})", SmsMessage.objects.latest("id").body)
    assert match
    return match.group(1)


def _signed_in(client: Client) -> None:
    client.post("/portal/", {"id_number": LI_ID})
    response = client.post("/portal/code/", {"code": _last_code()})
    assert response.status_code == 302 and response["Location"] == "/portal/mine/"


def test_a_code_goes_to_the_phone_on_record_and_only_its_hash_is_stored(
    household_li_three_members: Any,
) -> None:
    person = actions.do_send_sign_in_code(LI_ID, ip="1.2.3.4")
    assert person == household_li_three_members.head
    message = SmsMessage.objects.get()
    assert message.phone_masked == "138****1234" and message.region_id == "330203001001"
    assert _last_code() not in SignInCode.objects.get().code_hash


def test_an_unknown_number_sends_nothing_and_looks_the_same(
    household_li_three_members: Any,
) -> None:
    client = Client()
    response = client.post("/portal/", {"id_number": "110105194912310021"})
    assert response.status_code == 302 and response["Location"] == "/portal/code/"
    assert not SmsMessage.objects.exists()
    response = client.post("/portal/code/", {"code": "123456"})
    assert "验证码错误或已失效" in response.content.decode()


def test_a_code_works_once(household_li_three_members: Any) -> None:
    person = actions.do_send_sign_in_code(LI_ID, ip=None)
    assert person is not None
    code = _last_code()
    assert actions.do_check_sign_in_code(person.pk, code, ip=None) == person
    with pytest.raises(actions.WorkflowRefused, match="验证码错误或已失效，请重新获取"):
        actions.do_check_sign_in_code(person.pk, code, ip=None)


def test_a_code_expires(household_li_three_members: Any) -> None:
    person = actions.do_send_sign_in_code(LI_ID, ip=None)
    assert person is not None
    code = _last_code()
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=6)),
        pytest.raises(actions.WorkflowRefused, match="已失效"),
    ):
        actions.do_check_sign_in_code(person.pk, code, ip=None)


def test_wrong_guesses_void_the_code(household_li_three_members: Any) -> None:
    person = actions.do_send_sign_in_code(LI_ID, ip=None)
    assert person is not None
    code = _last_code()
    for _ in range(5):
        with pytest.raises(actions.WorkflowRefused, match="验证码错误或已失效，请重新获取"):
            actions.do_check_sign_in_code(
                person.pk, "000000" if code != "000000" else "111111", ip=None
            )
    assert SignInCode.objects.get().attempts == 5
    with pytest.raises(actions.WorkflowRefused, match="验证码错误或已失效，请重新获取"):
        actions.do_check_sign_in_code(person.pk, code, ip=None)


def test_sending_is_rate_limited(household_li_three_members: Any) -> None:
    for _ in range(3):
        actions.do_send_sign_in_code(LI_ID, ip=None)
    with pytest.raises(actions.WorkflowRefused, match="验证码发送过于频繁") as refused:
        actions.do_send_sign_in_code(LI_ID, ip=None)
    assert refused.value.code == "code_rate_limited"
    assert SmsMessage.objects.count() == 3


def test_a_resident_applies_online_with_consents_recorded_and_suggestions(
    household_li_three_members: Any,
) -> None:
    client = Client(REMOTE_ADDR="36.1.2.3")
    _signed_in(client)
    suggestion = client.get("/portal/suggest/", {"declared_income": "600"}).content.decode()
    assert "低保" in suggestion
    response = client.post(
        "/portal/apply/",
        {
            "declared_income": "600",
            "programmes": ["dibao", "linshi"],
            "pledge": "1",
            "authorisation": "1",
            "reason": "老两口无收入",
            "bank_name": "中国农业银行",
            "account_number": "6228480011112222333",
            "account_holder": "agent",
            "agent_name": "李明",
            "agent_relation": "子女",
        },
    )
    app = Application.objects.get()
    assert response["Location"] == f"/portal/status/{app.status_token}/"
    assert app.channel == "portal" and app.step == "submitted"
    assert app.programmes == ["dibao", "linshi"] and "dibao" in app.suggested
    assert app.pledge_ip == "36.1.2.3" and app.authorisation_signed_at is not None
    assert app.step_due is not None
    from minzheng.payments.models import BankAccount

    account = BankAccount.objects.get(person=app.applicant, active=True)
    assert (account.holder_name, account.holder_relation, account.number_masked) == (
        "李明",
        "子女",
        "6228***********2333",
    )


def test_the_portal_refuses_an_application_without_the_consents(
    household_li_three_members: Any,
) -> None:
    client = Client()
    _signed_in(client)
    response = client.post("/portal/apply/", {"declared_income": "600", "programmes": ["dibao"]})
    assert "请阅读并确认诚信承诺书和核对授权书" in response.content.decode()
    assert not Application.objects.exists()


def test_the_apply_page_needs_a_signed_in_resident() -> None:
    assert Client().get("/portal/apply/")["Location"] == "/portal/"


def test_the_status_page_masks_the_name_and_needs_no_login(application_li: Any) -> None:
    body = Client().get(f"/portal/status/{application_li.status_token}/").content.decode()
    assert "李*国" in body and "李建国" not in body
    assert "入户调查" in body and "办理中" in body
    assert Client().get("/portal/status/not-a-real-token-at-all-xx/").status_code == 404


def test_the_village_notice_lists_cases_in_notice_with_masked_names(
    application_li: Any, caseworker_nanmen: Any
) -> None:
    from .conftest import walk_to_public_notice

    assert (
        "当前没有公示中的申请"
        in Client().get("/portal/public-notice/330203001001/").content.decode()
    )
    walk_to_public_notice(application_li, caseworker_nanmen)
    body = Client().get("/portal/public-notice/330203001001/").content.decode()
    assert "李*国" in body and "李建国" not in body and "2020-10-02" in body
    assert Client().get("/portal/public-notice/330212003001/").content.decode().count("李*国") == 0
    assert Client().get("/portal/public-notice/999/").status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"bank_name": "花旗银行", "account_number": "6228480011112222333"},
            "请从列表中选择开户银行",
        ),
        ({"bank_name": "中国农业银行", "account_number": "62284800AB"}, "银行账号应为12至25位数字"),
        ({"bank_name": "中国农业银行", "account_number": "6228480011112222334"}, "校验位不正确"),
        (
            {
                "bank_name": "中国农业银行",
                "account_number": "6228480011112222333",
                "account_holder": "agent",
            },
            "须填写代理人姓名及与申请人的关系",
        ),
    ],
)
def test_a_bad_bank_account_is_refused_and_nothing_is_saved(
    household_li_three_members: Any, fields: dict[str, str], message: str
) -> None:
    from minzheng.payments.models import BankAccount

    client = Client()
    _signed_in(client)
    response = client.post(
        "/portal/apply/",
        {
            "declared_income": "600",
            "programmes": ["dibao"],
            "pledge": "1",
            "authorisation": "1",
            **fields,
        },
    )
    assert message in response.content.decode()
    assert not Application.objects.exists() and not BankAccount.objects.exists()
