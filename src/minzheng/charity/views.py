"""Charity pages: HTTP only — parse, call an action or a query, render."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.charity import actions, queries, rules
from minzheng.charity.models import (
    CharitableTrust,
    Disclosure,
    Donation,
    Expenditure,
    FundraisingPlan,
    Project,
    Recognition,
    YearlyFinancials,
)
from minzheng.core import listing
from minzheng.core.errors import DomainError, NotFound, ValidationFailed
from minzheng.core.exports import xlsx_response
from minzheng.organisations.models import Organisation
from minzheng.organisations.views import _day, _run, today

C = Capability.CASE_DATA


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    if not raw:
        return today().year - 1
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise ValidationFailed(f"年度应为四位年份：{raw}", code="bad_year")
    return int(raw)


@requires(C)
def charity_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    # 慈善组织 and their 信息公开 are public (慈善法第八章, 民政部令第61号): every staff role reads
    # the city's; edits stay with the registering authority (`visible_to` in every action).
    rows = (
        Recognition.objects.published_to(user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    year = _year(request)
    return render(
        request,
        "charity/charity_list.html",
        {
            "page": listing.paginate(request, rows, default_size=20),
            "totals": queries.totals(user, year),
            "year": year,
            "can_manage": user.can(Capability.MANAGE_ORGANISATIONS),
            "candidates": Organisation.objects.visible_to(user)
            .filter(status="active", is_charity=False)
            .order_by("name")[:200],
        },
    )


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def recognise(request: HttpRequest) -> HttpResponse:
    url = reverse("charity:charity_list")
    org_id = request.POST.get("organisation", "")
    if not org_id.isdigit():
        messages.error(request, "请选择社会组织")
        return HttpResponseRedirect(url)
    return _run(
        request,
        url,
        "已认定为慈善组织",
        lambda: actions.do_recognise_charity(
            staff_user(request),
            int(org_id),
            recognised_on=_day(request),
            public_fundraising=request.POST.get("public_fundraising") == "1",
        ),
    )


def _project_total(model: type[Donation] | type[Expenditure]) -> Coalesce:
    """The sum of a project's donations or expenditures, 0 when there are none."""
    amount = DecimalField(max_digits=16, decimal_places=2)
    rows = model.objects.filter(project=OuterRef("pk")).order_by().values("project")
    total = rows.annotate(s=Sum("amount")).values("s")
    return Coalesce(Subquery(total, output_field=amount), Value(Decimal(0)), output_field=amount)


@requires(C)
def charity_detail(request: HttpRequest, org_id: int) -> HttpResponse:
    user = staff_user(request)
    org = Organisation.objects.published_to(user).filter(pk=org_id).first()
    if org is None or not hasattr(org, "charity"):
        raise NotFound("该组织尚未认定为慈善组织")
    own = bool(user.covers(org.region_id))
    projects = Project.objects.filter(organisation=org)
    # Each project's received and spent totals in the one query (not two per project).
    totals = projects.annotate(
        received=_project_total(Donation),
        spent=_project_total(Expenditure),
    )
    by_project = [(p, p.received, p.spent) for p in totals]
    return render(
        request,
        "charity/charity_detail.html",
        {
            "org": org,
            "rec": org.charity,
            "by_project": by_project,
            "projects": projects,
            # Donors are named only to the registering authority (慈善法: a donor's name is not
            # disclosed without consent); others see the projects' totals.
            "donations": Donation.objects.filter(organisation=org)[:20] if own else [],
            "own": own,
            "expenditures": Expenditure.objects.filter(organisation=org)[:20],
            "plans": FundraisingPlan.objects.filter(organisation=org),
            "financials": YearlyFinancials.objects.filter(organisation=org),
            "forms": Donation.Form.choices,
            "categories": Expenditure.Category.choices,
            "can_manage": own and user.can(Capability.MANAGE_ORGANISATIONS),
            "today": today(),
            "last_year": today().year - 1,
        },
    )


def _detail(org_id: int) -> str:
    return reverse("charity:charity_detail", args=[org_id])


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def donation_add(request: HttpRequest, org_id: int) -> HttpResponse:
    return _run(
        request,
        _detail(org_id),
        "捐赠已登记，票据号已生成",
        lambda: actions.do_record_donation(staff_user(request), org_id, data=request.POST.dict()),
    )


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def project_add(request: HttpRequest, org_id: int) -> HttpResponse:
    return _run(
        request,
        _detail(org_id),
        "慈善项目已新增",
        lambda: actions.do_create_project(staff_user(request), org_id, data=request.POST.dict()),
    )


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def expenditure_add(request: HttpRequest, org_id: int) -> HttpResponse:
    return _run(
        request,
        _detail(org_id),
        "支出已登记",
        lambda: actions.do_record_expenditure(
            staff_user(request), org_id, data=request.POST.dict()
        ),
    )


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def plan_add(request: HttpRequest, org_id: int) -> HttpResponse:
    return _run(
        request,
        _detail(org_id),
        "募捐方案已备案",
        lambda: actions.do_file_fundraising_plan(
            staff_user(request), org_id, data=request.POST.dict()
        ),
    )


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def financials_add(request: HttpRequest, org_id: int) -> HttpResponse:
    return _run(
        request,
        _detail(org_id),
        "年度财务数据已保存",
        lambda: actions.do_record_financials(staff_user(request), org_id, data=request.POST.dict()),
    )


