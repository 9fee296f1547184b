"""The roll's pages: generate a county's month, look at it whole, approve or send it back, make
and download its bank file. HTTP only — each view calls one action or query."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import scope_q
from minzheng.core import listing
from minzheng.core.errors import DomainError, NotFound, PermissionDenied
from minzheng.core.regioncode import county_of
from minzheng.core.yearmonth import YearMonth
from minzheng.payments import actions, queries, roll_queries
from minzheng.payments.actions.rolls import roll_county
from minzheng.payments.models import BankFile, BankTemplate, Kind, Roll
from minzheng.regions.models import Level, Region

LINES_PER_PAGE = listing.PAGE_SIZES[0]  # 20, as every list; 50 or 100 on request


def counties_for(user: User) -> list[Region]:
    """The counties whose whole roll this user may make (their scope covers the county)."""
    if user.region.level not in (Level.CITY, Level.COUNTY):
        return []
    return list(Region.objects.filter(scope_q(user, "code"), level=Level.COUNTY).order_by("code"))


def _holder(line: object) -> str:
    name = getattr(line, "holder_name", None) or ""
    relation = getattr(line, "holder_relation", None) or ""
    return f"{name}（代理人，{relation}）" if relation else name


def _part_label(user: User) -> tuple[str, str]:
    """What a township's or a village's part of a county roll is called on its page: the level's
    word and the unit's name (本街道（乡镇） 南门街道)."""
    own = "本村（社区）" if user.region.level == Level.VILLAGE else "本街道（乡镇）"
    return own, user.region.name


def _default_month() -> str:
    from minzheng.core.clock import today

    return str(YearMonth.of(today()))


@requires(Capability.CASE_DATA)
def roll_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    search = {k: request.GET.get(k, "").strip() for k in ("county", "month", "status")}
    rolls = queries.rolls_for(user).order_by("-month", "county_id", "-version")
    error = ""
    if search["county"]:
        rolls = rolls.filter(county_id=search["county"][:12])
    if search["status"] in Roll.Status.values:
        rolls = rolls.filter(status=search["status"])
    if search["month"]:
        try:
            rolls = rolls.filter(month=YearMonth.parse(search["month"]).first_day())
        except ValueError:
            error = "发放月份格式应为 YYYY-MM，如 2026-03"
    if listing.wants_export(request) and not error:
        return listing.export(
            request,
            user,
            rolls,
            filename="发放花名册列表.xlsx",
            object_type="payment_roll",
            columns=[
                ("县（市、区）", lambda r: r.county.name),
                ("月份", lambda r: r.month.strftime("%Y-%m")),
                ("版本", lambda r: f"第{r.version}版"),
                ("状态", lambda r: r.get_status_display()),
                ("制单人", lambda r: str(r.made_by or "系统任务")),
                ("审批人", lambda r: str(r.approved_by or "")),
            ],
        )
    return render(
        request,
        "payments/roll_list.html",
        {
            "page": listing.paginate(request, rolls),
            "search": search,
            "statuses": Roll.Status.choices,
            "error": error,
            "counties": counties_for(user),
            "month": _default_month(),
        },
        status=400 if error else 200,
    )


@require_POST
@requires(Capability.CASE_DATA)
def roll_generate(request: HttpRequest) -> HttpResponse:
    """Checks the month and the county here, then hands the roll to the worker; the task page shows
    its progress and, when it is done, opens the roll."""
    from minzheng.jobs.actions import do_start_job

    user = staff_user(request)
    month_text = request.POST.get("month", "").strip()
    try:
        month = YearMonth.parse(month_text)
    except ValueError:
        messages.error(request, "发放月份格式应为 YYYY-MM，如 2026-03")
        return redirect("payments:roll_list")
    from minzheng.core.clock import today
    from minzheng.payments.rules import roll_month_refusal

    if refusal := roll_month_refusal(month, YearMonth.of(today())):
        messages.error(request, refusal)
        return redirect("payments:roll_list")
    try:
        county = roll_county(user, request.POST.get("county", ""))
        job = do_start_job(user, "roll", {"county": county.code, "month": month_text})
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("payments:roll_list")
    return redirect(reverse("jobs:job_detail", args=[job.pk]) + "?follow=1")


