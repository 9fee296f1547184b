from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from minzheng.accounts.decorators import requires
from minzheng.accounts.roles import Capability
from minzheng.core.auditview import present
from minzheng.core.models import AuditEvent


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for the load balancer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:
        database = "error"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database}, status=status
    )


def _parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@requires(Capability.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    """审计日志: search by person, user, action and date. Read-only; nothing here can change an entry."""
    events = AuditEvent.objects.all()
    filters = {
        k: request.GET.get(k, "").strip()[:150]
        for k in ("person", "user", "action", "start", "end")
    }
    if filters["person"].isdigit() and len(filters["person"]) < 18:
        events = events.filter(person_id=int(filters["person"]))
    if filters["user"]:
        events = events.filter(actor_name=filters["user"])
    if filters["action"]:
        events = events.filter(action=filters["action"])
    if start := _parse_day(filters["start"]):
        events = events.filter(at__date__gte=start)
    if end := _parse_day(filters["end"]):
        events = events.filter(at__date__lte=end)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            # Events, not case data: labels for codes, personal values hidden (core/auditview.py).
            "rows": present(list(page.object_list)),
            "filters": filters,
            "actions": AuditEvent.Action.choices,
        },
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"error": {"code": "forbidden", "message": "无权访问"}},
        status=403,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"error": {"code": "not_found", "message": "页面不存在"}},
        status=404,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"error": {"code": "server_error", "message": "系统错误，请稍后再试"}},
        status=500,
    )
