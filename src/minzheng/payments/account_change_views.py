"""银行账户变更's pages: file a change from the person's page, the list of requests (searchable,
paged, exported) where an approver decides them. HTTP only — each view calls one action."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import narrowed
from minzheng.core import listing
from minzheng.core.errors import DomainError
from minzheng.payments.account_changes import do_decide_account_change, do_file_account_change
from minzheng.payments.accounts import BANKS, active_account, check_account_form
from minzheng.payments.models import AccountChange
from minzheng.registry.models import Person


@requires(Capability.CASE_DATA)
def account_changes(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    search = {k: request.GET.get(k, "").strip() for k in ("name", "status", "region")}
    error = ""
    try:
        rows = AccountChange.objects.visible_to(narrowed(user, search["region"]))
    except DomainError as exc:
        error, rows = exc.message, AccountChange.objects.none()
    rows = rows.select_related("person", "region", "filed_by", "decided_by")
    if search["name"]:
        rows = rows.filter(person__name__startswith=search["name"])
    if search["status"] in AccountChange.Status.values:
        rows = rows.filter(status=search["status"])
    if listing.wants_export(request) and not error:
        return listing.export(
            request,
            user,
            rows,
            filename="银行账户变更申请.xlsx",
            object_type="account_change",
            columns=[
                ("对象", lambda c: c.person.name),
                ("村（社区）", lambda c: c.region.name),
                ("开户行", lambda c: c.bank_name),
                ("新账号", lambda c: c.number_masked),
                ("收款人", lambda c: c.holder_name),
                ("代理关系", lambda c: c.holder_relation or "本人"),
                ("理由", lambda c: c.reason),
                ("状态", lambda c: c.get_status_display()),
                ("申请人", lambda c: c.filer_label),
                ("审核人", lambda c: str(c.decided_by or "")),
            ],
        )
    return render(
        request,
        "payments/account_changes.html",
        {
            "page": listing.paginate(request, rows),
            "search": search,
            "statuses": AccountChange.Status.choices,
            "error": error,
            "can_decide": user.can(Capability.APPROVE),
        },
        status=400 if error else 200,
    )


@requires(Capability.EDIT_CASES)
def account_change_new(request: HttpRequest, person_id: int) -> HttpResponse:
    user = staff_user(request)
    person = Person.objects.select_related("region").get_visible(user, pk=person_id)
    error = ""
    if request.method == "POST":
        try:
            form = check_account_form(
                person,
                bank_name=request.POST.get("bank_name", ""),
                number=request.POST.get("account_number", ""),
                holder=request.POST.get("account_holder", "applicant"),
                agent_name=request.POST.get("agent_name", ""),
                relation=request.POST.get("agent_relation", ""),
            )
            do_file_account_change(user, person, form, reason=request.POST.get("reason", ""))
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "银行账户变更申请已提交，须由审核人员批准后生效")
            return redirect("payments:account_changes")
    return render(
        request,
        "payments/account_change_new.html",
        {
            "person": person,
            "current": active_account(person),
            "pending": AccountChange.objects.filter(
                person=person, status=AccountChange.Status.PENDING
            ).first(),
            "banks": BANKS,
            "error": error,
        },
        status=400 if error else 200,
    )


@require_POST
@requires(Capability.APPROVE)
def account_change_decide(request: HttpRequest, change_id: int) -> HttpResponse:
    try:
        change = do_decide_account_change(
            staff_user(request),
            change_id,
            approve=request.POST.get("decision") == "approve",
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"已{change.get_status_display()}：{change.person.name}的账户变更"
        )
    return redirect("payments:account_changes")
