"""Masks for personal data shown to roles that may not see it in full."""

from __future__ import annotations

from datetime import date


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


# The masked ID number hides exactly the eight birth-date digits (330203********123X). Shown next
# to a full birth date it can be undone: a village assistant rebuilt 12 of 12 ID numbers from the
# persons export. So a role without the reveal right (Capability.VIEW_PII) sees the birth year
# only — 366 candidate days and a check digit leave dozens of possible numbers, not one.


def birth_shown(born: date | str | None, *, full: bool) -> str:
    """The birth date as one role may see it: 1975-03-02 with the reveal right, else 1975年."""
    if born is None or born == "":
        return ""
    text = born.isoformat() if isinstance(born, date) else str(born)
    if full:
        return text
    year = text[:4]
    return f"{year}年" if year.isdigit() else ""


def birth_year(born: date | None) -> int | None:
    return born.year if born is not None else None
