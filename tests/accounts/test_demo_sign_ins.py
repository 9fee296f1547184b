"""登录日志 shows real sign-ins on first login (issue #14): the demo signs its staff in through
the login action — two at their desks, one mistyped password — and a second run adds nothing."""

from __future__ import annotations

import pytest
from django.test import Client

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
    assert AuditEvent.objects.filter(action__in=("login", "login_failed")).count() == logins == 3
    log = sorted(LoginLog.objects.values_list("username", "success", "ip", "reason"))
    assert log == [
        ("approver_haishu", True, "10.20.1.8", ""),
        ("assistant_fuhu", False, "10.20.3.101", "用户名或密码错误"),
        ("caseworker_nanmen", True, "10.20.3.14", ""),
    ]
    throttle = LoginThrottle.objects.get()
    assert (throttle.username, throttle.failures, throttle.blocked_until) == (
        "assistant_fuhu",
        1,
        None,
    )  # one mistake pauses no one

    security = Client()
    security.force_login(User.objects.get(username="security_admin"))
    page = security.get("/security/login-log/").content.decode()
    assert "caseworker_nanmen" in page and "10.20.3.101" in page
