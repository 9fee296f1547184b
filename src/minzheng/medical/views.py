"""Medical assistance pages: HTTP only — parse, call one action or query, render."""

from __future__ import annotations

import csv
from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.api.models import ApiClient
from minzheng.core import listing
from minzheng.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from minzheng.core.money import ZERO
from minzheng.core.yearmonth import YearMonth
from minzheng.medical import actions, queries
from minzheng.medical.models import Hospital, Settlement
from minzheng.medical.rules import CATEGORY_LABELS, VISIT_KIND_LABELS


def _day(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


def _hospital(request: HttpRequest, hospital_id: int) -> Hospital:
    hospital = queries.hospitals_visible(staff_user(request)).filter(pk=hospital_id).first()
    if hospital is None:
        raise NotFound("医院不存在或不在您的管辖范围内")
    return hospital


@requires(Capability.CASE_DATA)
def settlement_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    rows = queries.settlements_visible(user)
    f = {k: request.GET.get(k, "").strip() for k in ("category", "status", "hospital", "q")}
    if f["category"] in CATEGORY_LABELS:
        rows = rows.filter(category=f["category"])
    if f["status"] in Settlement.Status.values:
        rows = rows.filter(status=f["status"])
    if f["hospital"].isdigit():
        rows = rows.filter(hospital_id=int(f["hospital"]))
    if f["q"]:
        rows = rows.filter(person__name__contains=f["q"])
    page = listing.paginate(request, rows, default_size=30)
    return render(
        request,
        "medical/settlement_list.html",
        {
            "page": page,
            "filters": f,
            "categories": CATEGORY_LABELS.items(),
            "statuses": Settlement.Status.choices,
            "hospitals": queries.hospitals_visible(user),
            "visit_kinds": VISIT_KIND_LABELS,
            "category_labels": CATEGORY_LABELS,
        },
    )


@requires(Capability.CASE_DATA)
def settlement_detail(request: HttpRequest, settlement_id: int) -> HttpResponse:
    user = staff_user(request)
    settlement = Settlement.objects.select_related("hospital", "person").get_visible(
        user, pk=settlement_id
    )
    return render(
        request,
        "medical/settlement_detail.html",
        {
            "s": settlement,
            "category_label": CATEGORY_LABELS[settlement.category],
            "visit_kind_label": VISIT_KIND_LABELS[settlement.visit_kind],
        },
    )


@login_required
def hospitals(request: HttpRequest) -> HttpResponse:
    """Case-data staff see the hospitals in their region; the system administrator registers them."""
    user = request.user
    if not isinstance(user, User) or not (
        user.can(Capability.CASE_DATA) or user.can(Capability.MANAGE_USERS)
    ):
        raise PermissionDenied("您的角色无权访问此页面")
    error = ""
    if request.method == "POST":
        try:
            actions.do_register_hospital(
                user,
                code=request.POST.get("code", ""),
                name=request.POST.get("name", ""),
                region_code=request.POST.get("region", "").strip(),
                client_name=request.POST.get("client", "").strip(),
            )
            return redirect("medical:hospitals")
        except DomainError as exc:
            error = exc.message
    can_register = user.can(Capability.MANAGE_USERS)
    listed = (
        Hospital.objects.all() if can_register else queries.hospitals_visible(user)
    ).select_related("region", "client")
    return render(
        request,
        "medical/hospitals.html",
        {
            "hospitals": listed,
            "can_register": can_register,
            "can_read": user.can(Capability.CASE_DATA),
            "clients": ApiClient.objects.filter(hospital__isnull=True).order_by("name"),
            "error": error,
            "form": request.POST,
            "today": timezone.localdate(),
        },
    )


@requires(Capability.CASE_DATA)
def hospital_daily(request: HttpRequest, hospital_id: int) -> HttpResponse:
    hospital = _hospital(request, hospital_id)
    day = _day(request.GET.get("day"), timezone.localdate())
    # Names are case data: the page lists only patients in the viewer's scope (the hospital's own
    # API list is complete).
    rows = list(
        queries.hospital_daily(hospital, day).filter(
            pk__in=queries.settlements_visible(staff_user(request)).values("pk")
        )
    )
    live = [s for s in rows if s.status == Settlement.Status.SETTLED]
    if request.GET.get("format") == "csv":
        # The reconciliation file's layout: what the hospital's own system would send back.
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{hospital.code}-{day}.csv"'
        writer = csv.writer(response)
        writer.writerow(["claim_id", "assistance_amount", "settled_on", "visit_kind"])
        for s in live:
            writer.writerow([s.claim_id, s.assistance_amount, s.settled_on, s.visit_kind])
        return response
    return render(
        request,
        "medical/hospital_daily.html",
        {
            "hospital": hospital,
            "day": day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "rows": rows,
            "total": sum((s.assistance_amount for s in live), start=ZERO),
            "live_count": len(live),
            "category_labels": CATEGORY_LABELS,
            "visit_kinds": VISIT_KIND_LABELS,
        },
    )


@requires(Capability.CASE_DATA)
def statements(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    try:
        month = YearMonth.parse(request.GET.get("month", ""))
    except ValueError:
        month = YearMonth.of(timezone.localdate()) - 1
    dues = [
        queries.month_due(h, month.first_day(), month.last_day())
        for h in queries.hospitals_visible(user)
    ]
    return render(
        request,
        "medical/statements.html",
        {
            "month": month,
            "dues": dues,
            "statements": queries.statements_visible(user)[:100],
            "can_confirm": user.can(Capability.APPROVE),
            "month_over": month < YearMonth.of(timezone.localdate()),
        },
    )


@require_POST
@requires(Capability.APPROVE)
def statement_confirm(request: HttpRequest, hospital_id: int) -> HttpResponse:
    month = actions.statement_month(request.POST.get("month", ""))
    actions.do_confirm_statement(staff_user(request), hospital_id, month)
    return redirect(f"{reverse('medical:statements')}?month={month}")


@requires(Capability.CASE_DATA)
def reconciliation(request: HttpRequest) -> HttpResponse:
    """Upload a hospital's file (POST: reconciled and kept, then its page) and the past batches."""
    user = staff_user(request)
    error = ""
    today = timezone.localdate()
    form = {
        "hospital": request.POST.get("hospital", ""),
        "date_from": request.POST.get("date_from", (today.replace(day=1)).isoformat()),
        "date_to": request.POST.get("date_to", today.isoformat()),
    }
    if request.method == "POST":
        try:
            if not form["hospital"].isdigit():
                raise ValidationFailed("请选择医院", code="hospital_required")
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationFailed("请选择医院的结算文件（CSV）", code="file_required")
            batch = actions.do_reconcile(
                user,
                int(form["hospital"]),
                upload.read(),
                file_name=upload.name or "",
                date_from=actions.parse_day(form["date_from"]),
                date_to=actions.parse_day(form["date_to"]),
            )
            return redirect("medical:reconciliation_detail", reconciliation_id=batch.pk)
        except DomainError as exc:
            error = exc.message
    page = listing.paginate(request, queries.reconciliations_visible(user), default_size=20)
    return render(
        request,
        "medical/reconciliation.html",
        {
            "hospitals": queries.hospitals_visible(user),
            "form": form,
            "error": error,
            "page": page,
        },
    )


@requires(Capability.CASE_DATA)
def reconciliation_detail(request: HttpRequest, reconciliation_id: int) -> HttpResponse:
    """A stored batch: its figures and its exception list (every row with ?show=all)."""
    batch = (
        queries.reconciliations_visible(staff_user(request)).filter(pk=reconciliation_id).first()
    )
    if batch is None:
        raise NotFound("对账批次不存在或不在您的管辖范围内")
    show_all = request.GET.get("show") == "all"
    lines = batch.lines.all()
    if not show_all:
        lines = lines.exclude(outcome="matched")
    return render(
        request,
        "medical/reconciliation_detail.html",
        {"batch": batch, "lines": lines.order_by("row", "id"), "show_all": show_all},
    )
