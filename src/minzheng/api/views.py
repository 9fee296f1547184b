from __future__ import annotations

from datetime import date, datetime, time

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from minzheng.accounts.actions import do_propose_api_scopes
from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.models import AccessRequest
from minzheng.accounts.roles import Capability
from minzheng.api.actions import do_create_api_client, do_set_api_client_access
from minzheng.api.models import CASE_DATA_SCOPES, SCOPES, ApiClient
from minzheng.core.errors import DomainError, NotFound, ValidationFailed
from minzheng.regions.models import Region


def _expiry(text: str) -> datetime | None:
    """A date from the form: the token works until the end of that day (local time)."""
    text = text.strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationFailed("有效期应为日期，如 2027-06-30", code="bad_expiry") from exc
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


@requires(Capability.MANAGE_USERS)
def api_clients(request: HttpRequest) -> HttpResponse:
    error, token = "", ""
    if request.method == "POST":
        try:
            _, token = do_create_api_client(
                staff_user(request),
                name=request.POST.get("name", "").strip(),
                scopes=request.POST.getlist("scopes"),
                region_code=request.POST.get("region", "").strip(),
                expires_at=_expiry(request.POST.get("expires_on", "")),
                request=request,
            )
        except DomainError as exc:
            error = exc.message
    pending = {
        r.api_client_id: r.scopes
        for r in AccessRequest.objects.filter(
            status=AccessRequest.Status.PENDING, api_client__isnull=False
        )
    }
    clients = ApiClient.objects.select_related("region").order_by("name")
    return render(
        request,
        "api/clients.html",
        {
            "rows": [
                {
                    "client": c,
                    "scopes": [SCOPES.get(s, s) for s in c.scopes],
                    "pending": [SCOPES.get(s, s) for s in pending.get(c.pk, [])],
                }
                for c in clients
            ],
            "scopes": [(s, label, s in CASE_DATA_SCOPES) for s, label in SCOPES.items()],
            "case_scopes": [(s, SCOPES[s]) for s in sorted(CASE_DATA_SCOPES)],
            "regions": Region.objects.filter(level__in=("city", "county", "township")).order_by(
                "code"
            ),
            "error": error,
            "token": token,
            "now": timezone.now(),
        },
        status=400 if error else 200,
    )


@require_POST
@requires(Capability.MANAGE_USERS)
def api_client_access(request: HttpRequest, client_id: int) -> HttpResponse:
    """停用/启用 and 有效期 of one partner token."""
    client = ApiClient.objects.filter(pk=client_id).first()
    if client is None:
        raise NotFound("接口客户端不存在")
    try:
        do_set_api_client_access(
            staff_user(request),
            client,
            active=request.POST.get("active") == "1",
            expires_at=_expiry(request.POST.get("expires_on", "")),
            request=request,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已保存 {client.name}")
    return redirect("api_clients")


@require_POST
@requires(Capability.MANAGE_USERS)
def api_client_scopes(request: HttpRequest, client_id: int) -> HttpResponse:
    """申请数据授权 for an existing client: waits for the security administrator (三员分立)."""
    client = ApiClient.objects.select_related("region").filter(pk=client_id).first()
    if client is None:
        raise NotFound("接口客户端不存在")
    try:
        do_propose_api_scopes(staff_user(request), client, request.POST.getlist("scopes"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已提交 {client.name} 的数据授权申请，安全管理员批准后生效")
    return redirect("api_clients")
