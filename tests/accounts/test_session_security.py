from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from minzheng.accounts.models import User

from ..conftest import PASSWORD


def test_thirty_idle_minutes_end_the_session(caseworker_nanmen: User) -> None:
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert (
            client.post(
                "/login/", {"username": "caseworker_nanmen", "password": PASSWORD}
            ).status_code
            == 302
        )
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=29 + 31), tick=False):
        response = client.get("/registry/persons/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_login_without_a_csrf_token_is_refused(caseworker_nanmen: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "caseworker_nanmen", "password": PASSWORD})
    assert response.status_code == 403


def test_pages_carry_security_headers(db: None) -> None:
    response = Client().get("/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_an_unknown_page_is_a_plain_chinese_404_not_a_debug_page(db: None) -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and "Traceback" not in body and "URLconf" not in body


def test_each_role_sees_only_its_menu(
    caseworker_nanmen: User, auditor: User, sysadmin: User
) -> None:
    pages = {}
    for user in (caseworker_nanmen, auditor, sysadmin):
        client = Client()
        client.force_login(user)
        pages[user.username] = client.get("/").content.decode()
    assert "人员查询" in pages["caseworker_nanmen"] and "审计日志" not in pages["caseworker_nanmen"]
    assert "审计日志" in pages["auditor"] and "人员查询" not in pages["auditor"]
    assert "用户管理" in pages["sysadmin"] and "人员查询" not in pages["sysadmin"]
