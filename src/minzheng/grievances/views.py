"""Grievance pages for staff: the list, one item, the hotline desk and the appeals. HTTP only."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core.clock import today
from minzheng.core.errors import DomainError, ValidationFailed
from minzheng.core.pii import ID_NUMBER, blind_index
from minzheng.grievances import actions, queries
from minzheng.grievances.models import Appeal, Category, Channel, Grievance, Kind
from minzheng.registry.models import Person


def _day(text: str, label: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(f"{label}格式应为 YYYY-MM-DD", code="bad_date") from None


def _person(user: User, id_number: str) -> Person | None:
    number = id_number.strip().upper()
    if not number:
        return None
    person = (
        Person.objects.visible_to(user)
        .filter(id_number_index=blind_index(ID_NUMBER, number))
        .first()
    )
    if person is None:
        raise ValidationFailed("未在您的管辖范围内找到该身份证号的人员", code="person_not_found")
    return person


@requires(Capability.CASE_DATA)
def grievance_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if request.method == "POST":
        try:
            n = actions.do_escalate_overdue(user, today())
            messages.success(request, f"超期检查完成：{n} 件升级督办")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("grievances:list")
    rows = queries.grievances_visible(user)
    f = {k: request.GET.get(k, "").strip() for k in ("kind", "status", "overdue", "q")}
    if f["kind"] in Kind.values:
        rows = rows.filter(kind=f["kind"])
    if f["status"] in Grievance.Status.values:
        rows = rows.filter(status=f["status"])
    if f["overdue"] == "1":
        rows = rows.filter(status="open", due_on__lt=today())
    if f["q"]:
        rows = rows.filter(content__contains=f["q"])
    return render(
        request,
        "grievances/list.html",
        {
            "page": Paginator(rows, 30).get_page(request.GET.get("page")),
            "filters": f,
            "kinds": Kind.choices,
            "statuses": Grievance.Status.choices,
            "summary": queries.summary(user, today()),
            "today": today(),
        },
    )


@requires(Capability.CASE_DATA)
def grievance_detail(request: HttpRequest, grievance_id: int) -> HttpResponse:
    user = staff_user(request)
    g = queries.grievances_visible(user).get_visible(user, pk=grievance_id)
    handlers = [
        u
        for u in User.objects.filter(is_active=True).select_related("region")
        if actions.can_handle(u) and queries.grievances_visible(u).filter(pk=g.pk).exists()
    ][:50]
    return render(
        request,
        "grievances/detail.html",
        {
            "g": g,
            "events": g.events.select_related("actor"),
            "can_handle": actions.can_handle(user),
            "handlers": handlers,
            "today": today(),
        },
    )


@require_POST
@requires(Capability.CASE_DATA)
def grievance_action(request: HttpRequest, grievance_id: int, step: str) -> HttpResponse:
    user = staff_user(request)
    g = queries.grievances_visible(user).get_visible(user, pk=grievance_id)
    try:
        if step == "reply":
            actions.do_reply(user, g, text=request.POST.get("reply", ""))
        elif step == "assign":
            assignee = User.objects.filter(pk=int(request.POST.get("assignee") or 0)).first()
            if assignee is None:
                raise ValidationFailed("请选择承办人", code="bad_assignee")
            actions.do_assign(user, g, assignee)
        else:
            raise ValidationFailed("未知的操作", code="bad_step")
        messages.success(request, "已保存")
    except (DomainError, ValueError) as exc:
        messages.error(request, exc.message if isinstance(exc, DomainError) else "请选择承办人")
    return redirect("grievances:detail", grievance_id=g.pk)


@requires(Capability.CASE_DATA)
def hotline_desk(request: HttpRequest) -> HttpResponse:
    """Log a call and open the right item in one step: a 骗保 report opens the review as well."""
    user = staff_user(request)
    form = {k: request.POST.get(k, "").strip() for k in request.POST}
    error = ""
    from minzheng.children.queries import villages_visible

    villages = villages_visible(user).order_by("code")[:500]
    if request.method == "POST":
        try:
            subject = _person(user, form.get("subject_id_number", ""))
            caller = _person(user, form.get("caller_id_number", ""))
            region_code = form.get("region", "")
            region = (
                subject.region
                if subject is not None
                else villages_visible(user).filter(code=region_code).first()
            )
            if region is None:
                raise ValidationFailed("请选择所涉村（社区）", code="region_missing")
            g = actions.do_receive(
                user,
                kind=form.get("kind", ""),
                channel=form.get("channel", ""),
                category=form.get("category", ""),
                content=form.get("content", ""),
                region=region,
                complainant=caller,
                complainant_name=form.get("caller_name", ""),
                phone=form.get("phone", ""),
                subject_person=subject,
                external_ref=form.get("external_ref", ""),
            )
            messages.success(request, f"已登记：办理期限 {g.due_on:%Y-%m-%d}")
            return redirect("grievances:detail", grievance_id=g.pk)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "grievances/desk.html",
        {
            "form": form,
            "error": error,
            "kinds": Kind.choices,
            "channels": [c for c in Channel.choices if c[0] != Channel.PORTAL],
            "categories": Category.choices,
            "villages": villages,
        },
    )


@requires(Capability.CASE_DATA)
def appeals(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("appeal"):
                appeal = queries.appeals_visible(user).get_visible(
                    user, pk=int(request.POST["appeal"])
                )
                actions.do_record_appeal_outcome(
                    user,
                    appeal,
                    outcome=request.POST.get("outcome", ""),
                    decided_on=_day(request.POST.get("decided_on", ""), "决定日期"),
                    note=request.POST.get("note", ""),
                )
            else:
                person = _person(user, request.POST.get("id_number", ""))
                if person is None:
                    raise ValidationFailed("请填写申请人身份证号", code="person_missing")
                actions.do_record_appeal(
                    user,
                    kind=request.POST.get("kind", ""),
                    person=person,
                    decision=request.POST.get("decision", ""),
                    body=request.POST.get("body", ""),
                    filed_on=_day(request.POST.get("filed_on", ""), "申请日期"),
                )
            return redirect("grievances:appeals")
        except DomainError as exc:
            error = exc.message
        except ValueError:
            error = "复议记录编号不正确"
    return render(
        request,
        "grievances/appeals.html",
        {
            "appeals": queries.appeals_visible(user)[:200],
            "kinds": Appeal.Kind.choices,
            "outcomes": [o for o in Appeal.Outcome.choices if o[0] != "pending"],
            "can_handle": actions.can_handle(user),
            "error": error,
            "today": today(),
        },
    )
