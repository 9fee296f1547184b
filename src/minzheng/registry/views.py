from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import narrowed
from minzheng.core import listing
from minzheng.core.errors import DomainError, NotFound, ValidationFailed
from minzheng.core.masking import birth_shown
from minzheng.dictionary.labels import label_for
from minzheng.registry import actions, queries
from minzheng.registry.cases import household_case_file, paying_account, person_case_file
from minzheng.registry.models import (
    ChangeRequest,
    DisabilityCategory,
    Household,
    HouseholdKind,
    HukouType,
    IdentityTag,
    LabourCapacity,
    Membership,
    Person,
    Relationship,
)

# The relationships a member may be given; 户主 is set only through a change of head.
MEMBER_RELATIONSHIPS = [(v, label) for v, label in Relationship.choices if v != Relationship.HEAD]


def _as_of(request: HttpRequest) -> date | None:
    raw = request.GET.get("as_of", "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationFailed(f"日期格式应为YYYY-MM-DD：{raw}", code="bad_date") from exc


def _persons_found(request: HttpRequest) -> QuerySet[Person]:
    """人员查询's search: name prefix / full ID / full phone, within a picked region, by sex."""
    user = staff_user(request)
    actor = narrowed(user, request.GET.get("region", ""))
    persons = queries.search_persons(actor, request.GET.get("q", ""))
    if (sex := request.GET.get("sex", "")) in ("男", "女"):
        persons = persons.filter(sex=sex)
    return persons


@requires(Capability.CASE_DATA)
def person_list(request: HttpRequest) -> HttpResponse:
    try:
        found = _persons_found(request)
        error = ""
    except DomainError as exc:
        found, error = Person.objects.none(), exc.message
    if listing.wants_export(request) and not error:
        return person_export(request)
    template = (
        "registry/_person_rows.html"
        if request.headers.get("HX-Request")
        else "registry/person_list.html"
    )
    return render(
        request,
        template,
        {
            "page": listing.paginate(request, found),
            "q": request.GET.get("q", ""),
            "region": request.GET.get("region", ""),
            "sex": request.GET.get("sex", ""),
            "error": error,
            "can_reveal": staff_user(request).can(Capability.VIEW_PII),
        },
        status=400 if error else 200,
    )


@requires(Capability.CASE_DATA)
def person_pick(request: HttpRequest) -> JsonResponse:
    """The person picker's choices: the first ten in scope by name, full ID or phone number,
    each with the masked ID number and the village, so a user picks instead of typing an id."""
    q = request.GET.get("q", "").strip()[:40]
    found = queries.search_persons(staff_user(request), q)[:10] if q else []
    return JsonResponse(
        {
            "results": [
                {
                    "id": p.pk,
                    "label": f"{p.name}（{p.id_number_masked or '无证件号'}，{p.region.name}）",
                }
                for p in found
            ]
        }
    )


@requires(Capability.CASE_DATA)
def household_pick(request: HttpRequest) -> JsonResponse:
    """The household picker's choices: the first ten households in scope whose head's name starts
    with what was typed, each as 户主姓名户（village，编号）, so nobody types a household id."""
    q = request.GET.get("q", "").strip()[:40]
    found = queries.search_households_by_head(staff_user(request), q)[:10] if q else []
    return JsonResponse(
        {
            "results": [
                {
                    "id": h.pk,
                    "label": f"{h.head.name if h.head else '无户主'}户（{h.region.name}，编号{h.pk}）",
                }
                for h in found
            ]
        }
    )


@requires(Capability.CASE_DATA)
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    user = staff_user(request)
    person = Person.objects.select_related("region", "hukou_region").get_visible(user, pk=person_id)
    day = _as_of(request)
    as_of = queries.person_as_of(user, person.pk, day) if day else None
    memberships = (
        as_of.memberships
        if as_of
        else list(
            Membership.objects.filter(person=person)
            .select_related("household")
            .order_by("valid_to", "-valid_from", "id")
        )
    )
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "shown": as_of.person if as_of else person,
            "as_of": as_of,
            "memberships": memberships,
            "tags": person.identity_tags.order_by("valid_to", "-valid_from", "id"),
            "case_file": person_case_file(person),
            "bank_account": paying_account(person),
            "timeline": queries.person_history(person, full_birth=user.can(Capability.VIEW_PII)),
            "can_reveal": user.can(Capability.VIEW_PII),
            "can_edit": user.can(Capability.EDIT_CASES),
            "tag_choices": IdentityTag.Tag.choices,
            "hukou_types": HukouType.choices,
            "disability_categories": DisabilityCategory.choices,
            "labour_capacities": LabourCapacity.choices,
        },
    )


