"""Pages: feed batches (provenance and rejected rows, upload), and the 核对 of an application."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Q
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


def _batch_checks(request: HttpRequest) -> tuple[Any, dict[str, str], str]:
    """The batch checks the viewer may see, narrowed by the query (job, day, result)."""
    from minzheng.jobs.models import Job

    user = staff_user(request)
    checks = (
        HouseholdCheck.objects.visible_to(user)
        .filter(application_id__isnull=True)
        .select_related("household", "household__head", "region")
        .annotate(
            evidence=Count("items"),
            discrepancies=Count("items", filter=Q(items__finding=True)),
        )
        .order_by("passed", "region_id", "household_id", "-id")
    )
    filters = {k: request.GET.get(k, "").strip() for k in ("job", "as_of", "result")}
    error = ""
    if filters["job"]:
        job = Job.objects.filter(pk=_int(filters["job"]), kind="verification_batch").first()
        if job is None or not user.covers(job.region_id) or not job.result.get("first_check"):
            raise NotFound("没有这个批量核对任务的结果")
        checks = checks.filter(pk__gte=job.result["first_check"], pk__lte=job.result["last_check"])
    if filters["as_of"]:
        try:
            checks = checks.filter(as_of=date.fromisoformat(filters["as_of"]))
        except ValueError:
            error = "核对日期格式应为YYYY-MM-DD"
    if filters["result"] in ("passed", "failed"):
        checks = checks.filter(passed=filters["result"] == "passed")
    return checks, filters, error


def _int(text: str) -> int:
    return int(text) if text.isdigit() else 0


def _latest_applications(household_ids: list[int]) -> dict[int, Application]:
    latest: dict[int, Application] = {}
    for app in Application.objects.filter(household_id__in=household_ids).order_by(
        "household_id", "-submitted_on", "-id"
    ):
        latest.setdefault(app.household_id, app)
    return latest


@requires(Capability.CASE_DATA)
def batch_results(request: HttpRequest) -> HttpResponse:
    """批量核对结果: per household the evidence summary, the discrepancies and the case."""
    user = staff_user(request)
    checks, filters, error = _batch_checks(request)
    if listing.wants_export(request) and not error:
        return listing.export(
            request,
            user,
            checks,
            filename="批量核对结果.xlsx",
            object_type="household_check",
            columns=[
                ("核对编号", lambda c: c.pk),
                ("核对日期", lambda c: c.as_of.isoformat()),
                ("区划", lambda c: c.region.name),
                ("户主", lambda c: c.household.head.name if c.household.head else ""),
                ("成员数", lambda c: c.members),
                ("家庭月收入（元）", lambda c: f"{c.monthly_income:.2f}"),
                ("人均月收入（元）", lambda c: f"{c.per_capita_income:.2f}"),
                ("货币财产（元）", lambda c: f"{c.money_assets:.2f}"),
                ("结果", lambda c: "符合" if c.passed else "不符合"),
                ("证据条数", lambda c: c.evidence),
                ("不符合事项", lambda c: "；".join(c.findings)),
            ],
        )
    page = listing.paginate(request, checks, default_size=50)
    rows = list(page)
    cases = _latest_applications([c.household_id for c in rows])
    totals = checks.aggregate(n=Count("id"), failed=Count("id", filter=Q(passed=False)))
    return render(
        request,
        "verification/batch_results.html",
        {
            "page": page,
            "rows": [(c, cases.get(c.household_id)) for c in rows],
            "filters": filters,
            "totals": totals,
            "error": error,
        },
        status=400 if error else 200,
    )


@requires(Capability.CASE_DATA)
def check_detail(request: HttpRequest, check_id: int) -> HttpResponse:
    """One household's 核对: every evidence item, the discrepancies first."""
    user = staff_user(request)
    check = (
        HouseholdCheck.objects.visible_to(user)
        .select_related("household", "household__head", "region")
        .get_visible(user, pk=check_id)
    )
    items = sorted(_items(check), key=lambda i: not i["finding"])
    return render(
        request,
        "verification/check_detail.html",
        {
            "check": check,
            "items": items,
            "case": _latest_applications([check.household_id]).get(check.household_id),
        },
    )
