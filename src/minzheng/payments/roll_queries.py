"""Reads behind a roll's page: totals, the change from last month, missing accounts, the lines.

The change from last month and the payees without an account are counted in the database and
read a page at a time (the roll page shows the first rows, `roll_changes` pages each list).

Everything starts from a roll already fetched through the region scope (`Roll.objects.get_visible`),
so every read here stays inside the actor's county. A township caseworker or a village assistant
reads a county's roll in part: each read takes the `actor` and, when its scope does not enclose the
roll's county, counts, sums and lists only the lines `PaymentLine.objects.visible_to(actor)` gives
(`lines_of`), never the county's other townships.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Substr

from minzheng.accounts.scope import ScopedActor, region_q
from minzheng.assistance.programmes import PROGRAMMES
from minzheng.core.regioncode import RegionCode
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.models import PAYOUT_KINDS, BankAccount, Kind, PaymentLine, Roll, fen_to_yuan
from minzheng.regions.models import Level, Region
from minzheng.registry.models import Person

PROGRAMME_LABELS: dict[str, str] = {p.code.value: p.short_name for p in PROGRAMMES}
KIND_LABELS: dict[str, str] = dict(Kind.choices)


def programme_label(code: str) -> str:
    return PROGRAMME_LABELS.get(code, "其他")


def line_programme_label(code: str) -> str:
    """A line's 项目 on the roll page and in its export: blank for a line of no programme (a
    provider's payable), 其他 for a code without a label."""
    return programme_label(code) if code else ""


@dataclass(frozen=True)
class Total:
    label: str
    count: int
    amount: Decimal


def is_part(roll: Roll, actor: ScopedActor | None) -> bool:
    """Whether `actor` reads only a part of the roll: its scope (a township, a village) lies
    inside the roll's county instead of enclosing it. No actor is a system read of the whole."""
    if actor is None:
        return False
    return not actor.scope_code().encloses(RegionCode.of(roll.county_id, Level.COUNTY))


def _ledger(roll: Roll, actor: ScopedActor | None) -> QuerySet[PaymentLine]:
    """The ledger lines an actor's reads of this roll start from: every line for the county's
    and the city's staff, the actor's own (`visible_to`) for a township or a village."""
    if is_part(roll, actor):
        assert actor is not None
        return PaymentLine.objects.visible_to(actor)
    return PaymentLine.objects.all()


def lines_of(roll: Roll, actor: ScopedActor | None = None) -> QuerySet[PaymentLine]:
    """The roll's lines `actor` reads: all of them, or a township's or a village's part."""
    return _ledger(roll, actor).filter(roll=roll)


def _county_lines(roll: Roll, actor: ScopedActor | None = None) -> QuerySet[PaymentLine]:
    return _ledger(roll, actor).filter(region_q(RegionCode.of(roll.county_id, Level.COUNTY)))


def totals_by_programme(roll: Roll, actor: ScopedActor | None = None) -> list[Total]:
    rows = (
        lines_of(roll, actor)
        .values("programme", "kind")
        .annotate(n=Count("id"), fen=Sum("amount_fen"))
        .order_by("programme", "kind")
    )
    return [
        Total(
            f"{programme_label(r['programme'])}·{KIND_LABELS.get(r['kind'], '其他')}",
            r["n"],
            fen_to_yuan(r["fen"] or 0),
        )
        for r in rows
    ]


def totals_by_township(roll: Roll, actor: ScopedActor | None = None) -> list[Total]:
    rows = (
        lines_of(roll, actor)
        .filter(kind__in=PAYOUT_KINDS)
        .annotate(unit=Substr("region_id", 1, 9))
        .values("unit")
        .annotate(n=Count("id"), fen=Sum("amount_fen"))
        .order_by("unit")
    )
    county = region_q(RegionCode.of(roll.county_id, Level.COUNTY), "code")
    names = {
        r.unit.township_prefix: r.name for r in Region.objects.filter(county, level=Level.TOWNSHIP)
    }
    return [
        Total(names.get(r["unit"], "未知乡镇（街道）"), r["n"], fen_to_yuan(r["fen"] or 0))
        for r in rows
    ]


def roll_total(roll: Roll, actor: ScopedActor | None = None) -> tuple[int, Decimal]:
    agg = (
        lines_of(roll, actor)
        .filter(kind__in=PAYOUT_KINDS)
        .aggregate(n=Count("id"), fen=Sum("amount_fen"))
    )
    return agg["n"], fen_to_yuan(agg["fen"] or 0)


