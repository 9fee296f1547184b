"""救助申请查询: all cases, open and finished, with paging and an export of what was found."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.applications import queries, search
from minzheng.applications.rules import STEP_LABELS
from minzheng.core import listing
from minzheng.core.errors import DomainError
from minzheng.core.exports import xlsx_response
from minzheng.dictionary.labels import labels_of


@requires(Capability.CASE_DATA)
def case_search(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    params: dict[str, str] = {k: request.GET.get(k, "") for k in request.GET}
    error = ""
    try:
        criteria = search.parse(params)
        found = search.search_cases(user, criteria)
    except DomainError as exc:
        error = exc.message
        criteria = search.CaseSearch()
        found = search.search_cases(user, criteria).none()
    if request.GET.get("format") == "xlsx" and not error:
        return xlsx_response(
            user,
            request,
            filename="救助申请查询结果.xlsx",
            object_type="application_search",
            headers=[
                "申请编号",
                "申请人",
                "村（社区）",
                "申请项目",
                "环节",
                "申请日期",
                "决定日期",
            ],
            rows=(
                [
                    a.number,
                    a.applicant.name,
                    a.region.name,
                    labels_of("programme", list(a.programmes)),
                    a.step_label,
                    a.submitted_on,
                    a.decided_on or "",
                ]
                for a in found[: listing.EXPORT_LIMIT]
            ),
        )
    page = listing.paginate(request, found)
    return render(
        request,
        "applications/search.html",
        {
            "page": page,
            "params": params,
            "region": params.get("region") or params.get("township", ""),
            "error": error,
            "programmes": queries.programme_choices(),
            "steps": [(s.value, label) for s, label in STEP_LABELS.items()],
        },
        status=400 if error else 200,
    )
