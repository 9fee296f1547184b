"""`{{ person.birth_date|birth:can_reveal }}`: the full date only for a role with the reveal right."""

from __future__ import annotations

from datetime import date

from django import template

from minzheng.core.masking import birth_shown

register = template.Library()


@register.filter
def birth(born: date | str | None, full: bool) -> str:
    return birth_shown(born, full=bool(full))
