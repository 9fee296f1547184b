"""Payment pages: HTTP only — parse, call one action or query, render."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.core import clock
from minzheng.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from minzheng.core.exports import xlsx_response
from minzheng.core.inputs import parse_amount
from minzheng.core.regioncode import full_code
from minzheng.core.uploads import CSV as CSV_KIND
from minzheng.core.uploads import check_data_file
from minzheng.core.yearmonth import YearMonth
from minzheng.dictionary.labels import label_for
from minzheng.payments import actions, queries
from minzheng.payments.models import (
    BankFile,
    BankFileLine,
    BankTemplate,
    PriceIndex,
    TemporaryCase,
)
from minzheng.regions.models import Region
from minzheng.registry.models import Person


def _month(request: HttpRequest) -> YearMonth:
    """The month asked for, else the platform clock's."""
    try:
        return YearMonth.parse(request.GET.get("month", ""))
    except ValueError:
        return YearMonth.of(clock.today())


@requires(Capability.VIEW_STATISTICS)
def reports(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    try:
        month = YearMonth.parse(request.GET.get("month", ""))
    except ValueError:  # no month asked (or none readable): the last month paid in scope
        month = queries.latest_paid_month(user) or YearMonth.of(clock.today())
    level = "township" if request.GET.get("level") == "township" else "county"
    rows = queries.monthly_totals(user, month, level=level)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            user,
            request,
            filename=f"资金发放统计{month}.xlsx",
            object_type="payment_report",
            headers=["区划代码", "区划", "救助项目", "类别", "笔数", "金额（元）"],
            rows=(
                [
                    r.key,
                    r.name,
                    label_for("programme", r.programme),
                    label_for("payment_kind", r.kind),
                    r.count,
                    r.amount,
                ]
                for r in rows
            ),
        )
    year = queries.year_by_month(user, month.year)
    return render(
        request,
        "payments/reports.html",
        {"rows": rows, "month": month, "level": level, "year": year},
    )


@requires(Capability.CASE_DATA)
def payee_history(request: HttpRequest, person_id: int) -> HttpResponse:
    user = staff_user(request)
    Person.objects.get_visible(user, pk=person_id)  # another region's person: not found
    lines = queries.payee_history(user, person_id)
    return render(request, "payments/payee_history.html", {"lines": lines, "person_id": person_id})


