"""Demo data for the account pages: a proposal waiting in 授权审批, a partner client with an
expiry, and the staff's first sign-ins in 登录日志."""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone

# (login, source address, right password): sign-ins through the login action itself, so 登录日志
# shows real entries — two at their desks, and one mistyped password from a village office.
SIGN_INS: tuple[tuple[str, str, bool], ...] = (
    ("caseworker_nanmen", "10.20.3.14", True),
    ("assistant_fuhu", "10.20.3.101", False),
    ("approver_haishu", "10.20.1.8", True),
    # Someone outside tries 鄞州's approver five times: that source pauses (账号解锁 shows it,
    # and after the pause among the week's failures); the approver at their desk is not affected.
    *(("approver_yinzhou", "203.0.113.45", False),) * 5,
)


def seed_demo(password: str) -> None:
    from minzheng.accounts.actions import do_create_user
    from minzheng.accounts.models import User
    from minzheng.api.actions import do_create_api_client
    from minzheng.api.models import ApiClient

    sysadmin = User.objects.filter(username="sysadmin").first()
    if sysadmin is None:
        return
    if not User.objects.filter(username="assistant_heshan").exists():
        # The system administrator proposes; the demo's security_admin approves in 授权审批.
        do_create_user(
            sysadmin,
            username="assistant_heshan",
            password=password,
            role="village_assistant",
            region_code="330203001002",
            display_name="新任村社协理员（待审批）",
        )
    if not ApiClient.objects.filter(name="海曙区人民医院（演示）").exists():
        do_create_api_client(
            sysadmin,
            name="海曙区人民医院（演示）",
            scopes=["eligibility:evaluate", "registry:read"],
            region_code="330203000000",
            expires_at=timezone.now() + timedelta(days=365),
        )
    seed_sign_ins(password)


def seed_sign_ins(password: str) -> int:
    """`SIGN_INS` through `do_attempt_login` (the login page's action): its log line, its audit
    event and, for the wrong password, the per-source failure count. Nothing when the log has an
    entry already. Returns the attempts made."""
    from minzheng.accounts.actions import LoginRefused, do_attempt_login
    from minzheng.accounts.models import LoginLog, User

    if LoginLog.objects.exists():
        return 0
    known = set(
        User.objects.filter(username__in=[u for u, *_ in SIGN_INS]).values_list(
            "username", flat=True
        )
    )
    made = 0
    for username, address, right in SIGN_INS:
        if username not in known:
            continue
        request = HttpRequest()
        request.META["REMOTE_ADDR"] = address
        with suppress(LoginRefused):  # the mistyped one: logged as a failure, the point of it
            do_attempt_login(request, username, password if right else password[::-1])
        made += 1
    return made
