"""Pages of the organisation registry: HTTP only — parse, call an action or a query, render."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import region_filter, scope_q
from minzheng.applications.documents import html_to_pdf, pdf_response, qr_data_uri
from minzheng.core import listing
from minzheng.core.errors import DomainError, NotFound, ValidationFailed
from minzheng.core.exports import xlsx_response
from minzheng.organisations import actions, queries, rules
from minzheng.organisations.inputs import parse_date
from minzheng.organisations.models import (
    AnnualReport,
    CreditListing,
    FeeInspection,
    Kind,
    Organisation,
    Rating,
    RegistrationApplication,
)

C = Capability.CASE_DATA
App = RegistrationApplication


def today() -> date:
    return timezone.localdate()


def _day(request: HttpRequest, name: str = "on") -> date:
    raw = request.POST.get(name, "") or request.GET.get(name, "")
    return parse_date(raw, "日期") if raw.strip() else today()


def _run(request: HttpRequest, url: str, done: str, action: Callable[[], object]) -> HttpResponse:
    """Run an action from a form; back to the page with its success or its Chinese refusal."""
    try:
        action()
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return HttpResponseRedirect(url)


@dataclass(frozen=True)
class Table:
    """A RuoYi-style list: headers and rows of cells, a cell may carry a link."""

    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]


def _page(request: HttpRequest, items: Any, per_page: int = 20) -> Any:
    return listing.paginate(request, items, default_size=per_page)


# ── registry ───────────────────────────────────────────────────────────────────────────────

ORG_HEADERS = [
    "名称",
    "统一社会信用代码",
    "类型",
    "登记管理机关",
    "法定代表人",
    "注册资金（元）",
    "成立日期",
    "证书有效期至",
    "状态",
]


def _org_cells(o: Organisation) -> list[Any]:
    return [
        o.name,
        o.credit_code,
        o.get_kind_display(),
        o.authority,
        o.legal_rep_name,
        f"{o.registered_capital:,.2f}",
        o.founded_on.isoformat(),
        o.certificate_valid_until.isoformat(),
        o.get_status_display(),
    ]


def _own(user: Any, org: Organisation) -> bool:
    """Whether `org` is registered in the user's own scope: only there may they edit it."""
    return bool(user.covers(org.region_id))


@requires(C)
def organisation_list(request: HttpRequest) -> HttpResponse:
    q, kind, status = (request.GET.get(k, "") for k in ("q", "kind", "status"))
    region = request.GET.get("region", "")
    rows = queries.search_organisations(staff_user(request), q, kind, status, region_filter(region))
    return render(
        request,
        "organisations/organisation_list.html",
        {
            "page": _page(request, rows),
            "q": q,
            "region": region,
            "kind": kind,
            "status": status,
            "kinds": Kind.choices,
            "statuses": Organisation.Status.choices,
            "can_manage": staff_user(request).can(Capability.MANAGE_ORGANISATIONS),
        },
    )


@requires(C)
def organisation_export(request: HttpRequest) -> HttpResponse:
    q, kind, status = (request.GET.get(k, "") for k in ("q", "kind", "status"))
    region = request.GET.get("region", "")
    rows = queries.search_organisations(staff_user(request), q, kind, status, region_filter(region))
    return xlsx_response(
        staff_user(request),
        request,
        filename="社会组织名录.xlsx",
        object_type="organisation",
        headers=ORG_HEADERS,
        rows=(_org_cells(o) for o in rows.iterator()),
    )


