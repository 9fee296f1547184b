"""Portal sign-in (#10 Deliver 8): no enumeration, per-ID/per-IP/global limits, idle timeout, POST
logout."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from minzheng.applications.models import SmsMessage

pytestmark = pytest.mark.django_db
LI_ID = "330203195001011238"
UNKNOWN_ID = "110105194912310021"


def _ask(client: Client, number: str) -> tuple[int, str, str]:
    response = client.post("/portal/", {"id_number": number})
    return (
        response.status_code,
        response.get("Location", ""),
        # What the resident reads (tokens and nonces differ on every page).
        " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()),
    )


def test_a_fourth_code_is_refused_the_same_way_registered_or_not(
    household_li_three_members: Any,
) -> None:
    known = [_ask(Client(REMOTE_ADDR=f"10.0.0.{i}"), LI_ID) for i in range(4)]
    unknown = [_ask(Client(REMOTE_ADDR=f"10.0.1.{i}"), UNKNOWN_ID) for i in range(4)]
    # Three answers "go to the code page", the fourth is refused — for both numbers alike.
    assert [k[:2] for k in known] == [u[:2] for u in unknown]
    assert known[3][0] == 200 and "验证码发送过于频繁" in known[3][2]
    assert known[3][2] == unknown[3][2]
    assert SmsMessage.objects.count() == 3


def test_one_address_gets_a_few_codes_per_hour_whatever_the_numbers(
    settings: Any, household_li_three_members: Any
) -> None:
    client = Client(REMOTE_ADDR="36.7.8.9")
    numbers = [f"11010519491231{n:04d}" for n in range(settings.PORTAL_CODES_PER_IP)]
    for number in numbers:
        assert _ask(client, number)[1] == "/portal/code/"
    status, _, body = _ask(client, LI_ID)
    assert status == 200 and "本网络获取验证码过于频繁" in body
    assert not SmsMessage.objects.exists()
    # Another address is not affected.
    assert _ask(Client(REMOTE_ADDR="36.7.8.10"), LI_ID)[1] == "/portal/code/"
    assert SmsMessage.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        assert _ask(client, LI_ID)[1] == "/portal/code/"


def test_a_global_ceiling_holds_for_the_whole_platform(
    settings: Any, household_li_three_members: Any
) -> None:
    settings.PORTAL_CODES_GLOBAL = 3
    for i in range(3):
        _ask(Client(REMOTE_ADDR=f"36.0.0.{i}"), f"11010519491231{i:04d}")
    _, _, body = _ask(Client(REMOTE_ADDR="36.0.9.9"), LI_ID)
    assert "系统繁忙" in body and not SmsMessage.objects.exists()


def _signed_in(client: Client) -> None:
    client.post("/portal/", {"id_number": LI_ID})
    code = re.search(r"验证码为(\d{6})", SmsMessage.objects.latest("id").body)
    assert code
    assert client.post("/portal/code/", {"code": code.group(1)})["Location"] == "/portal/mine/"


def test_a_resident_session_times_out_when_idle(household_li_three_members: Any) -> None:
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _signed_in(client)
        assert client.get("/portal/mine/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert client.get("/portal/mine/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=14 + 16), tick=False):
        response = client.get("/portal/mine/")
        assert response.status_code == 302 and response["Location"].startswith("/portal/")
        assert "长时间未操作" in client.get(response["Location"]).content.decode()
        assert client.get("/portal/mine/")["Location"] == "/portal/"


def test_portal_logout_is_post_only(household_li_three_members: Any) -> None:
    client = Client()
    _signed_in(client)
    assert client.get("/portal/logout/").status_code == 405
    assert client.get("/portal/mine/").status_code == 200  # a GET did not sign out
    assert "退出" in client.get("/portal/mine/").content.decode()
    assert client.post("/portal/logout/").status_code == 302
    assert client.get("/portal/mine/")["Location"] == "/portal/"


def test_staff_logout_is_post_only(caseworker_nanmen: Any) -> None:
    client = Client()
    client.force_login(caseworker_nanmen)
    assert client.get("/logout/").status_code == 405
    assert client.get("/").status_code == 200
    client.post("/logout/")
    assert client.get("/")["Location"].startswith("/login/")


def test_the_outbox_is_not_in_any_case_roles_menu(
    settings: Any, caseworker_nanmen: Any, city_admin: Any, sysadmin: Any
) -> None:
    settings.DEMO_MODE = True
    for user in (caseworker_nanmen, city_admin):
        client = Client()
        client.force_login(user)
        assert "短信发件箱" not in client.get("/").content.decode()
        assert client.get("/applications/sms-outbox/").status_code == 403
    admin = Client()
    admin.force_login(sysadmin)
    assert "短信发件箱" in admin.get("/").content.decode()
    settings.DEMO_MODE = False
    assert "短信发件箱" not in admin.get("/").content.decode()
