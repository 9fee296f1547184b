"""Probes for the load balancer and the metrics endpoint for the operators."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.api.auth import PartnerToken

METRICS_SCOPE = "ops:metrics"


@never_cache
def livez(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. No database call, so a slow database does not kill workers."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers, every migration is applied and the keys load."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        plan = MigrationExecutor(connection).migration_plan(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
        checks["migrations"] = "ok" if not plan else f"{len(plan)} pending"
    except Exception:  # any failure to reach the database means: not ready
        checks["database"] = "error"
    try:
        from minzheng.core.crypto import keyring

        keyring()
        checks["keys"] = "ok"
    except Exception:  # a missing or unreadable key file means: not ready
        checks["keys"] = "error"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "error", **checks}, status=200 if ready else 503
    )


def _operator(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated and user.can(Capability.MANAGE_USERS):
        return True
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        client = PartnerToken().authenticate(request, header[7:].strip())
        return client is not None and client.has_scope(METRICS_SCOPE)
    return False


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for a system administrator's session or an `ops:metrics` token."""
    if not _operator(request):
        return JsonResponse(
            {
                "code": "forbidden",
                "message": "仅限运维人员：请用系统管理员登录或持 ops:metrics 令牌",
            },
            status=403,
        )
    from prometheus_client import CONTENT_TYPE_LATEST

    from minzheng.operations.metrics import exposition

    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
