from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from minzheng.accounts import actions
from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.models import AccessRequest, LoginLog, LoginThrottle, User
from minzheng.accounts.roles import ROLE_SCOPE_LEVELS, Capability, Role
from minzheng.core import listing
from minzheng.core.audit import record
from minzheng.core.errors import DomainError, NotFound
from minzheng.core.models import AuditEvent
from minzheng.regions.models import Level, Region


def login_view(request: HttpRequest) -> HttpResponse:
    error = ""
    username = ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()[: actions.MAX_USERNAME]
        try:
            user = actions.do_attempt_login(request, username, request.POST.get("password", ""))
        except DomainError as exc:
            error = exc.message
        else:
            login(request, user)
            if user.must_change_password:
                messages.warning(request, "初始密码或重置后的密码只能使用一次，请先设置新密码")
                return redirect("accounts:password")
            target = request.GET.get("next", "/")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/"
            return redirect(target)
    return render(request, "accounts/login.html", {"error": error, "username": username})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(
            staff_user(request), AuditEvent.Action.LOGOUT, "user", request.user.pk, request=request
        )
    logout(request)
    return redirect("login")


@login_required
def change_password(request: HttpRequest) -> HttpResponse:
    """修改密码: everyone's own; the only page a one-time password opens."""
    user = staff_user(request)
    error = ""
    if request.method == "POST":
        try:
            actions.do_change_own_password(
                user,
                old=request.POST.get("old_password", ""),
                new=request.POST.get("new_password", ""),
                confirm=request.POST.get("confirm_password", ""),
                request=request,
            )
        except DomainError as exc:
            error = exc.message
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改")
            return redirect("home")
    return render(
        request,
        "accounts/password.html",
        {
            "error": error,
            "forced": user.must_change_password,
            "policy": password_validators_help_texts(),
        },
        status=400 if error else 200,
    )


# ── security administrator ─────────────────────────────────────────────────────────────────

RECENT_DAYS = 7  # 账号解锁 also lists the failures of the last week that pause no one now