@require_POST
@requires(Capability.CASE_DATA)
def person_reveal(request: HttpRequest, person_id: int, field: str) -> HttpResponse:
    user = staff_user(request)
    person = Person.objects.get_visible(user, pk=person_id)
    value = actions.do_reveal_personal_data(user, person, field, request)
    return render(request, "registry/_revealed.html", {"value": value})


def _run_form(
    request: HttpRequest, url: str, done: str, action: Callable[[], object]
) -> HttpResponse:
    """Run an action from a plain form, then back to the page with its success or its refusal.

    NotFound is not caught: another region's record stays a 404, never a message on a page.
    """
    try:
        action()
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return HttpResponseRedirect(url)


@require_POST
@requires(Capability.EDIT_CASES)
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    user = staff_user(request)
    person = Person.objects.get_visible(user, pk=person_id)
    url = reverse("registry:person_detail", args=[person.pk])
    changes: dict[str, Any] = {
        name: request.POST[name]
        for name in actions.EDITABLE_PERSON_FIELDS
        if name in request.POST and name != "phone"
    }
    if request.POST.get("phone", "").strip():  # the form never shows the number; empty = keep
        changes["phone"] = request.POST["phone"]
    edit = partial(actions.do_update_person, user, person.pk, changes, request)
    return _run_form(request, url, "人员信息已保存", edit)


@require_POST
@requires(Capability.EDIT_CASES)
def person_tag_add(request: HttpRequest, person_id: int) -> HttpResponse:
    user = staff_user(request)
    person = Person.objects.get_visible(user, pk=person_id)
    url = reverse("registry:person_detail", args=[person.pk])
    add = partial(
        actions.do_add_identity_tag,
        user,
        person.pk,
        tag=request.POST.get("tag", ""),
        source=request.POST.get("source", ""),
        valid_from=request.POST.get("valid_from", ""),
        request=request,
    )
    return _run_form(request, url, "身份已添加", add)


@require_POST
@requires(Capability.EDIT_CASES)
def tag_end(request: HttpRequest, tag_id: int) -> HttpResponse:
    user = staff_user(request)
    tag = IdentityTag.objects.get_visible(user, pk=tag_id)
    url = reverse("registry:person_detail", args=[tag.person_id])
    end = partial(
        actions.do_end_identity_tag,
        user,
        tag.pk,
        valid_to=request.POST.get("valid_to", ""),
        request=request,
    )
    return _run_form(request, url, "身份已终止", end)


@requires(Capability.CASE_DATA)
def person_export(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    full = user.can(Capability.VIEW_PII)
    return listing.export(
        request,
        user,
        _persons_found(request),
        filename="人员名单.xlsx",
        object_type="person",
        columns=[
            ("姓名", lambda p: p.name),
            ("身份证号", lambda p: p.id_number_masked),
            ("性别", lambda p: p.sex),
            (
                "出生日期" if full else "出生年份",
                lambda p: p.birth_date if full else birth_shown(p.birth_date, full=False),
            ),
            ("手机号", lambda p: p.phone_masked),
            ("区划", lambda p: p.region.name),
            ("地址", lambda p: p.address),
        ],
    )


def _households_found(request: HttpRequest) -> QuerySet[Household]:
    """家庭户's search: address fragment, head's name prefix and 户别, within a picked region."""
    actor = narrowed(staff_user(request), request.GET.get("region", ""))
    households = queries.households_for(actor, request.GET.get("q", ""))
    if head := request.GET.get("head", "").strip():
        # A range on the head's name copied onto the household (index household_head_name), in
        # that index's order: no person is read to find the page or count it.
        households = queries.name_prefix(households, head, field="head_name").order_by(
            "head_name", "id"
        )
    if kind := request.GET.get("kind", "").strip():
        if kind not in HouseholdKind.values:
            raise ValidationFailed(f"户别“{kind}”不存在：请选择家庭户或集体户")
        households = households.filter(kind=kind)
    return households


@requires(Capability.CASE_DATA)
def household_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    try:
        found = _households_found(request)
        error = ""
    except DomainError as exc:
        found, error = Household.objects.none(), exc.message
    if listing.wants_export(request) and not error:
        return listing.export(
            request,
            user,
            found,
            filename="家庭户名单.xlsx",
            object_type="household",
            columns=[
                ("户主", lambda h: h.head.name if h.head else ""),
                ("户别", lambda h: label_for("household_kind", h.kind)),
                ("地址", lambda h: h.address),
                ("村（社区）", lambda h: h.region.name),
            ],
        )
    return render(
        request,
        "registry/household_list.html",
        {
            "page": listing.paginate(request, found),
            "q": request.GET.get("q", ""),
            "head": request.GET.get("head", ""),
            "kind": request.GET.get("kind", ""),
            "kinds": [(k, label_for("household_kind", k)) for k in HouseholdKind.values],
            "region": request.GET.get("region", ""),
            "error": error,
            "perms_edit": user.can(Capability.EDIT_CASES),
        },
        status=400 if error else 200,
    )


@requires(Capability.CASE_DATA)
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    user = staff_user(request)
    household = Household.objects.select_related("region", "head").get_visible(
        user, pk=household_id
    )
    day = _as_of(request)
    as_of = queries.household_as_of(user, household.pk, day) if day else None
    memberships = household.memberships.select_related("person").order_by(
        "valid_to", "valid_from", "id"
    )
    current = [m for m in memberships if m.valid_to is None]
    pending = queries.change_requests_for(user, ChangeRequest.Status.PENDING).filter(
        household=household
    )
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "shown": as_of.household if as_of else household,
            "as_of": as_of,
            "memberships": memberships,
            "current": current,
            "pending": queries.describe_change_requests(list(pending)),
            "timeline": queries.household_history(household),
            "case_file": household_case_file(household),
            "can_edit": user.can(Capability.EDIT_CASES) and household.closed_on is None,
            "relationships": MEMBER_RELATIONSHIPS,
        },
    )


