from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from minzheng.accounts import actions
from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.models import LoginLog, User
from minzheng.accounts.roles import Capability, Role
from minzheng.core.audit import record
from minzheng.core.errors import DomainError
from minzheng.core.models import AuditEvent
from minzheng.regions.models import Region


def login_view(request: HttpRequest) -> HttpResponse:
    error = ""
    username = ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        try:
            user = actions.do_attempt_login(request, username, request.POST.get("password", ""))
        except DomainError as exc:
            error = exc.message
        else:
            login(request, user)
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


@requires(Capability.MANAGE_SECURITY)
def locked_users(request: HttpRequest) -> HttpResponse:
    users = (
        User.objects.filter(locked_at__isnull=False).select_related("region").order_by("-locked_at")
    )
    return render(request, "accounts/locked_users.html", {"users": users})


@require_POST
@requires(Capability.MANAGE_SECURITY)
def unlock_user(request: HttpRequest, user_id: int) -> HttpResponse:
    target = get_object_or_404(User, pk=user_id)
    actions.do_unlock_user(staff_user(request), target, request)
    messages.success(request, f"已解锁 {target.username}")
    return redirect("accounts:locked_users")


@requires(Capability.MANAGE_SECURITY)
def login_log(request: HttpRequest) -> HttpResponse:
    rows = LoginLog.objects.all()
    if username := request.GET.get("username", "").strip():
        rows = rows.filter(username=username)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/login_log.html", {"page": page, "username": username})


@requires(Capability.MANAGE_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            created = actions.do_create_user(
                staff_user(request),
                username=request.POST.get("username", "").strip(),
                password=request.POST.get("password", ""),
                role=request.POST.get("role", ""),
                region_code=request.POST.get("region", "").strip(),
                display_name=request.POST.get("display_name", "").strip(),
                request=request,
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"已创建账号 {created.username}")
            return redirect("accounts:user_list")
    users = User.objects.select_related("region").order_by("username")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    regions = Region.objects.exclude(level="village").order_by("code")
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "roles": Role.choices, "regions": regions, "error": error},
    )