@requires(Capability.CASE_DATA)
def exceptions(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    queue = actions.exception_queue_for(user)
    return render(
        request,
        "payments/exceptions.html",
        {
            "queue": queue,
            "can_correct": user.can(Capability.EDIT_CASES),
            "can_reissue": user.can(Capability.APPROVE) and user.region.level == "county",
            "message": request.GET.get("done", ""),
            "error": "",
        },
    )


def _queued_line(user: Any, line_id: int) -> BankFileLine:
    # Only a line of a payee in the viewer's own region (the scoped read, never a code slice).
    line = (
        actions.lines_visible_to(user)
        .select_related("bank_file", "payee")
        .filter(pk=line_id)
        .first()
    )
    if line is None:
        raise NotFound("记录不存在或不在您的管辖范围内")
    return line


@require_POST
@requires(Capability.EDIT_CASES)
def correct_account(request: HttpRequest, line_id: int) -> HttpResponse:
    user = staff_user(request)
    line = _queued_line(user, line_id)
    try:
        account = actions.do_correct_account(
            user,
            line,
            bank_name=request.POST.get("bank_name", "").strip(),
            number=request.POST.get("number", ""),
        )
    except DomainError as exc:
        queue = actions.exception_queue_for(user)
        return render(
            request,
            "payments/exceptions.html",
            {"queue": queue, "can_correct": True, "error": exc.message},
            status=400,
        )
    return redirect(f"{_url('payments:exceptions')}?done=已更正账户 {account.number_masked}")


@require_POST
@requires(Capability.APPROVE)
def reissue(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    bank_file = actions.do_reissue_failed(user, user.region_id)
    if bank_file is None:
        return redirect(f"{_url('payments:exceptions')}?done=没有已更正账户、可重新发放的记录")
    return redirect("payments:bank_file", file_id=bank_file.pk)


def _url(name: str, **kwargs: Any) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kwargs or None)


# ── bank files and returns ───────────────────────────────────────────────────────────────────


@requires(Capability.BANK_FILES)
def bank_files(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    files = (
        BankFile.objects.visible_to(user)
        .select_related("county", "roll", "template")
        .order_by("-created_at", "-pk")[:100]
    )
    return render(request, "payments/bank_files.html", {"files": files})


@requires(Capability.BANK_FILES)
def bank_file(request: HttpRequest, file_id: int) -> HttpResponse:
    """A file's reconciliation, and the return-file import with its result."""
    user = staff_user(request)
    found = BankFile.objects.select_related("template", "roll").get_visible(user, pk=file_id)
    result: dict[str, Any] | None = None
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "请选择回盘文件"
        else:
            try:
                from minzheng.payments.bankfiles import decode_return

                checked = check_data_file(upload, {CSV_KIND})
                text = decode_return(found.template, checked.data)
                result = actions.do_import_bank_return(
                    user, found, text, filename=upload.name or "回盘文件"
                )
            except DomainError as exc:
                error = exc.message
    return render(
        request,
        "payments/bank_file.html",
        {
            "file": found,
            "totals": queries.reconciliation(found),
            "file_rows": actions.bank_file_rows(found),
            "no_account": found.line_count - actions.bank_file_rows(found),
            "result": result,
            "error": error,
        },
        status=400 if error else 200,
    )


# ── temporary assistance ─────────────────────────────────────────────────────────────────────


@requires(Capability.CASE_DATA)
def temporary_cases(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error = ""
    form: dict[str, str] = {}
    if request.method == "POST":
        if not user.can(Capability.EDIT_CASES):
            raise PermissionDenied("您的角色无权执行此操作")
        form = {k: request.POST.get(k, "").strip() for k in FORM_FIELDS}
        try:
            case = actions.do_create_temporary_case(user, **_case_args(user, form))
        except DomainError as exc:
            error = exc.message
        else:
            return redirect(f"{_url('payments:temporary_cases')}?created={case.pk}")
    cases = (
        TemporaryCase.objects.visible_to(user)
        .select_related("account", "made_by", "approved_by", "region")
        .order_by("-created_at", "-pk")[:200]
    )
    return render(
        request,
        "payments/temporary_cases.html",
        {
            "cases": cases,
            "form": form,
            "error": error,
            "created": request.GET.get("created", ""),
            "can_create": user.can(Capability.EDIT_CASES),
            "can_approve": user.can(Capability.APPROVE),
        },
        status=400 if error else 200,
    )


FORM_FIELDS = (
    "person_id",
    "name",
    "id_number",
    "region",
    "amount",
    "reason",
    "bank_name",
    "number",
)


def _case_args(user: Any, form: dict[str, str]) -> dict[str, Any]:
    amount = parse_amount(form["amount"], "救助金额")
    person = None
    if form["person_id"]:
        if not form["person_id"].isdigit():
            raise ValidationFailed("人员编号应为数字", code="invalid_person")
        person = Person.objects.get_visible(user, pk=int(form["person_id"]))
    region_code = form["region"] or (person.region_id if person else "")
    region = Region.objects.filter(pk=full_code(region_code)).first() if region_code else None
    if region is None:
        raise ValidationFailed("请填写所属村（社区）区划代码", code="invalid_region")
    return {
        "region": region,
        "amount": amount,
        "reason": form["reason"],
        "bank_name": form["bank_name"],
        "account_number": form["number"],
        "person": person,
        "name": form["name"],
        "id_number": form["id_number"],
    }


@require_POST
@requires(Capability.APPROVE)
def temporary_case_decide(request: HttpRequest, case_id: int) -> HttpResponse:
    user = staff_user(request)
    case = TemporaryCase.objects.get_visible(user, pk=case_id)
    actions.do_decide_temporary_case(user, case, approve=request.POST.get("decision") == "approve")
    return redirect("payments:temporary_cases")


# ── bank templates ───────────────────────────────────────────────────────────────────────────


@requires(Capability.BANK_FILES)
def bank_templates(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    templates = list(actions.bank_templates_for(user).order_by("county_id", "name"))
    return render(
        request,
        "payments/bank_templates.html",
        {
            "rows": [(t, actions.may_edit_template(user, t)) for t in templates],
            "can_create": actions.may_edit_template(user, None),
            "message": request.GET.get("done", "")[:100],
        },
    )


def _template_for(user: Any, template_id: int) -> BankTemplate:
    found = actions.bank_templates_for(user).filter(pk=template_id).first()
    if found is None:
        raise NotFound("模板不存在或不在您的管辖范围内")
    return found


@requires(Capability.MANAGE_PARAMETERS)
def bank_template_edit(request: HttpRequest, template_id: int | None = None) -> HttpResponse:
    user = staff_user(request)
    template = None
    if template_id is not None:
        template = _template_for(user, template_id)
    if not actions.may_edit_template(user, template):
        raise PermissionDenied("市级默认模板只能由市级维护，区县模板只能由本区县维护")
    form = {
        "name": template.name if template else "",
        "format": template.format if template else "csv",
        "encoding": template.encoding if template else "utf-8",
        "fields": json.dumps(template.fields if template else [], ensure_ascii=False, indent=1),
        "return_codes": json.dumps(
            (
                template.pending_return_codes
                if template and template.pending_return_codes is not None
                else (template.return_codes if template else {})
            ),
            ensure_ascii=False,
            indent=1,
        ),
        "source": template.source if template else "",
    }
    error = ""
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            actions.do_save_bank_template(
                user,
                template,
                name=form["name"],
                format=form["format"],
                encoding=form["encoding"].strip() or "utf-8",
                fields_json=form["fields"],
                return_codes_json=form["return_codes"],
                source=form["source"],
            )
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("payments:bank_templates")
    return render(
        request,
        "payments/bank_template_edit.html",
        {
            "template": template,
            "form": form,
            "error": error,
            "formats": BankTemplate.Format,
            "can_decide": template is not None
            and template.pending_return_codes is not None
            and template.pending_by_id != user.pk,
        },
        status=400 if error else 200,
    )


@require_POST
@requires(Capability.MANAGE_PARAMETERS)
def bank_template_codes(request: HttpRequest, template_id: int) -> HttpResponse:
    """Maker-checker for return codes: a second person approves or discards the pending change."""
    user = staff_user(request)
    template = _template_for(user, template_id)
    approve = request.POST.get("decision") == "approve"
    actions.do_decide_return_codes(user, template, approve=approve)
    done = "已批准回盘代码变更" if approve else "已驳回回盘代码变更"
    return redirect(f"{_url('payments:bank_templates')}?done={done}")


@requires(Capability.VIEW_STATISTICS)
def price_indices(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    message = ""
    rejected: list[tuple[int, str, str]] = []
    if request.method == "POST" and user.can(Capability.MANAGE_PARAMETERS):
        upload = request.FILES.get("file")
        if upload is not None:
            checked = check_data_file(upload)
            rows = actions.price_index_rows(checked.data, f"upload.{checked.kind}")
            result = actions.do_import_price_indices(
                user, rows, region_code="330200", source=request.POST.get("source", "")
            )
            rejected = result["rejected"]
            message = f"已导入 {result['saved']} 行，错误 {len(rejected)} 行"
        else:
            try:
                actions.do_enter_price_index(
                    user,
                    region_code="330200",
                    month=YearMonth.parse(request.POST.get("month", "")),
                    cpi_yoy=request.POST.get("cpi", ""),
                    food_cpi_yoy=request.POST.get("food", ""),
                    source=request.POST.get("source", ""),
                )
            except ValueError as exc:
                raise ValidationFailed(str(exc), code="invalid_month") from exc
            message = "已保存"
    year = _month(request).year
    return render(
        request,
        "payments/price_indices.html",
        {
            "rejected": rejected,
            "indices": PriceIndex.objects.all()[:60],
            "report": queries.price_subsidy_report(user, year),
            "message": message,
            "can_edit": user.can(Capability.MANAGE_PARAMETERS),
        },
    )
