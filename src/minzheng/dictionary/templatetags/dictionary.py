"""Template filters that turn what the code stores into what a user reads: `{{ fen|fen_yuan }}`,
`{{ amount|yuan }}` (元, two decimals), `{{ code|label:"programme" }}` (the dictionary's label)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from minzheng.core.money import FEN

register = template.Library()


@register.filter
def yuan(value: object) -> str:
    """An amount in 元 with two decimals and thousands separators: 1,325.00."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(FEN)
    except InvalidOperation:
        return str(value)
    return f"{amount:,.2f}"


@register.filter
def fen_yuan(value: object) -> str:
    """Integer fen (the ledger's unit) shown in 元: 132500 → 1,325.00."""
    if value is None or value == "":
        return ""
    try:
        return yuan(Decimal(int(str(value))) * FEN)
    except ValueError:
        return str(value)


@register.filter
def label(code: object, kind: str) -> str:
    from minzheng.dictionary.labels import label_for

    return label_for(kind, str(code))


@register.filter
def plain(value: object) -> str:
    """A stored value as a user reads it: 是/否 for booleans, 低保、特困 for a list of codes, a
    rounding rule by name — never a Python literal."""
    from minzheng.dictionary.labels import plain_value

    return plain_value(value)


@register.filter
def param_version(version_id: object) -> str:
    from minzheng.dictionary.labels import parameter_version

    return parameter_version(str(version_id or ""))