@requires(Capability.MANAGE_SECURITY)
def locked_users(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    throttles = list(
        LoginThrottle.objects.filter(blocked_until__gt=now).order_by("-last_failure_at")
    )
    # Sources with failures in the last RECENT_DAYS that are not paused now: a pause that has run
    # out, or mistakes short of the limit — what a security administrator watches for.
    recent = list(
        LoginThrottle.objects.filter(
            failures__gt=0, last_failure_at__gte=now - timedelta(days=RECENT_DAYS)
        )
        .exclude(blocked_until__gt=now)
        .order_by("-last_failure_at")
    )
    locked = User.objects.filter(locked_at__isnull=False).select_related("region")
    names = {t.username for t in throttles + recent}
    known = {u.username: u for u in User.objects.filter(username__in=names)}
    return render(
        request,
        "accounts/locked_users.html",
        {
            "rows": [{"throttle": t, "user": known.get(t.username)} for t in throttles],
            "recent": [{"throttle": t, "user": known.get(t.username)} for t in recent],
            "recent_days": RECENT_DAYS,
            "locked": locked,
        },
    )


@require_POST
@requires(Capability.MANAGE_SECURITY)
def unlock_user(request: HttpRequest, user_id: int) -> HttpResponse:
    target = _user(user_id)
    actions.do_unlock_user(staff_user(request), target, request)
    messages.success(request, f"已解除 {target.username} 的登录限制")
    return redirect("accounts:locked_users")


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@requires(Capability.MANAGE_SECURITY)
def login_log(request: HttpRequest) -> HttpResponse:
    """登录日志: filter by user, address, result and date."""
    rows = LoginLog.objects.all()
    filters = {
        k: request.GET.get(k, "").strip()[:150]
        for k in ("username", "ip", "result", "start", "end")
    }
    if filters["username"]:
        rows = rows.filter(username=filters["username"])
    if filters["ip"]:
        rows = rows.filter(ip=filters["ip"][:45])
    if filters["result"] in ("success", "failure"):
        rows = rows.filter(success=filters["result"] == "success")
    if start := _day(filters["start"]):
        rows = rows.filter(at__date__gte=start)
    if end := _day(filters["end"]):
        rows = rows.filter(at__date__lte=end)
    if listing.wants_export(request):
        return listing.export(
            request,
            staff_user(request),
            rows,
            filename="登录日志.xlsx",
            object_type="login_log",
            columns=[
                ("时间", lambda r: timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S")),
                ("用户名", lambda r: r.username),
                ("结果", lambda r: "成功" if r.success else "失败"),
                ("说明", lambda r: r.reason),
                ("IP", lambda r: r.ip or ""),
            ],
        )
    page = listing.paginate(request, rows, default_size=50)
    return render(request, "accounts/login_log.html", {"page": page, "filters": filters})


@requires(Capability.MANAGE_SECURITY)
def access_requests(request: HttpRequest) -> HttpResponse:
    """授权审批: the security administrator's queue of proposals."""
    pending = AccessRequest.objects.filter(status=AccessRequest.Status.PENDING).select_related(
        "user", "region", "api_client", "proposed_by"
    )
    done = AccessRequest.objects.exclude(status=AccessRequest.Status.PENDING).select_related(
        "user", "region", "api_client", "proposed_by", "decided_by"
    )[:50]
    return render(
        request,
        "accounts/access_requests.html",
        {"pending": pending, "done": done, "scope_labels": _scope_labels()},
    )


def _scope_labels() -> dict[str, str]:
    from minzheng.api.models import SCOPES

    return SCOPES


@require_POST
@requires(Capability.MANAGE_SECURITY)
def decide_request(request: HttpRequest, request_id: int) -> HttpResponse:
    proposal = actions.pending_request(request_id)
    approve = request.POST.get("decision") == "approve"
    try:
        actions.do_decide_request(
            staff_user(request),
            proposal,
            approve=approve,
            note=request.POST.get("note", ""),
            request=request,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{'批准' if approve else '驳回'}：{proposal.target_label}")
    return redirect("accounts:access_requests")


# ── system administrator ───────────────────────────────────────────────────────────────────


def _user(user_id: int) -> User:
    found = User.objects.select_related("region").filter(pk=user_id).first()
    if found is None:
        raise NotFound("账号不存在")
    return found


def _picked_region(request: HttpRequest) -> str:
    """The deepest level chosen in the cascading region picker (county → township → village)."""
    for name in ("r3", "r2", "r1"):
        if value := request.POST.get(name, "").strip():
            return value[:12]
    return ""


def _role_rows() -> list[tuple[str, str, str]]:
    return [
        (value, label, "、".join(Level(level).label for level in ROLE_SCOPE_LEVELS[value]))
        for value, label in Role.choices
    ]


def _counties() -> list[Region]:
    return list(Region.objects.filter(level__in=("city", "county")).order_by("code"))


def _state_label(u: User) -> str:
    if u.locked_at:
        return "已锁定"
    if not u.is_active:
        return "停用"
    return "待修改初始密码" if u.must_change_password else "正常"


@requires(Capability.MANAGE_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            created = actions.do_create_user(
                staff_user(request),
                username=request.POST.get("username", ""),
                password=request.POST.get("password", ""),
                role=request.POST.get("role", ""),
                region_code=_picked_region(request),
                display_name=request.POST.get("display_name", "").strip(),
                request=request,
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                f"已创建账号 {created.username}，角色与管辖区域待安全管理员审批后生效；"
                "初始密码首次登录时须修改",
            )
            return redirect("accounts:user_list")
    users = User.objects.select_related("region").order_by("username")
    if q := request.GET.get("q", "").strip()[:150]:
        users = users.filter(username__icontains=q) | users.filter(display_name__icontains=q)
    if (role := request.GET.get("role", "")) in Role.values:
        users = users.filter(role=role)
    state = request.GET.get("state", "")
    if state == "active":
        users = users.filter(is_active=True, locked_at__isnull=True)
    elif state == "disabled":
        users = users.filter(is_active=False)
    elif state == "locked":
        users = users.filter(locked_at__isnull=False)
    if listing.wants_export(request):
        return listing.export(
            request,
            staff_user(request),
            users,
            filename="用户名单.xlsx",
            object_type="user",
            columns=[
                ("用户名", lambda u: u.username),
                ("姓名", lambda u: u.display_name),
                ("角色", lambda u: u.role_label or "未授权"),
                ("管辖区域", lambda u: u.region.name),
                ("状态", _state_label),
            ],
        )
    page = listing.paginate(request, users, default_size=50)
    pending = set(
        AccessRequest.objects.filter(
            status=AccessRequest.Status.PENDING, user__isnull=False
        ).values_list("user_id", flat=True)
    )
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": page,
            "roles": _role_rows(),
            "counties": _counties(),
            "error": error,
            "pending": pending,
            "q": q,
            "role": role,
            "state": state,
        },
        status=400 if error else 200,
    )


@requires(Capability.MANAGE_USERS)
def user_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    """Edit a name, disable, propose a new role/region, propose a one-time password."""
    actor = staff_user(request)
    target = _user(user_id)
    error = ""
    if request.method == "POST":
        what = request.POST.get("what", "")
        try:
            if what == "profile":
                actions.do_update_user(
                    actor,
                    target,
                    display_name=request.POST.get("display_name", ""),
                    active=request.POST.get("is_active") == "1",
                    request=request,
                )
                messages.success(request, "已保存")
            elif what == "grant":
                actions.do_propose_grant(
                    actor,
                    target,
                    role=request.POST.get("role", ""),
                    region_code=_picked_region(request),
                    request=request,
                )
                messages.success(request, "授权申请已提交，安全管理员批准后生效")
            elif what == "reset":
                actions.do_propose_password_reset(
                    actor, target, password=request.POST.get("password", ""), request=request
                )
                messages.success(
                    request, "重置密码申请已提交；批准后该密码只能使用一次，登录时须修改"
                )
            else:
                raise NotFound("未知操作")
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("accounts:user_edit", user_id=target.pk)
    requests_ = AccessRequest.objects.filter(user=target).select_related(
        "region", "proposed_by", "decided_by"
    )[:20]
    return render(
        request,
        "accounts/user_edit.html",
        {
            "target": target,
            "roles": _role_rows(),
            "counties": _counties(),
            "error": error,
            "requests": requests_,
            "policy": password_validators_help_texts(),
        },
        status=400 if error else 200,
    )


@require_GET
@requires(Capability.MANAGE_USERS)
def region_options(request: HttpRequest) -> HttpResponse:
    """The next level of the cascading region picker, as <option>s (HTMX)."""
    level = request.GET.get("level", "")
    parent_code = request.GET.get("r2" if level == "village" else "r1", "").strip()[:12]
    children = (
        Region.objects.filter(parent_id=parent_code).order_by("code")
        if parent_code and level in ("township", "village")
        else Region.objects.none()
    )
    return render(
        request,
        "accounts/_region_options.html",
        {
            "children": children,
            "level": level,
            "empty": Level(level).label if level in Level.values else "",
        },
    )
