"""审计日志: the audit trail, read by the auditor (审计员) and nobody else."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from minzheng.accounts.audit_display import present
from minzheng.accounts.decorators import requires
from minzheng.accounts.roles import Capability
from minzheng.core.models import AuditEvent


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
        "accounts/audit_log.html",
        {
            "page": page,
            # Events, not case data: labels for codes, personal values hidden (accounts/audit_display.py).
            "rows": present(list(page.object_list)),
            "filters": filters,
            "actions": AuditEvent.Action.choices,
        },
    )