# The lists above the lines, by the `kind` of the roll's 变动名单 page (payments:roll_changes).
CHANGE_KINDS: dict[str, str] = {
    "new": "新增",
    "stopped": "停发",
    "changed": "金额变动",
    "no_account": "未登记有效银行账户",
}
PREVIEW_ROWS = 10  # rows of each list on the roll's own page; the rest on the paged list


@dataclass(frozen=True)
class Change:
    enrolment_id: int
    payee_id: int | None
    payee_name: str
    programme: str
    before: Decimal | None
    after: Decimal | None
    label: str = ""


@dataclass(frozen=True)
class MonthChange:
    """The counts of the change from last month and the first rows of each kind (not all rows:
    at 1M persons each list held ~465 rows, read and rendered on every request)."""

    previous: str
    new_count: int
    stopped_count: int
    changed_count: int
    rows: list[Change]

    @property
    def total(self) -> int:
        return self.new_count + self.stopped_count + self.changed_count


def _benefit_lines(
    roll: Roll, month: YearMonth, actor: ScopedActor | None = None
) -> QuerySet[PaymentLine]:
    """The county's enrolment benefits of a month, of every version of its roll (one line per
    enrolment and month: the idempotency key); a township's or a village's own for a part."""
    return _county_lines(roll, actor).filter(kind=Kind.BENEFIT, month=month.first_day(), source="e")


def change_lines(
    roll: Roll, kind: str, *, name: str = "", actor: ScopedActor | None = None
) -> QuerySet[PaymentLine]:
    """The benefit lines of one change kind ("new", "stopped", "changed"), by enrolment, each with
    `before_fen` and `after_fen`; `name` is a part of the payee's name."""
    month = YearMonth.of(roll.month)
    now, before = _benefit_lines(roll, month, actor), _benefit_lines(roll, month - 1, actor)
    rows: QuerySet[PaymentLine]
    if kind == "stopped":
        rows = before.filter(~Exists(now.filter(source_id=OuterRef("source_id")))).annotate(
            before_fen=F("amount_fen"), after_fen=Value(None, output_field=BigIntegerField())
        )
    else:
        prior = before.filter(source_id=OuterRef("source_id"))
        rows = now.annotate(
            before_fen=Subquery(prior.values("amount_fen")[:1]), after_fen=F("amount_fen")
        )
        if kind == "new":
            rows = rows.filter(~Exists(prior))
        else:
            rows = rows.filter(Exists(prior)).exclude(before_fen=F("amount_fen"))
    if name:
        rows = rows.filter(payee__name__contains=name)
    return rows.select_related("payee").order_by("source_id")


def as_changes(lines: Iterable[PaymentLine], kind: str) -> list[Change]:
    def yuan(fen: int | None) -> Decimal | None:
        return None if fen is None else fen_to_yuan(fen)

    return [
        Change(
            line.source_id,
            line.payee_id,
            line.payee.name if line.payee else "",
            programme_label(line.programme),
            yuan(line.before_fen),  # type: ignore[attr-defined]
            yuan(line.after_fen),  # type: ignore[attr-defined]
            CHANGE_KINDS[kind],
        )
        for line in lines
    ]


def change_from_last_month(
    roll: Roll, preview: int = PREVIEW_ROWS, actor: ScopedActor | None = None
) -> MonthChange:
    """New, stopped and changed benefits against the month before: the count of each kind and
    its first `preview` rows."""
    counts: dict[str, int] = {}
    rows: list[Change] = []
    for kind in ("new", "stopped", "changed"):
        lines = change_lines(roll, kind, actor=actor)
        counts[kind] = lines.count()
        if counts[kind]:
            rows += as_changes(lines[:preview], kind)
    return MonthChange(
        str(YearMonth.of(roll.month) - 1),
        counts["new"],
        counts["stopped"],
        counts["changed"],
        rows,
    )


@dataclass(frozen=True)
class MissingAccount:
    payee_id: int
    payee_name: str
    amount: Decimal


