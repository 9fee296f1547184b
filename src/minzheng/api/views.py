from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.api.actions import do_create_api_client
from minzheng.api.models import SCOPES, ApiClient
from minzheng.core.errors import DomainError
from minzheng.regions.models import Region


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
                request=request,
            )
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "api/clients.html",
        {
            "clients": ApiClient.objects.select_related("region").order_by("name"),
            "scopes": SCOPES,
            "regions": Region.objects.exclude(level="village").order_by("code"),
            "error": error,
            "token": token,
        },
    )
