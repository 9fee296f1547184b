"""The resident's side: submit a complaint or a request, read the written reply, rate it (an
unsatisfied rating reopens the item)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from minzheng.applications.portal import resident
from minzheng.core.errors import DomainError
from minzheng.grievances import actions
from minzheng.grievances.models import Category, Channel, Grievance, Kind, Satisfaction
from minzheng.registry.models import Person

PORTAL_KINDS = [k for k in Kind.choices if k[0] != Kind.INQUIRY]


@resident
def mine(request: HttpRequest, person: Person) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            g = actions.do_receive(
                None,
                kind=request.POST.get("kind", ""),
                channel=Channel.PORTAL,
                category=request.POST.get("category", ""),
                content=request.POST.get("content", ""),
                region=person.region,
                complainant=person,
            )
            return redirect("portal_grievances:detail", grievance_id=g.pk)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "portal_grievances/mine.html",
        {
            "items": Grievance.objects.filter(complainant=person).order_by("-id")[:50],
            "kinds": PORTAL_KINDS,
            "categories": Category.choices,
            "error": error,
        },
    )


def _own(person: Person, grievance_id: int) -> Grievance:
    g = Grievance.objects.filter(pk=grievance_id, complainant=person).first()
    if g is None:
        raise Http404("未找到您的诉求")
    return g


def detail(request: HttpRequest, grievance_id: int) -> HttpResponse:
    @resident
    def view(request: HttpRequest, person: Person) -> HttpResponse:
        g = _own(person, grievance_id)
        error = ""
        if request.method == "POST":
            try:
                actions.do_rate(
                    person,
                    g,
                    satisfaction=request.POST.get("satisfaction", ""),
                    comment=request.POST.get("comment", ""),
                )
                return redirect("portal_grievances:detail", grievance_id=g.pk)
            except DomainError as exc:
                error = exc.message
        return render(
            request,
            "portal_grievances/detail.html",
            {"g": g, "satisfactions": Satisfaction.choices, "error": error},
        )

    return view(request)