def payees_without_account(
    roll: Roll, *, name: str = "", actor: ScopedActor | None = None
) -> QuerySet[Person]:
    """Payees of this roll with no active bank account (their transfer would fail at the bank),
    by id, each with `fen`, what the roll pays them; `name` is a part of the payee's name."""
    payout = lines_of(roll, actor).filter(kind__in=PAYOUT_KINDS, payee__isnull=False)
    paid = (
        payout.filter(payee_id=OuterRef("pk"))
        .order_by()
        .values("payee_id")
        .annotate(fen=Sum("amount_fen"))
        .values("fen")
    )
    active = BankAccount.objects.filter(person_id=OuterRef("pk"), active=True)
    # An IN over the roll's payees (the index roll, payee), not an EXISTS per person.
    people = Person.objects.filter(pk__in=payout.values("payee_id")).filter(~Exists(active))
    if name:
        people = people.filter(name__contains=name)
    return people.annotate(fen=Subquery(paid)).order_by("pk")


def as_missing(people: Iterable[Person]) -> list[MissingAccount]:
    return [MissingAccount(p.pk, p.name, fen_to_yuan(p.fen or 0)) for p in people]  # type: ignore[attr-defined]


def missing_preview(
    roll: Roll, preview: int = PREVIEW_ROWS, actor: ScopedActor | None = None
) -> tuple[int, list[MissingAccount]]:
    """How many of the roll's payees have no active bank account, and the first `preview` of
    them with what the roll pays each — one query over the roll's lines grouped by payee; the
    count is a window over the groups, read beside the first rows. Written as SQL: the ORM took
    4 ms of CPU to build it on every view of the roll (`payees_without_account` is the same list,
    paged and searched, on 变动名单). A township's or a village's part is read through the ORM,
    its lines from `visible_to`: a count and the first rows of a few hundred payees."""
    if is_part(roll, actor):
        people = payees_without_account(roll, actor=actor)
        return people.count(), as_missing(people[:preview])
    line, person, account = (m._meta.db_table for m in (PaymentLine, Person, BankAccount))
    kinds = ", ".join(["%s"] * len(PAYOUT_KINDS))
    sql = (
        f"SELECT l.payee_id, p.name, SUM(l.amount_fen), COUNT(*) OVER ()"
        f" FROM {line} l JOIN {person} p ON p.id = l.payee_id"
        f" WHERE l.roll_id = %s AND l.kind IN ({kinds}) AND NOT EXISTS ("
        f"SELECT 1 FROM {account} a WHERE a.person_id = l.payee_id AND a.active = %s)"
        f" GROUP BY l.payee_id, p.name ORDER BY l.payee_id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [roll.pk, *PAYOUT_KINDS, True, preview])
        found = cursor.fetchall()
    rows = [MissingAccount(pk, name, fen_to_yuan(fen or 0)) for pk, name, fen, _ in found]
    return (found[0][3] if found else 0), rows


LINE_FIELDS = tuple(f.name for f in PaymentLine._meta.concrete_fields)


def line_rows(lines: Iterable[PaymentLine]) -> list[dict[str, object]]:
    """发放明细's rows as the table shows them, each a dict: the template reads a dict's keys at
    once, where every attribute of a model instance costs it a failed subscript first (20 rows
    were 4 ms of the page's CPU)."""
    return [
        {
            "payee_id": line.payee_id if line.payee else None,
            "payee": (
                line.payee.name
                if line.payee
                else line.get_source_display()
                if line.credit == "payable"
                else "临时救助对象"
            ),
            "holder": getattr(line, "holder_name", "") or "",
            "agent": getattr(line, "holder_relation", "") or "",
            "region": line.region.name,
            "programme": line_programme_label(line.programme),
            "kind": line.get_kind_display() + ("（补发）" if line.is_arrears else ""),
            "month": f"{line.month:%Y-%m}",
            "amount": line.amount,
        }
        for line in lines
    ]


def roll_lines(
    roll: Roll,
    *,
    name: str = "",
    programme: str = "",
    kind: str = "",
    township: str = "",
    actor: ScopedActor | None = None,
) -> QuerySet[PaymentLine]:
    # The account holder beside the payee: the person or a named agent (with the relation).
    account = BankAccount.objects.filter(person_id=OuterRef("payee_id"), active=True)
    lines = (
        lines_of(roll, actor)
        .select_related("payee", "region")
        # The payee's name, not every column of the person (a tenth of the page's CPU).
        .only(*LINE_FIELDS, "payee__name", "region__name")
        .annotate(
            holder_name=Subquery(account.values("holder_name")[:1]),
            holder_relation=Subquery(account.values("holder_relation")[:1]),
        )
    )
    if name:
        lines = lines.filter(payee__name__contains=name)
    if programme:
        lines = lines.filter(programme=programme)
    if kind:
        lines = lines.filter(kind=kind)
    if township.isdigit() and len(township) == 12:
        lines = lines.filter(region_q(RegionCode.of(township, Level.TOWNSHIP)))
    return lines.order_by("id")


def townships_of(roll: Roll, actor: ScopedActor | None = None) -> list[Region]:
    """The county's townships (the search form's choices); for a part, the actor's own."""
    unit = RegionCode.of(roll.county_id, Level.COUNTY)
    if is_part(roll, actor):
        assert actor is not None
        unit = actor.scope_code().township
    return list(
        Region.objects.filter(region_q(unit, "code"), level=Level.TOWNSHIP).order_by("code")
    )


@dataclass(frozen=True)
class RollSummary:
    """What a roll's page shows above its lines: totals, the change from last month and the
    county's townships (the search form's choices)."""

    count: int
    total: Decimal
    by_programme: list[Total]
    by_township: list[Total]
    change: MonthChange
    townships: list[tuple[str, str]]  # code, name
    lines: int = 0  # every line of the roll, of every kind (the unsearched list's length)


def _fingerprint(roll: Roll, county_months: Q, ledger: QuerySet[PaymentLine]) -> tuple[int, ...]:
    """Count, last id and sum of the roll's lines and of the county's other lines of the two
    months — one grouped query (the lines split by whether they are the roll's). Filtered
    aggregates, one per figure, cost twice the CPU to build."""
    own = Case(When(roll=roll, then=Value(1)), default=Value(0), output_field=IntegerField())
    groups = dict(
        (row[0], row[1:])
        for row in ledger.filter(Q(roll=roll) | county_months)
        .annotate(own=own)
        .order_by()
        .values("own")
        .annotate(n=Count("id"), last=Max("id"), fen=Sum("amount_fen"))
        .values_list("own", "n", "last", "fen")
    )
    return (*groups.get(1, (0, 0, 0)), *groups.get(0, (0, 0, 0)))


def roll_summary(roll: Roll, actor: ScopedActor | None = None) -> RollSummary:
    """The roll's summary, computed once for its lines as they are.

    Ledger lines are never updated or deleted (database triggers refuse it), so the count, last
    id and sum of the roll's lines and of the county's benefit lines of this month and the one
    before say whether anything the summary reads has changed; with the roll's own creation time
    they key a cached copy. Paging through 发放明细 or searching it then reads only the lines.
    The payees' names in the change rows are read afresh each time (a rename shows at once).
    A township's or a village's part is summed over its own lines and cached under its code."""
    month = YearMonth.of(roll.month)
    county_months = region_q(RegionCode.of(roll.county_id, Level.COUNTY)) & Q(
        kind=Kind.BENEFIT, source="e", month__in=[month.first_day(), (month - 1).first_day()]
    )
    created = roll.created_at.timestamp() if roll.created_at else 0
    figures = _fingerprint(roll, county_months, _ledger(roll, actor))
    part = actor.scope_code().code if actor is not None and is_part(roll, actor) else "all"
    key = "roll-summary:" + ":".join(map(str, (roll.pk, part, created, *figures)))
    summary: RollSummary | None = cache.get(key)
    if summary is None:
        count, total = roll_total(roll, actor)
        change = change_from_last_month(roll, actor=actor)
        summary = RollSummary(
            count,
            total,
            totals_by_programme(roll, actor),
            totals_by_township(roll, actor),
            replace(change, rows=[replace(row, payee_name="") for row in change.rows]),
            [(r.code, r.name) for r in townships_of(roll, actor)],
        )
        cache.set(key, summary, timeout=SUMMARY_SECONDS)
    names = dict(
        Person.objects.filter(
            pk__in=[row.payee_id for row in summary.change.rows if row.payee_id]
        ).values_list("pk", "name")
    )
    rows = [
        replace(row, payee_name=names.get(row.payee_id or 0, "")) for row in summary.change.rows
    ]
    return replace(summary, change=replace(summary.change, rows=rows), lines=figures[0])


SUMMARY_SECONDS = 60 * 60  # a cached summary is dropped after an hour even if never stale
