"""Pages: feed batches (provenance and rejected rows, upload), and the 核对 of an application."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.applications.documents import pdf_bytes, pdf_response
from minzheng.applications.models import Application
from minzheng.core import listing
from minzheng.core.errors import DomainError, NotFound
from minzheng.verification import actions
from minzheng.verification.checks import source_label
from minzheng.verification.feeds import FEEDS, SOURCE_LABELS, spec_for
from minzheng.verification.models import FeedBatch, HouseholdCheck


def _can_load(user: object) -> bool:
    can = getattr(user, "can", None)
    return bool(can and (can(Capability.APPROVE) or can(Capability.MANAGE_PARAMETERS)))


@requires(Capability.CASE_DATA)
def feed_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError("请选择数据文件", code="no_file")
            batch = actions.do_load_feed(
                user,
                request.POST.get("source", ""),
                upload.read(),
                filename=upload.name or "上传文件",
            )
        except DomainError as exc:
            error = exc.message
        else:
            return redirect(reverse("verification:feed_detail", args=[batch.pk]))
    batches = FeedBatch.objects.select_related("received_by")
    source = request.GET.get("source", "")
    if source in FEEDS:
        batches = batches.filter(source=source)
    if name := request.GET.get("filename", "").strip():
        batches = batches.filter(filename__contains=name)
    if request.GET.get("rejected") == "1":
        batches = batches.filter(rows_rejected__gt=0)
    for bound, lookup in (("start", "received_at__date__gte"), ("end", "received_at__date__lte")):
        if day := request.GET.get(bound, "").strip():
            try:
                batches = batches.filter(**{lookup: date.fromisoformat(day)})
            except ValueError:
                error = "接收日期格式应为YYYY-MM-DD"
    if listing.wants_export(request) and not error:
        return listing.export(
            request,
            user,
            batches,
            filename="部门核对数据批次.xlsx",
            object_type="feed_batch",
            columns=[
                ("批次", lambda b: b.pk),
                ("来源", lambda b: SOURCE_LABELS.get(b.source, "")),
                ("文件", lambda b: b.filename),
                (
                    "接收时间",
                    lambda b: timezone.localtime(b.received_at).strftime("%Y-%m-%d %H:%M"),
                ),
                ("行数", lambda b: b.rows_total),
                ("新增", lambda b: b.rows_accepted),
                ("此前已接收", lambda b: b.rows_known),
                ("错误行", lambda b: b.rows_rejected),
            ],
        )
    page = listing.paginate(request, batches, default_size=50)
    return render(
        request,
        "verification/feed_list.html",
        {
            "page": page,
            "sources": [(s, spec.label, ",".join(spec.header)) for s, spec in FEEDS.items()],
            "labels": SOURCE_LABELS,
            "source": source,
            "filters": {
                k: request.GET.get(k, "") for k in ("filename", "start", "end", "rejected")
            },
            "can_load": _can_load(user),
            "error": error,
        },
        status=400 if error else 200,
    )


@requires(Capability.CASE_DATA)
def feed_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = (
        FeedBatch.objects.select_related("received_by", "redelivery_of").filter(pk=batch_id).first()
    )
    if batch is None:
        raise NotFound("数据批次不存在")
    errors = Paginator(batch.errors, 200).get_page(request.GET.get("page"))
    return render(
        request,
        "verification/feed_detail.html",
        {
            "batch": batch,
            "label": SOURCE_LABELS.get(batch.source, batch.source),
            "header": ",".join(spec_for(batch.source).header),
            "errors": errors,
        },
    )


def _application(request: HttpRequest, application_id: int) -> Application:
    user = staff_user(request)
    return Application.objects.visible_to(user).get_visible(user, pk=application_id)


def _items(check: HouseholdCheck) -> list[dict[str, object]]:
    return [
        {
            "source": source_label(i.source),
            "item": i.item,
            "on": i.on,
            "value": i.value,
            "rule": i.rule,
            "finding": i.finding,
        }
        for i in check.items.all()
    ]


@requires(Capability.CASE_DATA)
def application_checks(request: HttpRequest, application_id: int) -> HttpResponse:
    """The 核对 evidence of an application (a fragment on the application page, or a page)."""
    app = _application(request, application_id)
    user = staff_user(request)
    checks = HouseholdCheck.objects.visible_to(user).filter(application_id=app.pk)
    latest = checks.first()
    template = (
        "verification/_application_checks.html"
        if request.headers.get("HX-Request")
        else "verification/application_checks.html"
    )
    return render(
        request,
        template,
        {
            "app": app,
            "check": latest,
            "items": _items(latest) if latest else [],
            "history": checks[1:10],
            "can_run": user.can(Capability.EDIT_CASES),
            "error": request.GET.get("error", ""),
        },
    )


@require_POST
@requires(Capability.EDIT_CASES)
def application_verify(request: HttpRequest, application_id: int) -> HttpResponse:
    app = _application(request, application_id)
    url = reverse("verification:application_checks", args=[app.pk])
    try:
        actions.do_verify_application(staff_user(request), app)
    except DomainError as exc:
        from urllib.parse import urlencode

        return redirect(f"{url}?{urlencode({'error': exc.message})}")
    return redirect(url)


@requires(Capability.CASE_DATA)
def check_report(request: HttpRequest, check_id: int) -> HttpResponse:
    """核对报告 (PDF): every item with its source, date, value and rule."""
    user = staff_user(request)
    check = (
        HouseholdCheck.objects.visible_to(user)
        .select_related("household", "region")
        .get_visible(user, pk=check_id)
    )
    from django.utils import timezone

    context = {
        "title": "家庭经济状况核对报告",
        "check": check,
        "items": _items(check),
        "printed_at": timezone.localtime(),
    }
    return pdf_response(
        pdf_bytes("verification/pdf/report.html", context), f"核对报告-{check.pk}.pdf"
    )
