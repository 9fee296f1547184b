"""Reads for medical assistance: the category on a day, the parameters, scoped lists, and the
figures other apps read (high medical cost warning, statistics)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from minzheng.accounts.scope import ScopedActor
from minzheng.assistance.models import PolicyParameter
from minzheng.assistance.parameters import (
    STANDARD_KEY,
    ParameterSet,
    region_chain,
    resolve_parameters,
)
from minzheng.assistance.queries import row_of
from minzheng.core.money import FEN, ZERO
from minzheng.core.regioncode import county_of
from minzheng.medical import store
from minzheng.medical.models import (
    CapAccount,
    Hospital,
    Reconciliation,
    Settlement,
    Statement,
)
from minzheng.medical.rules import Category, category_of

# ── category on the discharge date ───────────────────────────────────────────────────────────


def category_on(person_id: int, day: date) -> Category:
    """From the person's identity tags and the open enrolments that cover them on `day` (one
    query, shared with the settlement: `medical.store`)."""
    codes = set(store.holdings_of(person_id, day))
    return category_of(codes, codes)


# ── parameters ───────────────────────────────────────────────────────────────────────────────

# Settlements read the same few dozen rows thousands of times a second; a resolved set is kept for
# a short while per process. Parameters are dated ahead of time, so a new confirmed value is read
# at most this many seconds late.
PARAMETER_CACHE_SECONDS = 30.0
_cache: dict[tuple[str, date], tuple[float, ParameterSet]] = {}
_cache_lock = threading.Lock()


def medical_parameters(region_code: str, day: date) -> ParameterSet:
    """The medical parameters (and the region's 低保 standard, which marks it set up) in force."""
    county = county_of(region_code)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get((county, day))
    if hit is not None and now - hit[0] < PARAMETER_CACHE_SECONDS:
        return hit[1]
    rows = [
        row_of(p)
        for p in PolicyParameter.objects.filter(
            region_code__in=region_chain(county), status=PolicyParameter.Status.ACTIVE
        ).filter(Q(key__startswith="medical.") | Q(key=STANDARD_KEY))
    ]
    resolved = resolve_parameters(rows, county, day)
    with _cache_lock:
        _cache[(county, day)] = (now, resolved)
    return resolved


def clear_parameter_cache() -> None:
    with _cache_lock:
        _cache.clear()


# ── lists for staff (always scoped) ──────────────────────────────────────────────────────────


def settlements_visible(actor: ScopedActor) -> QuerySet[Settlement]:
    return Settlement.objects.visible_to(actor).select_related("hospital", "person")


def hospitals_visible(actor: ScopedActor) -> QuerySet[Hospital]:
    return Hospital.objects.visible_to(actor)


def statements_visible(actor: ScopedActor) -> QuerySet[Statement]:
    return Statement.objects.filter(hospital__in=hospitals_visible(actor)).select_related(
        "hospital"
    )


def reconciliations_visible(actor: ScopedActor) -> QuerySet[Reconciliation]:
    """Stored reconciliations of the hospitals in the actor's scope, newest first."""
    return Reconciliation.objects.filter(hospital__in=hospitals_visible(actor)).select_related(
        "hospital", "created_by"
    )


def hospital_daily(hospital: Hospital, day: date) -> QuerySet[Settlement]:
    """One hospital's settlements of one day, reversed ones included (they show as 已冲销)."""
    return (
        Settlement.objects.filter(hospital=hospital, settled_on=day)
        .select_related("person")
        .order_by("settled_at", "id")
    )


@dataclass(frozen=True, slots=True)
class MonthDue:
    hospital: Hospital
    month: date
    count: int
    total: Decimal


def month_due(hospital: Hospital, month_first: date, month_last: date) -> MonthDue:
    """What a statement for the month would hold: live settlements not yet on a statement."""
    figures = Settlement.objects.filter(
        hospital=hospital,
        status=Settlement.Status.SETTLED,
        statement__isnull=True,
        settled_on__gte=month_first,
        settled_on__lte=month_last,
    ).aggregate(n=Count("id"), total=Sum("assistance_amount"))
    total = (figures["total"] or ZERO).quantize(FEN)  # SQLite sums lose the scale
    return MonthDue(hospital, month_first, figures["n"] or 0, total)


@dataclass(frozen=True, slots=True)
class PersonYear:
    year: int
    annual_cap: Decimal | None
    cap_used: Decimal
    settlements: list[Settlement]


def person_summary(person_id: int, year: int) -> PersonYear:
    """For the person page (the caller has already checked the person is in scope)."""
    account = CapAccount.objects.filter(person_id=person_id, year=year).first()
    rows = list(
        Settlement.objects.filter(person_id=person_id)
        .select_related("hospital")
        .order_by("-discharged_on", "-id")[:20]
    )
    latest = next((s for s in rows if s.discharged_on.year == year and s.category != "none"), None)
    return PersonYear(
        year,
        latest.annual_cap if latest else None,
        account.cap_used if account else ZERO,
        rows,
    )


# ── for other apps: the high medical cost warning and statistics ──────────────────────────────


def out_of_pocket_by_person(year: int, *, person_ids: Iterable[int] | None = None) -> Any:
    """Per person, the year's live settlements: count, total cost, what the patient still paid
    after every layer (个人自付), and the assistance — the input of the high medical cost warning.

    Set-based (one GROUP BY); filter further (e.g. `patient_pays__gt=threshold`) in the caller.
    """
    rows = Settlement.objects.filter(
        status=Settlement.Status.SETTLED,
        discharged_on__gte=date(year, 1, 1),
        discharged_on__lte=date(year, 12, 31),
    )
    if person_ids is not None:
        rows = rows.filter(person_id__in=list(person_ids))
    return (
        rows.values("person_id")
        .annotate(
            settlements=Count("id"),
            total_cost=Sum("total_cost"),
            patient_pays=Sum("patient_pays"),
            assistance=Sum("assistance_amount"),
        )
        .order_by("person_id")
    )


def statistics(actor: ScopedActor, year: int) -> list[dict[str, Any]]:
    """Live settlements in the actor's scope for a year, by category and visit kind."""
    rows: Any = (
        Settlement.objects.visible_to(actor)
        .filter(
            status=Settlement.Status.SETTLED,
            discharged_on__gte=date(year, 1, 1),
            discharged_on__lte=date(year, 12, 31),
        )
        .values("category", "visit_kind")
        .annotate(
            settlements=Count("id"),
            persons=Count("person_id", distinct=True),
            total_cost=Sum("total_cost"),
            assistance=Sum("assistance_amount"),
            patient_pays=Sum("patient_pays"),
        )
        .order_by("category", "visit_kind")
    )
    return [dict(r) for r in rows]
