"""Children's welfare pages: HTTP only — parse, call one action or query, render."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.children import actions, queries
from minzheng.children.models import Category, ChildCase, ChildVisit, ParentSituation
from minzheng.core.clock import today
from minzheng.core.errors import DomainError, ValidationFailed
from minzheng.core.pii import ID_NUMBER, blind_index
from minzheng.core.regioncode import county_of
from minzheng.registry.models import Person


def _day(text: str, label: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(f"{label}格式应为 YYYY-MM-DD", code="bad_date") from None


def _months(text: str) -> int:
    text = text.strip() or "0"
    if not text.isdigit():
        raise ValidationFailed("持续月数应为非负整数", code="bad_months")
    return int(text)


@requires(Capability.CASE_DATA)
def case_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if request.method == "POST":
        try:
            made = actions.do_identify_children(user, user)
            messages.success(request, f"比对完成：新发现 {made} 名儿童，已建档待申请")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("children:case_list")
    rows = queries.cases_visible(user)
    f = {k: request.GET.get(k, "").strip() for k in ("category", "status", "q")}
    if f["category"] in Category.values:
        rows = rows.filter(category=f["category"])
    if f["status"] in ChildCase.Status.values:
        rows = rows.filter(status=f["status"])
    if f["q"]:
        rows = rows.filter(child__name__contains=f["q"])
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "children/case_list.html",
        {
            "page": page,
            "filters": f,
            "categories": Category.choices,
            "statuses": ChildCase.Status.choices,
            "counts": queries.counts_by_category(user),
            "can_edit": user.can(Capability.EDIT_CASES),
        },
    )


@requires(Capability.CASE_DATA)
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    user = staff_user(request)
    case = (
        queries.cases_visible(user)
        .select_related("father", "mother", "household")
        .get_visible(user, pk=case_id)
    )
    return render(
        request,
        "children/case_detail.html",
        {
            "case": case,
            "criteria": case.decision.get("criteria", []),
            "visits": queries.visits_of(user, case),
            "findings": ChildVisit.Finding.choices,
            "can_edit": user.can(Capability.EDIT_CASES),
            "can_approve": user.can(Capability.APPROVE),
            "today": today(),
        },
    )


@require_POST
@requires(Capability.CASE_DATA)
def case_action(request: HttpRequest, case_id: int, step: str) -> HttpResponse:
    user = staff_user(request)
    case = queries.cases_visible(user).get_visible(user, pk=case_id)
    p = request.POST
    try:
        match step:
            case "apply":
                actions.do_apply(
                    user,
                    case,
                    guardian_name=p.get("guardian_name", ""),
                    guardian_relation=p.get("guardian_relation", ""),
                )
            case "review":
                actions.do_review(
                    user, case, approve=p.get("approve") == "1", note=p.get("note", "")
                )
            case "decide":
                actions.do_decide(
                    user, case, approve=p.get("approve") == "1", note=p.get("note", "")
                )
            case "education":
                actions.do_record_education(
                    user, case, until=_day(p.get("until", ""), "在校截止日期")
                )
            case "visit":
                actions.do_record_visit(
                    user,
                    case,
                    visited_on=_day(p.get("visited_on", ""), "走访日期"),
                    finding=p.get("finding", ""),
                    note=p.get("note", ""),
                )
            case _:
                raise ValidationFailed("未知的操作", code="bad_step")
        messages.success(request, "已保存")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("children:case_detail", case_id=case.pk)


@requires(Capability.EDIT_CASES)
def case_new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error = ""
    form = {k: request.POST.get(k, "").strip() for k in request.POST}
    if request.method == "POST":
        try:
            number = form.get("id_number", "").upper()
            child = (
                Person.objects.visible_to(user)
                .filter(id_number_index=blind_index(ID_NUMBER, number))
                .first()
                if number
                else None
            )
            if child is None:
                raise ValidationFailed(
                    "未在您的管辖范围内找到该身份证号的人员", code="person_not_found"
                )
            case = actions.do_register_child_case(
                user,
                child_id=child.pk,
                father_situation=form.get("father_situation", ""),
                mother_situation=form.get("mother_situation", ""),
                father_months=_months(form.get("father_months", "")),
                mother_months=_months(form.get("mother_months", "")),
                in_institution=form.get("in_institution") == "1",
                note=form.get("note", ""),
            )
            return redirect("children:case_detail", case_id=case.pk)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "children/case_new.html",
        {"error": error, "form": form, "situations": ParentSituation.choices},
    )


@requires(Capability.CASE_DATA)
def directors(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error = ""
    if request.method == "POST":
        try:
            actions.do_appoint_director(
                user,
                region_code=request.POST.get("region", ""),
                name=request.POST.get("name", ""),
                appointed_on=_day(request.POST.get("appointed_on", ""), "任职日期"),
            )
            return redirect("children:directors")
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "children/directors.html",
        {
            "directors": queries.directors_visible(user).filter(left_on__isnull=True),
            "villages": queries.villages_visible(user).order_by("code")[:500],
            "can_edit": user.can(Capability.EDIT_CASES),
            "error": error,
            "today": today(),
        },
    )


@requires(Capability.CASE_DATA)
def visits_due(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(
        request,
        "children/visits_due.html",
        {"cases": queries.visits_due(user, county_of(user.region_id), today())},
    )
