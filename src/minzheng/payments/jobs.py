"""The monthly roll: set-based SQL over the enrolments, committed in chunks, safe to re-run.

Every line is inserted with `INSERT … SELECT … ON CONFLICT (idempotency key) DO NOTHING`, one
statement per chunk of enrolment ids and month. A run that is killed leaves whole chunks behind;
running again inserts exactly the missing lines, so the result equals one clean run. The same
statements run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.assistance.errors import ParameterMissing
from minzheng.assistance.parameters import region_chain
from minzheng.core.errors import ValidationFailed
from minzheng.core.money import to_fen
from minzheng.core.regioncode import county_of, full_code
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.models import PaymentLine, Roll
from minzheng.payments.parameter_catalog import payment_parameters
from minzheng.payments.rules import PriceSubsidyDecision, price_subsidy
from minzheng.regions.models import Level, Region
from minzheng.registry.models import Person

LINE_COLUMNS = (
    "source, source_id, month, kind, roll_id, programme, region_id, payee_id, amount_fen,"
    " debit, credit, amount_ref, is_arrears"
)
SQLITE_CACHE_KIB = 512 * 1024
CONFLICT = "ON CONFLICT (source, source_id, month, kind) DO NOTHING"

# Whose death stops the payment: the person of an individual benefit, else the household head.
PAYEE = "COALESCE(e.person_id, h.head_id)"

# An enrolment pays month %(m)s: open or ended later, started, not suspended, payee alive at the
# start of the month (a death in the month still pays that month), and not an arrears month the
# former system answered for: a household brought over by the legacy import (adoption.LegacyPayment)
# was the former system's up to the last month it paid or tried to pay the programme — after the
# county's first roll too, when the import came later. The roll's own month is the platform's
# (the cut-over); a failed month is re-paid by a 补发 decision, not by the roll (docs/adoption.md).
PAYS_IN_MONTH = """
    e.id BETWEEN %(lo)s AND %(hi)s
    AND e.region_id BETWEEN %(rlo)s AND %(rhi)s
    AND e.status IN ('active', 'gradual_exit', 'ended')
    AND e.start_month <= %(m)s
    AND (e.end_month IS NULL OR e.end_month > %(m)s)
    AND (p.date_of_death IS NULL OR p.date_of_death >= %(m)s)
    AND NOT (%(arrears)s AND EXISTS (
        SELECT 1 FROM adoption_legacypayment lp
        WHERE lp.household_id = e.household_id AND lp.programme = e.programme
          AND lp.month >= %(m)s))
"""

BENEFIT_SQL = f"""
INSERT INTO payments_paymentline ({LINE_COLUMNS})
SELECT 'e', e.id, %(m)s, 'benefit', %(roll)s, e.programme, e.region_id, {PAYEE},
       CAST(ROUND(a.amount * 100) AS BIGINT), 'expense', 'payable', a.id, %(arrears)s
