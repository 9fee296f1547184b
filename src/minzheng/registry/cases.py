"""What the bureau has done for a person or a household, for their pages: enrolments (current and
past), applications and their decisions, payments and reviews — each to be linked from the page.

Everything is read for households the person belongs to or belonged to, and the callers have
already fetched the person or household through the region scope."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from minzheng.applications.models import Application, ReviewTask
from minzheng.assistance.models import OPEN_STATUSES, Enrolment
from minzheng.payments.models import PAYOUT_KINDS, BankAccount, PaymentLine, fen_to_yuan
from minzheng.registry.models import Household, Membership, Person


@dataclass(frozen=True)
class PaymentSummary:
    count: int
    total: Decimal
    last_month: str


@dataclass
class CaseFile:
    enrolments: list[Enrolment]
    applications: list[Application]
    reviews: list[ReviewTask]
    payments: PaymentSummary
    identities: list[str]  # the programmes the person is enrolled in now: 低保对象 …
    legacy: LegacyHistory


@dataclass(frozen=True)
class LegacyHistory:
    """The months the former system paid (imported by the adoption app), marked 旧系统."""

    rows: list[Any]  # adoption.LegacyPayment, newest first, at most LEGACY_SHOWN
    count: int
    total: Decimal  # paid months only


LEGACY_SHOWN = 36


IDENTITY_OF_PROGRAMME = {"dibao": "低保对象", "dibian": "低边对象", "tekun": "特困人员"}


def _payments(q: Q) -> PaymentSummary:
    agg = PaymentLine.objects.filter(q, kind__in=PAYOUT_KINDS).aggregate(
        n=Count("id"), fen=Sum("amount_fen")
    )
    last = PaymentLine.objects.filter(q, kind__in=PAYOUT_KINDS).order_by("-month").first()
    return PaymentSummary(
        agg["n"], fen_to_yuan(agg["fen"] or 0), f"{last.month:%Y-%m}" if last else ""
    )


def _file(households: list[int], person: Person | None) -> CaseFile:
    enrol_q = Q(household_id__in=households)
    app_q = Q(household_id__in=households)
    if person is not None:
        enrol_q |= Q(person=person)
        app_q |= Q(applicant=person)
    enrolments = list(
        Enrolment.objects.filter(enrol_q)
        .select_related("household")
        .order_by("-start_month", "-id")
        .distinct()
    )
    applications = list(
        Application.objects.filter(app_q)
        .select_related("applicant")
        .order_by("-submitted_on", "-id")
    )
    reviews = list(
        ReviewTask.objects.filter(enrolment__in=[e.pk for e in enrolments]).order_by("-due_on")
    )
    pay_q = (
        Q(payee=person)
        if person is not None
        else Q(source="e", source_id__in=[e.pk for e in enrolments])
    )
    open_codes = {e.programme for e in enrolments if e.status in OPEN_STATUSES}
    identities = [
        IDENTITY_OF_PROGRAMME[c] for c in sorted(open_codes) if c in IDENTITY_OF_PROGRAMME
    ]
    legacy_q = Q(person=person) if person is not None else Q(household_id__in=households)
    if person is not None:
        # a household-wide payment of the person's household (no beneficiary given) is theirs too
        legacy_q |= Q(person__isnull=True, household_id__in=households)
    return CaseFile(
        enrolments, applications, reviews, _payments(pay_q), identities, _legacy(legacy_q)
    )


def _legacy(q: Q) -> LegacyHistory:
    from minzheng.adoption.models import LegacyPayment

    rows = LegacyPayment.objects.filter(q)
    agg = rows.aggregate(n=Count("id"), paid=Sum("amount", filter=Q(status="paid")))
    shown = list(rows.order_by("-month", "programme", "-id")[:LEGACY_SHOWN])
    return LegacyHistory(shown, agg["n"], agg["paid"] or Decimal("0.00"))


def person_case_file(person: Person) -> CaseFile:
    households = list(
        Membership.objects.filter(person=person).values_list("household_id", flat=True).distinct()
    )
    return _file(households, person)


def household_case_file(household: Household) -> CaseFile:
    return _file([household.pk], None)


def paying_account(person: Person) -> BankAccount | None:
    """The one active account the person is paid into (shown masked on the person's page)."""
    return BankAccount.objects.filter(person=person, active=True).first()
