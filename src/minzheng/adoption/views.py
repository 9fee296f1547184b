"""存量数据迁移: upload a legacy export, read the report, decide the amounts the rules dispute."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.adoption.actions import do_import_legacy, do_resolve_review, may_migrate
from minzheng.adoption.formats import TABLES, read_legacy, read_mapping
from minzheng.adoption.models import MigrationBatch, MigrationReview
from minzheng.core import listing
from minzheng.core.errors import DomainError, PermissionDenied

MAX_UPLOAD = 200 * 1024 * 1024
TABLE_LABELS = {
    "households": "家庭",
    "members": "家庭成员",
    "enrolments": "救助对象",
    "bank_accounts": "银行账户",
    "payments": "发放记录",
}
PROGRAMME_LABELS = {"dibao": "低保", "dibian": "低边", "tekun": "特困"}


def _batches(request: HttpRequest) -> list[MigrationBatch]:
    user = staff_user(request)
    return list(
        MigrationBatch.objects.visible_to(user)
        .select_related("region", "made_by")
        .order_by("-created_at")[:20]
    )


@requires(Capability.CASE_DATA)
def migrate(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if not may_migrate(user):
        raise PermissionDenied("只有县级审批员或市级管理员可以迁移存量数据")
    context: dict[str, object] = {
        "tables": [(TABLE_LABELS[t], t, req, opt) for t, (req, opt) in TABLES.items()],
        "programme_labels": PROGRAMME_LABELS,
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        mapping_file = request.FILES.get("mapping")
        try:
            if upload is None:
                raise DomainError("请选择要导入的文件", code="file_missing")
            if upload.size is not None and upload.size > MAX_UPLOAD:
                raise DomainError("文件超过 200 MB", code="too_large")
            mapping = read_mapping(mapping_file.read() if mapping_file else None)
            files = read_legacy(upload.name or "upload", upload.read(), mapping=mapping)
            batch = do_import_legacy(user, files, dry_run=request.POST.get("dry_run") == "1")
            return redirect("adoption:batch", batch.pk)
        except DomainError as exc:
            context["error"] = exc.message
    context["batches"] = _batches(request)
    return render(request, "adoption/migrate.html", context)


@requires(Capability.CASE_DATA)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    found = MigrationBatch.objects.visible_to(user).filter(pk=pk).first()
    if found is None:
        raise PermissionDenied("记录不存在或不在您的管辖范围内")
    report = found.report
    figures = report.get("would_create") or report.get("planned") or {}
    return render(
        request,
        "adoption/batch.html",
        {
            "batch": found,
            "errors": report.get("errors", [])[:500],
            "error_count": len(report.get("errors", [])),
            "figures": figures,
            "written": report.get("written"),
            "programme_labels": PROGRAMME_LABELS,
        },
    )


@requires(Capability.CASE_DATA)
def reviews(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    status = request.GET.get("status", MigrationReview.Status.OPEN)
    if status not in MigrationReview.Status.values:
        status = MigrationReview.Status.OPEN
    rows = (
        MigrationReview.objects.visible_to(user)
        .filter(status=status)
        .select_related("enrolment__household__head", "region")
        .order_by("pk")
    )
    page = listing.paginate(request, rows, default_size=50)
    return render(
        request,
        "adoption/reviews.html",
        {
            "page": page,
            "status": status,
            "statuses": MigrationReview.Status.choices,
            "can_decide": user.can(Capability.APPROVE),
            "programme_labels": PROGRAMME_LABELS,
        },
    )


@require_POST
@requires(Capability.APPROVE)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    review = MigrationReview.objects.get_visible(user, pk=pk)
    try:
        do_resolve_review(
            user,
            review,
            adopt=request.POST.get("decision") == "adopt",
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        return render(request, "core/error.html", {"error": exc}, status=exc.status)
    return redirect("adoption:reviews")
