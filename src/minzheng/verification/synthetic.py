"""Synthetic departmental feeds for the synthetic city, with planted truths.

`emit` writes all eleven feeds for the enrolled households of the registry: ordinary rows that must
raise nothing (a small pension, a small home, a little money), one planted situation per household
in turn (a death reported late, a car, a shop, an income over the line …), exempt look-alikes (a
disability vehicle, two small homes, an income that stays under the line), high medical bills for
residents who are not enrolled and for one person not in the registry, and a few broken rows.
The truths are what the monitor run must find — no more, no less.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from minzheng.core.idnumber import check_digit
from minzheng.core.yearmonth import YearMonth
from minzheng.verification.feeds import FEEDS, to_csv

SCENARIOS = (
    "death",
    "vehicle",
    "property",
    "business",
    "income_over_line",
    "deposits_over_limit",
    "high_medical_cost",
    "imprisonment",
    "hukou_moved_out",
    "exempt_disability_vehicle",
    "exempt_small_homes",
    "exempt_income_rise",
)


@dataclass(frozen=True, slots=True)
class Truth:
    kind: str
    id_number: str
    household_id: int | None


@dataclass(frozen=True, slots=True)
class Member:
    person_id: int
    id_number: str
    is_head: bool


@dataclass(frozen=True, slots=True)
class EnrolledHousehold:
    household_id: int
    members: tuple[Member, ...]  # the head first


@dataclass
class SyntheticFeeds:
    month: YearMonth
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    truths: list[Truth] = field(default_factory=list)
    bad_rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def files(self, encoding: str = "utf-8") -> dict[str, bytes]:
        return {s: to_csv(s, self.rows.get(s, []), encoding=encoding) for s in FEEDS}


def outsider_id(serial: int) -> str:
    """A valid ID number for someone not in the registry (born 1961, 海曙区)."""
    first17 = f"330203196107{(serial % 28) + 1:02d}{900 + serial % 99:03d}"
    return first17 + check_digit(first17)


def emit(
    households: list[EnrolledHousehold],
    month: YearMonth,
    *,
    standard: Decimal,
    money_years: int,
    residents: list[tuple[str, int | None]] = (),  # type: ignore[assignment]
    seed: int = 0,
) -> SyntheticFeeds:
    """The month's feeds for these enrolled households, with one planted situation each in turn."""
    rng = random.Random(seed)
    out = SyntheticFeeds(month)
    first, last = month.first_day(), month.last_day()
    in_month = first + timedelta(days=9)
    add = out.rows
    for n, hh in enumerate(households):
        head, last_member = hh.members[0], hh.members[-1]
        size = len(hh.members)
        # Ordinary rows for everyone: a small pension every month, a small home, a little money.
        for back in range(12):
            add["hrss"].append(
                {
                    "id_number": head.id_number,
                    "month": str(month - back),
                    "kind": "pension",
                    "amount": "100.00",
                }
            )
        add["estate"].append(
            {
                "id_number": head.id_number,
                "property_id": f"浙2010-{hh.household_id:06d}",
                "use": "residential",
                "area_m2": "18.00",
                "acquired_on": date(2010, 5, 1),
            }
        )
        add["bank"].append(
            {
                "id_number": head.id_number,
                "as_of": (month - 3).last_day(),
                "deposits": f"{rng.randint(500, 3000)}.00",
                "securities": "0.00",
            }
        )
        add["tax"].append({"id_number": head.id_number, "year": first.year - 1, "income": "0.00"})
        scenario = SCENARIOS[n % len(SCENARIOS)]
        truth = scenario
        person = head
        match scenario:
            case "death":
                # Reported late: the death was two months before the month it is reported in.
                died = (month - 2).first_day() + timedelta(days=9)
                add["police"].append(
                    {"id_number": head.id_number, "event": "death", "event_date": died}
                )
                add["funeral"].append(
                    {"id_number": head.id_number, "death_date": died, "cremated_on": died}
                )
            case "vehicle":
                add["vehicle"].append(
                    {
                        "id_number": head.id_number,
                        "plate": f"浙B{hh.household_id:05d}",
                        "kind": "car",
                        "registered_on": in_month,
                    }
                )
            case "property":
                add["estate"].append(
                    {
                        "id_number": head.id_number,
                        "property_id": f"浙2020-S{hh.household_id:05d}",
                        "use": "commercial",
                        "area_m2": "45.50",
                        "acquired_on": in_month,
                    }
                )
            case "business":
                add["market"].append(
                    {
                        "id_number": head.id_number,
                        "credit_code": f"92330203MA{hh.household_id:07d}X",
                        "role": "sole_proprietor",
                        "registered_capital": "50000.00",
                        "status": "active",
                        "from_date": in_month,
                    }
                )
            case "income_over_line":
                person = last_member
                add["hrss"].append(
                    {
                        "id_number": last_member.id_number,
                        "month": str(month),
                        "kind": "wage",
                        "amount": f"{standard * size + 500:.2f}",
                    }
                )
            case "deposits_over_limit":
                add["bank"].append(
                    {
                        "id_number": head.id_number,
                        "as_of": in_month,
                        "deposits": f"{standard * 12 * money_years * size + 10000:.2f}",
                        "securities": "5000.00",
                    }
                )
            case "high_medical_cost":
                _medical(add, head.id_number, (month - 4).first_day(), Decimal("12000"))
                _medical(add, head.id_number, in_month, Decimal("14000"))
            case "imprisonment" | "hukou_moved_out":
                person = last_member
                event = "imprisonment" if scenario == "imprisonment" else "hukou_out"
                add["police"].append(
                    {"id_number": last_member.id_number, "event": event, "event_date": in_month}
                )
            case "exempt_disability_vehicle":
                add["vehicle"].append(
                    {
                        "id_number": head.id_number,
                        "plate": f"浙B{hh.household_id:05d}残",
                        "kind": "disability_vehicle",
                        "registered_on": in_month,
                    }
                )
                add["disability"].append(
                    {
                        "id_number": head.id_number,
                        "category": "physical",
                        "grade": 2,
                        "issued_on": date(2015, 3, 1),
                    }
                )
                truth = ""
            case "exempt_small_homes":
                add["estate"].append(
                    {
                        "id_number": head.id_number,
                        "property_id": f"浙2020-H{hh.household_id:05d}",
                        "use": "residential",
                        "area_m2": "20.00",
                        "acquired_on": in_month,
                    }
                )
                truth = ""
            case "exempt_income_rise":
                add["hrss"].append(
                    {
                        "id_number": last_member.id_number,
                        "month": str(month),
                        "kind": "wage",
                        "amount": f"{standard * size - 300:.2f}",
                    }
                )
                truth = ""
        if truth:
            out.truths.append(Truth(truth, person.id_number, hh.household_id))
    # Residents outside assistance: one with bills above the share of a modest income (a truth),
    # one whose bills stay below both limits (nothing), and one person not in the registry.
    for i, (id_number, household_id) in enumerate(residents):
        wage = Decimal("2000") if i % 2 == 0 else Decimal("8000")
        for back in range(12):
            add["hrss"].append(
                {"id_number": id_number, "month": str(month - back), "kind": "wage", "amount": wage}
            )
        bill = Decimal("15000") if i % 2 == 0 else Decimal("10000")
        _medical(add, id_number, in_month, bill)
        if i % 2 == 0:
            out.truths.append(Truth("high_medical_cost", id_number, household_id))
    stranger = outsider_id(seed)
    _medical(add, stranger, in_month, Decimal("30000"))
    out.truths.append(Truth("high_medical_cost", stranger, None))
    _bad_rows(out, last)
    return out


