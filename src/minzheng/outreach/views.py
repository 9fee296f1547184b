"""大排摸 pages: campaigns with progress by township, the assistant's visit list and the
phone-sized visit form. HTTP only."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.core.clock import today
from minzheng.core.errors import DomainError, NotFound, ValidationFailed
from minzheng.outreach import actions, queries
from minzheng.outreach.models import Outcome, Reason


@requires(Capability.CASE_DATA)
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error = ""
    if request.method == "POST":
        try:
            campaign = actions.do_start_campaign(
                user, name=request.POST.get("name", ""), rules=request.POST.getlist("rules")
            )
            return redirect("outreach:campaign_detail", campaign_id=campaign.pk)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "outreach/campaign_list.html",
        {
            "campaigns": queries.campaigns_visible(user)[:100],
            "reasons": Reason.choices,
            "error": error,
            "can_start": user.can(Capability.EDIT_CASES) or user.can(Capability.APPROVE),
        },
    )


@requires(Capability.CASE_DATA)
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    user = staff_user(request)
    campaign = queries.campaigns_visible(user).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("大排摸不存在或不在您的管辖范围内")
    targets = queries.targets_visible(user).filter(campaign=campaign)
    if request.GET.get("mine") == "1":
        targets = targets.filter(assigned_to=user)
    if request.GET.get("pending") == "1":
        targets = targets.filter(outcome="")
    return render(
        request,
        "outreach/campaign_detail.html",
        {
            "campaign": campaign,
            "rules": [Reason(r).label for r in campaign.rules],
            "progress": queries.progress_by_township(user, campaign),
            "figures": queries.article_figures(user, campaign),
            "page": Paginator(targets, 50).get_page(request.GET.get("page")),
            "reason_labels": dict(Reason.choices),
        },
    )


@requires(Capability.CASE_DATA)
def target_visit(request: HttpRequest, target_id: int) -> HttpResponse:
    user = staff_user(request)
    target = queries.targets_visible(user).get_visible(user, pk=target_id)
    error = ""
    if request.method == "POST":
        try:
            try:
                visited_on = date.fromisoformat(request.POST.get("visited_on", "").strip())
            except ValueError:
                raise ValidationFailed("走访日期格式应为 YYYY-MM-DD", code="bad_date") from None
            actions.do_record_visit(
                user,
                target,
                outcome=request.POST.get("outcome", ""),
                note=request.POST.get("note", ""),
                visited_on=visited_on,
            )
            messages.success(request, "走访结果已保存")
            return redirect("outreach:campaign_detail", campaign_id=target.campaign_id)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "outreach/visit.html",
        {
            "t": target,
            "reasons": "、".join(Reason(r).label for r in target.reasons),
            "outcomes": Outcome.choices,
            "error": error,
            "today": today(),
            "can_edit": user.can(Capability.EDIT_CASES),
        },
    )