FROM assistance_enrolment e
JOIN registry_household h ON h.id = e.household_id
JOIN assistance_enrolmentamount a ON a.enrolment_id = e.id AND a.effective_month <= %(m)s
LEFT JOIN registry_person p ON p.id = {PAYEE}
WHERE {PAYS_IN_MONTH}
  AND a.amount > 0
  AND NOT EXISTS (
      SELECT 1 FROM assistance_enrolmentamount a2
      WHERE a2.enrolment_id = e.id AND a2.effective_month <= %(m)s
        AND a2.effective_month > a.effective_month)
{CONFLICT}
"""

# Per person for individual benefits; for a household benefit, per co-resident member alive and
# in the household at the start of the month.
PRICE_SUBSIDY_SQL = f"""
INSERT INTO payments_paymentline ({LINE_COLUMNS})
SELECT * FROM (
  SELECT 'e' AS source, e.id AS source_id, %(m)s AS month, 'price_subsidy' AS kind,
         %(roll)s AS roll_id, e.programme AS programme, e.region_id AS region_id,
         {PAYEE} AS payee_id,
         %(per_person)s * CASE WHEN e.person_id IS NOT NULL THEN 1 ELSE (
             SELECT COUNT(*) FROM registry_membership ms
             JOIN registry_person mp ON mp.id = ms.person_id
             WHERE ms.household_id = e.household_id AND ms.lives_together = %(true)s
               AND ms.valid_from <= %(m)s AND (ms.valid_to IS NULL OR ms.valid_to > %(m)s)
               AND (mp.date_of_death IS NULL OR mp.date_of_death >= %(m)s)) END AS amount_fen,
         'expense' AS debit, 'payable' AS credit, CAST(NULL AS BIGINT) AS amount_ref, %(arrears)s AS is_arrears
  FROM assistance_enrolment e
  JOIN registry_household h ON h.id = e.household_id
  LEFT JOIN registry_person p ON p.id = {PAYEE}
  WHERE {PAYS_IN_MONTH} AND e.programme IN ({{groups}})
) s
WHERE s.amount_fen > 0
{CONFLICT}
"""

# A month paid but not due — the payee died before it, or the enrolment was ended back to before
# it — is an overpayment: a receivable (借 应收 / 贷 支出) of what was paid for that month.
OVERPAYMENT_SQL = f"""
INSERT INTO payments_paymentline ({LINE_COLUMNS})
SELECT 'e', l.source_id, l.month, 'overpayment', %(roll)s, MIN(l.programme), MIN(l.region_id),
       MIN(l.payee_id), SUM(l.amount_fen), 'receivable', 'expense', NULL, %(false)s
FROM payments_paymentline l
JOIN assistance_enrolment e ON e.id = l.source_id
JOIN registry_household h ON h.id = e.household_id
LEFT JOIN registry_person p ON p.id = {PAYEE}
WHERE l.source = 'e' AND l.kind IN ('benefit', 'price_subsidy')
  AND l.region_id BETWEEN %(rlo)s AND %(rhi)s
  AND ((p.date_of_death IS NOT NULL AND l.month > p.date_of_death)
       OR (e.end_month IS NOT NULL AND l.month >= e.end_month))
GROUP BY l.source_id, l.month
{CONFLICT}
"""

# One instalment a roll month: 1/n of the total overpaid (rounded up to the fen), at most the rest.
# `rules.recovery_instalment_fen` is the same computation in Python.
RECOVERY_SQL = f"""
INSERT INTO payments_paymentline ({LINE_COLUMNS})
SELECT 'e', o.source_id, %(m)s, 'recovery', %(roll)s, o.programme, o.region_id, o.payee_id,
       CASE WHEN o.total - COALESCE(r.done, 0) < (o.total + {{n}} - 1) / {{n}}
            THEN o.total - COALESCE(r.done, 0) ELSE (o.total + {{n}} - 1) / {{n}} END,
       'payable', 'receivable', NULL, %(false)s
FROM (SELECT source_id, MIN(programme) AS programme, MIN(region_id) AS region_id,
             MIN(payee_id) AS payee_id, SUM(amount_fen) AS total
      FROM payments_paymentline
      WHERE source = 'e' AND kind = 'overpayment' AND region_id BETWEEN %(rlo)s AND %(rhi)s
      GROUP BY source_id) o
LEFT JOIN (SELECT source_id, SUM(amount_fen) AS done FROM payments_paymentline
           WHERE source = 'e' AND kind = 'recovery' AND region_id BETWEEN %(rlo)s AND %(rhi)s
           GROUP BY source_id) r ON r.source_id = o.source_id
WHERE o.total > COALESCE(r.done, 0)
{CONFLICT}
"""

TEMPORARY_SQL = f"""
INSERT INTO payments_paymentline ({LINE_COLUMNS})
SELECT 't', c.id, c.approved_month, 'temporary', %(roll)s, 'linshi', c.region_id, c.person_id,
       CAST(ROUND(c.amount * 100) AS BIGINT), 'expense', 'payable', NULL, %(false)s
FROM payments_temporarycase c
WHERE c.status = 'approved' AND c.region_id BETWEEN %(rlo)s AND %(rhi)s
  AND c.approved_month <= %(m)s
{CONFLICT}
"""

# 补发 (payments.BackPay): an approved back-pay is one arrears line of the first roll of its
# approval month or later; the ledger key (source 'b', the back-pay, its pay month) pays it once.
BACK_PAY_SQL = f"""
INSERT INTO payments_paymentline ({LINE_COLUMNS})
SELECT 'b', b.id, b.pay_month, 'benefit', %(roll)s, e.programme, b.region_id, b.payee_id,
       CAST(ROUND(b.total * 100) AS BIGINT), 'expense', 'payable', NULL, %(true)s
