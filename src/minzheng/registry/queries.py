"""Reads of the registry, always through the region scope."""

from __future__ import annotations

from django.db.models import QuerySet

from minzheng.accounts.scope import ScopedActor
from minzheng.core.idnumber import normalize as normalize_id_number
from minzheng.core.pii import ID_NUMBER, PHONE, blind_index
from minzheng.registry.models import Household, Person


def search_persons(actor: ScopedActor, q: str = "") -> QuerySet[Person]:
    """Name prefix, a full ID number (blind index) or a full phone number, within scope."""
    persons = Person.objects.visible_to(actor).select_related("region")
    q = q.strip()
    if not q:
        return persons.order_by("id")
    normalized = normalize_id_number(q)
    if len(normalized) == 18 and normalized[:17].isdigit():
        return persons.filter(id_number_index=blind_index(ID_NUMBER, normalized)).order_by("id")
    if q.isdigit() and len(q) == 11:
        return persons.filter(phone_index=blind_index(PHONE, q)).order_by("id")
    return persons.filter(name__startswith=q).order_by("name", "id")


def households_for(actor: ScopedActor, q: str = "") -> QuerySet[Household]:
    households = Household.objects.visible_to(actor).select_related("head", "region")
    if q := q.strip():
        households = households.filter(address__contains=q)
    return households.order_by("id")
