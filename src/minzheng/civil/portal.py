"""Resident pages for the civil services under /portal/civil/: marriage appointments, Qingming
reservations with a QR admission code, online memorials and the progress of 身后一件事.

Sign-in is the portal's own (applications.portal.resident); these pages only add to it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from minzheng.applications.documents import qr_data_uri
from minzheng.applications.portal import SESSION_PERSON
from minzheng.civil import funeral, marriage
from minzheng.civil.models import (
    AppointmentKind,
    Cemetery,
    JointCase,
    MarriageAppointment,
    MemorialRequest,
    QingmingReservation,
    RegistryOffice,
)
from minzheng.core.errors import DomainError, ValidationFailed
from minzheng.core.masking import mask_name
from minzheng.registry.models import Membership, Person


def resident(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """A page for the resident signed in on the portal; others go to the portal's sign-in."""

    @wraps(view)
    def wrapped(request: HttpRequest, **kwargs: str) -> HttpResponse:
        person = Person.objects.filter(pk=request.session.get(SESSION_PERSON) or 0).first()
        if person is None:
            return HttpResponseRedirect(reverse("portal:home"))
        return view(request, person, **kwargs)

    return wrapped


def _office(raw: str | None) -> RegistryOffice | None:
    return RegistryOffice.objects.filter(pk=int(raw)).first() if raw and raw.isdigit() else None


def _cemetery(raw: str | None) -> Cemetery | None:
    return Cemetery.objects.filter(pk=int(raw)).first() if raw and raw.isdigit() else None


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return None


def family_cases(person: Person) -> list[JointCase]:
    """身后一件事 cases the resident may follow: their own application or a household member's."""
    households = Membership.objects.filter(person=person).values_list("household_id", flat=True)
    relatives = Membership.objects.filter(household_id__in=households).values_list(
        "person_id", flat=True
    )
    return list(
        JointCase.objects.filter(kind=JointCase.Kind.AFTER_DEATH, person_id__in=relatives)
        .select_related("person")
        .order_by("-opened_at")
        | JointCase.objects.filter(applicant=person).select_related("person")
    )


@resident
def home(request: HttpRequest, person: Person) -> HttpResponse:
    return render(
        request,
        "civil/portal/home.html",
        {
            "name": mask_name(person.name),
            "appointments": MarriageAppointment.objects.filter(booker=person)
            .select_related("office")
            .order_by("-day")[:10],
            "reservations": QingmingReservation.objects.filter(visitor=person)
            .select_related("cemetery")
            .order_by("-day")[:10],
            "cases": family_cases(person),
            "memorials": MemorialRequest.objects.filter(requester=person).select_related(
                "cemetery"
            )[:10],
        },
    )


@resident
def marriage_booking(request: HttpRequest, person: Person) -> HttpResponse:
    today = timezone.localdate()
    offices = list(RegistryOffice.objects.order_by("region_id", "pk"))
    office = _office(request.GET.get("office") or request.POST.get("office"))
    office = office or (offices[0] if offices else None)
    error = ""
    if request.method == "POST" and office is not None:
        slot = request.POST.get("slot", "")
        day_text, _, period = slot.partition("|")
        try:
            day = _day(day_text)
            if day is None:
                raise ValidationFailed("请选择预约时段", code="slot_required")
            appointment = marriage.do_book_appointment(
                office=office,
                day=day,
                period=period,
                kind=request.POST.get("kind", ""),
                booker=person,
                partner_name=request.POST.get("partner_name", ""),
                today=today,
            )
        except DomainError as exc:
            error = exc.message
        else:
            return HttpResponseRedirect(
                reverse("civil_portal:appointment", args=[appointment.token])
            )
    slots = marriage.open_slots(office, today + timedelta(days=1), 14) if office else []
    return render(
        request,
        "civil/portal/marriage.html",
        {
            "offices": offices,
            "office": office,
            "slots": slots,
            "kinds": AppointmentKind.choices,
            "error": error,
        },
        status=400 if error else 200,
    )


@resident
def appointment(request: HttpRequest, person: Person, token: str) -> HttpResponse:
    found = MarriageAppointment.objects.filter(token=token, booker=person).first()
    if found is None:
        raise Http404("未找到该预约")
    if request.method == "POST":
        with contextlib.suppress(DomainError):  # already cancelled: the page shows its state
            marriage.do_cancel_appointment(found, person)
        return HttpResponseRedirect(reverse("civil_portal:appointment", args=[token]))
    return render(request, "civil/portal/appointment.html", {"a": found})


@resident
def qingming(request: HttpRequest, person: Person) -> HttpResponse:
    today = timezone.localdate()
    cemeteries = list(Cemetery.objects.order_by("region_id", "pk"))
    cemetery = _cemetery(request.GET.get("cemetery") or request.POST.get("cemetery"))
    cemetery = cemetery or (cemeteries[0] if cemeteries else None)
    day = _day(request.GET.get("day") or request.POST.get("day")) or today + timedelta(days=1)
    error = ""
    if request.method == "POST" and cemetery is not None:
        raw = request.POST.get("party_size", "")
        try:
            reservation = funeral.do_reserve_qingming(
                cemetery=cemetery,
                day=day,
                slot=request.POST.get("slot", ""),
                visitor=person,
                party_size=int(raw) if raw.isdigit() else 0,
                today=today,
            )
        except DomainError as exc:
            error = exc.message
        else:
            return HttpResponseRedirect(reverse("civil_portal:pass", args=[reservation.token]))
    return render(
        request,
        "civil/portal/qingming.html",
        {
            "cemeteries": cemeteries,
            "cemetery": cemetery,
            "day": day,
            "slots": funeral.qingming_slots(cemetery, day) if cemetery else [],
            "error": error,
        },
        status=400 if error else 200,
    )


@resident
def admission_pass(request: HttpRequest, person: Person, token: str) -> HttpResponse:
    found = (
        QingmingReservation.objects.filter(token=token, visitor=person)
        .select_related("cemetery")
        .first()
    )
    if found is None:
        raise Http404("未找到该预约")
    return render(request, "civil/portal/pass.html", {"r": found, "qr": qr_data_uri(found.token)})


@resident
def memorial(request: HttpRequest, person: Person) -> HttpResponse:
    cemeteries = list(Cemetery.objects.order_by("region_id", "pk"))
    error = ""
    if request.method == "POST":
        cemetery = _cemetery(request.POST.get("cemetery"))
        try:
            if cemetery is None:
                raise ValidationFailed("请选择公墓", code="cemetery_required")
            funeral.do_request_memorial(
                requester=person,
                cemetery=cemetery,
                deceased_name=request.POST.get("deceased_name", ""),
                message=request.POST.get("message", ""),
            )
        except DomainError as exc:
            error = exc.message
        else:
            return HttpResponseRedirect(reverse("civil_portal:home"))
    return render(
        request,
        "civil/portal/memorial.html",
        {"cemeteries": cemeteries, "error": error},
        status=400 if error else 200,
    )


@resident
def after_death(request: HttpRequest, person: Person, token: str) -> HttpResponse:
    case = next((c for c in family_cases(person) if c.token == token), None)
    if case is None:
        raise Http404("未找到该事项")
    return render(
        request,
        "civil/portal/after_death.html",
        {"case": case, "name": mask_name(case.person.name), "items": case.items.all()},
    )