@requires(C)
def organisation_detail(request: HttpRequest, org_id: int) -> HttpResponse:
    user = staff_user(request)
    # The register is public (民政部令第60号): any staff role reads it; the registering
    # authority's own staff (its scope covers the organisation's region) also see its internal
    # parts (applications, the registry link of the legal representative) and edit it.
    org = (
        Organisation.objects.published_to(user)
        .select_related("region", "legal_rep_person")
        .filter(pk=org_id)
        .first()
    )
    if org is None:
        raise NotFound("记录不存在或不在您的管辖范围内")
    own = _own(user, org)
    day = today()
    last_year = day.year - 1
    eligibility = rules.rating_eligibility(actions.rating_facts(org, day.year, day))
    annual_due = None
    if own and org.status == Organisation.Status.ACTIVE:
        [row] = queries.annual_overview(user, last_year, day).rows([org])
        annual_due = row.reminder
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "org": org,
            "rating": queries.current_rating(org, day),
            "expiry": queries.expiry_queue(user, day, org=org),
            "reports": AnnualReport.objects.filter(organisation=org),
            "listings": CreditListing.objects.filter(organisation=org),
            "ratings": Rating.objects.filter(organisation=org),
            "inspections": FeeInspection.objects.filter(organisation=org),
            "applications": org.applications.all() if own else [],
            "own": own,
            "eligibility": eligibility,
            "annual_due": annual_due,
            "stage_labels": rules.REMINDER_STAGE_LABELS,
            "last_year": last_year,
            "outcomes": AnnualReport.Outcome.choices,
            "reasons": [c for c in CreditListing.Reason.choices if c[0] != "abnormal_two_years"],
            "grades": Rating.Grade.choices,
            "findings": FeeInspection.Finding.choices,
            "can_manage": own and user.can(Capability.MANAGE_ORGANISATIONS),
            "today": day,
        },
    )


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def legal_representative(request: HttpRequest, org_id: int) -> HttpResponse:
    """Link the legal representative to a person in the registry by ID number, or unlink."""
    from minzheng.registry.queries import search_persons

    user = staff_user(request)
    url = reverse("organisations:organisation_detail", args=[org_id])
    number = request.POST.get("id_number", "").strip()

    def link() -> object:
        if not number:
            return actions.do_set_legal_representative(user, org_id, None)
        person = search_persons(user, number).first() if len(number) >= 15 else None
        if person is None:
            raise ValidationFailed(
                "在您的管辖范围内没有找到该身份证号的登记人员", code="person_not_found"
            )
        return actions.do_set_legal_representative(user, org_id, person.pk)

    return _run(request, url, "法定代表人已更新", link)


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def supervision(request: HttpRequest, org_id: int) -> HttpResponse:
    url = reverse("organisations:organisation_detail", args=[org_id])
    return _run(
        request,
        url,
        "监管信息已保存",
        lambda: actions.do_record_supervision(
            staff_user(request),
            org_id,
            penalised_on=request.POST.get("penalised_on", ""),
            under_investigation=request.POST.get("under_investigation") == "1",
        ),
    )


@requires(C)
def certificate_pdf(request: HttpRequest, org_id: int) -> HttpResponse:
    """The registration certificate (登记证书) with a QR code to the public verification page."""
    org = Organisation.objects.select_related("region").get_visible(staff_user(request), pk=org_id)
    url = request.build_absolute_uri(reverse("organisations:public_detail", args=[org.credit_code]))
    html = render_to_string(
        "organisations/pdf/certificate.html",
        {
            "org": org,
            "qr": qr_data_uri(url),
            "verify_url": url,
            "printed_at": timezone.localtime(),
        },
    )
    if request.GET.get("format") == "html":
        return HttpResponse(html)
    return pdf_response(html_to_pdf(html), f"登记证书-{org.credit_code}.pdf")


# ── applications ───────────────────────────────────────────────────────────────────────────


@requires(C)
def application_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    rows = queries.applications(staff_user(request), status)
    return render(
        request,
        "organisations/application_list.html",
        {
            "page": _page(request, rows),
            "status": status,
            "statuses": App.Status.choices,
            "today": today(),
        },
    )


@requires(Capability.MANAGE_ORGANISATIONS)
def application_new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if request.method == "POST":
        try:
            app = actions.do_accept_registration(
                user,
                type="establish",
                region_code=request.POST.get("region", ""),
                data=request.POST.dict(),
                accepted_on=_day(request, "accepted_on"),
            )
        except NotFound:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已受理成立登记申请 {app.number}")
            return HttpResponseRedirect(reverse("organisations:application_detail", args=[app.pk]))
    from minzheng.regions.models import Region

    regions = Region.objects.filter(scope_q(user, "code"), level__in=("city", "county"))
    return render(
        request,
        "organisations/application_new.html",
        {
            "kinds": Kind.choices,
            "regions": regions,
            "form": request.POST,
            "today": today(),
        },
    )


