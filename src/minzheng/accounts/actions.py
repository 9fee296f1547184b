"""State changes of staff accounts: sign-in with backoff, accounts, passwords and 三员分立 approvals.

三员分立 (docs/security.md): the system administrator *proposes* (a new account, a role or region,
a password reset, a partner client's case-data scopes); only the security administrator *approves*,
and until then the proposal has no effect. Initial and reset passwords are one-time.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import get_hasher, identify_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from minzheng.accounts import ratelimit
from minzheng.accounts.models import AccessRequest, LoginLog, LoginThrottle, User
from minzheng.accounts.roles import ROLE_SCOPE_LEVELS, Capability, Role
from minzheng.core import audit
from minzheng.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.regions.models import Level, Region

MAX_USERNAME = 150
MAX_PASSWORD = 128


class LoginRefused(DomainError):
    code = "login_refused"
    status = 401


# ── sign-in ──────────────────────────────────────────────────────────────────────────────────


def backoff_seconds(failures: int) -> int:
    """After LOGIN_MAX_FAILURES failures from one source: 1 min, 2, 4 … capped at LOGIN_BACKOFF_MAX."""
    over = failures - settings.LOGIN_MAX_FAILURES
    if over < 0:
        return 0
    return int(min(settings.LOGIN_BACKOFF_BASE * 2**over, settings.LOGIN_BACKOFF_MAX))


def _source_blocked(ip: str) -> bool:
    """Password spraying: too many failures from one address over all usernames."""
    recent = ratelimit.count("login_fail_ip", ip, settings.LOGIN_IP_WINDOW)
    return recent >= settings.LOGIN_IP_MAX_FAILURES


def do_attempt_login(request: HttpRequest | None, username: str, password: str) -> User:
    """Check a password. The same answer whether or not the username exists.

    Failures are counted per username AND source address; past the limit that pair waits with
    exponential backoff. Another address (the right user at their desk) is not affected, so an
    outsider cannot lock anyone out; a locked or throttled source learns nothing about the account.
    """
    ip = audit.client_ip(request) or "-"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in username + password):
        # NUL and control characters (PostgreSQL cannot even store NUL): refused, nothing written.
        raise LoginRefused("用户名或密码错误", code="bad_credentials")
    username = username[:MAX_USERNAME]
    now = timezone.now()
    throttle = LoginThrottle.objects.filter(username=username, ip=ip).first()
    too_many = LoginRefused("尝试过于频繁，请稍后再试", code="too_many_attempts")
    if (throttle and throttle.blocked_until and throttle.blocked_until > now) or _source_blocked(
        ip
    ):
        LoginLog.objects.create(username=username, success=False, reason="来源受限", ip=ip)
        raise too_many
    user = authenticate(request, username=username, password=password[:MAX_PASSWORD])
    account = User.objects.filter(username=username).first()
    if user is None or (account is not None and account.is_locked):
        with transaction.atomic():
            throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(
                username=username, ip=ip
            )
            if throttle.last_failure_at and now - throttle.last_failure_at > timedelta(days=1):
                throttle.failures = 0
            throttle.failures += 1
            throttle.last_failure_at = now
            wait = backoff_seconds(throttle.failures)
            throttle.blocked_until = now + timedelta(seconds=wait) if wait else None
            throttle.save()
            ratelimit.add("login_fail_ip", ip)
            if account is not None:
                audit.record(
                    account, AuditEvent.Action.LOGIN_FAILED, "user", account.pk, request=request
                )
                if wait and throttle.failures == settings.LOGIN_MAX_FAILURES:
                    audit.record(
                        account,
                        AuditEvent.Action.LOCK,
                        "user",
                        account.pk,
                        summary=f"来自 {ip} 连续 {throttle.failures} 次密码错误，该来源暂停登录",
                        request=request,
                    )
        LoginLog.objects.create(username=username, success=False, reason="用户名或密码错误", ip=ip)
        raise LoginRefused("用户名或密码错误", code="bad_credentials")
    assert isinstance(user, User)
    LoginThrottle.objects.filter(username=username, ip=ip).delete()
    LoginLog.objects.create(username=username, success=True, ip=ip)
    audit.record(user, AuditEvent.Action.LOGIN, "user", user.pk, request=request)
    return user


def do_unlock_user(actor: User, target: User, request: HttpRequest | None = None) -> None:
    """Lift every source restriction (and a manual lock) on one account."""
    if not actor.can(Capability.MANAGE_SECURITY):
        raise PermissionDenied("只有安全管理员可以解锁账号")
    with transaction.atomic():
        sources = list(
            LoginThrottle.objects.filter(username=target.username).values_list("ip", flat=True)
        )
        before = {"locked_at": target.locked_at, "sources": sources}
        LoginThrottle.objects.filter(username=target.username).delete()
        User.objects.filter(pk=target.pk).update(locked_at=None, failed_logins=0)
        audit.record(
            actor,
            AuditEvent.Action.UNLOCK,
            "user",
            target.pk,
            summary=f"解锁 {target.username}",
            before=before,
            after={"locked_at": None, "sources": []},
            request=request,
        )
    target.refresh_from_db()


# ── accounts ─────────────────────────────────────────────────────────────────────────────────


def _check_password(password: str, user: User) -> None:
    if len(password) > MAX_PASSWORD:
        raise ValidationFailed(f"密码不能超过{MAX_PASSWORD}个字符", code="weak_password")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed("；".join(exc.messages), code="weak_password") from exc


def _current_hash(value: str) -> bool:
    """A hash made by the hasher that new passwords get now (not a plain text, not an old one)."""
    try:
        return identify_hasher(value).algorithm == get_hasher().algorithm
    except ValueError:
        return False


def _role_region(role: str, region_code: str) -> Region:
    if role not in Role.values:
        raise ValidationFailed(f"未知角色：{role}", code="unknown_role")
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationFailed(f"区划代码不存在：{region_code}", code="unknown_region")
    if region.level not in ROLE_SCOPE_LEVELS[role]:
        levels = "或".join(Level(level).label for level in ROLE_SCOPE_LEVELS[role])
        raise ValidationFailed(
            f"{Role(role).label}的管辖区域应为{levels}级，{region.name}是{region.get_level_display()}级",
            code="bad_scope_level",
        )
    return region


def _require_sysadmin(actor: User) -> None:
    if not actor.can(Capability.MANAGE_USERS):
        raise PermissionDenied("只有系统管理员可以管理账号")


def do_create_user(
    actor: User | None,
    *,
    username: str,
    password: str,
    role: str,
    region_code: str,
    display_name: str = "",
    one_time: bool | None = None,
    request: HttpRequest | None = None,
    password_hash: str = "",
) -> User:
    """Create a staff account.

    `password_hash` is `make_password(password)` made once by a caller that creates several
    accounts with one password (the demo's staff share its printed password): each PBKDF2 hash
    costs half a second. The password is still checked against the rules.

    `actor=None` is the command line (the installer): the role applies at once, and the password
    is the installer's own unless `one_time`. A system administrator only *proposes*: the account
    is created without a role (it sees nothing), a 授予角色 request waits for the security
    administrator, and the initial password must be changed at first sign-in.
    """
    if actor is not None:
        _require_sysadmin(actor)
    username = username.strip()
    if not username or len(username) > MAX_USERNAME:
        raise ValidationFailed(f"用户名应为1至{MAX_USERNAME}个字符", code="bad_username")
    region = _role_region(role, region_code)
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(f"用户名已存在：{username}", code="duplicate_username")
    direct = actor is None
    candidate = User(
        username=username,
        role=role if direct else "",
        region=region,
        display_name=display_name[:60],
        must_change_password=bool(one_time) if direct else True,
    )
    _check_password(password, candidate)
    if password_hash and not _current_hash(password_hash):
        raise ValidationFailed("密码摘要格式不正确", code="bad_password_hash")
    with transaction.atomic():
        if password_hash:
            candidate.password = password_hash
        else:
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
            after={"role": candidate.role, "region": region.code},
            actor_name=None if actor else "cli",
        )
        if actor is not None:
            _propose(actor, AccessRequest.Kind.GRANT, user=candidate, role=role, region=region)
    return candidate


def _propose(actor: User, kind: str, **fields: object) -> AccessRequest:
    proposal = AccessRequest.objects.create(kind=kind, proposed_by=actor, **fields)
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        "access_request",
        proposal.pk,
        summary=f"提交授权申请：{proposal.get_kind_display()} {proposal.target_label}",
        after={"kind": kind, "role": proposal.role, "region": proposal.region_id or ""},
    )
    return proposal


def do_propose_grant(
    actor: User, target: User, *, role: str, region_code: str, request: HttpRequest | None = None
) -> AccessRequest:
    """Ask for a role and region for an existing account; the account keeps its old ones meanwhile."""
    _require_sysadmin(actor)
    if target.pk == actor.pk:
        raise PermissionDenied("不能为自己的账号申请授权", code="self_grant")
    region = _role_region(role, region_code)
    if target.role == role and target.region_id == region.code:
        raise ValidationFailed("角色和管辖区域没有变化", code="no_change")
    with transaction.atomic():
        return _propose(actor, AccessRequest.Kind.GRANT, user=target, role=role, region=region)


def do_propose_password_reset(
    actor: User, target: User, *, password: str, request: HttpRequest | None = None
) -> AccessRequest:
    """A one-time password for an account; it replaces the old one only when approved."""
    _require_sysadmin(actor)
    if target.pk == actor.pk:
        raise PermissionDenied("请在“修改密码”页修改自己的密码", code="self_reset")
    _check_password(password, target)
    with transaction.atomic():
        return _propose(
            actor, AccessRequest.Kind.RESET, user=target, password_hash=make_password(password)
        )


def do_update_user(
    actor: User,
    target: User,
    *,
    display_name: str,
    active: bool,
    request: HttpRequest | None = None,
) -> User:
    """Edit the name; disable or enable an account. Taking access away needs no approval."""
    _require_sysadmin(actor)
    if target.pk == actor.pk and not active:
        raise ValidationFailed("不能停用自己的账号", code="self_disable")
    with transaction.atomic():
        before = {"display_name": target.display_name, "is_active": target.is_active}
        target.display_name = display_name.strip()[:60]
        target.is_active = active
        target.save(update_fields=["display_name", "is_active"])
        after = {"display_name": target.display_name, "is_active": target.is_active}
        old, new = audit.changes(before, after)
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "user",
            target.pk,
            summary=f"修改账号 {target.username}",
            before=old,
            after=new,
            request=request,
        )
    return target


def do_decide_request(
    actor: User,
    proposal: AccessRequest,
    *,
    approve: bool,
    note: str = "",
    request: HttpRequest | None = None,
) -> AccessRequest:
    """The security administrator approves or rejects; approval is when the change takes effect."""
    if not actor.can(Capability.MANAGE_SECURITY):
        raise PermissionDenied("只有安全管理员可以审批授权申请")
    with transaction.atomic():
        proposal = AccessRequest.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != AccessRequest.Status.PENDING:
            raise ValidationFailed("该申请已经处理", code="already_decided")
        if proposal.proposed_by_id == actor.pk or proposal.user_id == actor.pk:
            raise PermissionDenied("不能审批自己提出或与自己账号有关的申请", code="self_approval")
        if not approve and not note.strip():
            raise ValidationFailed("驳回须填写理由", code="reason_required")
        proposal.status = (
            AccessRequest.Status.APPROVED if approve else AccessRequest.Status.REJECTED
        )
        proposal.decided_by = actor
        proposal.decided_at = timezone.now()
        proposal.note = note.strip()[:200]
        if approve:
            _apply(proposal)
        proposal.password_hash = ""  # the pending hash is not kept once decided
        proposal.save()
        audit.record(
            actor,
            AuditEvent.Action.APPROVE,
            "access_request",
            proposal.pk,
            summary=f"{'批准' if approve else '驳回'}授权申请：{proposal.get_kind_display()} "
            f"{proposal.target_label}",
            after={"status": proposal.status, "note": proposal.note},
            request=request,
        )
    return proposal


def _apply(proposal: AccessRequest) -> None:
    if proposal.kind == AccessRequest.Kind.GRANT:
        assert proposal.user is not None and proposal.region is not None
        target = User.objects.select_for_update().get(pk=proposal.user.pk)
        _role_region(proposal.role, proposal.region.code)  # still valid today
        was = {"role": target.role, "region": target.region_id}
        target.role = proposal.role
        target.region = proposal.region
        target.save(update_fields=["role", "region"])
        audit.record(
            proposal.decided_by,
            AuditEvent.Action.UPDATE,
            "user",
            target.pk,
            summary=f"授权生效：{target.username}",
            before=was,
            after={"role": target.role, "region": target.region_id},
        )
    elif proposal.kind == AccessRequest.Kind.RESET:
        assert proposal.user is not None
        User.objects.filter(pk=proposal.user.pk).update(
            password=proposal.password_hash,
            must_change_password=True,
            password_changed_at=timezone.now(),
        )
        LoginThrottle.objects.filter(username=proposal.user.username).delete()
    elif proposal.kind == AccessRequest.Kind.API_SCOPES:
        from minzheng.api.models import ApiClient

        assert proposal.api_client is not None
        client = ApiClient.objects.select_for_update().get(pk=proposal.api_client.pk)
        before: dict[str, object] = {"scopes": list(client.scopes)}
        client.scopes = sorted(set(client.scopes) | set(proposal.scopes))
        if proposal.region_id:
            client.region_id = proposal.region_id
        client.save(update_fields=["scopes", "region"])
        audit.record(
            proposal.decided_by,
            AuditEvent.Action.UPDATE,
            "api_client",
            client.pk,
            summary=f"接口客户端授权生效：{client.name}",
            before=before,
            after={"scopes": client.scopes},
        )


def do_propose_api_scopes(actor: User | None, client: object, scopes: list[str]) -> AccessRequest:
    """Case-data scopes for a partner client wait for the security administrator."""
    from minzheng.api.models import CASE_DATA_SCOPES, ApiClient

    assert isinstance(client, ApiClient)
    if actor is None:
        raise PermissionDenied("需由系统管理员提出申请", code="permission_denied")
    _require_sysadmin(actor)
    wanted = sorted(set(scopes) & CASE_DATA_SCOPES)
    if not wanted:
        raise ValidationFailed("没有需要审批的数据授权范围", code="no_change")
    return _propose(
        actor, AccessRequest.Kind.API_SCOPES, api_client=client, scopes=wanted, region=client.region
    )


def pending_request(request_id: int) -> AccessRequest:
    found = AccessRequest.objects.filter(pk=request_id).first()
    if found is None:
        raise NotFound("申请不存在")
    return found


# ── one's own password ─────────────────────────────────────────────────────────────────────────


def do_change_own_password(
    user: User, *, old: str, new: str, confirm: str, request: HttpRequest | None = None
) -> None:
    """Everyone changes their own password; this also ends the one-time state of a new account."""
    if not user.check_password(old[:MAX_PASSWORD]):
        raise ValidationFailed("原密码不正确", code="bad_old_password")
    if new != confirm:
        raise ValidationFailed("两次输入的新密码不一致", code="password_mismatch")
    if new == old:
        raise ValidationFailed("新密码不能与原密码相同", code="password_unchanged")
    _check_password(new, user)
    with transaction.atomic():
        user.set_password(new)
        user.must_change_password = False
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        audit.record(
            user,
            AuditEvent.Action.UPDATE,
            "user",
            user.pk,
            summary="修改本人密码",
            request=request,
        )
