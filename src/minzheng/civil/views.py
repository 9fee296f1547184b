"""Staff pages for the civil services: HTTP only — parse, call one action or query, render."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.applications.documents import pdf_bytes, pdf_response, qr_data_uri
from minzheng.civil import funeral, joint, marriage, queries
from minzheng.civil.models import (
    AppointmentKind,
    Burial,
    BurialMethod,
    Cemetery,
    CremationRecord,
    DivorceApplication,
    FuneralHome,
    JointCase,
    MarriageAppointment,
    MarriageRegistration,
    MemorialRequest,
    Period,
    QingmingReservation,
    RegistryOffice,
)
from minzheng.civil.rules import DIVORCE_STAGE_LABELS, stage_on
from minzheng.core import listing
from minzheng.core.errors import DomainError, NotFound, ValidationFailed
from minzheng.registry.models import Person


def _day(text: str, label: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(f"{label}格式应为YYYY-MM-DD", code="bad_date") from None


def _office(user: Any, raw: str) -> RegistryOffice:
    if not raw.isdigit():
        raise ValidationFailed("请选择婚姻登记处", code="office_required")
    office = RegistryOffice.objects.filter(pk=int(raw)).first()
    if office is None:
        raise NotFound("婚姻登记处不存在")
    marriage.require_office_staff(user, office)
    return office


def _offices(user: Any) -> list[RegistryOffice]:
    return list(RegistryOffice.objects.visible_to(user).order_by("region_id", "pk"))


def _registrar(user: Any) -> bool:
    """County staff who run a registry office or a cemetery gate."""
    return bool(user.can(Capability.EDIT_CASES) or user.can(Capability.APPROVE)) and (
        RegistryOffice.objects.visible_to(user).exists()
    )


def _page(request: HttpRequest, rows: Any) -> Any:
    return listing.paginate(request, rows, default_size=20)


def _done(name: str, message: str, **kwargs: Any) -> HttpResponse:
    from urllib.parse import quote

    return redirect(f"{reverse(name, kwargs=kwargs or None)}?done={quote(message)}")


def _checked(request: HttpRequest) -> dict[str, Any]:
    return {
        "id_cards_checked": request.POST.get("id_cards_checked") == "1",
        "declaration_signed": request.POST.get("declaration_signed") == "1",
    }


# ── marriage registrations ───────────────────────────────────────────────────────────────────


@requires(Capability.CASE_DATA)
def registrations(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            office = _office(user, request.POST.get("office", ""))
            a = marriage.person_by_id_number(request.POST.get("id_a", ""))
            b = marriage.person_by_id_number(request.POST.get("id_b", ""))
            reg = marriage.do_register_marriage(
                user,
                office=office,
                party_a=a,
                party_b=b,
                on=timezone.localdate(),
                **_checked(request),
            )
        except DomainError as exc:
            error, status = exc.message, 400
        else:
            return _done("civil:registrations", f"已登记结婚，证号{reg.certificate_number}")
    q = request.GET.get("q", "")
    return render(
        request,
        "civil/registrations.html",
        {
            "page": _page(request, queries.registrations(user, q)),
            "q": q,
            "offices": _offices(user),
            "can_edit": _registrar(user),
            "error": error,
            "done": request.GET.get("done", ""),
        },
        status=status,
    )


@require_POST
@requires(Capability.CASE_DATA)
def registration_action(request: HttpRequest, registration_id: int) -> HttpResponse:
    user = staff_user(request)
    registration = MarriageRegistration.objects.get_visible(user, pk=registration_id)
    what = request.POST.get("action", "")
    try:
        if what == "reissue":
            new = marriage.do_reissue_certificate(
                user,
                registration,
                on=timezone.localdate(),
                reason=request.POST.get("reason", ""),
                **_checked(request),
            )
            message = f"已补发，证号{new.certificate_number}"
        elif what == "cancel":
            marriage.do_cancel_marriage(
                user, registration, on=timezone.localdate(), reason=request.POST.get("reason", "")
            )
            message = "已撤销该婚姻登记"
        else:
            raise ValidationFailed("未知的操作", code="bad_action")
    except DomainError as exc:
        return _done("civil:registrations", f"未办理：{exc.message}")
    return _done("civil:registrations", message)


@requires(Capability.CASE_DATA)
def certificate_pdf(request: HttpRequest, registration_id: int) -> HttpResponse:
    user = staff_user(request)
    registration = MarriageRegistration.objects.select_related(
        "office", "party_a", "party_b"
    ).get_visible(user, pk=registration_id)
    if not registration.certificate_number:
        raise NotFound("该登记没有证书")
    verify = request.build_absolute_uri(reverse("civil:registrations")) + (
        f"?q={registration.certificate_number}"
    )
    data = pdf_bytes(
        "civil/pdf/certificate.html",
        {
            "title": registration.get_kind_display() + "证明",
            "r": registration,
            "qr": qr_data_uri(verify),
            "status_url": verify,
            "printed_at": timezone.localtime(),
        },
    )
    return pdf_response(data, f"{registration.certificate_number}.pdf")


# ── appointments ─────────────────────────────────────────────────────────────────────────────


@requires(Capability.CASE_DATA)
def appointments(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    offices = _offices(user)
    error, status = "", 200
    if request.method == "POST":
        try:
            office = _office(user, request.POST.get("office", ""))
            booker = marriage.person_by_id_number(request.POST.get("id_number", ""))
            appointment = marriage.do_book_appointment(
                office=office,
                day=_day(request.POST.get("day", ""), "预约日期"),
                period=request.POST.get("period", ""),
                kind=request.POST.get("kind", ""),
                booker=booker,
                partner_name=request.POST.get("partner_name", ""),
                today=timezone.localdate(),
                actor=user,
            )
        except DomainError as exc:
            error, status = exc.message, 400
        else:
            return _done(
                "civil:appointments",
                f"已预约{appointment.day.isoformat()}{appointment.get_period_display()}",
            )
    today = timezone.localdate()
    rows = (
        MarriageAppointment.objects.visible_to(user)
        .select_related("office", "booker")
        .filter(day__gte=today - timedelta(days=7))
        .order_by("day", "period", "pk")
    )
    slots = marriage.open_slots(offices[0], today + timedelta(days=1), 14) if offices else []
    return render(
        request,
        "civil/appointments.html",
        {
            "page": _page(request, rows),
            "offices": offices,
            "slots": slots,
            "kinds": AppointmentKind.choices,
            "periods": Period.choices,
            "can_edit": _registrar(user),
            "error": error,
            "done": request.GET.get("done", ""),
        },
        status=status,
    )


# ── divorce ──────────────────────────────────────────────────────────────────────────────────


@requires(Capability.CASE_DATA)
def divorces(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error, status = "", 200
    if request.method == "POST":
        try:
            number = request.POST.get("certificate_number", "").strip()
            found = MarriageRegistration.objects.filter(certificate_number=number).first()
            if found is None:
                raise NotFound(f"未找到结婚证号{number}")
            application = marriage.do_receive_divorce_application(
                user,
                office=_office(user, request.POST.get("office", "")),
                marriage=found,
                on=timezone.localdate(),
                **_checked(request),
            )
        except DomainError as exc:
            error, status = exc.message, 400
        else:
            return _done(
                "civil:divorces",
                f"已受理，冷静期至{application.cooling_off_last_day.isoformat()}",
            )
    today = timezone.localdate()
    state = request.GET.get("status", "")
    page = _page(request, queries.divorces(user, state))
    rows = [
        # The two last days were fixed at receipt: no parameter lookup per row.
        (a, DIVORCE_STAGE_LABELS[stage_on(today, a.cooling_off_last_day, a.certificate_last_day)])
        for a in page.object_list
    ]
    return render(
        request,
        "civil/divorces.html",
        {
            "page": page,
            "rows": rows,
            "today": today,
            "state": state,
            "statuses": DivorceApplication.Status.choices,
            "offices": _offices(user),
            "can_edit": _registrar(user),
            "error": error,
            "done": request.GET.get("done", ""),
        },
        status=status,
    )


@require_POST
@requires(Capability.CASE_DATA)
def divorce_action(request: HttpRequest, application_id: int) -> HttpResponse:
    user = staff_user(request)
    application = DivorceApplication.objects.select_related("office").get_visible(
        user, pk=application_id
    )
    today = timezone.localdate()
    what = request.POST.get("action", "")
    try:
        if what == "withdraw":
            party_id = request.POST.get("party", "")
            party = Person.objects.filter(pk=int(party_id) if party_id.isdigit() else 0).first()
            if party is None:
                raise ValidationFailed("请选择撤回的一方", code="party_required")
            marriage.do_withdraw_divorce(user, application, party=party, on=today)
            message = f"{party.name}已撤回离婚登记申请"
        elif what == "issue":
            reg = marriage.do_issue_divorce_certificate(
                user,
                application,
                on=today,
                both_present=request.POST.get("both_present") == "1",
                **_checked(request),
            )
            message = f"已登记离婚，证号{reg.certificate_number}"
        else:
            raise ValidationFailed("未知的操作", code="bad_action")
    except DomainError as exc:
        return _done("civil:divorces", f"未办理：{exc.message}")
    return _done("civil:divorces", message)


# ── funeral ──────────────────────────────────────────────────────────────────────────────────


def _deceased(user: Any, raw: str) -> Person:
    if not raw.strip().isdigit():
        raise ValidationFailed("请填写逝者的人员编号", code="person_required")
    return Person.objects.get_visible(user, pk=int(raw.strip()))


@requires(Capability.CASE_DATA)
def funeral_page(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error, status = "", 200
    if request.method == "POST":
        try:
            deceased = _deceased(user, request.POST.get("person_id", ""))
            if request.POST.get("action") == "cremation":
                home = FuneralHome.objects.filter(pk=request.POST.get("home") or 0).first()
                if home is None:
                    raise ValidationFailed("请选择殡仪馆", code="home_required")
                record = funeral.do_record_cremation(
                    user,
                    deceased=deceased,
                    funeral_home=home,
                    date_of_death=_day(request.POST.get("date_of_death", ""), "死亡日期"),
                    cremated_on=_day(request.POST.get("cremated_on", ""), "火化日期"),
                )
                message = f"已登记火化，减免{record.waived:.2f}元"
            else:
                cemetery = Cemetery.objects.filter(pk=request.POST.get("cemetery") or 0).first()
                burial = funeral.do_record_burial(
                    user,
                    deceased=deceased,
                    method=request.POST.get("method", ""),
                    buried_on=_day(request.POST.get("buried_on", ""), "安葬日期"),
                    cemetery=cemetery,
                    bank_name=request.POST.get("bank_name", ""),
                    account_number=request.POST.get("account_number", ""),
                )
                message = f"已登记安葬，生态安葬补贴{burial.subsidy:.2f}元"
        except DomainError as exc:
            error, status = exc.message, 400
        else:
            return _done("civil:funeral", message)
    return render(
        request,
        "civil/funeral.html",
        {
            "cremations": CremationRecord.objects.visible_to(user)
            .select_related("deceased", "funeral_home")
            .order_by("-cremated_on", "-pk")[:50],
            "burials": Burial.objects.visible_to(user)
            .select_related("deceased", "cemetery")
            .order_by("-buried_on", "-pk")[:50],
            "homes": FuneralHome.objects.order_by("pk"),
            "cemeteries": Cemetery.objects.order_by("pk"),
            "methods": BurialMethod.choices,
            "can_edit": user.can(Capability.EDIT_CASES),
            "error": error,
            "done": request.GET.get("done", ""),
        },
        status=status,
    )


@requires(Capability.CASE_DATA)
def qingming(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error, status = "", 200
    if request.method == "POST":
        try:
            admitted = funeral.do_admit(
                user, request.POST.get("token", "").strip(), on=timezone.localdate()
            )
        except DomainError as exc:
            error, status = exc.message, 400
        else:
            return _done("civil:qingming", f"已核验入园：{admitted.party_size}人")
    rows = (
        QingmingReservation.objects.visible_to(user)
        .select_related("cemetery", "visitor")
        .order_by("-day", "slot", "pk")
    )
    memorials = (
        MemorialRequest.objects.visible_to(user)
        .select_related("cemetery")
        .order_by("-created_at")[:20]
    )
    return render(
        request,
        "civil/qingming.html",
        {
            "page": _page(request, rows),
            "memorials": memorials,
            "can_edit": _registrar(user),
            "error": error,
            "done": request.GET.get("done", ""),
        },
        status=status,
    )


# ── 一件事 ───────────────────────────────────────────────────────────────────────────────────


@requires(Capability.CASE_DATA)
def joint_cases(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error, status = "", 200
    if request.method == "POST":
        try:
            if not user.can(Capability.EDIT_CASES):
                raise ValidationFailed("您的角色不能办理一件事", code="forbidden")
            if request.POST.get("action") == "marriage_household":
                case = _open_marriage_household(user, request)
            else:
                person = _deceased(user, request.POST.get("person_id", ""))
                case = joint.open_after_death_case(
                    person,
                    _day(request.POST.get("death_date", ""), "死亡日期"),
                    JointCase.Source.FAMILY,
                    actor=user,
                )
        except DomainError as exc:
            error, status = exc.message, 400
        else:
            return redirect("civil:joint_case", case_id=case.pk)
    kind = request.GET.get("kind", "")
    return render(
        request,
        "civil/joint_cases.html",
        {
            "page": _page(request, queries.joint_cases(user, kind)),
            "kind": kind,
            "kinds": JointCase.Kind.choices,
            "can_edit": user.can(Capability.EDIT_CASES),
            "error": error,
        },
        status=status,
    )


def _open_marriage_household(user: Any, request: HttpRequest) -> JointCase:
    """婚育户一件事 from a marriage certificate: the chosen spouse moves to the other's household."""
    from minzheng.registry.models import Membership

    number = request.POST.get("certificate_number", "").strip()
    registration = MarriageRegistration.objects.filter(
        certificate_number=number, kind="marriage"
    ).first()
    if registration is None:
        raise NotFound(f"未找到结婚证号{number}")
    moving, staying = (
        (registration.party_b, registration.party_a)
        if request.POST.get("moving") == "b"
        else (registration.party_a, registration.party_b)
    )
    home = Membership.objects.filter(person=staying, valid_to__isnull=True).first()
    if home is None:
        raise ValidationFailed(f"{staying.name}不在任何家庭户中", code="no_membership")
    return joint.do_open_marriage_household_case(
        user,
        moving=moving,
        to_household=home.household,
        marriage_on=registration.registered_on,
        registration_number=number,
    )


