"""A year that happened (`minzheng seed --history`): the platform's own pipeline, month by month."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Q

from minzheng.cli import main
from minzheng.core import clock
from minzheng.core.yearmonth import YearMonth
from minzheng.registry import economy
from minzheng.registry.seed import seed_registry
from minzheng.registry.year import HISTORY_EVENT, compare_year, parse_range, run_history

PERSONS = 6_000
YEAR = (YearMonth(2020, 1), YearMonth(2020, 12))


def _counts() -> dict[str, int]:
    from minzheng.accounts.models import User
    from minzheng.applications.models import Application
    from minzheng.assistance.models import Enrolment, EnrolmentAmount
    from minzheng.core.models import AuditEvent
    from minzheng.payments.models import (
        BankAccount,
        BankFile,
        BankOutcome,
        PaymentLine,
        PriceIndex,
        Roll,
        TemporaryCase,
    )
    from minzheng.registry.models import ChangeRequest, Membership, PersonVersion

    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Application,
            Enrolment,
            EnrolmentAmount,
            AuditEvent,
            BankAccount,
            BankFile,
            BankOutcome,
            PaymentLine,
            PriceIndex,
            Roll,
            ChangeRequest,
            TemporaryCase,
            Membership,
            PersonVersion,
        )
    }


def _gradual_exits_are_the_seeds(report: dict[str, Any]) -> None:
    """Up to the seed's decision month (2020-12) the replay keeps December's caseload: each
    household the seed put in 渐退 started the year on 低保 and entered 渐退 at the 复核 of the
    month its member found work, paid for the catalogue's 6 grace months after it — December's
    渐退 are those households and no others — and the year's exits are households that were on
    低保 when it began, not December's."""
    from minzheng.applications.models import ReviewTask
    from minzheng.assistance.models import Enrolment
    from minzheng.registry.year import LEFT_SOURCE, SEED_DECISION_MONTH

    assert SEED_DECISION_MONTH.first_day() == economy.DECISION_DAY
    seeded = {
        e.pk: YearMonth.parse(e.decision["income_rose"])
        for e in Enrolment.objects.filter(decision__has_key="income_rose")
    }
    assert seeded and report["staged_gradual_exits"] == len(seeded) == report["gradual_exits"]
    for pk, rose in seeded.items():
        enrolment = Enrolment.objects.get(pk=pk)
        assert YearMonth(2020, 7) <= rose <= SEED_DECISION_MONTH
        assert enrolment.status == Enrolment.Status.GRADUAL_EXIT
        assert enrolment.end_month == (rose + 7).first_day()
        task = ReviewTask.objects.get(enrolment_id=pk, outcome=ReviewTask.Outcome.GRADUAL_EXIT)
        assert task.done_at is not None and YearMonth.of(task.done_at.date()) == rose
    december = SEED_DECISION_MONTH.first_day()
    in_grace = Enrolment.objects.filter(
        status=Enrolment.Status.GRADUAL_EXIT, start_month__lte=december, end_month__gt=december
    )
    assert set(in_grace.values_list("pk", flat=True)) == set(seeded)

    # The year's exits are households staged on 低保 when it began, each leaving at the 复核 of
    # its month; none of the seed's (December's) caseload leaves before December.
    leavers = Enrolment.objects.filter(decision__source=LEFT_SOURCE)
    assert leavers.count() == report["staged_leavers"] == report["exits"] >= 1
    for enrolment in leavers:
        left = YearMonth.parse(enrolment.decision["left"])
        assert YearMonth(2020, 1) <= left <= YearMonth(2020, 11)
        assert enrolment.start_month < date(2020, 1, 1)
        assert enrolment.status == Enrolment.Status.ENDED
        assert enrolment.end_month == (left + 1).first_day()
    assert not (
        Enrolment.objects.filter(source_application_id__isnull=True, end_month__lte=december)
        .exclude(decision__source=LEFT_SOURCE)
        .exists()
    )


def _paying_in(month: YearMonth) -> set[int]:
    """The enrolments that pay in `month`, read from the enrolments themselves (not the roll)."""
    from minzheng.assistance.models import Enrolment

    first = month.first_day()
    paying = set()
    for e in (
        Enrolment.objects.filter(start_month__lte=first)
        .exclude(status=Enrolment.Status.SUSPENDED)
        .filter(Q(end_month__isnull=True) | Q(end_month__gt=first))
        .select_related("household__head", "person")
    ):
        payee = e.person or e.household.head
        if payee is None or (payee.date_of_death is not None and payee.date_of_death < first):
            continue
        amount = e.amounts.filter(effective_month__lte=first).order_by("-effective_month").first()
        if amount is not None and amount.amount > 0:
            paying.add(e.pk)
    return paying


