"""Pages: the task list, one task with its progress bar (HTMX polling), and the schedules."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core.errors import DomainError, PermissionDenied, ValidationFailed
from minzheng.jobs import actions
from minzheng.jobs.kinds import KINDS, LABELS, PACING
from minzheng.jobs.models import Job, Schedule
from minzheng.jobs.schedules import DEFAULT_BY_CODE, due_period
from minzheng.regions.models import Level, Region


def _staff(request: HttpRequest) -> User:
    """Case staff see their region's jobs; the system administrator sees every job."""
    user = staff_user(request)
    if not (user.can(Capability.CASE_DATA) or user.can(Capability.MANAGE_USERS)):
        raise PermissionDenied("您的角色无权访问此页面")
    return user


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    error = ""
    if request.method == "POST":
        try:
            job = _start(request, user)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect(reverse("jobs:job_detail", args=[job.pk]))
    rows = Job.objects.visible_to(user).select_related("region", "started_by", "schedule")
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    if kind in LABELS:
        rows = rows.filter(kind=kind)
    if status in Job.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows.order_by("-id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "jobs/job_list.html",
        {
            "page": page,
            "kinds": sorted(LABELS.items()),
            "statuses": Job.Status.choices,
            "kind": kind,
            "status": status,
            "labels": LABELS,
            "startable": [(k.code, k.label) for k in KINDS.values() if k.startable_by(user)],
            "counties": _counties(user),
            "error": error,
            "form": request.POST if request.method == "POST" else {},
        },
    )


def _counties(user: User) -> list[Region]:
    counties = Region.objects.filter(level=Level.COUNTY).order_by("code")
    return [c for c in counties if user.covers(c.code) or c.contains(user.region_id)]


def _start(request: HttpRequest, user: User) -> Job:
    kind = request.POST.get("kind", "")
    params: dict[str, str] = {}
    if request.POST.get("month"):
        params["month"] = request.POST["month"].strip()
    if kind in ("roll", "verification_batch"):
        params["county"] = request.POST.get("county", "")
    if kind in KINDS and KINDS[kind].paced:  # only the kinds that use the pacing take it
        for pacing in PACING:
            if request.POST.get(pacing, "").strip():
                params[pacing] = request.POST[pacing].strip()
    upload = request.FILES.get("file")
    if kind == "household_import":
        if upload is None:
            raise ValidationFailed("请选择要导入的文件")
        data = upload.read(actions.MAX_UPLOAD_BYTES + 1)
        return actions.do_start_job(user, kind, params, upload=data, upload_name=upload.name or "")
    if kind in ("roll", "monitor", "snapshot", "roll_all") and "month" not in params:
        raise ValidationFailed("请填写月份（YYYY-MM）")
    return actions.do_start_job(user, kind, params)


def _job(request: HttpRequest, job_id: int) -> tuple[User, Job]:
    user = _staff(request)
    return user, Job.objects.select_related("region", "started_by").get_visible(user, pk=job_id)


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    user, job = _job(request, job_id)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                actions.do_cancel_job(user, job.pk, reason=request.POST.get("reason", ""))
            elif request.POST.get("action") == "retry":
                actions.do_retry_job(user, job.pk)
            else:
                error = "未知操作"
        except DomainError as exc:
            error = exc.message
        if not error:
            return redirect(reverse("jobs:job_detail", args=[job.pk]))
        job.refresh_from_db()
    return render(
        request,
        "jobs/job_detail.html",
        {
            "job": job,
            "label": LABELS.get(job.kind, job.kind),
            "error": error,
            "result_link": _result_link(job),
            "follow": request.GET.get("follow") == "1",
        },
    )


def _result_link(job: Job) -> tuple[str, str] | None:
    if job.status != Job.Status.SUCCEEDED or job.kind not in KINDS:
        return None
    return KINDS[job.kind].result_link(job.result)


@login_required
def job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress fragment the detail page polls every second until the job ends. The poll that
    sees a job started from a page (a roll, a linkage run) succeed takes the browser to its result;
    opening a finished job's page later does not. The poll that sees any other job end reloads
    the page, so that its end time shows and the cancel form gives way to retry (or to nothing)."""
    _, job = _job(request, job_id)
    link = _result_link(job)
    follow = request.GET.get("follow") == "1"
    response = render(
        request, "jobs/_progress.html", {"job": job, "result_link": link, "follow": follow}
    )
    if request.headers.get("HX-Request") and job.finished:
        if link and follow:
            response["HX-Redirect"] = link[0]
        else:
            response["HX-Refresh"] = "true"
    return response


@requires(Capability.MANAGE_USERS)
def schedule_list(request: HttpRequest) -> HttpResponse:
    from minzheng.core.clock import now

    user = staff_user(request)
    error = ""
    if request.method == "POST":
        try:
            actions.do_set_schedule_paused(
                user,
                int(request.POST.get("schedule", "0") or 0),
                paused=request.POST.get("action") == "pause",
                reason=request.POST.get("reason", ""),
            )
        except (DomainError, ValueError) as exc:
            error = exc.message if isinstance(exc, DomainError) else "参数不正确"
        if not error:
            return redirect(reverse("jobs:schedule_list"))
    moment = now()
    rows = []
    for schedule in Schedule.objects.all():
        default = DEFAULT_BY_CODE.get(schedule.code)
        last_job = schedule.jobs.order_by("-id").first()
        rows.append(
            {
                "schedule": schedule,
                "label": default.label if default else schedule.code,
                "kind": LABELS.get(schedule.kind, schedule.kind),
                "due": None if schedule.paused else due_period(schedule, moment),
                "last_job": last_job,
            }
        )
    return render(request, "jobs/schedule_list.html", {"rows": rows, "error": error})
