"""Pages: the warnings queue (per role, region-scoped) and one warning with its tasks."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import narrowed
from minzheng.core import listing
from minzheng.core.errors import DomainError
from minzheng.core.yearmonth import YearMonth
from minzheng.monitoring import actions, queries
from minzheng.monitoring.models import Closure, Kind, MonitoringRun, Severity, Warning


@requires(Capability.CASE_DATA)
def warning_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = timezone.localdate()
    error = ""
    if request.method == "POST":
        # The run goes to the worker; its task page shows the progress, then opens this list.
        from minzheng.jobs.actions import do_start_job

        try:
            month = YearMonth.parse(request.POST.get("month", ""))
        except ValueError:
            error = "月份格式应为YYYY-MM"
        else:
            try:
                job = do_start_job(user, "monitor", {"month": str(month)})
            except DomainError as exc:
                error = exc.message
            else:
                return redirect(reverse("jobs:job_detail", args=[job.pk]) + "?follow=1")
    region = request.GET.get("region", "")
    try:
        rows = queries.warnings_for(narrowed(user, region)).select_related("region", "household")
    except DomainError as exc:
        error, region = exc.message, ""
        rows = queries.warnings_for(user).select_related("region", "household")
    if name := request.GET.get("name", "").strip():
        rows = rows.filter(name__startswith=name)
    if month_text := request.GET.get("month", "").strip():
        try:
            rows = rows.filter(month=YearMonth.parse(month_text).first_day())
        except ValueError:
            error = "月份格式应为YYYY-MM"
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "open")
    if kind in Kind.values:
        rows = rows.filter(kind=kind)
    if status in Warning.Status.values:
        rows = rows.filter(status=status)
    if request.GET.get("overdue"):
        rows = rows.filter(status=Warning.Status.OPEN, deadline__lt=today)
    rows = rows.order_by("deadline", "id")
    if listing.wants_export(request):
        return listing.export(
            request,
            user,
            rows,
            filename="动态监测预警.xlsx",
            object_type="warning",
            columns=[
                ("编号", lambda w: w.pk),
                ("月份", lambda w: w.month.strftime("%Y-%m")),
                ("类型", lambda w: w.get_kind_display()),
                ("等级", lambda w: w.get_severity_display()),
                ("姓名", lambda w: w.name),
                ("身份证号", lambda w: w.id_number_masked),
                ("区划", lambda w: w.region.name),
                ("期限", lambda w: w.deadline),
                ("状态", lambda w: w.get_status_display()),
            ],
        )
    stats = queries.queue_stats(user, today)
    # The queue as it opens (a status, nothing else chosen) has its count among the figures.
    chosen = region or name or month_text or kind or request.GET.get("overdue")
    known = None if chosen or error else stats.count_of(status)
    page = listing.paginate(request, rows, count=known)
    return render(
        request,
        "monitoring/warning_list.html",
        {
            "page": page,
            "stats": stats,
            "kinds": Kind.choices,
            "statuses": Warning.Status.choices,
            "kind": kind,
            "status": status,
            "region": region,
            "name": name,
            "month": month_text,
            "today": today,
            "runs": MonitoringRun.objects.all()[:5],
            "can_run": user.can(Capability.APPROVE),
            "error": error,
        },
        status=400 if error else 200,
    )


EVIDENCE_LABELS = {
    "source_label": "数据来源",
    "date": "数据日期",
    "ref": "识别号",
    "detail_label": "类别",
    "value": "金额（元）",
    "limit": "比对标准（元）",
    "area_m2": "面积（平方米）",
    "area_limit_m2": "面积上限（平方米）",
}


@requires(Capability.CASE_DATA)
def warning_detail(request: HttpRequest, warning_id: int) -> HttpResponse:
    user = staff_user(request)
    warning = (
        queries.warnings_for(user)
        .select_related("region", "household", "person")
        .get_visible(user, pk=warning_id)
    )
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("do") == "help":
                try:
                    amount = Decimal(request.POST.get("amount", "").strip())
                except InvalidOperation:
                    raise DomainError("救助金额应为数字", code="bad_amount") from None
                actions.do_help_without_application(
                    user,
                    warning,
                    amount=amount,
                    reason=request.POST.get("reason", "").strip(),
                    bank_name=request.POST.get("bank_name", "").strip(),
                    account_number=request.POST.get("account_number", "").strip(),
                    name=request.POST.get("name", "").strip(),
                )
            else:
                actions.do_close_warning(
                    user,
                    warning,
                    closure=request.POST.get("closure", ""),
                    note=request.POST.get("note", ""),
                )
        except DomainError as exc:
            error = exc.message
        else:
            return redirect(reverse("monitoring:warning_detail", args=[warning.pk]))
    task = getattr(warning, "task", None)  # a reverse one-to-one: None when no task
    return render(
        request,
        "monitoring/warning_detail.html",
        {
            "w": warning,
            "evidence": [
                (label, warning.evidence[key])
                for key, label in EVIDENCE_LABELS.items()
                if warning.evidence.get(key) not in (None, "")
            ],
            "task": task,
            "closures": Closure.choices,
            "severities": dict(Severity.choices),
            "today": timezone.localdate(),
            "can_edit": user.can(Capability.EDIT_CASES) or user.can(Capability.APPROVE),
            "error": error,
        },
        status=400 if error else 200,
    )