DONATION_HEADERS = [
    "票据号",
    "接收日期",
    "慈善组织",
    "捐赠人",
    "形式",
    "物资",
    "金额或估值（元）",
    "项目",
    "一日捐活动",
]


def _donation_cells(d: Donation) -> list[str]:
    return [
        d.receipt_number,
        d.received_on.isoformat(),
        d.organisation.name,
        d.donor,
        d.get_form_display(),
        d.goods or "—",
        f"{d.amount:,.2f}",
        d.project.name if d.project else "—",
        d.campaign.name if d.campaign else "—",
    ]


# 捐赠收入 is the registering authority's internal ledger (donors, receipt numbers): its work.
@requires(Capability.MANAGE_ORGANISATIONS)
def donation_list(request: HttpRequest) -> HttpResponse:
    q, year = request.GET.get("q", ""), request.GET.get("year", "")
    rows = queries.search_donations(staff_user(request), q, year)
    return render(
        request,
        "charity/donation_list.html",
        {
            "page": listing.paginate(request, rows, default_size=20),
            "q": q,
            "year": year,
        },
    )


@requires(Capability.MANAGE_ORGANISATIONS)
def donation_export(request: HttpRequest) -> HttpResponse:
    rows = queries.search_donations(
        staff_user(request), request.GET.get("q", ""), request.GET.get("year", "")
    )
    return xlsx_response(
        staff_user(request),
        request,
        filename="捐赠收入.xlsx",
        object_type="donation",
        headers=DONATION_HEADERS,
        rows=(_donation_cells(d) for d in rows.iterator()),
    )


CHECK_HEADERS = [
    "慈善组织",
    "类别",
    "净资产档次",
    "上年总收入（元）",
    "上年末净资产（元）",
    "慈善活动支出（元）",
    "管理费用（元）",
    "年度总支出（元）",
    "结论",
    "不符合项",
]


def _check_cells(r: queries.CheckRow) -> list[str]:
    f, c = r.financials, r.check
    return [
        f.organisation.name,
        rules.GROUP_LABELS[c.group],
        rules.BAND_LABELS.get((c.group, c.band), "—"),
        f"{f.prior_year_income:,.2f}",
        f"{f.prior_year_net_assets:,.2f}",
        f"{f.charitable_spending:,.2f}",
        f"{f.management_cost:,.2f}",
        f"{f.total_spending:,.2f}",
        "符合" if c.passed else "不符合",
        "；".join(f"{x.label}：{x.value}，要求{x.threshold}" for x in c.failures) or "—",
    ]


@requires(C)
def spending_checks(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows = queries.spending_checks(staff_user(request), year, today())
    return render(
        request,
        "charity/spending_checks.html",
        {
            "year": year,
            "rows": [(_check_cells(r), r) for r in rows],
            "headers": CHECK_HEADERS,
            "failing": sum(1 for r in rows if not r.check.passed),
        },
    )


@requires(C)
def spending_checks_export(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows = queries.spending_checks(staff_user(request), year, today())
    return xlsx_response(
        staff_user(request),
        request,
        filename=f"{year}年度慈善支出比例检查.xlsx",
        object_type="charity_check",
        headers=CHECK_HEADERS,
        rows=(_check_cells(r) for r in rows),
    )


@requires(C)
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "charity/campaign_list.html", {"rows": queries.campaigns(staff_user(request))}
    )


@requires(C)
def trust_list(request: HttpRequest) -> HttpResponse:
    rows = CharitableTrust.objects.published_to(staff_user(request)).select_related("trustee")
    return render(
        request,
        "charity/trust_list.html",
        {
            "page": listing.paginate(request, rows, default_size=20),
            "can_manage": staff_user(request).can(Capability.MANAGE_ORGANISATIONS),
            "trustees": Organisation.objects.visible_to(staff_user(request)).filter(
                is_charity=True
            ),
            "today": today(),
        },
    )


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def trust_add(request: HttpRequest) -> HttpResponse:
    url = reverse("charity:trust_list")
    org_id = request.POST.get("trustee", "")
    if not org_id.isdigit():
        messages.error(request, "请选择受托人")
        return HttpResponseRedirect(url)
    return _run(
        request,
        url,
        "慈善信托已备案",
        lambda: actions.do_register_trust(
            staff_user(request), int(org_id), data=request.POST.dict()
        ),
    )


@requires(C)
def disclosure_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    only = request.GET.get("only", "")
    rows = Disclosure.objects.published_to(user).select_related("organisation")
    if only == "open":
        rows = rows.filter(disclosed_on__isnull=True)
    page = listing.paginate(request, rows, default_size=20)
    # 记录已公开 only on the rows the registering authority's own scope holds.
    own = set(
        Disclosure.objects.visible_to(user)
        .filter(pk__in=[d.pk for d in page.object_list])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "charity/disclosure_list.html",
        {
            "page": page,
            "own": own,
            "only": only,
            "today": today(),
            "can_manage": staff_user(request).can(Capability.MANAGE_ORGANISATIONS),
        },
    )


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def disclosure_done(request: HttpRequest, disclosure_id: int) -> HttpResponse:
    url = reverse("charity:disclosure_list")
    try:
        actions.do_mark_disclosed(staff_user(request), disclosure_id, on=_day(request))
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已记录公开")
    return HttpResponseRedirect(url)
