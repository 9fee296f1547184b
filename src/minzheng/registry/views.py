from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.core.exports import xlsx_response
from minzheng.registry import actions, queries
from minzheng.registry.models import Household, Membership, Person


@requires(Capability.CASE_DATA)
def person_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    page = Paginator(queries.search_persons(staff_user(request), q), 20).get_page(
        request.GET.get("page")
    )
    template = (
        "registry/_person_rows.html"
        if request.headers.get("HX-Request")
        else "registry/person_list.html"
    )
    return render(request, template, {"page": page, "q": q})


@requires(Capability.CASE_DATA)
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = Person.objects.get_visible(staff_user(request), pk=person_id)
    memberships = Membership.objects.filter(person=person).select_related("household__region")
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "memberships": memberships,
            "can_reveal": staff_user(request).can(Capability.VIEW_PII),
        },
    )


@require_POST
@requires(Capability.CASE_DATA)
def person_reveal(request: HttpRequest, person_id: int, field: str) -> HttpResponse:
    user = staff_user(request)
    person = Person.objects.get_visible(user, pk=person_id)
    value = actions.do_reveal_personal_data(user, person, field, request)
    return render(request, "registry/_revealed.html", {"value": value})


@requires(Capability.CASE_DATA)
def person_export(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    persons = queries.search_persons(user, request.GET.get("q", ""))
    rows = (
        [p.name, p.id_number_masked, p.sex, p.birth_date, p.phone_masked, p.region.name, p.address]
        for p in persons.iterator(chunk_size=2000)
    )
    return xlsx_response(
        user,
        request,
        filename="人员名单.xlsx",
        object_type="person",
        headers=["姓名", "身份证号", "性别", "出生日期", "手机号", "区划", "地址"],
        rows=rows,
    )


@requires(Capability.CASE_DATA)
def household_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    page = Paginator(queries.households_for(staff_user(request), q), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "registry/household_list.html", {"page": page, "q": q})


@requires(Capability.CASE_DATA)
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    household = Household.objects.get_visible(staff_user(request), pk=household_id)
    memberships = household.memberships.select_related("person").order_by("valid_to", "id")
    return render(
        request,
        "registry/household_detail.html",
        {"household": household, "memberships": memberships},
    )