@requires(C)
def application_detail(request: HttpRequest, app_id: int) -> HttpResponse:
    user = staff_user(request)
    app = App.objects.select_related("region", "organisation").get_visible(user, pk=app_id)
    labels = {
        "name": "名称",
        "supervising_unit": "业务主管单位",
        "legal_rep_name": "法定代表人",
        "registered_capital": "注册资金（元）",
        "scope": "业务范围",
        "address": "住所",
    }
    return render(
        request,
        "organisations/application_detail.html",
        {
            "app": app,
            "particulars": [(labels.get(k, k), v) for k, v in app.particulars.items()],
            "can_manage": user.can(Capability.MANAGE_ORGANISATIONS),
            "today": today(),
        },
    )


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def application_review(request: HttpRequest, app_id: int) -> HttpResponse:
    url = reverse("organisations:application_detail", args=[app_id])
    passed = request.POST.get("passed") == "1"
    return _run(
        request,
        url,
        "初审意见已保存",
        lambda: actions.do_review_registration(
            staff_user(request),
            app_id,
            passed=passed,
            note=request.POST.get("note", ""),
            on=_day(request),
        ),
    )


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def application_decide(request: HttpRequest, app_id: int) -> HttpResponse:
    url = reverse("organisations:application_detail", args=[app_id])
    approve = request.POST.get("approve") == "1"
    return _run(
        request,
        url,
        "已核准" if approve else "已作出不予登记决定",
        lambda: actions.do_decide_registration(
            staff_user(request),
            app_id,
            approve=approve,
            on=_day(request),
            note=request.POST.get("note", ""),
            credit_code=request.POST.get("credit_code", ""),
        ),
    )


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def organisation_apply(request: HttpRequest, org_id: int) -> HttpResponse:
    """A change or deregistration application for an existing organisation."""
    url = reverse("organisations:organisation_detail", args=[org_id])
    org = Organisation.objects.get_visible(staff_user(request), pk=org_id)
    return _run(
        request,
        url,
        "已受理登记申请",
        lambda: actions.do_accept_registration(
            staff_user(request),
            type=request.POST.get("type", ""),
            region_code=org.region_id,
            data=request.POST.dict(),
            accepted_on=_day(request),
            organisation_id=org.pk,
            reason=request.POST.get("reason", ""),
        ),
    )


# ── annual inspection ──────────────────────────────────────────────────────────────────────


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    if not raw:
        return today().year - 1
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise ValidationFailed(f"年度应为四位年份：{raw}", code="bad_year")
    return int(raw)


ANNUAL_HEADERS = [
    "名称",
    "统一社会信用代码",
    "登记管理机关",
    "年检范围",
    "年报状态",
    "年检结论",
    "提醒",
]


def _annual_cells(row: queries.AnnualRow) -> list[str]:
    r = row.report
    reminder = ""
    if row.reminder is not None:
        stage = rules.REMINDER_STAGE_LABELS[row.reminder.stage]
        reminder = f"{stage}（截止{row.reminder.due.isoformat()}，剩{row.reminder.days_left}天）"
    return [
        row.organisation.name,
        row.organisation.credit_code,
        row.organisation.authority,
        "应参加" if row.required else "免检（当年新成立）",
        r.get_status_display() if r else ("未报送" if row.required else "—"),
        r.get_outcome_display() if r and r.outcome else "—",
        reminder,
    ]


