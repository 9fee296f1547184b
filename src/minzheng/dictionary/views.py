"""字典 page: every code users see, with its label; the city administrator edits labels."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.core.errors import DomainError
from minzheng.dictionary.actions import do_set_label
from minzheng.dictionary.labels import KIND_NAMES, defaults, label_for


@requires(Capability.MANAGE_PARAMETERS)
def label_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if request.method == "POST":
        try:
            do_set_label(
                user,
                request.POST.get("kind", ""),
                request.POST.get("code", ""),
                request.POST.get("text", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存")
        return redirect(f"{request.path}?kind={request.POST.get('kind', '')}")
    kind = request.GET.get("kind", "")
    kinds = [(k, KIND_NAMES[k]) for k in defaults() if k in KIND_NAMES]
    shown = [k for k, _ in kinds if not kind or k == kind]
    rows = [
        (k, KIND_NAMES[k], code, default, label_for(k, code))
        for k in shown
        for code, default in defaults()[k].items()
    ]
    return render(
        request,
        "dictionary/labels.html",
        {
            "rows": rows,
            "kinds": kinds,
            "kind": kind,
            "can_edit": user.region.level == "city",
        },
    )