def _medical(
    add: dict[str, list[dict[str, Any]]], id_number: str, day: date, self_paid: Decimal
) -> None:
    insurance = self_paid * 2
    add["medical"].append(
        {
            "id_number": id_number,
            "settled_on": day,
            "visit_kind": "inpatient",
            "total_cost": f"{self_paid + insurance + 1000:.2f}",
            "insurance_paid": f"{insurance:.2f}",
            "critical_illness_paid": "1000.00",
            "assistance_paid": "0.00",
            "self_paid": f"{self_paid:.2f}",
        }
    )


def _bad_rows(out: SyntheticFeeds, last: date) -> None:
    """Rows a department gets wrong: each must be reported with its row, column and reason."""
    bad_id = outsider_id(7)[:17] + ("0" if outsider_id(7)[17] != "0" else "1")
    good_id = outsider_id(8)
    rows = out.rows
    rows["police"].append({"id_number": bad_id, "event": "death", "event_date": last})
    rows["police"].append({"id_number": good_id, "event": "abducted", "event_date": last})
    rows["hrss"].append({"id_number": good_id, "month": "2020-13", "kind": "wage", "amount": "1"})
    rows["hrss"].append({"id_number": good_id, "month": "2020-01", "kind": "wage", "amount": "-5"})
    rows["vehicle"].append(
        {"id_number": good_id, "plate": "浙B0", "kind": "car", "registered_on": "2020-02-30"}
    )
    rows["medical"].append(
        {
            "id_number": good_id,
            "settled_on": last,
            "visit_kind": "inpatient",
            "total_cost": "100.00",
            "insurance_paid": "50.00",
            "critical_illness_paid": "0.00",
            "assistance_paid": "0.00",
            "self_paid": "10.123",
        }
    )
    for source in ("police", "police", "hrss", "hrss", "vehicle", "medical"):
        out.bad_rows[source] += 1
