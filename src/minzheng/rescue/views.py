"""流浪乞讨人员救助 pages: stays (per station, overdue first), the phone-sized intake form, one
stay with its records and actions, stations, statistics. HTTP only."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core.clock import today
from minzheng.core.errors import DomainError, NotFound, ValidationFailed
from minzheng.registry.models import Person, Sex
from minzheng.rescue import actions, queries
from minzheng.rescue.identity import Candidate, find_identity
from minzheng.rescue.models import BroughtBy, CareRecord, Stay


def _date(raw: str, label: str, *, required: bool = True) -> date | None:
    raw = raw.strip()
    if not raw and not required:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(f"{label}格式应为 YYYY-MM-DD", code="bad_date") from None


def _can_edit(user: User) -> bool:
    return user.can(Capability.EDIT_CASES) or user.can(Capability.APPROVE)


@requires(Capability.CASE_DATA)
def stay_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    day = today()
    rows = queries.stays_visible(user)
    f = {k: request.GET.get(k, "").strip() for k in ("station", "status", "q", "overdue")}
    if f["station"].isdigit():
        rows = rows.filter(station_id=int(f["station"]))
    if f["status"] in Stay.Status.values:
        rows = rows.filter(status=f["status"])
    if f["q"]:
        rows = rows.filter(name__contains=f["q"])
    if f["overdue"] == "1":
        rows = rows.filter(status=Stay.Status.IN_CARE, due_on__lt=day)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    flags = {s.pk: queries.overdue_of(s, day) for s in page}
    return render(
        request,
        "rescue/stay_list.html",
        {
            "page": page,
            "rows": [(s, flags[s.pk]) for s in page],
            "filters": f,
            "stations": queries.stations_visible(user),
            "statuses": Stay.Status.choices,
            "overdue_count": queries.overdue_stays(user, day).count(),
            "can_edit": _can_edit(user),
        },
    )


@requires(Capability.CASE_DATA)
def stations(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    rows = queries.stations_visible(user).annotate(
        in_care=Count("stays", filter=Q(stays__status=Stay.Status.IN_CARE)),
        total=Count("stays"),
    )
    return render(request, "rescue/stations.html", {"stations": rows})


@requires(Capability.CASE_DATA)
def stay_new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    stations = queries.stations_visible(user)
    error = ""
    if request.method == "POST":
        try:
            station_id = request.POST.get("station", "")
            station = stations.filter(pk=int(station_id) if station_id.isdigit() else 0).first()
            if station is None:
                raise ValidationFailed("请选择救助站", code="station_missing")
            intake = actions.do_admit(
                user,
                station,
                name=request.POST.get("name", ""),
                sex=request.POST.get("sex", ""),
                birth_date=_date(request.POST.get("birth_date", ""), "出生日期", required=False),
                id_number=request.POST.get("id_number", ""),
                description=request.POST.get("description", ""),
                found_at=request.POST.get("found_at", ""),
                brought_by=request.POST.get("brought_by", ""),
                brought_by_note=request.POST.get("brought_by_note", ""),
                admitted_on=_date(request.POST.get("admitted_on", ""), "入站日期") or today(),
            )
            messages.success(request, f"已登记入站：{intake.stay.name}。{intake.identity.note}")
            return redirect("rescue:stay_detail", stay_id=intake.stay.pk)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "rescue/stay_new.html",
        {
            "stations": stations,
            "sexes": Sex.choices,
            "brought_by": BroughtBy.choices,
            "error": error,
            "today": today(),
            "form": request.POST,
            "can_edit": _can_edit(user),
        },
    )


STEPS = {"care", "extend", "return", "place", "leave", "identity"}


@requires(Capability.CASE_DATA)
def stay_detail(request: HttpRequest, stay_id: int) -> HttpResponse:
    user = staff_user(request)
    stay = queries.stays_visible(user).get_visible(user, pk=stay_id)
    error = ""
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step not in STEPS:
                raise ValidationFailed("未知操作", code="bad_step")
            if step == "care":
                actions.do_record_care(
                    user,
                    stay,
                    kind=request.POST.get("kind", ""),
                    day=_date(request.POST.get("day", ""), "日期") or today(),
                    note=request.POST.get("note", ""),
                )
            elif step == "extend":
                days = request.POST.get("days", "").strip()
                if not days.isdigit():
                    raise ValidationFailed("延长天数应为整数", code="bad_days")
                actions.do_extend(user, stay, days=int(days), reason=request.POST.get("reason", ""))
            elif step == "return":
                actions.do_return_home(
                    user,
                    stay,
                    destination=request.POST.get("destination", ""),
                    handed_over_to=request.POST.get("handed_over_to", ""),
                    day=_date(request.POST.get("day", ""), "离站日期") or today(),
                )
            elif step == "place":
                actions.do_place(
                    user,
                    stay,
                    placement=request.POST.get("placement", ""),
                    day=_date(request.POST.get("day", ""), "离站日期") or today(),
                )
            elif step == "leave":
                actions.do_leave(
                    user,
                    stay,
                    day=_date(request.POST.get("day", ""), "离站日期") or today(),
                    note=request.POST.get("note", ""),
                )
            else:
                pid = request.POST.get("person", "")
                person = Person.objects.filter(pk=int(pid) if pid.isdigit() else 0).first()
                if person is None:
                    raise NotFound("人员不存在")
                actions.do_confirm_identity(user, stay, person)
            messages.success(request, "已保存")
            return redirect("rescue:stay_detail", stay_id=stay.pk)
        except DomainError as exc:
            error = exc.message
    candidates: tuple[Candidate, ...] = ()
    if stay.person_id is None and stay.status == Stay.Status.IN_CARE:
        candidates = find_identity(
            name="" if stay.name_unknown else stay.name,
            birth_date=stay.birth_date,
            id_number="",
            today=today(),
        ).candidates
    return render(
        request,
        "rescue/stay_detail.html",
        {
            "s": stay,
            "flag": queries.overdue_of(stay, today()),
            "records": stay.records.select_related("recorded_by"),
            "candidates": candidates,
            "care_kinds": [(k.value, k.label) for k in actions.CARE_KINDS],
            "error": error,
            "today": today(),
            "open": stay.status == Stay.Status.IN_CARE,
            "can_edit": _can_edit(user),
            "kind_labels": dict(CareRecord.Kind.choices),
        },
    )


@requires(Capability.CASE_DATA)
def statistics(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(
        request, "rescue/statistics.html", {"rows": queries.statistics(user, until=today())}
    )
