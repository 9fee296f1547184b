"""Lockout an outsider cannot turn into denial of service: per account AND source, with backoff."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from minzheng.accounts.actions import backoff_seconds, do_unlock_user
from minzheng.accounts.models import LoginLog, LoginThrottle, User
from minzheng.core.errors import PermissionDenied
from minzheng.core.models import AuditEvent

from ..conftest import PASSWORD

ATTACKER = "203.0.113.66"
DESK = "10.20.30.40"


def _login(client: Client, username: str, password: str, ip: str = ATTACKER) -> Any:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_wrong_passwords_stop_that_source_not_the_account(caseworker_nanmen: User) -> None:
    client = Client()
    for _ in range(5):
        response = _login(client, "caseworker_nanmen", "wrong-password")
        assert "用户名或密码错误" in response.content.decode()
    # The attacker's address now waits, even with the right password …
    response = _login(client, "caseworker_nanmen", PASSWORD)
    assert "尝试过于频繁" in response.content.decode() and "_auth_user_id" not in client.session
    # … while the caseworker at their own desk signs in as usual.
    desk = Client()
    assert _login(desk, "caseworker_nanmen", PASSWORD, ip=DESK).status_code == 302
    caseworker_nanmen.refresh_from_db()
    assert caseworker_nanmen.locked_at is None
    throttle = LoginThrottle.objects.get(username="caseworker_nanmen", ip=ATTACKER)
    assert throttle.failures == 5 and throttle.blocked_until is not None
    assert (
        AuditEvent.objects.filter(action="lock", object_id=str(caseworker_nanmen.pk)).count() == 1
    )


def test_the_wait_doubles_with_every_further_failure(
    settings: Any, caseworker_nanmen: User
) -> None:
    assert [backoff_seconds(n) for n in (4, 5, 6, 7)] == [0, 60, 120, 240]
    assert backoff_seconds(30) == settings.LOGIN_BACKOFF_MAX
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _login(client, "caseworker_nanmen", "wrong-password")
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert "用户名或密码错误" in _login(client, "caseworker_nanmen", "x").content.decode()
        blocked = LoginThrottle.objects.get(username="caseworker_nanmen").blocked_until
        assert blocked is not None and blocked - timezone.now() == timedelta(seconds=120)
    with time_machine.travel(start + timedelta(seconds=61 + 121), tick=False):
        assert _login(client, "caseworker_nanmen", PASSWORD).status_code == 302


def test_an_unknown_username_gets_exactly_the_same_answers(caseworker_nanmen: User) -> None:
    known, unknown = Client(), Client()
    for _ in range(5):
        a = _login(known, "caseworker_nanmen", "wrong-password")
        b = _login(unknown, "nobody_here", "wrong-password", ip="198.51.100.7")
        assert a.status_code == b.status_code == 200
        assert "用户名或密码错误" in a.content.decode()
        assert "用户名或密码错误" in b.content.decode()
    a = _login(known, "caseworker_nanmen", PASSWORD)
    b = _login(unknown, "nobody_here", PASSWORD, ip="198.51.100.7")
    assert "尝试过于频繁" in a.content.decode() and "尝试过于频繁" in b.content.decode()
    assert "锁定" not in a.content.decode()


def test_password_spraying_from_one_address_is_stopped(
    settings: Any, make_staff: Any, caseworker_nanmen: User
) -> None:
    settings.LOGIN_IP_MAX_FAILURES = 3
    client = Client()
    for name in ("a1", "a2", "a3"):
        _login(client, name, "wrong-password")
    response = _login(client, "caseworker_nanmen", PASSWORD)
    assert "尝试过于频繁" in response.content.decode()
    assert _login(Client(), "caseworker_nanmen", PASSWORD, ip=DESK).status_code == 302


def test_the_security_administrator_lifts_a_restriction(
    caseworker_nanmen: User, security_admin: User
) -> None:
    client = Client()
    for _ in range(5):
        _login(client, "caseworker_nanmen", "wrong-password")
    admin = Client()
    admin.force_login(security_admin)
    page = admin.get("/security/locked/").content.decode()
    assert "caseworker_nanmen" in page and ATTACKER in page
    admin.post(f"/security/locked/{caseworker_nanmen.pk}/unlock/")
    assert not LoginThrottle.objects.filter(username="caseworker_nanmen").exists()
    assert _login(client, "caseworker_nanmen", PASSWORD).status_code == 302
    unlock = AuditEvent.objects.get(action="unlock")
    assert unlock.actor_name == "security_admin" and unlock.before == {
        "locked_at": None,
        "sources": [ATTACKER],
    }


def test_nobody_else_may_unlock(caseworker_nanmen: User, sysadmin: User, city_admin: User) -> None:
    for actor in (sysadmin, city_admin):
        with pytest.raises(PermissionDenied, match="只有安全管理员可以解锁账号"):
            do_unlock_user(actor, caseworker_nanmen)
    client = Client()
    client.force_login(sysadmin)
    assert client.post(f"/security/locked/{caseworker_nanmen.pk}/unlock/").status_code == 403


def test_a_success_resets_the_failure_count(caseworker_nanmen: User) -> None:
    client = Client()
    for _ in range(3):
        _login(client, "caseworker_nanmen", "wrong-password")
    assert _login(client, "caseworker_nanmen", PASSWORD).status_code == 302
    assert not LoginThrottle.objects.filter(username="caseworker_nanmen").exists()
    assert LoginLog.objects.filter(username="caseworker_nanmen", success=False).count() == 3


def test_an_over_long_username_is_answered_not_crashed(db: None) -> None:
    response = _login(Client(), "x" * 5000, "wrong-password")
    assert response.status_code == 200 and "用户名或密码错误" in response.content.decode()


def test_nul_and_control_characters_are_refused_not_crashed(caseworker_nanmen: User) -> None:
    # The input guard (core/middleware.py) refuses NUL and control characters before the login
    # form sees them: a Chinese 400, the same whether or not the account exists.
    for username, password in (("case\x00worker", "x"), ("caseworker_nanmen", "pa\x00ss")):
        response = _login(Client(), username, password)
        assert response.status_code == 400
        assert "不允许" in response.content.decode()
    # A tab is ordinary text: just a wrong username.
    response = _login(Client(), "a\tb", "x")
    assert response.status_code == 200 and "用户名或密码错误" in response.content.decode()
