"""One shape for every list page: a capped count, page numbers, a page size and an export.

A back-office list answers with the rows of one page and "共 N 条". Counting a city's million
persons exactly costs most of the page (157 of 196 ms at 1M rows), so counting stops at `COUNT_CAP`
and the page says "10,000+" beyond it. The export writes what the search found (up to
`EXPORT_LIMIT` rows), masked as on the page and audited by `core.exports.xlsx_response`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from minzheng.core.audit import Actor
from minzheng.core.exports import xlsx_response

COUNT_CAP = 10_000
PAGE_SIZES = (20, 50, 100)
EXPORT_LIMIT = 10_000


def capped_count(rows: QuerySet[Any] | Sequence[Any]) -> tuple[int, bool]:
    """The number of rows up to the cap, and whether there are more."""
    if isinstance(rows, QuerySet):
        n = rows.order_by().values("pk")[: COUNT_CAP + 1].count()
    else:
        n = len(rows)
    return min(n, COUNT_CAP), n > COUNT_CAP


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator that counts up to the cap only; `more` says the true total is larger."""

    sizes = PAGE_SIZES
    known: int | None = None  # the row count where the page has it already; else counted

    @cached_property
    def _capped(self) -> tuple[int, bool]:
        if self.known is not None:
            return min(self.known, COUNT_CAP), self.known > COUNT_CAP
        return capped_count(self.object_list)  # type: ignore[arg-type]

    @cached_property
    def count(self) -> int:
        return self._capped[0]

    @property
    def more(self) -> bool:
        return self._capped[1]

    @property
    def cap_label(self) -> str:
        """What the page says instead of an exact total: "10,000+"."""
        return f"{COUNT_CAP:,}+"


def page_size(request: HttpRequest, default: int = PAGE_SIZES[0]) -> int:
    raw = request.GET.get("size", "")
    size = int(raw) if raw.isdigit() else default
    return size if size in PAGE_SIZES else default


def paginate(
    request: HttpRequest,
    rows: QuerySet[Any] | Sequence[Any],
    default_size: int = PAGE_SIZES[0],
    *,
    count: int | None = None,
) -> Page:  # type: ignore[type-arg]
    """The requested page of `rows` (a bad or missing page number gives the nearest page).

    `count` is the number of `rows` where the page has it already (the warnings queue's figures
    count the open ones): the paginator then does not count them again."""
    paginator = CappedPaginator(rows, page_size(request, default_size))
    paginator.known = count
    return paginator.get_page(request.GET.get("page"))


def wants_export(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


def export[T](
    request: HttpRequest,
    user: Actor,
    rows: Iterable[T],
    *,
    filename: str,
    object_type: str,
    columns: Sequence[tuple[str, Callable[[T], object]]],
) -> HttpResponse:
    """What the search found, as a workbook: one column per (header, value of a row)."""
    limited = rows[:EXPORT_LIMIT] if isinstance(rows, QuerySet | list) else rows
    return xlsx_response(
        user,
        request,
        filename=filename,
        object_type=object_type,
        headers=[header for header, _ in columns],
        rows=([value(row) for _, value in columns] for row in limited),
    )
