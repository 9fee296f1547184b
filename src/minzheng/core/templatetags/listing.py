"""`{% page_url n %}`, `{% size_url n %}` and `{% export_url %}`: the current search kept, one
parameter changed, for the shared pager (`core/_pager.html`); `{{ id|person_url }}`, a person
page's address in a long table."""

from __future__ import annotations

from functools import cache
from typing import Any

from django import template
from django.urls import get_script_prefix, reverse

register = template.Library()


def _with(context: Any, **changes: object) -> str:
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is None:
        return "?" + "&".join(f"{k}={v}" for k, v in changes.items())
    for key in ("page", "format"):
        query.pop(key, None)
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    return "?" + str(query.urlencode())


@register.simple_tag(takes_context=True)
def page_url(context: Any, number: int) -> str:
    return _with(context, page=number)


@register.simple_tag(takes_context=True)
def size_url(context: Any, size: int) -> str:
    return _with(context, size=size)


@register.simple_tag(takes_context=True)
def export_url(context: Any) -> str:
    return _with(context, format="xlsx")


@cache
def _person_page(script_prefix: str) -> str:
    return reverse("registry:person_detail", args=[0]).removesuffix("0/")


@register.filter
def person_url(person_id: int) -> str:
    """`{% url 'registry:person_detail' id %}` for a table's rows: the pattern is reversed once
    (for the site's prefix), not once a row — a reverse costs as much as the row's other cells."""
    return f"{_person_page(get_script_prefix())}{int(person_id)}/"


@register.filter
def elided(paginator: Any, number: int) -> list[object]:
    """Page numbers around the current page, with the first and last: 1 … 4 5 6 7 8 … 20."""
    return list(paginator.get_elided_page_range(number, on_each_side=2, on_ends=1))
