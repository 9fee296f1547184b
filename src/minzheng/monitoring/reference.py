"""The monitor rules one household at a time over ORM rows — the slow way, kept as a reference.

The benchmark runs it on a sample and checks that `jobs.find` (set-based, DuckDB) finds exactly
the same warnings; it is never used by the platform itself.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Q

from minzheng.assistance.models import Enrolment
from minzheng.assistance.programmes import ProgrammeCode
from minzheng.core.regioncode import county_of
from minzheng.core.yearmonth import YearMonth
from minzheng.monitoring.rules import MonitoringPolicy
from minzheng.registry.models import Membership
from minzheng.verification.models import FeedRecord

type Key = tuple[str, str, str]


def _day(r: FeedRecord) -> date:
    return r.day or date.min  # the query reads only dated rows


def _held(r: FeedRecord, last: date) -> bool:
    return r.end_day is None or r.end_day > last


def household_findings(
    household_id: int, month: YearMonth, policies: dict[str, MonitoringPolicy]
) -> set[Key]:
    first, last = month.first_day(), month.last_day()
    year_start = (month - 11).first_day()
    members = list(
        Membership.objects.filter(
            household_id=household_id,
            lives_together=True,
            valid_from__lte=last,
            household__closed_on__isnull=True,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=last))
        .select_related("person", "household")
    )
    if not members:
        return set()
    region = members[0].household.region_id
    p = policies.get(county_of(region)) or policies["330200"]
    enrolments = list(
        Enrolment.objects.filter(
            household_id=household_id,
            status__in=("active", "gradual_exit"),
            start_month__lte=first,
        ).filter(Q(end_month__isnull=True) | Q(end_month__gt=first))
    )
    dibao = any(e.programme == ProgrammeCode.DIBAO for e in enrolments)
    dibian = any(e.programme == ProgrammeCode.DIBIAN for e in enrolments)
    alive = [
        m.person
        for m in members
        if m.person.date_of_death is None or m.person.date_of_death >= first
    ]
    rows: dict[str, list[FeedRecord]] = defaultdict(list)
    for person in alive:
        for r in FeedRecord.objects.filter(id_number_index=person.id_number_index, day__lte=last):
            if r.source in ("hrss", "medical", "housing_fund") and _day(r) < year_start:
                continue
            if r.source in ("vehicle", "estate", "market") and not _held(r, last):
                continue
            rows[person.id_number_index or ""].append(r)
    found: set[Key] = set()
    # High medical cost: every resident, enrolled or not.
    year_income = sum(
        (r.amount or Decimal(0) for rs in rows.values() for r in rs if r.source == "hrss"),
        Decimal(0),
    )
    for person in alive:
        if person.date_of_death is not None:
            continue
        paid = sum(
            (
                r.amount or Decimal(0)
                for r in rows[person.id_number_index or ""]
                if r.source == "medical"
            ),
            Decimal(0),
        )
        if paid and (
            paid > p.medical_threshold.value
            or (year_income > 0 and paid > year_income * p.medical_share.value)
        ):
            found.add(("high_medical_cost", person.id_number_index or "", str(first.year)))
    if not enrolments:
        return found
    n = len(alive)
    homes: list[tuple[FeedRecord, str]] = []
    month_income: dict[str, tuple[Decimal, bool]] = {}
    banks: dict[str, tuple[date, Decimal]] = {}
    for person in alive:
        idx = person.id_number_index or ""
        living = person.date_of_death is None
        income, wage = Decimal(0), False
        for r in rows[idx]:
            if r.source in ("police", "funeral") and r.kind == "death" and living:
                found.add(("death", idx, ""))
            elif r.source == "police" and r.kind == "imprisonment" and living:
                found.add(("imprisonment", idx, _day(r).isoformat()))
            elif r.source == "police" and r.kind == "hukou_out" and living:
                back = any(
                    b.kind == "hukou_in" and _day(b) >= _day(r)
                    for b in rows[idx]
                    if b.source == "police"
                )
                if not back:
                    found.add(("hukou_moved_out", idx, _day(r).isoformat()))
            elif r.source == "vehicle" and living and not p.vehicle_allowed.value:
                if not p.exempt_vehicle(r.kind):
                    found.add(("vehicle", idx, r.ref))
            elif r.source == "estate":
                if r.kind == "residential":
                    homes.append((r, idx))
                elif not p.nonresidential_allowed.value and living:
                    found.add(("property", idx, r.ref))
            elif r.source == "market" and r.kind == "active" and living:
                found.add(("business", idx, r.ref))
            elif r.source == "hrss" and _day(r) == first:
                income += r.amount or Decimal(0)
                wage = wage or r.kind == "wage"
            elif r.source == "bank":
                held = (r.amount or Decimal(0)) + (r.amount2 or Decimal(0))
                if idx not in banks or _day(r) > banks[idx][0]:
                    banks[idx] = (_day(r), held)
        if income:
            month_income[idx] = (income, wage)
    if homes:
        area = sum((r.amount or Decimal(0) for r, _ in homes), Decimal(0))
        if len(homes) > p.max_homes_if_small.value or (
            len(homes) > p.max_homes.value and area >= p.average_area.value * n
        ):
            newest, idx = max(homes, key=lambda h: (_day(h[0]), h[0].ref))
            found.add(("property", idx, newest.ref))
    if (dibao or dibian) and month_income:
        total = sum((v[0] for v in month_income.values()), Decimal(0))
        line = p.standard.value if dibao else p.income_line("dibian")
        if total > line * n:
            top = max(month_income, key=lambda i: month_income[i][0])
            found.add(("income_over_line", top, str(month)))
    if banks:
        total = sum((v[1] for v in banks.values()), Decimal(0))
        years = p.dibao_money_years.value if dibao else p.dibian_money_years.value
        if total > p.standard.value * 12 * years * n:
            top = max(banks, key=lambda i: banks[i][1])
            found.add(("deposits_over_limit", top, max(v[0] for v in banks.values()).isoformat()))
    return found
