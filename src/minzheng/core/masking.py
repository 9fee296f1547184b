"""Masks for personal data shown to roles that may not see it in full."""

from __future__ import annotations


def mask_id_number(number: str) -> str:
    """330203********123X: the birthplace and the last four stay, the birth date goes."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """138****5678."""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str) -> str:
    """张*明 / 李* — for public notices (公示) and status pages."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
