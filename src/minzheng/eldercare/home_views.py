"""Pages of home adaptation (适老化改造), home care services (居家养老服务) and the time bank:
HTTP only — parse, call one action or query, render."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import narrowed
from minzheng.core import clock, listing
from minzheng.core.errors import DomainError, NotFound, ValidationFailed
from minzheng.core.inputs import int_param
from minzheng.core.masking import mask_name
from minzheng.core.uploads import file_response
from minzheng.eldercare import adaptation, home_queries, home_rules, homecare
from minzheng.eldercare.home_rules import (
    BASIC_ITEMS,
    ITEM_LABELS,
    OPTIONAL_ITEMS,
    PROVIDER_KINDS,
    SERVICE_KINDS,
)
from minzheng.eldercare.models import Adaptation, AdaptationPhoto, CareOrder

C = Capability


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(f"{what}应为 YYYY-MM-DD 的有效日期", code="date_invalid") from None


def _moment(text: str, what: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(
            f"{what}应为有效的日期和时间（YYYY-MM-DD HH:MM）", code="datetime_invalid"
        ) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


# ── 适老化改造 ───────────────────────────────────────────────────────────────────────────────


def _adaptation_rows(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    user = staff_user(request)
    f = {k: request.GET.get(k, "").strip() for k in ("status", "q", "region")}
    rows = home_queries.adaptations(narrowed(user, f["region"]))
    if f["status"] in Adaptation.Status.values:
        rows = rows.filter(status=f["status"])
    if f["q"]:
        rows = rows.filter(person__name__startswith=f["q"])
    return rows, f


@requires(C.CASE_DATA)
def adaptation_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    rows, f = _adaptation_rows(request)
    if listing.wants_export(request):
        return listing.export(
            request,
            user,
            rows,
            filename="适老化改造.xlsx",
            object_type="home_adaptation",
            columns=[
                ("姓名", lambda a: mask_name(a.person.name)),
                ("村（社区）", lambda a: a.region.name),
                ("申请日期", lambda a: a.applied_on.isoformat()),
                ("状态", lambda a: a.get_status_display()),
                ("施工单位", lambda a: a.contractor),
                ("改造总价（元）", lambda a: f"{a.total:.2f}"),
                ("补贴（元）", lambda a: f"{a.subsidy:.2f}"),
                ("自付（元）", lambda a: f"{a.own_share:.2f}"),
            ],
        )
    return render(
        request,
        "eldercare/adaptation_list.html",
        {
            "page": listing.paginate(request, rows),
            "filters": f,
            "statuses": Adaptation.Status.choices,
            "figures": home_queries.adaptation_figures(user),
            "can_apply": user.can(C.EDIT_CASES),
        },
    )


@requires(C.EDIT_CASES)
def adaptation_new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error = ""
    if request.method == "POST":
        try:
            row = adaptation.do_apply(
                user,
                int_param(request.POST.get("person_id"), "老年人"),
                applied_by=request.POST.get("applied_by", ""),
                applicant_name=request.POST.get("applicant_name", ""),
                note=request.POST.get("note", ""),
            )
            return redirect("eldercare:adaptation_detail", row.pk)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "eldercare/adaptation_new.html",
        {"error": error, "form": request.POST, "applied_by": Adaptation.AppliedBy.choices},
    )


def _adaptation_page(
    request: HttpRequest, adaptation_id: int, *, error: str = "", status: int = 200
) -> HttpResponse:
    user = staff_user(request)
    row = (
        Adaptation.objects.select_related(
            "person", "region", "visited_by", "decided_by", "checked_by", "paid_by"
        )
        .visible_to(user)
        .filter(pk=adaptation_id)
        .first()
    )
    if row is None:
        raise NotFound("适老化改造记录不存在或不在您的管辖范围内")
    return render(
        request,
        "eldercare/adaptation_detail.html",
        {
            "a": row,
            "items": row.items.all(),
            "photos": row.photos.all(),
            "basic_items": BASIC_ITEMS.items(),
            "optional_items": OPTIONAL_ITEMS.items(),
            "item_labels": ITEM_LABELS,
            "can_edit": user.can(C.EDIT_CASES),
            "can_approve": user.can(C.APPROVE),
            "today": clock.today().isoformat(),
            "error": error,
            "form": request.POST,
        },
        status=status,
    )


@requires(C.CASE_DATA)
def adaptation_detail(request: HttpRequest, adaptation_id: int) -> HttpResponse:
    return _adaptation_page(request, adaptation_id)


@requires(C.CASE_DATA)
def adaptation_act(request: HttpRequest, adaptation_id: int, step: str) -> HttpResponse:
    """One step of the workflow, posted from the detail page."""
    user = staff_user(request)
    if request.method != "POST":
        Adaptation.objects.get_visible(user, pk=adaptation_id)  # another county's: not found
        return redirect("eldercare:adaptation_detail", adaptation_id)
    p = request.POST
    try:
        if step == "visit":
            adaptation.do_record_visit(
                user,
                adaptation_id,
                visited_on=_day(p.get("visited_on", ""), "入户评估日期"),
                notes=p.get("visit_notes", ""),
                contractor=p.get("contractor", ""),
            )
        elif step == "item":
            quantity = p.get("quantity", "").strip()
            if not quantity.isascii() or not quantity.isdigit() or len(quantity) > 4:
                raise ValidationFailed("数量应为 1～99 的整数", code="quantity_invalid")
            adaptation.do_add_item(
                user,
                adaptation_id,
                code=p.get("code", ""),
                quantity=int(quantity),
                unit_price=home_rules.parse_money(p.get("unit_price", "")),
            )
        elif step == "remove":
            adaptation.do_remove_item(user, adaptation_id, int_param(p.get("item"), "项目"))
        elif step in ("approve", "refuse"):
            adaptation.do_decide(
                user, adaptation_id, approve=step == "approve", reason=p.get("reason", "")
            )
        elif step == "complete":
            adaptation.do_complete(
                user,
                adaptation_id,
                completed_on=_day(p.get("completed_on", ""), "验收日期"),
                notes=p.get("completion_notes", ""),
                photos=request.FILES.getlist("photos"),
            )
        elif step == "pay":
            adaptation.do_pay(user, adaptation_id, reason=p.get("dialog_reason", ""))
        else:
            raise NotFound("没有这个操作")
    except NotFound:
        raise
    except DomainError as exc:
        return _adaptation_page(request, adaptation_id, error=exc.message, status=400)
    return redirect("eldercare:adaptation_detail", adaptation_id)


@requires(C.CASE_DATA)
def adaptation_photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    user = staff_user(request)
    found = AdaptationPhoto.objects.filter(
        pk=photo_id, adaptation__in=Adaptation.objects.visible_to(user)
    ).first()
    if found is None:
        raise NotFound("照片不存在或不在您的管辖范围内")
    with found.image.open("rb") as handle:
        data = handle.read()
    return file_response(data, filename=f"验收照片{found.pk}", inline_image=True)


# ── 居家养老服务 ─────────────────────────────────────────────────────────────────────────────


@requires(C.CASE_DATA)
def provider_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error = ""
    if request.method == "POST":
        try:
            homecare.do_add_provider(
                user,
                name=request.POST.get("name", ""),
                kind=request.POST.get("kind", ""),
                region_code=request.POST.get("region", ""),
                phone=request.POST.get("phone", ""),
            )
            return redirect("eldercare:provider_list")
        except DomainError as exc:
            error = exc.message
    q = request.GET.get("q", "").strip()
    rows = home_queries.providers(user)
    if q:
        rows = rows.filter(name__contains=q)
    return render(
        request,
        "eldercare/provider_list.html",
        {
            "page": listing.paginate(request, rows),
            "q": q,
            "kinds": PROVIDER_KINDS.items(),
            "can_add": user.can(C.EDIT_CASES),
            "error": error,
            "form": request.POST,
        },
        status=400 if error else 200,
    )


@requires(C.CASE_DATA)
def order_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error = ""
    if request.method == "POST":
        try:
            order = homecare.do_open_order(
                user,
                person_id=int_param(request.POST.get("person_id"), "服务对象"),
                provider_id=int_param(request.POST.get("provider"), "服务组织"),
                service=request.POST.get("service", ""),
                timebank=request.POST.get("timebank") == "on",
                note=request.POST.get("note", ""),
            )
            return redirect("eldercare:order_detail", order.pk)
        except DomainError as exc:
            error = exc.message
    f = {k: request.GET.get(k, "").strip() for k in ("q", "service", "status", "region")}
    rows = home_queries.orders(narrowed(user, f["region"]))
    if f["q"]:
        rows = rows.filter(person__name__startswith=f["q"])
    if f["service"] in SERVICE_KINDS:
        rows = rows.filter(service=f["service"])
    if f["status"] in CareOrder.Status.values:
        rows = rows.filter(status=f["status"])
    if listing.wants_export(request):
        return listing.export(
            request,
            user,
            rows,
            filename="居家养老服务工单.xlsx",
            object_type="care_order",
            columns=[
                ("服务对象", lambda o: mask_name(o.person.name)),
                ("村（社区）", lambda o: o.region.name),
                ("服务组织", lambda o: o.provider.name),
                ("服务项目", lambda o: SERVICE_KINDS.get(o.service, "")),
                ("开始日期", lambda o: o.started_on.isoformat()),
                ("状态", lambda o: o.get_status_display()),
                ("时间银行兑换", lambda o: "是" if o.timebank else "否"),
            ],
        )
    return render(
        request,
        "eldercare/order_list.html",
        {
            "page": listing.paginate(request, rows),
            "filters": f,
            "services": SERVICE_KINDS.items(),
            "statuses": CareOrder.Status.choices,
            "providers": home_queries.providers(user).filter(active=True),
            "can_open": user.can(C.EDIT_CASES),
            "error": error,
            "form": request.POST,
        },
        status=400 if error else 200,
    )


@requires(C.CASE_DATA)
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    user = staff_user(request)
    order = home_queries.orders(user).filter(pk=order_id).first()
    if order is None:
        raise NotFound("服务工单不存在或不在您的管辖范围内")
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("step") == "close":
                homecare.do_close_order(user, order.pk, reason=request.POST.get("reason", ""))
            else:
                volunteer = request.POST.get("volunteer_id", "").strip()
                homecare.do_record_visit(
                    user,
                    order.pk,
                    check_in=_moment(request.POST.get("check_in", ""), "签到时间"),
                    check_out=_moment(request.POST.get("check_out", ""), "签出时间"),
                    caregiver=request.POST.get("caregiver", ""),
                    volunteer_id=int_param(volunteer, "志愿者") if volunteer else None,
                    note=request.POST.get("note", ""),
                )
            return redirect("eldercare:order_detail", order.pk)
        except DomainError as exc:
            error = exc.message
    visits = home_queries.visits(user).filter(order=order)
    return render(
        request,
        "eldercare/order_detail.html",
        {
            "o": order,
            "page": listing.paginate(request, visits),
            "balance": home_queries.timebank_balance(user, order.person_id),
            "can_edit": user.can(C.EDIT_CASES),
            "error": error,
            "form": request.POST,
            "now": timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M"),
        },
        status=400 if error else 200,
    )


@requires(C.CASE_DATA)
def timebank(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error = ""
    if request.method == "POST":
        try:
            homecare.do_timebank_entry(
                user,
                person_id=int_param(request.POST.get("person_id"), "人员"),
                kind=request.POST.get("kind", ""),
                hours=home_rules.parse_hours(request.POST.get("hours", "")),
                note=request.POST.get("note", ""),
            )
            return redirect("eldercare:timebank")
        except DomainError as exc:
            error = exc.message
    q = request.GET.get("q", "").strip()
    entries = home_queries.timebank_entries(user)
    if q:
        entries = entries.filter(person__name__startswith=q)
    return render(
        request,
        "eldercare/timebank.html",
        {
            "accounts": home_queries.timebank_accounts(user)[:50],
            "page": listing.paginate(request, entries),
            "q": q,
            "kinds": home_rules.TIMEBANK_KINDS.items(),
            "can_edit": user.can(C.EDIT_CASES),
            "error": error,
            "form": request.POST,
        },
        status=400 if error else 200,
    )


@requires(C.CASE_DATA)
def home_statistics(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(
        request,
        "eldercare/home_statistics.html",
        {
            "adaptation": home_queries.adaptation_figures(user),
            "service": home_queries.service_figures(user),
        },
    )
