"""Pages: the clerical review queue, a pair's evidence, identity profiles, conflicts, and the
两线合一 roster import. HTTP only: parse, call a query or an action, render."""

from __future__ import annotations

import io
from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.core import listing
from minzheng.core.errors import DomainError, ValidationFailed
from minzheng.core.exports import XLSX, xlsx_response
from minzheng.core.inputs import int_param
from minzheng.core.masking import birth_shown
from minzheng.core.uploads import XLSX as XLSX_KIND
from minzheng.core.uploads import check_data_file
from minzheng.linkage import actions, queries
from minzheng.linkage.evidence import allowed_decisions, explain, rule_of
from minzheng.linkage.merge_import import COLUMNS, OUTCOME_LABELS, import_roster, report_sheet
from minzheng.linkage.models import CandidatePair, LinkageAction, RosterImport, SourceRecord
from minzheng.linkage.profiles import identity_profile


def _day(request: HttpRequest) -> date:
    raw = request.GET.get("as_of", "").strip()
    if not raw:
        return timezone.localdate()
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationFailed(f"日期格式应为YYYY-MM-DD：{raw}", code="bad_date") from exc


@requires(Capability.CASE_DATA)
def queue(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    status = request.GET.get("status", CandidatePair.Status.PENDING)
    reason = request.GET.get("reason", "")
    page = listing.paginate(request, queries.queue(user, status, reason), default_size=30)
    context = {
        "page": page,
        "status": status,
        "reason": reason,
        "counts": queries.queue_counts(user),
        "statuses": CandidatePair.Status.choices,
        "reasons": queries.queue_reasons(user),
        "can_review": actions.is_reviewer(user),
    }
    template = (
        "linkage/_queue_rows.html" if request.headers.get("HX-Request") else "linkage/queue.html"
    )
    return render(request, template, context)


@requires(Capability.CASE_DATA)
def pair_detail(request: HttpRequest, pair_id: int) -> HttpResponse:
    user = staff_user(request)
    pair = CandidatePair.objects.select_related("decided_by", "region").get_visible(
        user, pk=pair_id
    )
    left, right = pair.evidence.get("left", {}), pair.evidence.get("right", {})
    fields = [(name, left.get(name, ""), right.get(name, "")) for name in left]
    if not user.can(Capability.VIEW_PII):
        # Beside the masked ID a full birth date undoes the mask: the year is enough to compare.
        fields = [
            (name, birth_shown(a, full=False), birth_shown(b, full=False))
            if name == "出生日期"
            else (name, a, b)
            for name, a, b in fields
        ]
    both_persons = pair.left_key.startswith("P") and pair.right_key.startswith("P")
    explanation = explain(pair.evidence, pair.match_weight)
    return render(
        request,
        "linkage/pair_detail.html",
        {
            "pair": pair,
            "fields": fields,
            "explanation": explanation,
            "rule": rule_of(pair.reason),
            "decisions": allowed_decisions(pair.reason),
            "can_review": actions.is_reviewer(user),
            "can_merge": both_persons and pair.status == CandidatePair.Status.MATCH,
            "left_person": int(pair.left_key[1:]) if pair.left_key.startswith("P") else None,
            "right_person": int(pair.right_key[1:]) if pair.right_key.startswith("P") else None,
            "actions": LinkageAction.objects.filter(pair=pair).order_by("pk"),
        },
    )


@require_POST
@requires(Capability.CASE_DATA)
def decide(request: HttpRequest, pair_id: int) -> HttpResponse:
    user = staff_user(request)
    pair = actions.do_decide_pair(
        user,
        pair_id,
        request.POST.get("decision", ""),
        request.POST.get("comment", ""),
        request=request,
    )
    if request.headers.get("HX-Request"):
        return render(request, "linkage/_queue_row.html", {"pair": pair, "can_review": True})
    messages.success(request, f"已记录判定结论：{pair.get_status_display()}")
    return HttpResponseRedirect(reverse("linkage:pair_detail", args=[pair.pk]))


@require_POST
@requires(Capability.CASE_DATA)
def merge(request: HttpRequest, pair_id: int) -> HttpResponse:
    user = staff_user(request)
    pair = CandidatePair.objects.get_visible(user, pk=pair_id)
    try:
        survivor = int_param(request.POST.get("survivor"), "保留的人员编号")
        other = int_param(request.POST.get("other"), "并入的人员编号")
    except (KeyError, ValueError) as exc:
        raise ValidationFailed("请选择保留的人员", code="bad_merge") from exc
    if {f"P{survivor}", f"P{other}"} != {pair.left_key, pair.right_key}:
        raise ValidationFailed("只能合并该记录对中的两名人员", code="bad_merge")
    actions.do_merge_persons(user, survivor, other, pair_id=pair.pk, request=request)
    messages.success(request, "已合并，可在本页撤销")
    return HttpResponseRedirect(reverse("linkage:pair_detail", args=[pair.pk]))


@require_POST
@requires(Capability.CASE_DATA)
def split(request: HttpRequest, record_id: int) -> HttpResponse:
    user = staff_user(request)
    record = SourceRecord.objects.get_visible(user, pk=record_id)
    person_id = record.person_id
    actions.do_split_record(user, record.pk, request=request)
    messages.success(request, "已拆分，可在身份档案页撤销")
    return HttpResponseRedirect(reverse("linkage:profile", args=[person_id]))


@require_POST
@requires(Capability.CASE_DATA)
def undo(request: HttpRequest, action_id: int) -> HttpResponse:
    action = actions.do_undo_action(staff_user(request), action_id, request=request)
    messages.success(request, f"已撤销{action.get_kind_display()}")
    return HttpResponseRedirect(request.POST.get("next") or reverse("linkage:queue"))


@require_POST
@requires(Capability.CASE_DATA)
def run(request: HttpRequest) -> HttpResponse:
    """The run goes to the worker; its task page shows the progress and then opens the queue."""
    from minzheng.jobs.actions import do_start_job

    job = do_start_job(staff_user(request), "linkage", {})
    return HttpResponseRedirect(reverse("jobs:job_detail", args=[job.pk]) + "?follow=1")


@requires(Capability.CASE_DATA)
def profile(request: HttpRequest, person_id: int) -> HttpResponse:
    user = staff_user(request)
    found = identity_profile(user, person_id, _day(request))
    undoable = LinkageAction.objects.visible_to(user).filter(
        undone_at__isnull=True, survivor_id=person_id
    ) | LinkageAction.objects.visible_to(user).filter(undone_at__isnull=True, other_id=person_id)
    return render(
        request,
        "linkage/profile.html",
        {
            "profile": found,
            "actions": undoable.order_by("-pk"),
            "can_review": actions.is_reviewer(user),
        },
    )


@requires(Capability.CASE_DATA)
def conflicts(request: HttpRequest) -> HttpResponse:
    day = _day(request)
    rows = queries.conflict_rows(staff_user(request), day)
    page = listing.paginate(request, rows, default_size=30)
    return render(request, "linkage/conflicts.html", {"page": page, "as_of": day})


@requires(Capability.EDIT_CASES)
def roster_import(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"columns": COLUMNS}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = "请选择要导入的 .xlsx 文件"
        else:
            try:
                checked = check_data_file(upload, {XLSX_KIND})
                imported = import_roster(
                    staff_user(request), io.BytesIO(checked.data), filename=upload.name or ""
                )
            except DomainError as exc:
                context["error"] = exc.message
            else:
                return HttpResponseRedirect(reverse("linkage:roster_report", args=[imported.pk]))
    return render(request, "linkage/roster_import.html", context)


def _own_import(request: HttpRequest, import_id: int) -> RosterImport:
    # The report names people: only its author may open it.
    imported = RosterImport.objects.filter(pk=import_id, actor=staff_user(request)).first()
    if imported is None:
        raise Http404
    return imported


@requires(Capability.EDIT_CASES)
def roster_report(request: HttpRequest, import_id: int) -> HttpResponse:
    imported = _own_import(request, import_id)
    sections = [(label, imported.report.get(key, [])) for key, label in OUTCOME_LABELS.items()]
    return render(
        request, "linkage/roster_report.html", {"imported": imported, "sections": sections}
    )


@requires(Capability.EDIT_CASES)
def roster_report_download(request: HttpRequest, import_id: int) -> HttpResponse:
    imported = _own_import(request, import_id)
    response = HttpResponse(report_sheet(imported.report), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''roster_report.xlsx"
    return response


@requires(Capability.CASE_DATA)
def conflicts_export(request: HttpRequest) -> HttpResponse:
    rows = queries.conflict_rows(staff_user(request), _day(request))
    return xlsx_response(
        staff_user(request),
        request,
        filename="身份冲突名单.xlsx",
        object_type="linkage_conflict",
        headers=["姓名", "身份证号", "区划", "冲突", "依据"],
        rows=(
            (
                r.person.name,
                r.person.id_number_masked,
                r.person.region.name,
                r.rule.message,
                r.rule.source,
            )
            for r in rows
        ),
    )
