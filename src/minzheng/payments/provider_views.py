"""机构收款账户: the organisations the ledger owes (hospitals, meal points) and the accounts they
are paid into — registered or changed by a county approver with a reason, shown masked."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.core import listing
from minzheng.core.errors import DomainError
from minzheng.payments import actions
from minzheng.payments.accounts import BANKS
from minzheng.payments.models import ProviderPayee


@requires(Capability.CASE_DATA)
def provider_accounts(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error = ""
    if request.method == "POST":
        try:
            payee = actions.do_register_provider_account(
                user,
                int(request.POST.get("payee", "0") or 0),
                holder_name=request.POST.get("holder_name", ""),
                bank_name=request.POST.get("bank_name", ""),
                number=request.POST.get("number", ""),
                reason=request.POST.get("reason", ""),
            )
        except DomainError as exc:
            error = exc.message
        except ValueError:
            error = "收款机构不存在"
        else:
            messages.success(request, f"已登记{payee.name}的收款账户")
            return redirect("payments:provider_accounts")
    search = {k: request.GET.get(k, "").strip() for k in ("name", "kind", "missing")}
    rows = ProviderPayee.objects.visible_to(user).select_related("region", "account")
    if search["name"]:
        rows = rows.filter(name__contains=search["name"])
    if search["kind"] in ProviderPayee.ProviderKind.values:
        rows = rows.filter(provider_kind=search["kind"])
    if search["missing"]:
        rows = rows.filter(account__isnull=True)
    rows = rows.order_by("account_id", "name", "pk")  # the ones without an account first
    return render(
        request,
        "payments/provider_accounts.html",
        {
            "page": listing.paginate(request, rows),
            "search": search,
            "kinds": ProviderPayee.ProviderKind.choices,
            "banks": BANKS,
            "can_register": user.can(Capability.APPROVE),
            "error": error,
        },
        status=400 if error else 200,
    )
