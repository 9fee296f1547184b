"""State changes of staff accounts: login attempts, lockout, unlock, creation."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from minzheng.accounts.models import LoginLog, User
from minzheng.accounts.roles import ROLE_SCOPE_LEVELS, Capability, Role
from minzheng.core import audit
from minzheng.core.errors import DomainError, PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.regions.models import Region


class LoginRefused(DomainError):
    code = "login_refused"
    status = 401


def do_attempt_login(request: HttpRequest | None, username: str, password: str) -> User:
    """Check a password; count failures and lock the account at the limit.

    A locked account stays locked even for the right password until a security administrator
    unlocks it, so guessing cannot continue slowly after the lock.
    """
    ip = audit.client_ip(request)
    account = User.objects.filter(username=username).first()
    if account is not None and account.is_locked:
        LoginLog.objects.create(username=username, success=False, reason="账号已锁定", ip=ip)
        raise LoginRefused("账号已锁定，请联系安全管理员解锁", code="account_locked")
    user = authenticate(request, username=username, password=password)
    if user is None:
        reason = "用户名或密码错误"
        if account is not None:
            with transaction.atomic():
                # F() keeps concurrent failures from overwriting each other's count.
                User.objects.filter(pk=account.pk).update(failed_logins=F("failed_logins") + 1)
                account.refresh_from_db(fields=["failed_logins"])
                audit.record(
                    account, AuditEvent.Action.LOGIN_FAILED, "user", account.pk, request=request
                )
                if account.failed_logins >= settings.LOGIN_MAX_FAILURES:
                    User.objects.filter(pk=account.pk).update(locked_at=timezone.now())
                    audit.record(
                        account,
                        AuditEvent.Action.LOCK,
                        "user",
                        account.pk,
                        summary=f"连续 {account.failed_logins} 次密码错误，账号锁定",
                        request=request,
                    )
                    reason = "连续输错密码，账号已锁定"
        LoginLog.objects.create(username=username, success=False, reason=reason, ip=ip)
        if reason.startswith("连续"):
            raise LoginRefused(
                f"密码连续错误 {settings.LOGIN_MAX_FAILURES} 次，账号已锁定，请联系安全管理员解锁",
                code="account_locked",
            )
        raise LoginRefused("用户名或密码错误", code="bad_credentials")
    assert isinstance(user, User)
    if user.failed_logins:
        User.objects.filter(pk=user.pk).update(failed_logins=0)
    LoginLog.objects.create(username=username, success=True, ip=ip)
    audit.record(user, AuditEvent.Action.LOGIN, "user", user.pk, request=request)
    return user


def do_unlock_user(actor: User, target: User, request: HttpRequest | None = None) -> None:
    if not actor.can(Capability.MANAGE_SECURITY):
        raise PermissionDenied("只有安全管理员可以解锁账号")
    with transaction.atomic():
        before = {"locked_at": target.locked_at, "failed_logins": target.failed_logins}
        User.objects.filter(pk=target.pk).update(locked_at=None, failed_logins=0)
        audit.record(
            actor,
            AuditEvent.Action.UNLOCK,
            "user",
            target.pk,
            summary=f"解锁 {target.username}",
            before=before,
            after={"locked_at": None, "failed_logins": 0},
            request=request,
        )
    target.refresh_from_db()


def do_create_user(
    actor: User | None,
    *,
    username: str,
    password: str,
    role: str,
    region_code: str,
    display_name: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Create a staff account. `actor=None` is the command line (the installer)."""
    if actor is not None and not actor.can(Capability.MANAGE_USERS):
        raise PermissionDenied("只有系统管理员可以创建账号")
    if role not in Role.values:
        raise ValidationFailed(f"未知角色：{role}", code="unknown_role")
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationFailed(f"区划代码不存在：{region_code}", code="unknown_region")
    if region.level not in ROLE_SCOPE_LEVELS[role]:
        raise ValidationFailed(
            f"{Role(role).label}的管辖区域应为{'/'.join(ROLE_SCOPE_LEVELS[role])}级，"
            f"{region.name}是{region.get_level_display()}",
            code="bad_scope_level",
        )
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(f"用户名已存在：{username}", code="duplicate_username")
    candidate = User(username=username, role=role, region=region, display_name=display_name)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise ValidationFailed("；".join(exc.messages), code="weak_password") from exc
    with transaction.atomic():
        candidate.set_password(password)
        candidate.password_changed_at = timezone.now()
        candidate.save()
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "user",
            candidate.pk,
            request=request,
            summary=f"创建账号 {username}",
            after={"role": role, "region": region_code},
            actor_name=None if actor else "cli",
        )
    return candidate
