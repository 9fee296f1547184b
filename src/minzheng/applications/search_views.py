"""救助申请查询: all cases, open and finished, with paging and an export of what was found."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.applications import queries, search
from minzheng.applications.rules import STEP_LABELS
from minzheng.core.errors import DomainError
from minzheng.core.exports import xlsx_response
from minzheng.dictionary.labels import labels_of

PAGE_SIZES = (20, 50, 100)
EXPORT_LIMIT = 10_000


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Counts up to the cap only: a city's cases are never counted exactly past 10,000."""

    @property
    def count(self) -> int:
        n, _ = search.capped_count(self.object_list)  # type: ignore[arg-type]
        return n


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
                for a in found[:EXPORT_LIMIT]
            ),
        )
    size = int(params["size"]) if params.get("size", "").isdigit() else 20
    size = size if size in PAGE_SIZES else 20
    page: Page = CappedPaginator(found, size).get_page(request.GET.get("page"))  # type: ignore[type-arg]
    _, more = search.capped_count(found)
    query = urlencode({k: v for k, v in params.items() if k != "page" and v})
    return render(
        request,
        "applications/search.html",
        {
            "page": page,
            "more": more,
            "params": params,
            "query": query,
            "error": error,
            "sizes": PAGE_SIZES,
            "size": size,
            "programmes": queries.programme_choices(),
            "steps": [(s.value, label) for s, label in STEP_LABELS.items()],
            "townships": search.townships_for(user),
        },
        status=400 if error else 200,
    )
