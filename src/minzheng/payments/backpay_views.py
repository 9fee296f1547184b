"""补发 pages: the list with approve and withdraw, and the proposal form for a person's enrolment."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.assistance.models import Enrolment
from minzheng.core.errors import NotFound, ValidationFailed
from minzheng.core.inputs import int_param
from minzheng.payments.backpay import do_approve_back_pay, do_propose_back_pay, do_withdraw_back_pay
from minzheng.payments.models import BackPay
from minzheng.registry.models import Person


@requires(Capability.CASE_DATA)
def back_pays(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if request.method == "POST":
        back_pay = BackPay.objects.get_visible(
            user, pk=int_param(request.POST.get("back_pay"), "补发编号")
        )
        if request.POST.get("action") == "approve":
            do_approve_back_pay(user, back_pay)
        else:
            do_withdraw_back_pay(user, back_pay)
        return HttpResponseRedirect(reverse("payments:back_pays"))
    rows = (
        BackPay.objects.visible_to(user)
        .select_related("payee", "enrolment", "region", "proposed_by", "approved_by")
        .order_by("status", "-proposed_at")[:200]
    )
    return render(
        request,
        "payments/back_pays.html",
        {
            "rows": rows,
            "may_approve": user.can(Capability.APPROVE),
            "may_withdraw": user.can(Capability.APPROVE) or user.can(Capability.EDIT_CASES),
            "me": user.pk,
        },
    )


@requires(Capability.CASE_DATA)
def back_pay_new(request: HttpRequest, person_id: int) -> HttpResponse:
    user = staff_user(request)
    person = Person.objects.get_visible(user, pk=person_id)
    enrolments = (
        Enrolment.objects.visible_to(user)
        .filter(Q(person=person) | Q(person__isnull=True, household__head=person))
        .order_by("-start_month")
    )
    form = {
        k: request.POST.get(k, "").strip() for k in ("from_month", "to_month", "amount", "reason")
    }
    error = ""
    if request.method == "POST":
        chosen = enrolments.filter(
            pk=int_param(request.POST.get("enrolment"), "救助对象", default=0)
        ).first()
        try:
            if chosen is None:
                raise ValidationFailed("请选择救助对象", code="enrolment_required")
            do_propose_back_pay(
                user,
                chosen,
                from_month=form["from_month"],
                to_month=form["to_month"],
                monthly_amount=form["amount"],
                reason=form["reason"],
            )
        except (ValidationFailed, NotFound) as exc:
            error = exc.message
        else:
            return HttpResponseRedirect(reverse("payments:back_pays"))
    return render(
        request,
        "payments/back_pay_new.html",
        {"person": person, "enrolments": enrolments, "form": form, "error": error},
        status=400 if error else 200,
    )