@requires(Capability.CASE_DATA)
def roll_detail(request: HttpRequest, roll_id: int) -> HttpResponse:
    user = staff_user(request)
    roll = Roll.objects.select_related("county", "made_by", "approved_by").get_visible(
        user, pk=roll_id
    )
    search = {k: request.GET.get(k, "").strip() for k in ("name", "programme", "kind", "township")}
    lines = roll_queries.roll_lines(roll, **search, actor=user)
    part = roll_queries.is_part(roll, user)
    if listing.wants_export(request):
        return listing.export(
            request,
            user,
            lines,
            filename=f"{roll.county.name}{roll.month:%Y-%m}发放明细.xlsx",
            object_type="payment_roll",
            columns=[
                ("收款人", lambda line: line.payee.name if line.payee else "临时救助对象"),
                ("账户户名", _holder),
                ("村（社区）", lambda line: line.region.name),
                ("项目", lambda line: roll_queries.line_programme_label(line.programme)),
                ("类别", lambda line: line.get_kind_display()),
                ("所属月份", lambda line: line.month.strftime("%Y-%m")),
                ("金额（元）", lambda line: line.amount),
            ],
        )
    summary = roll_queries.roll_summary(roll, user)
    # Unsearched, the list is every line of the roll: the summary has just counted them.
    known = None if any(search.values()) else summary.lines
    page = listing.paginate(request, lines, default_size=LINES_PER_PAGE, count=known)
    missing_count, missing = roll_queries.missing_preview(roll, actor=user)
    # The bank file is the county's: a township's or a village's part is read-only.
    can_export = not part and roll.status in (Roll.Status.APPROVED, Roll.Status.EXPORTED)
    bank_file = BankFile.objects.filter(roll=roll).first() if can_export else None
    return render(
        request,
        "payments/roll_detail.html",
        {
            "roll": roll,
            "part": _part_label(user) if part else None,
            "count": summary.count,
            "total": summary.total,
            "by_programme": summary.by_programme,
            "by_township": summary.by_township,
            "change": summary.change,
            "missing_count": missing_count,
            "missing": missing,
            "preview": roll_queries.PREVIEW_ROWS,
            "page": page,
            "rows": roll_queries.line_rows(page),
            "search": search,
            "query": urlencode({k: v for k, v in search.items() if v}),
            "programmes": sorted(roll_queries.PROGRAMME_LABELS.items()),
            "kinds": Kind.choices,
            "townships": summary.townships,
            "can_approve": not part
            and user.can(Capability.APPROVE)
            and roll.status == Roll.Status.DRAFT
            and roll.completed_at is not None
            and roll.made_by_id != user.pk,
            "can_export": can_export,
            "bank_file": bank_file,
            "templates": BankTemplate.objects.order_by("name"),
        },
    )


@requires(Capability.CASE_DATA)
def roll_changes(request: HttpRequest, roll_id: int) -> HttpResponse:
    """One list above a roll's lines, paged and searched by name: 新增, 停发, 金额变动 against
    last month, or the payees without an active bank account."""
    user = staff_user(request)
    roll = Roll.objects.select_related("county").get_visible(user, pk=roll_id)
    kind = request.GET.get("kind", "new").strip()
    name = request.GET.get("name", "").strip()
    error = ""
    if kind not in roll_queries.CHANGE_KINDS:
        error, kind = "名单类别不存在，请从花名册页面的链接进入", "new"
    if kind == "no_account":
        missing = roll_queries.payees_without_account(roll, name=name, actor=user)
        page = listing.paginate(request, missing, default_size=LINES_PER_PAGE)
        rows: list[object] = list(roll_queries.as_missing(page.object_list))
    else:
        lines = roll_queries.change_lines(roll, kind, name=name, actor=user)
        page = listing.paginate(request, lines, default_size=LINES_PER_PAGE)
        rows = list(roll_queries.as_changes(page.object_list, kind))
    return render(
        request,
        "payments/roll_changes.html",
        {
            "roll": roll,
            "part": _part_label(user) if roll_queries.is_part(roll, user) else None,
            "kind": kind,
            "kinds": roll_queries.CHANGE_KINDS.items(),
            "previous": str(YearMonth.of(roll.month) - 1),
            "name": name,
            "page": page,
            "rows": rows,
            "error": error,
        },
        status=400 if error else 200,
    )


@require_POST
@requires(Capability.APPROVE)
def roll_approve(request: HttpRequest, roll_id: int) -> HttpResponse:
    user = staff_user(request)
    roll = Roll.objects.get_visible(user, pk=roll_id)
    try:
        actions.do_approve_roll(user, roll)
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "花名册已审批，可以生成银行文件")
    return redirect("payments:roll_detail", roll_id=roll.pk)


@require_POST
@requires(Capability.APPROVE)
def roll_send_back(request: HttpRequest, roll_id: int) -> HttpResponse:
    user = staff_user(request)
    roll = Roll.objects.get_visible(user, pk=roll_id)
    try:
        actions.do_send_back_roll(user, roll, reason=request.POST.get("reason", ""))
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "花名册已退回制单人")
    return redirect("payments:roll_detail", roll_id=roll.pk)


@require_POST
@requires(Capability.CASE_DATA)
def roll_export(request: HttpRequest, roll_id: int) -> HttpResponse:
    user = staff_user(request)
    roll = Roll.objects.get_visible(user, pk=roll_id)
    template_id = request.POST.get("template", "")
    template = (
        BankTemplate.objects.filter(pk=int(template_id)).first() if template_id.isdigit() else None
    )
    try:
        bank_file = actions.do_export_bank_file(user, roll, template)
    except (NotFound, PermissionDenied):
        raise  # a township's part of the roll: the county's bank file is not its to make
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("payments:roll_detail", roll_id=roll.pk)
    messages.success(
        request,
        f"已生成银行文件#{bank_file.pk}：{actions.bank_file_rows(bank_file)} 笔",
    )
    return redirect("payments:bank_file", file_id=bank_file.pk)


@requires(Capability.BANK_FILES)
def bank_file_download(request: HttpRequest, file_id: int) -> HttpResponse:
    user = staff_user(request)
    found = BankFile.objects.select_related("template", "roll").get_visible(user, pk=file_id)
    data = actions.do_download_bank_file_page(user, found)
    if not data and found.line_count:
        raise NotFound("银行文件为空，请联系系统管理员")
    suffix = "csv" if found.template.format == BankTemplate.Format.CSV else "txt"
    name = f"bank-{county_of(found.county_id)}-{found.pk}.{suffix}"
    if found.roll is not None:
        name = f"bank-{county_of(found.county_id)}-{found.roll.month:%Y%m}-v{found.roll.version}.{suffix}"
    response = HttpResponse(data, content_type="text/plain; charset=" + found.template.encoding)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
