"""审计日志: the audit trail, read by the auditor (审计员) and nobody else."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from minzheng.accounts.audit_display import present
from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.core import listing
from minzheng.core.masking import mask_name
from minzheng.core.models import AuditEvent


def _parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _label(person: Any) -> str:
    # Masked like everything else on the audit page: the auditor sees events, not case data.
    return (
        f"{mask_name(person.name)}（{person.id_number_masked or '无证件号'}，{person.region.name}）"
    )


def _person_label(person_id: int) -> str:
    from minzheng.registry.models import Person

    person = Person.objects.select_related("region").filter(pk=person_id).first()
    return _label(person) if person else f"人员#{person_id}"


@requires(Capability.VIEW_AUDIT)
def audit_person_pick(request: HttpRequest) -> JsonResponse:
    """The audit page's person picker: the auditor has no case data, so the registry's picker
    answers 403; this one offers the persons the trail names (first ten by name prefix or a full ID
    number, masked ID shown) to the auditor."""
    from minzheng.core.idnumber import normalize
    from minzheng.core.pii import ID_NUMBER, blind_index
    from minzheng.registry.models import Person
    from minzheng.registry.queries import name_prefix

    q = request.GET.get("q", "").strip()[:40]
    found: list[Any] = []
    if q:
        # The whole trail is the auditor's (no region scope), but only persons it names.
        persons = Person.objects.filter(
            pk__in=AuditEvent.objects.filter(person_id__isnull=False).values("person_id")
        ).select_related("region")
        number = normalize(q)
        if len(number) == 18 and number[:17].isdigit():
            persons = persons.filter(id_number_index=blind_index(ID_NUMBER, number))
        else:
            persons = name_prefix(persons, q)  # type: ignore[assignment]
        found = list(persons.order_by("name", "id")[:10])
    return JsonResponse({"results": [{"id": p.pk, "label": _label(p)} for p in found]})


@requires(Capability.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    """审计日志: search by person, user, action and date. Read-only; nothing here can change an entry."""
    events = AuditEvent.objects.all()
    filters = {
        k: request.GET.get(k, "").strip()[:150]
        for k in ("person", "user", "action", "start", "end")
    }
    person_label = ""
    if filters["person"].isdigit() and len(filters["person"]) < 18:
        events = events.filter(person_id=int(filters["person"]))
        person_label = _person_label(int(filters["person"]))
    if filters["user"]:
        events = events.filter(actor_name=filters["user"])
    if filters["action"]:
        events = events.filter(action=filters["action"])
    if start := _parse_day(filters["start"]):
        events = events.filter(at__date__gte=start)
    if end := _parse_day(filters["end"]):
        events = events.filter(at__date__lte=end)
    if listing.wants_export(request):
        return listing.export(
            request,
            staff_user(request),
            present(list(events[: listing.EXPORT_LIMIT])),
            filename="审计日志.xlsx",
            object_type="audit_log",
            columns=[
                ("时间", lambda r: timezone.localtime(r.event.at).strftime("%Y-%m-%d %H:%M:%S")),
                ("操作人", lambda r: r.event.actor_name),
                ("角色", lambda r: r.role),
                ("操作", lambda r: r.event.get_action_display()),
                ("对象", lambda r: f"{r.object_label} #{r.event.object_id}"),
                ("人员编号", lambda r: r.event.person_id or ""),
                ("摘要", lambda r: r.summary),
                ("IP", lambda r: r.event.ip or ""),
            ],
        )
    page = listing.paginate(request, events, default_size=50)
    return render(
        request,
        "accounts/audit_log.html",
        {
            "page": page,
            # Events, not case data: labels for codes, personal values hidden (accounts/audit_display.py).
            "rows": present(list(page.object_list)),
            "filters": filters,
            "person_label": person_label,
            "actions": AuditEvent.Action.choices,
        },
    )
