"""Institution pages: HTTP only — parse, call one action or query, render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import narrowed
from minzheng.core import clock, listing
from minzheng.core.errors import DomainError, ValidationFailed
from minzheng.core.inputs import int_param
from minzheng.core.masking import mask_name
from minzheng.institutions import actions, queries, rules
from minzheng.institutions.actions import parse_count, parse_day
from minzheng.institutions.models import Institution
from minzheng.institutions.rules import (
    BED_LABELS,
    CLAIM_STATUS_LABELS,
    DISCHARGE_LABELS,
    INSPECTION_RESULT_LABELS,
    KIND_LABELS,
)


def _required_day(text: str | None, label: str) -> date:
    day = parse_day(text, label)
    if day is None:  # parse_day(required=True) never returns None
        raise ValidationFailed(f"请填写{label}", code="date_missing")
    return day


@requires(Capability.CASE_DATA)
def institution_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    f = {k: request.GET.get(k, "").strip() for k in ("q", "kind", "region")}
    scope = narrowed(user, f["region"]) if f["region"] else user
    rows = queries.with_bed_counts(queries.institutions_visible(scope))
    if f["kind"] in KIND_LABELS:
        rows = rows.filter(kind=f["kind"])
    if f["q"]:
        rows = rows.filter(name__contains=f["q"])
    if listing.wants_export(request):
        return listing.export(
            request,
            user,
            rows,
            filename="养老机构.xlsx",
            object_type="institution",
            columns=[
                ("机构名称", lambda i: i.name),
                ("举办性质", lambda i: KIND_LABELS[i.kind]),
                ("备案（许可）编号", lambda i: i.licence_no),
                ("备案日期", lambda i: i.filed_on.isoformat()),
                ("所在区划", lambda i: i.region.name),
                ("运营主体", lambda i: i.operator),
                ("床位", lambda i: getattr(i, "bed_total", 0)),
                ("护理型床位", lambda i: getattr(i, "nursing_total", 0)),
                ("在住老人", lambda i: getattr(i, "resident_total", 0)),
            ],
        )
    page = listing.paginate(request, rows)
    return render(
        request,
        "institutions/institution_list.html",
        {
            "page": page,
            "filters": f,
            "kinds": KIND_LABELS.items(),
            "can_edit": user.can(Capability.EDIT_CASES),
        },
    )


@requires(Capability.EDIT_CASES)
def institution_new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    error = ""
    if request.method == "POST":
        p = request.POST
        try:
            institution = actions.do_register_institution(
                user,
                name=p.get("name", ""),
                kind=p.get("kind", ""),
                licence_no=p.get("licence_no", ""),
                filed_on=_required_day(p.get("filed_on"), "备案日期"),
                valid_until=parse_day(p.get("valid_until"), "有效期至", required=False),
                region_code=p.get("region", ""),
                operator=p.get("operator", ""),
                address=p.get("address", ""),
            )
            messages.success(request, f"已登记养老机构：{institution.name}")
            return redirect("institutions:detail", institution.pk)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "institutions/institution_form.html",
        {"error": error, "form": request.POST, "kinds": KIND_LABELS.items()},
        status=400 if error else 200,
    )


def _post_op(user: User, institution: Institution, request: HttpRequest) -> str:
    """One form of the detail page; returns the message shown after it."""
    p = request.POST
    op = p.get("op", "")
    if op == "beds":
        beds = actions.do_add_beds(
            user,
            institution.pk,
            kind=p.get("kind", ""),
            count=parse_count(p.get("count"), "床位数"),
        )
        return f"已增加{BED_LABELS[beds[0].kind]} {len(beds)} 张"
    if op == "admit":
        residency = actions.do_admit(
            user,
            institution.pk,
            person_id=int_param(p.get("person_id"), "入住老人"),
            bed_id=int_param(p.get("bed"), "床位"),
            admitted_on=_required_day(p.get("admitted_on"), "入住日期"),
        )
        return f"{residency.person.name}已入住{residency.bed.number}号床"
    if op == "discharge":
        actions.do_discharge(
            user,
            int_param(p.get("residency"), "入住记录"),
            discharged_on=_required_day(p.get("discharged_on"), "离院日期"),
            reason=p.get("reason", ""),
        )
        return "已办理离院"
    if op == "inspect":
        actions.do_record_inspection(
            user,
            institution.pk,
            inspected_on=_required_day(p.get("inspected_on"), "检查日期"),
            findings=p.get("findings", ""),
            result=p.get("result", ""),
            rectify_by=parse_day(p.get("rectify_by"), "整改期限", required=False),
        )
        return "已记录检查结果"
    if op == "rectified":
        actions.do_mark_rectified(
            user,
            int_param(p.get("inspection"), "检查记录"),
            rectified_on=_required_day(p.get("rectified_on"), "整改完成日期"),
        )
        return "已登记整改完成"
    if op == "policy":
        actions.do_add_policy(
            user,
            institution.pk,
            insurer=p.get("insurer", ""),
            policy_no=p.get("policy_no", ""),
            starts_on=_required_day(p.get("starts_on"), "保险起期"),
            ends_on=_required_day(p.get("ends_on"), "保险止期"),
            premium=p.get("premium", ""),
            cover=p.get("cover", ""),
            insured_elderly=parse_count(p.get("insured_elderly"), "参保老年人数"),
        )
        return "已登记综合责任险保单"
    if op == "claim":
        person = p.get("person_id", "").strip()
        actions.do_file_claim(
            user,
            int_param(p.get("policy"), "保单"),
            incident_on=_required_day(p.get("incident_on"), "出险日期"),
            description=p.get("description", ""),
            claimed=p.get("claimed", ""),
            person_id=int_param(person, "涉及老人") if person else None,
        )
        return "已登记责任险报案"
    if op == "decide":
        pay = p.get("decision") == "pay"
        claim = actions.do_decide_claim(
            user,
            int_param(p.get("claim"), "理赔"),
            pay=pay,
            paid=p.get("paid", ""),
            note=p.get("note", ""),
        )
        return f"理赔已结案：{CLAIM_STATUS_LABELS[claim.status]}"
    raise ValidationFailed("未知的操作", code="op_invalid")


@requires(Capability.CASE_DATA)
def institution_detail(request: HttpRequest, institution_id: int) -> HttpResponse:
    user = staff_user(request)
    institution = queries.institutions_visible(user).get_visible(user, pk=institution_id)
    error = ""
    if request.method == "POST":
        try:
            done = _post_op(user, institution, request)
            messages.success(request, done)
            return redirect("institutions:detail", institution.pk)
        except DomainError as exc:
            error = exc.message
    counts = queries.bed_counts(institution)
    beds = [
        (kind, label, counts.get(kind, {"beds": 0, "occupied": 0, "free": 0}))
        for kind, label in BED_LABELS.items()
    ]
    residents = queries.residents_visible(user).filter(
        institution=institution, discharged_on__isnull=True
    )
    today = clock.today()
    return render(
        request,
        "institutions/institution_detail.html",
        {
            "i": institution,
            "beds": beds,
            "bed_total": sum(c["beds"] for _, _, c in beds),
            "occupied_total": sum(c["occupied"] for _, _, c in beds),
            "residents": residents.order_by("bed__id"),
            "free_beds": queries.free_beds(institution),
            "inspections": queries.inspections_visible(user).filter(institution=institution),
            "policies": queries.policies_visible(user).filter(institution=institution),
            "claims": queries.claims_visible(user).filter(policy__institution=institution),
            "bed_kinds": BED_LABELS.items(),
            "results": INSPECTION_RESULT_LABELS.items(),
            "discharge_reasons": DISCHARGE_LABELS.items(),
            "can_edit": user.can(Capability.EDIT_CASES),
            "can_decide": user.can(Capability.APPROVE),
            "error": error,
            "form": request.POST,
            "today": today.isoformat(),
        },
        status=400 if error else 200,
    )


@requires(Capability.CASE_DATA)
def resident_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    f = {k: request.GET.get(k, "").strip() for k in ("q", "state")}
    rows = queries.residents_visible(user)
    if f["state"] != "all":
        rows = rows.filter(discharged_on__isnull=True)
    if f["q"]:
        rows = rows.filter(person__name__contains=f["q"])
    columns: list[tuple[str, Callable[..., object]]] = [
        ("姓名", lambda r: mask_name(r.person.name)),
        ("身份证号", lambda r: r.person.id_number_masked),
        ("养老机构", lambda r: r.institution.name),
        ("床位", lambda r: f"{r.bed.number}号（{BED_LABELS[r.bed.kind]}）"),
        ("入住日期", lambda r: r.admitted_on.isoformat()),
        ("离院日期", lambda r: r.discharged_on.isoformat() if r.discharged_on else ""),
    ]
    if listing.wants_export(request):
        return listing.export(
            request, user, rows, filename="入住老人.xlsx", object_type="residency", columns=columns
        )
    return render(
        request,
        "institutions/resident_list.html",
        {"page": listing.paginate(request, rows), "filters": f, "bed_labels": BED_LABELS},
    )


@requires(Capability.CASE_DATA)
def inspection_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = clock.today()
    f = {k: request.GET.get(k, "").strip() for k in ("result", "overdue")}
    rows = queries.inspections_visible(user)
    if f["overdue"]:
        rows = queries.overdue_rectifications(user, today)
    if f["result"] in INSPECTION_RESULT_LABELS:
        rows = rows.filter(result=f["result"])
    if listing.wants_export(request):
        return listing.export(
            request,
            user,
            rows,
            filename="机构检查.xlsx",
            object_type="institution_inspection",
            columns=[
                ("养老机构", lambda r: r.institution.name),
                ("检查日期", lambda r: r.inspected_on.isoformat()),
                ("检查结论", lambda r: INSPECTION_RESULT_LABELS[r.result]),
                ("检查发现", lambda r: r.findings),
                ("整改期限", lambda r: r.rectify_by.isoformat() if r.rectify_by else ""),
                ("整改完成", lambda r: r.rectified_on.isoformat() if r.rectified_on else ""),
            ],
        )
    return render(
        request,
        "institutions/inspection_list.html",
        {
            "page": listing.paginate(request, rows),
            "filters": f,
            "results": INSPECTION_RESULT_LABELS.items(),
            "overdue_count": queries.overdue_rectifications(user, today).count(),
            "today": today,
        },
    )


@requires(Capability.CASE_DATA)
def insurance(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = clock.today()
    f = {k: request.GET.get(k, "").strip() for k in ("status", "q")}
    rows = queries.claims_visible(user)
    if f["status"] in CLAIM_STATUS_LABELS:
        rows = rows.filter(status=f["status"])
    if f["q"]:
        rows = rows.filter(policy__institution__name__contains=f["q"])
    if listing.wants_export(request):
        return listing.export(
            request,
            user,
            rows,
            filename="责任险理赔.xlsx",
            object_type="insurance_claim",
            columns=[
                ("养老机构", lambda c: c.policy.institution.name),
                ("保单号", lambda c: c.policy.policy_no),
                ("出险日期", lambda c: c.incident_on.isoformat()),
                ("涉及老人", lambda c: mask_name(c.person.name) if c.person else ""),
                ("报案金额（元）", lambda c: f"{c.claimed:.2f}"),
                ("理赔状态", lambda c: CLAIM_STATUS_LABELS[c.status]),
                ("赔付金额（元）", lambda c: f"{c.paid:.2f}" if c.paid is not None else ""),
            ],
        )
    return render(
        request,
        "institutions/insurance.html",
        {
            "page": listing.paginate(request, rows),
            "filters": f,
            "statuses": CLAIM_STATUS_LABELS.items(),
            "totals": queries.insurance_totals(user, today),
            "today": today,
        },
    )


@requires(Capability.CASE_DATA)
def indicators(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = clock.today()
    try:
        day = parse_day(request.GET.get("day"), "统计日期", required=False) or today
    except DomainError as exc:
        messages.error(request, exc.message)
        day = today
    rows, total = queries.indicators(user, day)
    ins = queries.insurance_totals(user, day)
    return render(
        request,
        "institutions/indicators.html",
        {
            "rows": rows,
            "total": total,
            "day": day,
            "article": rules.article_rows(
                total,
                ins.elderly,
                ins.institutions,
                ins.paid,
            ),
            "ningbo_elderly": rules.NINGBO_ELDERLY_2020,
        },
    )
