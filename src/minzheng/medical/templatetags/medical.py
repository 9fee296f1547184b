"""`{% medical_person_summary person %}`: the person page's settlements and cap used this year.

The person page has already checked that the person is in the viewer's scope."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from minzheng.medical.queries import person_summary

register = template.Library()


@register.inclusion_tag("medical/_person_settlements.html")
def medical_person_summary(person: Any) -> dict[str, Any]:
    return {"summary": person_summary(person.pk, timezone.localdate().year)}