@requires(C)
def annual_list(request: HttpRequest) -> HttpResponse:
    year, only = _year(request), request.GET.get("only", "")
    overview = queries.annual_overview(
        staff_user(request), year, today(), only_missing=only == "missing"
    )
    page = _page(request, overview.organisations)
    rows = overview.rows(page.object_list)
    return render(
        request,
        "organisations/annual_list.html",
        {
            "year": year,
            "only": only,
            "page": page,
            "rows": [(_annual_cells(r), r) for r in rows],
            "headers": ANNUAL_HEADERS,
            "filed": overview.filed,
            "total": overview.required,
        },
    )


@requires(C)
def annual_export(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows = queries.annual_status(staff_user(request), year, today())
    return xlsx_response(
        staff_user(request),
        request,
        filename=f"{year}年度年检情况.xlsx",
        object_type="annual_report",
        headers=ANNUAL_HEADERS,
        rows=(_annual_cells(r) for r in rows),
    )


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def annual_file(request: HttpRequest, org_id: int) -> HttpResponse:
    url = reverse("organisations:organisation_detail", args=[org_id])
    return _run(
        request,
        url,
        "年度报告已报送",
        lambda: actions.do_file_annual_report(
            staff_user(request),
            org_id,
            report_year=request.POST.get("report_year", ""),
            data=request.POST.dict(),
            filed_on=_day(request),
        ),
    )


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def annual_supervisor(request: HttpRequest, report_id: int) -> HttpResponse:
    report = AnnualReport.objects.get_visible(staff_user(request), pk=report_id)
    url = reverse("organisations:organisation_detail", args=[report.organisation_id])
    return _run(
        request,
        url,
        "业务主管单位初审同意",
        lambda: actions.do_supervisor_approve(staff_user(request), report_id, on=_day(request)),
    )


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def annual_review(request: HttpRequest, report_id: int) -> HttpResponse:
    report = AnnualReport.objects.get_visible(staff_user(request), pk=report_id)
    url = reverse("organisations:organisation_detail", args=[report.organisation_id])
    return _run(
        request,
        url,
        "年检结论已保存",
        lambda: actions.do_review_annual_report(
            staff_user(request),
            report_id,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
            on=_day(request),
        ),
    )


# ── credit supervision ─────────────────────────────────────────────────────────────────────

CREDIT_HEADERS = [
    "名称",
    "统一社会信用代码",
    "名录",
    "列入事由",
    "决定日期",
    "录入日期",
    "状态",
    "异议",
    "移出日期",
]


def _credit_cells(c: CreditListing) -> list[str]:
    return [
        c.organisation.name,
        c.organisation.credit_code,
        c.get_list_display(),
        c.get_reason_display(),
        c.decided_on.isoformat(),
        c.entered_on.isoformat(),
        c.get_status_display(),
        c.objection or "—",
        c.removed_on.isoformat() if c.removed_on else "—",
    ]


@requires(C)
def credit_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("list", "")
    rows = queries.open_listings(staff_user(request), kind)
    return render(
        request,
        "organisations/credit_list.html",
        {
            "page": _page(request, rows),
            "list": kind,
            "lists": CreditListing.List.choices,
            "can_manage": staff_user(request).can(Capability.MANAGE_ORGANISATIONS),
        },
    )


@requires(C)
def credit_export(request: HttpRequest) -> HttpResponse:
    rows = queries.open_listings(staff_user(request), request.GET.get("list", ""))
    return xlsx_response(
        staff_user(request),
        request,
        filename="信用名录.xlsx",
        object_type="credit_listing",
        headers=CREDIT_HEADERS,
        rows=(_credit_cells(c) for c in rows),
    )


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def credit_add(request: HttpRequest, org_id: int) -> HttpResponse:
    url = reverse("organisations:organisation_detail", args=[org_id])
    return _run(
        request,
        url,
        "已列入活动异常名录",
        lambda: actions.do_list_abnormal(
            staff_user(request),
            org_id,
            reason=request.POST.get("reason", ""),
            decided_on=_day(request, "decided_on"),
            entered_on=_day(request, "entered_on"),
        ),
    )


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def credit_objection(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = CreditListing.objects.get_visible(staff_user(request), pk=listing_id)
    url = reverse("organisations:organisation_detail", args=[listing.organisation_id])
    return _run(
        request,
        url,
        "异议已登记",
        lambda: actions.do_file_objection(
            staff_user(request), listing_id, text=request.POST.get("text", ""), on=_day(request)
        ),
    )


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def credit_remove(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = CreditListing.objects.get_visible(staff_user(request), pk=listing_id)
    url = reverse("organisations:organisation_detail", args=[listing.organisation_id])
    return _run(
        request,
        url,
        "已移出名录（信用修复）",
        lambda: actions.do_remove_listing(
            staff_user(request),
            listing_id,
            reason=request.POST.get("reason", ""),
            on=_day(request),
            objection_upheld=request.POST.get("objection_upheld") == "1",
        ),
    )


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def credit_escalate(request: HttpRequest) -> HttpResponse:
    url = reverse("organisations:credit_list")
    try:
        created = actions.do_escalate_listings(staff_user(request), today=_day(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"列入严重违法失信名单 {len(created)} 家")
    return HttpResponseRedirect(url)


# ── rating, expiry, fee inspections ────────────────────────────────────────────────────────


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def rating_award(request: HttpRequest, org_id: int) -> HttpResponse:
    url = reverse("organisations:organisation_detail", args=[org_id])
    return _run(
        request,
        url,
        "评估等级已评定",
        lambda: actions.do_award_rating(
            staff_user(request),
            org_id,
            grade=request.POST.get("grade", ""),
            score=request.POST.get("score", ""),
            awarded_on=_day(request),
        ),
    )


@requires(C)
def expiry_list(request: HttpRequest) -> HttpResponse:
    rows = queries.expiry_queue(staff_user(request), today())
    return render(
        request,
        "organisations/expiry_list.html",
        {
            "page": _page(request, rows),
            "labels": rules.REMINDER_STAGE_LABELS,
        },
    )


@require_POST
@requires(Capability.MANAGE_ORGANISATIONS)
def fee_inspection_add(request: HttpRequest, org_id: int) -> HttpResponse:
    url = reverse("organisations:organisation_detail", args=[org_id])
    return _run(
        request,
        url,
        "收费检查结果已登记",
        lambda: actions.do_record_fee_inspection(
            staff_user(request), org_id, data=request.POST.dict()
        ),
    )


@requires(C)
def fee_inspection_list(request: HttpRequest) -> HttpResponse:
    rows = FeeInspection.objects.visible_to(staff_user(request)).select_related("organisation")
    year = request.GET.get("year", "")
    if year.isdigit():
        rows = rows.filter(year=int(year))
    totals = rows.aggregate(n=Count("id"), orgs=Count("organisation", distinct=True))
    return render(
        request,
        "organisations/fee_inspection_list.html",
        {
            "page": _page(request, rows),
            "year": year,
            "totals": totals,
        },
    )


# ── statistics and the public pages ────────────────────────────────────────────────────────


@requires(Capability.VIEW_STATISTICS)
def statistics(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "organisations/statistics.html",
        {"stats": queries.statistics(staff_user(request), today())},
    )


def public_detail(request: HttpRequest, credit_code: str) -> HttpResponse:
    """The public verification page a certificate's QR code opens: registered facts only."""
    org = (
        Organisation.objects.filter(credit_code=credit_code.upper())
        .select_related("region")
        .first()
    )
    if org is None:
        raise NotFound("未找到该统一社会信用代码登记的社会组织")
    listings = CreditListing.objects.filter(organisation=org, status="listed", published=True)
    return render(
        request,
        "organisations/public_detail.html",
        {
            "org": org,
            "rating": queries.current_rating(org, today()),
            "listings": listings,
        },
    )


def public_credit(request: HttpRequest) -> HttpResponse:
    """公示: the organisations currently on either list (registered facts only, no personal data)."""
    rows = (
        CreditListing.objects.filter(status="listed", published=True)
        .select_related("organisation")
        .order_by("list", "-decided_on")
    )
    return render(request, "organisations/public_credit.html", {"page": _page(request, rows, 50)})