FROM payments_backpay b
JOIN assistance_enrolment e ON e.id = b.enrolment_id
WHERE b.status = 'approved' AND b.region_id BETWEEN %(rlo)s AND %(rhi)s
  AND b.pay_month <= %(m)s
{CONFLICT}
"""


@dataclass
class RollResult:
    roll: Roll
    inserted: int = 0
    chunks: int = 0
    months: list[str] = field(default_factory=list)
    price_subsidies: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def county_region(code: str) -> Region:
    code12 = full_code(code)
    try:
        region = Region.objects.get(pk=code12)
    except Region.DoesNotExist as exc:
        raise ValidationFailed(f"区划 {code} 不存在", code="unknown_county") from exc
    if region.level != Level.COUNTY:
        raise ValidationFailed(f"{region.name} 不是县（市、区）", code="not_a_county")
    return region


def _adapt(day: date) -> Any:
    return connection.ops.adapt_datefield_value(day)


def working_version(county: Region, month: YearMonth, actor: User | None) -> Roll:
    """The draft version to write into: the open draft, or a new version after an approved one."""
    with transaction.atomic():
        latest = (
            Roll.objects.select_for_update()
            .filter(county=county, month=month.first_day())
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.status == Roll.Status.DRAFT:
            return latest
        if latest is not None and latest.status == Roll.Status.RETURNED:
            # Sent back by the approver: the maker's re-run reopens the same version.
            latest.status = Roll.Status.DRAFT
            latest.save(update_fields=["status"])
            return latest
        version = 1 if latest is None else latest.version + 1
        return Roll.objects.create(
            county=county, month=month.first_day(), version=version, made_by=actor
        )


def payment_window(county: Region, month: YearMonth) -> list[YearMonth]:
    """The months this roll pays or catches up: from the county's first roll (earlier months were
    paid by the former system) or the arrears look-back, whichever is later, to the roll month."""
    params = payment_parameters(county.code, month.first_day())
    lookback, _ = params.integer("arrears.lookback_months")
    first = Roll.objects.filter(county=county).order_by("month").values_list("month", flat=True)[:1]
    start = max(YearMonth.of(first[0]) if first else month, month - (lookback - 1))
    return [start + i for i in range(start.months_until(month) + 1)]


def price_subsidy_for(county: Region, month: YearMonth) -> PriceSubsidyDecision | None:
    from minzheng.payments.models import PriceIndex

    chain = region_chain(county_of(county.code))
    indices = {
        i.region_code: i
        for i in PriceIndex.objects.filter(region_code__in=chain, month=month.first_day())
    }
    index = next((indices[c] for c in chain if c in indices), None)
    if index is None:
        return None
    try:
        params = payment_parameters(county.code, month.first_day())
    except ParameterMissing:
        return None
    return price_subsidy(params, cpi_yoy=index.cpi_yoy, food_cpi_yoy=index.food_cpi_yoy)


def _draft_still_open(roll: Roll) -> None:
    # Lock the header so an approval cannot slip in between this chunk's check and its commit.
    status = (
        Roll.objects.select_for_update().filter(pk=roll.pk).values_list("status", flat=True).get()
    )
    if status != Roll.Status.DRAFT:
        raise ValidationFailed("花名册已审批，不能再写入；请重新计算生成新版本", code="roll_locked")


def run_roll(
    county_code: str,
    month: YearMonth,
    actor: User | None = None,
    *,
    chunk_size: int = 100_000,
    pause_seconds: float = 0.0,
    progress: Callable[[int, int], None] | None = None,
) -> RollResult:
    """Compute (or complete) a county's roll for a month. Safe to run again at any point."""
    started = time.perf_counter()
    county = county_region(county_code)
    roll = working_version(county, month, actor)
    if roll.completed_at is not None:  # a re-run: not approvable until it completes again
        Roll.objects.filter(pk=roll.pk).update(completed_at=None)
        roll.completed_at = None
    result = RollResult(roll)
    rlo, rhi = county.bounds
    base = {
        "roll": roll.pk,
        "rlo": rlo,
        "rhi": rhi,
        "true": True,
        "false": False,
        "m": _adapt(month.first_day()),
    }
    window = payment_window(county, month)
    result.months = [str(m) for m in window]
    params = payment_parameters(county.code, month.first_day())
    groups, _ = params.codes("price_subsidy.groups")
    instalments, _ = params.integer("recovery.instalments")
    subsidies: dict[YearMonth, int] = {}
    for m in window:
        decision = price_subsidy_for(county, m)
        if decision is not None and decision.triggered:
            subsidies[m] = to_fen(decision.per_person)
            result.price_subsidies[str(m)] = str(decision.per_person)

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A page cache large enough for the ledger's indexes: inserts stay in memory.
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cursor.execute(
            "SELECT MIN(id), MAX(id) FROM assistance_enrolment WHERE region_id BETWEEN %s AND %s",
            [rlo, rhi],
        )
        low, high = cursor.fetchone() or (None, None)
    chunks = [] if low is None or high is None else list(range(low, high + 1, chunk_size))
    for done, lo in enumerate(chunks, start=1):
        with transaction.atomic(), connection.cursor() as cursor:
            _draft_still_open(roll)
            for m in window:
                args = {
                    **base,
                    "m": _adapt(m.first_day()),
                    "lo": lo,
                    "hi": lo + chunk_size - 1,
                    "arrears": m < month,
                }
                cursor.execute(BENEFIT_SQL, args)
                result.inserted += max(cursor.rowcount, 0)
                if m in subsidies:
                    codes = {f"g{i}": code for i, code in enumerate(sorted(groups))}
                    cursor.execute(
                        PRICE_SUBSIDY_SQL.format(groups=", ".join(f"%({k})s" for k in codes)),
                        {**args, **codes, "per_person": subsidies[m]},
                    )
                    result.inserted += max(cursor.rowcount, 0)
        result.chunks = done
        if progress is not None:
            progress(done, len(chunks))
        if pause_seconds:
            time.sleep(pause_seconds)

    with transaction.atomic(), connection.cursor() as cursor:
        _draft_still_open(roll)
        cursor.execute(OVERPAYMENT_SQL, base)
        result.inserted += max(cursor.rowcount, 0)
        cursor.execute(RECOVERY_SQL.format(n=int(instalments)), base)
        result.inserted += max(cursor.rowcount, 0)
        cursor.execute(TEMPORARY_SQL, base)
        result.inserted += max(cursor.rowcount, 0)
        cursor.execute(BACK_PAY_SQL, base)
        result.inserted += max(cursor.rowcount, 0)
        has_lines = roll.lines.exists()
        if roll.version > 1 and not has_lines:
            roll.delete()  # nothing changed since the approved version: no new version
        else:
            roll.completed_at = timezone.now()
            roll.save(update_fields=["completed_at"])
    result.seconds = time.perf_counter() - started
    return result


def book_payable(
    *,
    source: str,
    source_id: int,
    kind: str,
    programme: str,
    county: Region,
    month: YearMonth,
    region_id: str,
    amount: Decimal,
    actor: User | None,
    credit: str = "payable",
    payee: Person | None = None,
) -> PaymentLine:
    """A provider's month (a hospital's or a meal point's statement) as a payable in the ledger:
    借 支出 / 贷 应付, in the county's working roll of that month. In-kind assistance books its
    value the same way with `credit="inventory"` (借 支出 / 贷 库存物资) and the recipient as payee.
    A provider's payee (where its account will be registered) exists from its first payable on."""
    from minzheng.payments.providers import ensure_payee

    if credit == "payable":
        ensure_payee(source, source_id)
    return PaymentLine.objects.create(
        source=source,
        source_id=source_id,
        month=month.first_day(),
        kind=kind,
        roll=working_version(county, month, actor),
        programme=programme,
        region_id=region_id,
        payee=payee,
        amount_fen=to_fen(amount),
        debit="expense",
        credit=credit,
    )