@requires(Capability.CASE_DATA)
def joint_case(request: HttpRequest, case_id: int) -> HttpResponse:
    user = staff_user(request)
    case = JointCase.objects.select_related("person").get_visible(user, pk=case_id)
    message = request.GET.get("done", "")
    if request.method == "POST" and user.can(Capability.EDIT_CASES):
        what = request.POST.get("action", "")
        try:
            if what == "household":
                change = joint.do_submit_household_change(user, case)
                message = f"已提交家庭变更申请#{change.pk}"
            elif what == "notify":
                joint.do_notify_departments(user, case)
                message = "已通知相关部门"
            else:
                joint.refresh_case(case)
                message = "已刷新办理进度"
        except DomainError as exc:
            message = f"未办理：{exc.message}"
        return _done("civil:joint_case", message, case_id=case.pk)
    return render(
        request,
        "civil/joint_case.html",
        {
            "case": case,
            "items": case.items.all(),
            "can_edit": user.can(Capability.EDIT_CASES),
            "done": message,
        },
    )


# ── statistics ───────────────────────────────────────────────────────────────────────────────


@requires(Capability.CASE_DATA)
def statistics(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None
    rows = queries.figures(user, year)
    total_burials = sum(r.burials for r in rows)
    total_eco = sum(r.eco_burials for r in rows)
    share = f"{total_eco * 100 / total_burials:.1f}" if total_burials else "—"
    return render(
        request,
        "civil/statistics.html",
        {
            "rows": rows,
            "year": year or "",
            "share": share,
            "total_burials": total_burials,
            "total_eco": total_eco,
        },
    )


# ── place names and standard addresses ───────────────────────────────────────────────────────


@requires(Capability.CASE_DATA)
def place_names(request: HttpRequest) -> HttpResponse:
    from minzheng.civil import placenames
    from minzheng.civil.models import PlaceName
    from minzheng.regions.models import Region

    user = staff_user(request)
    error, status = "", 200
    if request.method == "POST":
        what = request.POST.get("action", "")
        try:
            if what == "propose":
                region = Region.objects.filter(code=request.POST.get("region", "").strip()).first()
                if region is None:
                    raise ValidationFailed("请填写所属政区代码（12位）", code="bad_region")
                place = placenames.do_propose_place_name(
                    user,
                    name=request.POST.get("name", ""),
                    category=request.POST.get("category", ""),
                    region=region,
                    location=request.POST.get("location", ""),
                    meaning=request.POST.get("meaning", ""),
                )
                message = f"已申报“{place.name}”（{place.romanisation}）"
            else:
                place = PlaceName.objects.get_visible(
                    user, pk=int(request.POST.get("place", "0") or 0)
                )
                if what in ("approve", "reject"):
                    placenames.do_review_place_name(
                        user,
                        place,
                        approve=what == "approve",
                        approving_body=request.POST.get("approving_body", ""),
                        on=timezone.localdate(),
                        comment=request.POST.get("comment", ""),
                    )
                    message = f"“{place.name}”已审批"
                elif what == "announce":
                    placenames.do_announce_place_name(user, place, on=timezone.localdate())
                    message = f"“{place.name}”已公告"
                else:
                    raise ValidationFailed("未知的操作", code="bad_action")
        except DomainError as exc:
            error, status = exc.message, 400
        else:
            return _done("civil:place_names", message)
    return render(
        request,
        "civil/place_names.html",
        {
            "page": _page(
                request,
                PlaceName.objects.visible_to(user).select_related("region").order_by("-pk"),
            ),
            "categories": PlaceName.Category.choices,
            "can_edit": user.can(Capability.EDIT_CASES) or user.can(Capability.APPROVE),
            "can_approve": user.can(Capability.APPROVE),
            "error": error,
            "done": request.GET.get("done", ""),
        },
        status=status,
    )


@requires(Capability.CASE_DATA)
def addresses(request: HttpRequest) -> HttpResponse:
    from minzheng.civil import placenames
    from minzheng.civil.models import HouseholdAddressLink, StandardAddress

    user = staff_user(request)
    text = request.GET.get("text", "").strip()
    match = placenames.standardise(text) if text else None
    # Only an address inside the user's scope is shown; elsewhere reads as not found.
    if (
        match is not None
        and match.address is not None
        and not StandardAddress.objects.visible_to(user).filter(pk=match.address.pk).exists()
    ):
        match = placenames.Match(None, "", ("未找到",))
    q = request.GET.get("q", "").strip()
    rows = StandardAddress.objects.visible_to(user).select_related("region")
    if q:
        rows = rows.filter(full_text__contains=q)
    links = HouseholdAddressLink.objects.visible_to(user).count()
    return render(
        request,
        "civil/addresses.html",
        {
            "page": _page(request, rows.order_by("code")),
            "q": q,
            "text": text,
            "match": match,
            "links": links,
        },
    )