CHANGE_FIELDS = (
    "person_id",
    "name",
    "id_number",
    "phone",
    "relationship",
    "lives_together",
    "new_head_id",
    "to_household_id",
    "from_household_id",
    "address",
    "remaining_head_id",
    "former_head_relationship",
)


@require_POST
@requires(Capability.EDIT_CASES)
def household_change_submit(request: HttpRequest, household_id: int) -> HttpResponse:
    user = staff_user(request)
    household = Household.objects.get_visible(user, pk=household_id)
    url = reverse("registry:household_detail", args=[household.pk])
    payload: dict[str, Any] = {
        name: request.POST[name].strip() for name in CHANGE_FIELDS if request.POST.get(name)
    }
    if "person_ids" in request.POST:
        payload["person_ids"] = request.POST.getlist("person_ids")
    if request.POST.get("kind") == ChangeRequest.Kind.ADD_MEMBER:
        payload["lives_together"] = request.POST.get("lives_together") == "on"
    submit = partial(
        actions.do_submit_change_request,
        user,
        kind=request.POST.get("kind", ""),
        household_id=household.pk,
        payload=payload,
        reason=request.POST.get("reason", ""),
        request=request,
    )
    return _run_form(request, url, "变更申请已提交，等待县级审核", submit)


@requires(Capability.CASE_DATA)
def change_request_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    status = request.GET.get("status", ChangeRequest.Status.PENDING)
    page = listing.paginate(request, queries.change_requests_for(user, status))
    counts = queries.change_request_counts(user)
    return render(
        request,
        "registry/change_request_list.html",
        {
            "page": page,
            "rows": queries.describe_change_requests(list(page)),
            "status": status,
            "tabs": [(v, label, counts[v]) for v, label in ChangeRequest.Status.choices],
            "can_review": user.can(Capability.APPROVE),
        },
    )


@require_POST
@requires(Capability.APPROVE)
def change_request_review(request: HttpRequest, request_id: int) -> HttpResponse:
    """Approve or reject from the queue; HTMX swaps the row, with the refusal shown in it."""
    user = staff_user(request)
    decision = request.POST.get("decision", "")
    comment = request.POST.get("comment", "")
    error = ""
    try:
        if decision == "approve":
            actions.do_approve_change_request(user, request_id, comment=comment, request=request)
        elif decision == "reject":
            actions.do_reject_change_request(user, request_id, comment=comment, request=request)
        else:
            raise ValidationFailed("请选择批准或驳回", code="bad_decision")
    except NotFound:
        raise
    except DomainError as exc:
        error = exc.message
    change = queries.change_requests_for(user).filter(pk=request_id).first()
    if change is None:
        raise NotFound("记录不存在或不在您的管辖范围内")
    if not request.headers.get("HX-Request"):
        (messages.error if error else messages.success)(request, error or "审核完成")
        return HttpResponseRedirect(reverse("registry:change_request_list"))
    row = queries.describe_change_requests([change])[0]
    return render(
        request,
        "registry/_change_request_row.html",
        {"row": row, "can_review": True, "error": error},
    )