@pytest.fixture
def replayed_year(regions: Any) -> Any:
    seed_registry("test", 11, persons=PERSONS)
    return run_history(*YEAR)


def test_a_year_replayed_pays_each_month_the_enrolments_active_then_and_twice_is_once(
    replayed_year: Any,
) -> None:
    from minzheng.applications.models import Application
    from minzheng.core.models import AuditEvent
    from minzheng.payments.actions import exception_queue
    from minzheng.payments.models import BankFile, PaymentLine, Roll
    from minzheng.payments.queries import reconciliation

    report = replayed_year.as_dict()
    assert report["replayed"] == 12 and report["skipped"] == 0
    # The seed's caseload was already assisted when 2020 began: January pays all of it.
    from minzheng.assistance.models import Enrolment

    seeded = Enrolment.objects.filter(source_application_id__isnull=True)
    assert seeded.exists() and not seeded.filter(start_month__gte=date(2020, 1, 1)).exists()
    assert AuditEvent.objects.filter(object_type=HISTORY_EVENT).count() == 12

    # Every month's rolls were approved by a county approver (not the maker) and exported.
    rolls = Roll.objects.filter(month__year=2020)
    assert rolls.count() == report["rolls"] > 0
    assert set(rolls.values_list("status", flat=True)) == {Roll.Status.EXPORTED}
    assert {r.approved_by.role for r in rolls.select_related("approved_by")} == {"county_approver"}
    assert set(rolls.values_list("made_by", flat=True)) == {None}  # the scheduled job

    # The roll of June pays exactly the enrolments active in June (exits, 渐退 and new approvals
    # of the replay included).
    for month in (YearMonth(2020, 6), YearMonth(2020, 12)):
        paid = set(
            PaymentLine.objects.filter(
                source="e", kind="benefit", month=month.first_day()
            ).values_list("source_id", flat=True)
        )
        assert paid == _paying_in(month)
        assert paid

    # The replay's own events happened: exits, 渐退 and applications through every step.
    assert report["exits"] >= 1 and report["gradual_exits"] >= 1
    _gradual_exits_are_the_seeds(report)
    assert report["applications_refused"] >= 1
    assert Application.objects.filter(step="refused").count() == report["applications_refused"]
    assert Application.objects.filter(step="approved").count() == report["applications_approved"]

    # Bank files balance; every failure but the last month's has been re-issued.
    for bank_file in BankFile.objects.all():
        assert reconciliation(bank_file).balanced
    left = [
        line
        for county in set(rolls.values_list("county_id", flat=True))
        for line in exception_queue(county)
    ]
    assert all(line.bank_file.roll.month == date(2020, 12, 1) for line in left)
    assert report["failed_transfers"] - len(left) == report["reissued"]

    _price_subsidy_launched_nine_times_doubled_march_to_june()
    _change_requests_and_temporary_cases_on_their_dates(report)

    # A second run adds nothing.
    before = _counts()
    again = run_history(*YEAR).as_dict()
    assert again["replayed"] == 0 and again["skipped"] == 12
    assert _counts() == before


def _price_subsidy_launched_nine_times_doubled_march_to_june() -> None:
    from minzheng.payments.models import PaymentLine

    per_person = {  # 750 元 × food CPI rise, half-up to the yuan; ×2 March–June
        1: 155,
        2: 164,
        3: 274,
        4: 222,
        5: 160,
        6: 166,
        7: 99,
        8: 84,
        9: 59,
    }
    subsidy = PaymentLine.objects.filter(kind="price_subsidy")
    months = sorted({d.month for d in subsidy.values_list("month", flat=True)})
    assert months == list(range(1, 10))  # 9 launches: January to September 2020
    for month, yuan in per_person.items():
        lines = subsidy.filter(month=date(2020, month, 1))
        assert lines.exists()
        # Per person: an individual benefit is paid one share, a household one per member.
        assert {line.amount_fen % (yuan * 100) for line in lines} == {0}
        individual = lines.filter(
            source_id__in=_individual_enrolments(),
        ).values_list("amount_fen", flat=True)
        assert set(individual) <= {yuan * 100}
    march = sum(subsidy.filter(month=date(2020, 3, 1)).values_list("amount_fen", flat=True))
    july = sum(subsidy.filter(month=date(2020, 7, 1)).values_list("amount_fen", flat=True))
    assert march > july  # doubled in March

    compared = compare_year(2020)
    assert compared["price_subsidy_launches"] == 9 == compared["article_launches"]
    paid = Decimal(compared["spending"]["price_subsidy"]["paid_here"])
    assert paid == Decimal(sum(subsidy.values_list("amount_fen", flat=True))) / 100
    assert set(compared["spending"]) == {"dibao", "tekun", "price_subsidy"}


