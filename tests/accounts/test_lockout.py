from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minzheng.accounts.actions import do_unlock_user
from minzheng.accounts.models import LoginLog, User
from minzheng.core.errors import PermissionDenied
from minzheng.core.models import AuditEvent

from ..conftest import PASSWORD


def _login(client: Client, username: str, password: str) -> Any:
    return client.post("/login/", {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account(caseworker_nanmen: User) -> None:
    client = Client()
    for attempt in range(1, 5):
        response = _login(client, "caseworker_nanmen", "wrong-password")
        assert "用户名或密码错误" in response.content.decode()
        caseworker_nanmen.refresh_from_db()
        assert caseworker_nanmen.failed_logins == attempt and caseworker_nanmen.locked_at is None
    response = _login(client, "caseworker_nanmen", "wrong-password")
    assert "账号已锁定" in response.content.decode()
    caseworker_nanmen.refresh_from_db()
    assert caseworker_nanmen.locked_at is not None
    assert (
        AuditEvent.objects.filter(action="lock", object_id=str(caseworker_nanmen.pk)).count() == 1
    )


def test_a_locked_account_refuses_even_the_right_password(caseworker_nanmen: User) -> None:
    client = Client()
    for _ in range(5):
        _login(client, "caseworker_nanmen", "wrong-password")
    response = _login(client, "caseworker_nanmen", PASSWORD)
    assert response.status_code == 200 and "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert LoginLog.objects.filter(username="caseworker_nanmen", success=False).count() == 6


def test_the_security_administrator_unlocks_it(
    caseworker_nanmen: User, security_admin: User
) -> None:
    client = Client()
    for _ in range(5):
        _login(client, "caseworker_nanmen", "wrong-password")
    admin = Client()
    admin.force_login(security_admin)
    page = admin.get("/security/locked/")
    assert "caseworker_nanmen" in page.content.decode()
    admin.post(f"/security/locked/{caseworker_nanmen.pk}/unlock/")
    caseworker_nanmen.refresh_from_db()
    assert caseworker_nanmen.locked_at is None and caseworker_nanmen.failed_logins == 0
    assert _login(client, "caseworker_nanmen", PASSWORD).status_code == 302
    unlock = AuditEvent.objects.get(action="unlock")
    assert unlock.actor_name == "security_admin" and unlock.after == {
        "locked_at": None,
        "failed_logins": 0,
    }


def test_nobody_else_may_unlock(caseworker_nanmen: User, sysadmin: User, city_admin: User) -> None:
    for actor in (sysadmin, city_admin):
        with pytest.raises(PermissionDenied):
            do_unlock_user(actor, caseworker_nanmen)
    client = Client()
    client.force_login(sysadmin)
    assert client.post(f"/security/locked/{caseworker_nanmen.pk}/unlock/").status_code == 403


def test_a_success_resets_the_failure_count(caseworker_nanmen: User) -> None:
    client = Client()
    for _ in range(3):
        _login(client, "caseworker_nanmen", "wrong-password")
    assert _login(client, "caseworker_nanmen", PASSWORD).status_code == 302
    caseworker_nanmen.refresh_from_db()
    assert caseworker_nanmen.failed_logins == 0
