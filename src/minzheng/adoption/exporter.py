"""A legacy export of this platform's own data, in the import format: for moving a county between
installations, and for the test that an import reproduces the next roll line for line."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from minzheng.adoption.formats import TABLES
from minzheng.assistance.models import Enrolment
from minzheng.core.pii import unseal
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.models import BankAccount, PaymentLine
from minzheng.regions.models import Region
from minzheng.registry.models import Household, Membership

CARE_LABELS = {"self_care": "自理", "partial": "半护理", "full": "全护理"}


def _write(folder: Path, table: str, rows: Iterable[dict[str, str]]) -> int:
    required, optional = TABLES[table]
    count = 0
    with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=[*required, *optional])
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def export_legacy(region: Region, last_month: YearMonth, folder: Path) -> dict[str, int]:
    """Households with an open enrolment in `region`, their members and accounts, the enrolments
    with the amount in force after `last_month`, and the ledger's benefit lines up to it."""
    folder.mkdir(parents=True, exist_ok=True)
    after = (last_month + 1).first_day()
    enrolments = list(
        Enrolment.objects.unscoped_within(region.unit)
        .exclude(status=Enrolment.Status.ENDED)
        .exclude(end_month__isnull=False, end_month__lte=after)
        .select_related("person")
        .order_by("pk")
    )
    household_ids = sorted({e.household_id for e in enrolments})
    households = Household.objects.filter(pk__in=household_ids).order_by("pk")
    memberships = (
        Membership.objects.filter(household_id__in=household_ids, valid_to__isnull=True)
        .select_related("person")
        .order_by("household_id", "pk")
    )
    members = list(memberships)
    plain = {m.person_id: m.person.id_number_plain() for m in members}
    counts = {
        "households": _write(
            folder,
            "households",
            (
                {"household_no": f"H{h.pk}", "village_code": h.region_id, "address": h.address}
                for h in households
            ),
        ),
        "members": _write(
            folder,
            "members",
            (
                {
                    "household_no": f"H{m.household_id}",
                    "name": m.person.name,
                    "id_number": plain[m.person_id],
                    "relationship": m.get_relationship_display(),
                    "phone": m.person.phone_plain(),
                    "monthly_income": "",
                }
                for m in members
            ),
        ),
    }

    def amount_after(enrolment: Enrolment) -> str:
        row = (
            enrolment.amounts.filter(effective_month__lte=after)
            .order_by("-effective_month")
            .first()
        )
        return str(row.amount) if row else "0.00"

    counts["enrolments"] = _write(
        folder,
        "enrolments",
        (
            {
                "household_no": f"H{e.household_id}",
                "programme": e.programme,
                "monthly_amount": amount_after(e),
                "start_month": e.start_month.strftime("%Y-%m"),
                "beneficiary_id_number": plain.get(e.person_id, "") if e.person_id else "",
                "gradual_exit_end_month": str(YearMonth.of(e.end_month) - 1)
                if e.status == Enrolment.Status.GRADUAL_EXIT and e.end_month
                else "",
                "care_level": CARE_LABELS.get(e.care_level, ""),
            }
            for e in enrolments
        ),
    )
    accounts = BankAccount.objects.filter(person_id__in=list(plain), active=True)
    counts["bank_accounts"] = _write(
        folder,
        "bank_accounts",
        (
            {
                "id_number": plain[a.person_id],
                "bank_name": a.bank_name,
                "account_number": unseal(a.number_cipher),
            }
            for a in accounts
            if a.person_id is not None
        ),
    )
    by_enrolment = {e.pk: e for e in enrolments}
    lines = PaymentLine.objects.filter(
        source="e", kind="benefit", source_id__in=list(by_enrolment), month__lt=after
    ).order_by("source_id", "month")
    counts["payments"] = _write(
        folder,
        "payments",
        (
            {
                "household_no": f"H{by_enrolment[line.source_id].household_id}",
                "programme": line.programme,
                "month": line.month.strftime("%Y-%m"),
                "amount": f"{line.amount_fen / 100:.2f}",
                "status": "已发放",
                "beneficiary_id_number": plain.get(by_enrolment[line.source_id].person_id or 0, ""),
            }
            for line in lines
        ),
    )
    return counts
