"""登录日志 and 账号解锁 show real sign-ins on first login (issue #14): the demo signs its staff in
through the login action — two at their desks, one mistyped password, an outsider's five wrong
passwords for 鄞州's approver — and a second run adds nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from minzheng.accounts.demo import seed_demo, seed_sign_ins
from minzheng.accounts.models import LoginLog, LoginThrottle, User
from minzheng.core.models import AuditEvent
from minzheng.demo import DEMO_PASSWORD, ensure_demo_staff

pytestmark = pytest.mark.django_db


def test_the_demo_staff_sign_in_through_the_login_action_once(regions: None) -> None:
    ensure_demo_staff()
    seed_demo(DEMO_PASSWORD)
    logins = AuditEvent.objects.filter(action__in=("login", "login_failed")).count()
    assert seed_sign_ins(DEMO_PASSWORD) == 0  # a second demo start
    assert AuditEvent.objects.filter(action__in=("login", "login_failed")).count() == logins == 8
    log = sorted(LoginLog.objects.values_list("username", "success", "ip", "reason"))
    assert log == [
        ("approver_haishu", True, "10.20.1.8", ""),
        *[("approver_yinzhou", False, "203.0.113.45", "用户名或密码错误")] * 5,
        ("assistant_fuhu", False, "10.20.3.101", "用户名或密码错误"),
        ("caseworker_nanmen", True, "10.20.3.14", ""),
    ]
    mistake = LoginThrottle.objects.get(username="assistant_fuhu")
    assert (mistake.failures, mistake.blocked_until) == (1, None)  # one mistake pauses no one
    outsider = LoginThrottle.objects.get(username="approver_yinzhou")
    assert (outsider.ip, outsider.failures) == ("203.0.113.45", 5)
    assert outsider.blocked_until is not None and outsider.blocked_until > timezone.now()
    assert AuditEvent.objects.filter(action="lock").count() == 1

    security = Client()
    security.force_login(User.objects.get(username="security_admin"))
    page = security.get("/security/login-log/").content.decode()
    assert "caseworker_nanmen" in page and "10.20.3.101" in page

    # 账号解锁 on first login: the outsider's source paused now, the mistake among the week's.
    paused, recent = _locked_page_tables()
    assert [row[0] for row in paused] == ["approver_yinzhou"] and "203.0.113.45" in paused[0]
    assert [row[0] for row in recent] == ["assistant_fuhu"] and "未暂停" in recent[0]
    # An hour later the pause has run out: both are among the week's failures, not paused.
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        paused, recent = _locked_page_tables()
    assert paused == [["没有受限的登录来源"]]
    assert sorted(row[0] for row in recent) == ["approver_yinzhou", "assistant_fuhu"]
    # A week later nothing is left to show.
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        paused, recent = _locked_page_tables()
    assert recent == [["近 7 天没有登录失败"]]


def _locked_page_tables() -> list[list[list[str]]]:
    """The body rows of 账号解锁's first two tables, as cell texts (a new session each time: an
    hour's idle ends one)."""
    import re

    client = Client()
    client.force_login(User.objects.get(username="security_admin"))
    html = client.get("/security/locked/").content.decode()
    bodies = re.findall(r"<tbody>(.*?)</tbody>", html, flags=re.S)[:2]
    return [
        [
            [
                re.sub(r"<[^>]+>", "", cell).strip()
                for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            ]
            for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
        ]
        for body in bodies
    ]