def _change_requests_and_temporary_cases_on_their_dates(report: dict[str, Any]) -> None:
    from zoneinfo import ZoneInfo

    from minzheng.core.models import AuditEvent
    from minzheng.payments.models import PaymentLine, TemporaryCase
    from minzheng.registry.models import ChangeRequest

    sh = ZoneInfo("Asia/Shanghai")
    # One 变更户主 a month approved, every third month a 减少成员 rejected — on days 8 and 10.
    assert report["changes_approved"] == 12 and report["changes_rejected"] == 4
    requests = ChangeRequest.objects.order_by("submitted_at")
    assert requests.count() == report["change_requests"] == 16
    for change in requests:
        submitted = change.submitted_at.astimezone(sh)
        assert (submitted.year, submitted.day, submitted.hour) == (2020, 8, 10)
        assert change.reviewed_at is not None
        assert change.reviewed_at.astimezone(sh).date() == submitted.date().replace(day=10)
        if change.kind == ChangeRequest.Kind.CHANGE_HEAD:
            assert change.status == ChangeRequest.Status.APPROVED
            assert change.household.head_id == change.payload["new_head_id"]
        else:
            assert change.status == ChangeRequest.Status.REJECTED
    assert sorted({c.submitted_at.astimezone(sh).month for c in requests}) == list(range(1, 13))

    # 临时救助: a migrant a month, recorded on the 15th, approved for that month, paid by the next
    # month's roll (December's waits for January's).
    cases = TemporaryCase.objects.order_by("created_at")
    assert cases.count() == report["temporary_cases"] == 12
    assert {c.status for c in cases} == {TemporaryCase.Status.APPROVED}
    assert [c.approved_month for c in cases] == [date(2020, m, 1) for m in range(1, 13)]
    assert {c.created_at.astimezone(sh).day for c in cases} == {15}
    paid = PaymentLine.objects.filter(kind="temporary", source="t")
    assert sorted(paid.values_list("roll__month", flat=True)) == [
        date(2020, m, 1) for m in range(2, 13)
    ]

    # The audit trail records it on the replayed dates.
    for kind in ("change_request", "temporary_case", HISTORY_EVENT):
        years = {e.at.astimezone(sh).year for e in AuditEvent.objects.filter(object_type=kind)}
        assert years == {2020}, kind
    marker = AuditEvent.objects.get(object_type=HISTORY_EVENT, object_id="2020-03")
    assert marker.at.astimezone(sh) == datetime(2020, 3, 31, 10, tzinfo=sh)


def _individual_enrolments() -> list[int]:
    from minzheng.assistance.models import Enrolment

    return list(Enrolment.objects.filter(person__isnull=False).values_list("pk", flat=True))


def test_the_replay_acts_on_its_dates_through_the_clock() -> None:
    real = clock.today()
    with clock.dated(date(2020, 3, 5)):
        assert clock.today() == date(2020, 3, 5)
        now = clock.now()
        assert isinstance(now, datetime) and now.date() == date(2020, 3, 5)
    assert clock.today() == real


def test_a_bad_history_range_is_refused_in_chinese_and_changes_nothing(
    regions: Any, capsys: Any
) -> None:
    from minzheng.registry.models import Person

    assert main(["seed", "--scale", "test", "--history", "2020-12:2020-01", "--quiet"]) == 2
    assert "结束月不能早于起始月" in capsys.readouterr().err
    assert main(["seed", "--scale", "test", "--history", "2020-13", "--quiet"]) == 2
    assert "历史区间" in capsys.readouterr().err
    assert Person.objects.count() == 0
    assert main(["year-report", "--year", "2020"]) == 2
    assert "人员库为空" in capsys.readouterr().err
    assert parse_range("2020-01:2020-12") == YEAR


def test_todays_month_leaves_a_roll_and_two_cases_waiting(regions: Any) -> None:
    from minzheng.applications.models import Application
    from minzheng.core.models import AuditEvent
    from minzheng.payments.models import Roll

    seed_registry("test", 11, persons=PERSONS)
    today = YearMonth.of(clock.today())
    report = run_history(today - 1, today, open_last=True, indices={}).as_dict()
    assert report["replayed"] == 2
    assert set(Roll.objects.filter(month=today.first_day()).values_list("status", flat=True)) == {
        Roll.Status.DRAFT
    }
    assert sorted(
        Application.objects.exclude(step__in=("approved", "refused")).values_list("step", flat=True)
    ) == ["county_approval", "verification"]
    # Only the finished month is marked; starting again adds no more cases for today's month.
    assert AuditEvent.objects.filter(object_type=HISTORY_EVENT).count() == 1
    cases = Application.objects.count()
    run_history(today - 1, today, open_last=True, indices={})
    assert Application.objects.count() == cases
