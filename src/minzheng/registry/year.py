"""A year that happened: the synthetic city run month by month through the platform's own actions.

`minzheng seed --history 2020-01:2020-12` (and the demo, over its last months) replays each month
on its own dates (`core.clock.dated`), calling the same `do_*` actions staff call from the pages:

| day | what | action |
|---|---|---|
| 1 | the month's price indices (物价补贴 launches when they trigger) | `do_enter_price_index` |
| 3 | last month's failed transfers: account corrected, re-issued, the bank's return | `do_correct_account`, `do_reissue_failed`, `do_import_bank_return` |
| 3 | 复核: a few enrolments end (income above the standard), a few enter 渐退 (a member found work), a few continue | `do_complete_review` |
| 2–14 | two applications: one through every step to approval (enrolled next month), one refused at the township review; in today's month one waits at 核对 | `do_submit_application` … `do_county_decide` |
| 5 | each county's roll made by the scheduled job | `jobs.actions.run_system_job("roll")` |
| 6 | approved by the county approver (not the maker), payees' accounts registered, bank file | `do_approve_roll`, `do_register_bank_account`, `do_export_bank_file` |
| 12 | the bank's return: all paid but a few planted failures (账号错误) | `do_import_bank_return` |
| 12 | the demo's last finished month: one 账户已销户 in each of its villages (`ClosedAccounts`), left in 发放异常 for the caseworker | `do_import_bank_return` |
| 8–10 | a household change request (变更户主) approved by the county; every third month one (减少成员) rejected | `do_submit_change_request`, `do_approve_change_request`, `do_reject_change_request` |
| 15–17 | 临时救助 for a migrant outside the registry, approved by the county (paid by next month's roll) | `do_create_temporary_case`, `do_decide_temporary_case` |

Every step writes its own audit events; a finished month writes one `history_month` event, and a
second run skips the months it finds (each step is also safe to repeat after an interruption).

The staff who act are the platform's own users: an existing user of the right role and region
(the demo's `approver_haishu`, `caseworker_nanmen` …), else a replay account (`hist_…`) created
with an unusable password — it can act in the replay but can never sign in.
"""

from __future__ import annotations

import time as time_module
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Mod
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.scope import region_q
from minzheng.assistance.decisions import Decision
from minzheng.assistance.models import Enrolment
from minzheng.core import audit, clock
from minzheng.core.errors import DomainError, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.regioncode import county_of, full_code
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.parameter_catalog import (
    PRICE_INDEX_REGION,
    PRICE_INDICES,
    PRICE_SUBSIDY_CALIBRATION,
)
from minzheng.regions.models import Level, Region

if TYPE_CHECKING:
    from minzheng.registry.models import ChangeRequest, Household, Membership

HISTORY_EVENT = "history_month"
RETURN_PREFIX = "回盘"
# Planted events, one in so many per month (deterministic in the ids): illustrative rates.
EXIT_ONE_IN = 400  # 复核 ends an enrolment: about 3 % a year
GRADUAL_ONE_IN = 300  # after the seed's decision month, a household enters 渐退 (grace months)
# economy.DECISION_DAY's month: the seed's caseload is this month's.
SEED_DECISION_MONTH = YearMonth(2020, 12)
CONTINUE_ONE_IN = 60  # a review that finds nothing changed
FAIL_ONE_IN = 97  # a transfer fails with 账号错误 (only on the account first registered)
FIRST_BANK = ("中国农业银行", "621700")
CORRECTED_BANK = ("宁波银行", "622848")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ClosedAccounts:
    """A month whose bank return closes one payee's account in each of `villages` (E102 账户已销户,
    the last payee of the village in the file): the replay corrects only 账号错误 itself, so these
    wait in 发放异常 for their caseworker to register a new account (the demo's)."""

    month: YearMonth
    villages: frozenset[str]


@dataclass
class MonthReport:
    month: str
    skipped: bool = False
    rolls: int = 0
    lines: int = 0
    accounts: int = 0
    bank_files: int = 0
    failed: int = 0
    reissued: int = 0
    exits: int = 0
    gradual_exits: int = 0
    reviews: int = 0
    applications: int = 0
    approved: int = 0
    refused: int = 0
    price_subsidy: str = ""
    change_requests: int = 0
    changes_approved: int = 0
    changes_rejected: int = 0
    temporary_cases: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class HistoryReport:
    months: list[MonthReport] = field(default_factory=list)
    seconds: float = 0.0
    staged_gradual_exits: int = 0  # the seed's 渐退 enrolments that start the replay on 低保
    staged_leavers: int = 0  # households on 低保 when the replay begins that leave during 2020

    def as_dict(self) -> dict[str, Any]:
        done = [m for m in self.months if not m.skipped]
        return {
            "months": len(self.months),
            "replayed": len(done),
            "skipped": len(self.months) - len(done),
            "rolls": sum(m.rolls for m in done),
            "lines": sum(m.lines for m in done),
            "bank_files": sum(m.bank_files for m in done),
            "failed_transfers": sum(m.failed for m in done),
            "reissued": sum(m.reissued for m in done),
            "exits": sum(m.exits for m in done),
            "gradual_exits": sum(m.gradual_exits for m in done),
            "staged_gradual_exits": self.staged_gradual_exits,
            "staged_leavers": self.staged_leavers,
            "reviews_continued": sum(m.reviews for m in done),
            "applications": sum(m.applications for m in done),
            "applications_approved": sum(m.approved for m in done),
            "applications_refused": sum(m.refused for m in done),
            "price_subsidy_launches": sum(1 for m in done if m.price_subsidy),
            "change_requests": sum(m.change_requests for m in done),
            "changes_approved": sum(m.changes_approved for m in done),
            "changes_rejected": sum(m.changes_rejected for m in done),
            "temporary_cases": sum(m.temporary_cases for m in done),
            "seconds": round(self.seconds, 1),
        }


def parse_range(text: str) -> tuple[YearMonth, YearMonth]:
    """`2020-01:2020-12` → the first and last month (a clear Chinese error otherwise)."""
    parts = text.split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        start, end = YearMonth.parse(parts[0].strip()), YearMonth.parse(parts[1].strip())
    except ValueError:
        raise ValidationFailed(
            f"历史区间应为 起始月:结束月，如 2020-01:2020-12：{text}", code="bad_range"
        ) from None
    if end < start:
        raise ValidationFailed("历史区间的结束月不能早于起始月", code="bad_range")
    if start.months_until(end) >= 120:
        raise ValidationFailed("历史区间最长十年", code="bad_range")
    return start, end


# ── who acts ─────────────────────────────────────────────────────────────────────────────────


# The replay's staff by (role, region code), kept for one `run_history`: a month registers
# thousands of bank accounts, each by its township's caseworker, and asking the database for that
# caseworker (and the caseworker for their region, for the scope check) every time cost more than
# the registrations themselves.
_acting: ContextVar[dict[tuple[str, str], User] | None] = ContextVar("replay_staff", default=None)


def staff(role: str, region_code: str, name: str) -> User:
    """An existing user of this role and region, else a replay account that cannot sign in."""
    known = _acting.get()
    if known is not None and (role, region_code) in known:
        return known[(role, region_code)]
    user = _staff(role, region_code, name)
    if known is not None:
        known[(role, region_code)] = user
    return user


def _staff(role: str, region_code: str, name: str) -> User:
    user = (
        User.objects.filter(role=role, region_id=region_code, is_active=True)
        .select_related("region")
        .order_by("id")
        .first()
    )
    if user is None:
        user = User(
            username=f"hist_{role}_{region_code}",
            role=role,
            region_id=region_code,
            display_name=f"{name}（回放）"[:60],
        )
        user.set_unusable_password()
        with transaction.atomic():
            user.save()
            audit.record(
                None,
                AuditEvent.Action.CREATE,
                "user",
                user.pk,
                summary=f"历史回放账号 {user.username}（不能登录）",
                after={"role": role, "region": region_code},
                region_code=region_code,
            )
    return user


def _approver(county: Region) -> User:
    return staff("county_approver", county.code, f"{county.name}审批员")


def _caseworker(region_id: str, village: Region | None = None) -> User:
    """The caseworker of the township of `region_id` (`village`: its region, read already)."""
    known = _acting.get()
    if known is not None and ("caseworker_of", region_id) in known:
        return known[("caseworker_of", region_id)]
    if village is None:
        village = Region.objects.select_related("parent").get(pk=region_id)
    township = village.parent if village.level == Level.VILLAGE and village.parent else village
    user = staff("township_caseworker", township.code, f"{township.name}经办员")
    if known is not None:
        known[("caseworker_of", region_id)] = user
    return user


def _city_admin() -> User:
    return staff("city_admin", full_code(PRICE_INDEX_REGION), "市局管理员")


# ── one month ────────────────────────────────────────────────────────────────────────────────


def _day(month: YearMonth, day: int) -> date:
    """A day of the month, never later than today (today's month is replayed up to today)."""
    return min(date(month.year, month.month, day), clock.today())


def _ordinal(month: YearMonth) -> int:
    return month.year * 12 + month.month


def _counties() -> list[Region]:
    return list(Region.objects.filter(level=Level.COUNTY).order_by("code"))


Indices = dict[YearMonth, tuple[Decimal, Decimal, str]]


def enter_price_index(month: YearMonth, indices: Indices) -> None:
    from minzheng.payments.actions import do_enter_price_index
    from minzheng.payments.models import PriceIndex

    values = indices.get(month)
    if values is None:
        return
    if PriceIndex.objects.filter(region_code=PRICE_INDEX_REGION, month=month.first_day()).exists():
        return
    cpi, food, source = values
    do_enter_price_index(
        _city_admin(),
        region_code=PRICE_INDEX_REGION,
        month=month,
        cpi_yoy=cpi,
        food_cpi_yoy=food,
        source=source,
    )


def review_enrolments(month: YearMonth, report: MonthReport) -> None:
    """复核 by the township caseworker (`do_complete_review`): a few 低保 enrolments end (income
    above the standard), a few households enter 渐退 (a member found work), a few continue. The
    enrolments are chosen deterministically from their ids."""
    from minzheng.applications.actions import do_complete_review
    from minzheng.applications.actions.common import WorkflowRefused
    from minzheng.applications.actions.reviews import schedule_review
    from minzheng.applications.models import ReviewTask

    n = _ordinal(month)
    active = Enrolment.objects.filter(
        status=Enrolment.Status.ACTIVE, programme="dibao", start_month__lt=month.first_day()
    ).order_by("id")
    # Up to the seed's decision month, 渐退 and exits keep December's caseload: 渐退 is the
    # households whose member found work in this month (`stage_seed_gradual_exits`), an exit a
    # household staged to leave this month (`stage_households_that_left`). After it, the city goes
    # on living: an enrolment in so many ends, a household in so many enters 渐退.
    by_facts = month <= SEED_DECISION_MONTH
    for enrolment in active.select_related("household__head"):
        rose, left = _income_rose(enrolment), _left_in(enrolment)
        if by_facts and rose is not None:
            if rose != month:
                continue  # its member finds work later this year: neither an exit nor a review
            outcome, note = ReviewTask.Outcome.GRADUAL_EXIT, "家庭成员就业，收入超过低保标准"
        elif by_facts and left is not None:
            if left != month:
                continue
            outcome, note = ReviewTask.Outcome.EXIT, "家庭人均收入超过低保标准，停止救助"
        elif not by_facts and (enrolment.pk * 13 + n) % EXIT_ONE_IN == 0:
            outcome, note = ReviewTask.Outcome.EXIT, "家庭人均收入超过低保标准，停止救助"
        elif (
            not by_facts
            and (enrolment.pk * 17 + n) % GRADUAL_ONE_IN == 0
            and enrolment.person_id is None
        ):
            outcome, note = ReviewTask.Outcome.GRADUAL_EXIT, "家庭成员就业，收入超过低保标准"
        elif (enrolment.pk * 19 + n) % CONTINUE_ONE_IN == 0:
            outcome, note = ReviewTask.Outcome.CONTINUE, "家庭情况无变化，继续保障"
        else:
            continue
        task = ReviewTask.objects.filter(
            enrolment=enrolment, status=ReviewTask.Status.OPEN
        ).first() or schedule_review(enrolment, after=month.first_day())
        if task is None:
            continue
        try:
            do_complete_review(
                _caseworker(enrolment.region_id), task, outcome=outcome.value, note=note
            )
        except WorkflowRefused:
            continue  # 退出缓 (a fast-track period): the exit is held, as the rules say
        if outcome is ReviewTask.Outcome.EXIT:
            report.exits += 1
        elif outcome is ReviewTask.Outcome.GRADUAL_EXIT:
            report.gradual_exits += 1
        else:
            report.reviews += 1


def _decision_month(enrolment: Enrolment, key: str) -> YearMonth | None:
    """A month the enrolment's decision records under `key`, or None."""
    value = (enrolment.decision or {}).get(key)
    return YearMonth.parse(value) if isinstance(value, str) and value else None


def _income_rose(enrolment: Enrolment) -> YearMonth | None:
    """The month the seed's facts say a member's work raised this household's income (the seed
    records it on its 渐退 enrolments), or None."""
    return _decision_month(enrolment, "income_rose")


def stage_seed_gradual_exits(start: YearMonth) -> int:
    """The seed writes the caseload of its decision month (2020-12), 渐退 households included.
    A household whose member found work in `start` or later was still on 低保 when the replay
    begins: its enrolment starts the replay active, and the month's 复核 moves it into 渐退
    (`review_enrolments`), so the replayed December holds the seed's 渐退 and no more. Returns
    the enrolments staged; a second call stages none."""
    staged = [
        enrolment.pk
        for enrolment in Enrolment.objects.filter(
            status=Enrolment.Status.GRADUAL_EXIT,
            programme="dibao",
            end_month__isnull=True,
            source_application_id__isnull=True,
        ).only("pk", "decision")
        if (rose := _income_rose(enrolment)) is not None and start <= rose
    ]
    for first in range(0, len(staged), 5_000):
        Enrolment.objects.filter(pk__in=staged[first : first + 5_000]).update(
            status=Enrolment.Status.ACTIVE
        )
    return len(staged)


LEFT_SOURCE = "历史回放起点：2020年内复核退出的低保家庭（示例）"
# Households that left 低保 at a 复核 during the seed's year, per 低保 household the seed enrols:
# 1 in 400 a month over January–November (illustrative, the replay's exit rate after 2020).
LEFT_SHARE = Decimal(11) / EXIT_ONE_IN


def _left_in(enrolment: Enrolment) -> YearMonth | None:
    """The month a household staged by `stage_households_that_left` leaves 低保, or None."""
    return _decision_month(enrolment, "left")


def stage_households_that_left(start: YearMonth) -> int:
    """The seed's caseload is December's: a household that left 低保 during 2020 is not in it. So
    that the replayed year has its exits without taking them out of December's caseload, the
    replay begins with a few households above the lines (no enrolment, no application, a family
    household) on 低保 since before 2020, each leaving at the 复核 of a month January–November
    (`review_enrolments`). Their monthly amount is the seed caseload's average per counted person
    times their members (illustrative, `LEFT_SOURCE`); at least one household however small the
    city. Written once: a second call stages none."""
    from minzheng.assistance.models import EnrolmentAmount
    from minzheng.registry.models import Household, HouseholdKind, Membership

    last = SEED_DECISION_MONTH - 1
    if start > last or Enrolment.objects.filter(decision__source=LEFT_SOURCE).exists():
        return 0
    seeded = Enrolment.objects.filter(
        programme="dibao", person__isnull=True, source_application_id__isnull=True
    )
    totals = EnrolmentAmount.objects.filter(enrolment__in=seeded).aggregate(
        amount=Sum("amount"), persons=Sum("enrolment__persons")
    )
    if not totals["persons"]:
        return 0
    count = max(1, int((LEFT_SHARE * seeded.count()).to_integral_value()))  # at least one
    per_person = (totals["amount"] / totals["persons"]).quantize(Decimal("0.01"))
    above = (
        Household.objects.filter(
            closed_on__isnull=True, head__isnull=False, kind=HouseholdKind.FAMILY
        )
        .exclude(pk__in=Enrolment.objects.values("household_id"))
        .exclude(applications__isnull=False)
    )
    # Spread over the city: every step-th id, so each county has its share.
    step = max(1, above.count() // count)
    households = list(
        above.annotate(every=Mod("pk", step))
        .filter(every=0)
        .order_by("pk")
        .values_list("pk", "region_id")[:count]
    )
    first, span = max(start, YearMonth(2020, 1)), max(start, YearMonth(2020, 1)).months_until(last)
    staged = 0
    with transaction.atomic():
        for number, (household_id, region_id) in enumerate(households):
            members = Membership.objects.filter(
                household_id=household_id, valid_to__isnull=True
            ).count()
            left = first + number % (span + 1)
            began = YearMonth(2018, 1) + number % 24
            enrolment = Enrolment.objects.create(
                household_id=household_id,
                programme="dibao",
                region_id=region_id,
                start_month=began.first_day(),
                persons=members,
                decision={"route": "household", "source": LEFT_SOURCE, "left": str(left)},
            )
            EnrolmentAmount.objects.create(
                enrolment=enrolment,
                effective_month=began.first_day(),
                amount=per_person * members,
                reason=LEFT_SOURCE,
            )
            staged += 1
    return staged


def _county_of_village(region_id: str) -> Region:
    return Region.objects.get(pk=full_code(county_of(region_id)))


def _candidates(poor: bool) -> list[list[Any]]:
    """Households that could apply and have never applied. `poor`: a household that left 低保 at
    a review (its assets are below the lines) or a 低边 household without 低保 — its income has
    dropped again; else a household with no identity at all (above the lines). Households in a
    township with a real caseworker (the demo's 南门街道) come first, then its county's, then the
    city's: the tiers, in that order (none empty)."""
    from minzheng.registry.models import Household, IdentityTag

    open_statuses = (Enrolment.Status.ACTIVE, Enrolment.Status.GRADUAL_EXIT)
    households = Household.objects.filter(closed_on__isnull=True, head__isnull=False).exclude(
        applications__isnull=False
    )
    enrolled = Enrolment.objects.filter(
        programme__in=("dibao", "tekun"), status__in=open_statuses
    ).values("household_id")
    if poor:
        dibian = IdentityTag.objects.filter(tag=IdentityTag.Tag.DIBIAN, valid_to__isnull=True)
        left = Enrolment.objects.filter(programme="dibao", status=Enrolment.Status.ENDED)
        households = households.filter(
            Q(pk__in=left.values("household_id"))
            | Q(memberships__person__in=dibian.values("person_id"))
        ).exclude(pk__in=enrolled)
    else:
        households = households.exclude(enrolments__isnull=False).exclude(
            memberships__person__identity_tags__isnull=False
        )

    def first(rows: Any) -> list[Any]:
        return list(rows.select_related("head").distinct().order_by("id")[:50])

    # The first township caseworker's township (the demo's 南门街道), then its county's, then the
    # city's: the township's few may all be ones the county would not enrol (found at `ningbo`
    # scale: 南门街道's two were a 低边 household whose deposits are above 低保's line and a
    # household that left 低保 with its income above it), and its county's approver should
    # still find the month's case.
    worker = User.objects.filter(role="township_caseworker", is_active=True).order_by("id").first()
    levels = [households]
    if worker is not None:
        unit = worker.scope_code()
        levels = [households.filter(region_q(unit)), households.filter(region_q(unit.county))]
        levels.append(households)
    tiers: list[list[Any]] = []
    for rows in levels:
        seen = {h.pk for tier in tiers for h in tier}
        tiers.append([h for h in first(rows) if h.pk not in seen])
    return [tier for tier in tiers if tier]


def applications_for_month(month: YearMonth, report: MonthReport, *, open_month: bool) -> None:
    """Two applications a month at a township window: one a household whose income dropped
    (approved, enrolled from next month), one above the lines (refused at the township review).
    In today's month the first, taken in 12 days ago, waits at 县级审批 for the county approver and
    the second, taken in today, at 家庭经济状况核对 for the caseworker."""
    from minzheng.applications import actions
    from minzheng.applications.models import Application

    if open_month:
        if Application.objects.exclude(step__in=("approved", "refused")).exists():
            return  # today's cases are already waiting (the demo started again)
    elif Application.objects.filter(
        submitted_on__gte=month.first_day(), submitted_on__lte=month.last_day()
    ).exists():
        return  # the month already has its applications (a resumed run)
    n = _ordinal(month)
    today = clock.today()
    for tagged in (True, False):
        pool = _candidates(poor=tagged) or (_candidates(poor=False) if open_month else [])
        if not pool:
            continue
        taken_in = today - timedelta(days=12) if tagged else today
        start = taken_in if open_month else _day(month, 2)
        income = Decimal("300") if tagged else Decimal("900")
        # Each tier turned by the month, so that the months take different households.
        turned = [h for tier in pool for h in tier[n % len(tier) :] + tier[: n % len(tier)]]
        # In today's month the county approver decides (a person, in the demo): any household
        # the rules do not judge 特困 will do; a replayed month's decision must enrol it.
        checked = income if tagged and not open_month else None
        household = _dibao_applicant(turned, start, checked)
        if household is None:
            continue
        caseworker = _caseworker(household.region_id)
        with clock.dated(start):
            app = actions.do_submit_application(
                caseworker,
                applicant=household.head,
                programmes=["dibao"],
                declared_income=income,
                reason="家庭成员失业，收入下降" if tagged else "家庭生活困难",
                consents_confirmed=True,
            )
            report.applications += 1
            actions.do_record_home_visit(
                caseworker, app, visited_on=start, notes="入户核实家庭人口、住房和生活情况"
            )
        if open_month and not tagged:
            continue  # waiting for the caseworker's 核对
        with clock.dated(start + timedelta(days=1)):
            app = actions.do_record_verification(
                caseworker,
                app,
                verified_income=income,
                passed=tagged,
                note="部门数据比对无异常" if tagged else "银行存款和车辆超过低保家庭财产标准",
            )
            if not tagged:
                actions.do_township_review(
                    caseworker, app, passed=False, note="家庭财产超过规定标准，不予通过"
                )
                report.refused += 1
                continue
            app = actions.do_township_review(caseworker, app, passed=True, note="符合条件")
        close_on = max(app.notice_ends_on or start, start + timedelta(days=9))
        if close_on > today:
            continue  # still in 公示
        with clock.dated(close_on):
            app = actions.do_close_public_notice(caseworker, app)
        if open_month:
            continue  # waiting for the county approver
        with clock.dated(max(close_on, start + timedelta(days=12))):
            actions.do_county_decide(
                _approver(_county_of_village(household.region_id)), app, approve=True
            )
        report.approved += 1


def tekun_decision(household: Any, day: date) -> Decision | None:
    """The rules' 特困 decision for a member of `household` on `day`, if they judge one 特困."""
    from minzheng.assistance.eligibility import evaluate, household_facts

    facts = household_facts(household, day)
    return next((d for d in evaluate(facts, ["tekun"]) if d.eligible), None)


DECISION_WITHIN_DAYS = 31  # the replay's county decision falls within a month of the application


def _dibao_applicant(pool: list[Any], day: date, declared: Decimal | None = None) -> Any:
    """The first household of `pool` to take a 低保 application: not one the rules judge 特困 on
    the day it applies or on the last day the county may decide it (a member who turns 60 in
    between is 特困 by then) — 特困 comes first and is applied for as 特困 (policy.md §3;
    rules.py: 特困优先), so the replay never enrols such a household on 低保. With `declared`
    (the income the application will declare and the check confirm), also one the county's own
    decision on that income enrols on 低保 on either day (found at `ningbo` scale, 2020-07: on
    the declared income a member the records left out was 特困)."""
    last = day + timedelta(days=DECISION_WITHIN_DAYS)
    return next(
        (
            h
            for h in pool
            if tekun_decision(h, day) is None
            and tekun_decision(h, last) is None
            and (
                declared is None
                or (
                    county_enrols_dibao(h, declared, day) and county_enrols_dibao(h, declared, last)
                )
            )
        ),
        None,
    )


def county_enrols_dibao(household: Any, income: Decimal, day: date) -> bool:
    """Whether the county's decision (`do_county_decide`: the declared facts on `income`) finds
    the applicant's household eligible for 低保 on `day`."""
    from minzheng.applications import queries
    from minzheng.assistance.rules import evaluate_household

    facts = queries.declared_facts(household, household.head, income, day, variable=False)
    decisions = evaluate_household(
        facts, queries.parameters_for(household.region_id, day), ["dibao"]
    )
    return any(
        d.programme == "dibao" and d.eligible and d.member_id in (None, str(household.head_id))
        for d in decisions
    )


def _quiet_households() -> Any:
    """Open households of two or more members with no application, enrolment or identity tag —
    their changes do not touch anyone's assistance."""
    from minzheng.registry.models import Household

    return (
        Household.objects.filter(closed_on__isnull=True, head__isnull=False)
        .exclude(applications__isnull=False)
        .exclude(enrolments__isnull=False)
        .exclude(memberships__person__identity_tags__isnull=False)
        .annotate(n=Count("memberships", filter=Q(memberships__valid_to__isnull=True)))
        .filter(n__gte=2)
    )


def change_requests_for_month(month: YearMonth, report: MonthReport) -> None:
    """A household change a month through the maker–checker pages' actions: on day 8 the township
    caseworker asks to make the spouse (or another adult member) head — the former head has moved
    into care; the county approver approves on day 10. Every third month a request to remove a
    member comes without the 户口迁移证明 and is rejected."""
    from minzheng.registry.actions import (
        do_approve_change_request,
        do_reject_change_request,
        do_submit_change_request,
    )
    from minzheng.registry.models import ChangeRequest, Household

    if ChangeRequest.objects.filter(
        submitted_at__gte=_month_start(month), submitted_at__lt=_month_start(month + 1)
    ).exists():
        return  # the month already has its change requests (a resumed run)
    n = _ordinal(month)
    pool = list(_quiet_households().order_by("id").values_list("id", flat=True)[:200])
    if not pool:
        return
    plans = [("head", pool[n % len(pool)])]
    if n % 3 == 0 and len(pool) > 1:
        plans.append(("remove", pool[(n * 7 + 1) % len(pool)]))
    for plan, household_id in plans:
        household = Household.objects.get(pk=household_id)
        chosen = head_successor(household)
        if chosen is None:
            continue
        caseworker = _caseworker(household.region_id)
        approver = _approver(_county_of_village(household.region_id))
        with clock.dated(_day(month, 8)):
            if plan == "head":
                change = ask_head_change(caseworker, household, chosen)
            else:
                change = do_submit_change_request(
                    caseworker,
                    kind=ChangeRequest.Kind.REMOVE_MEMBER,
                    household_id=household.pk,
                    payload={"person_id": chosen.person_id},
                    reason="成员户口迁出本市",
                )
        report.change_requests += 1
        with clock.dated(_day(month, 10)):
            if plan == "head":
                do_approve_change_request(approver, change.pk, comment="材料齐全，同意变更")
                report.changes_approved += 1
            else:
                do_reject_change_request(
                    approver, change.pk, comment="未提供户口迁移证明，请补齐材料后重新提交"
                )
                report.changes_rejected += 1


def head_successor(household: Household) -> Membership | None:
    """Who would head the household after its head: the spouse, else the first other member;
    None for a household of one."""
    from minzheng.registry.changes import current_members
    from minzheng.registry.models import Relationship

    members = current_members(household)
    others = [m for pid, m in sorted(members.items()) if pid != household.head_id]
    if not others:
        return None
    return next((m for m in others if m.relationship == Relationship.SPOUSE), others[0])


def ask_head_change(actor: User, household: Household, chosen: Membership) -> ChangeRequest:
    """家庭变更申请 making `chosen` head: the former head has moved into care (the replay's and
    the demo's request, through the maker–checker action)."""
    from minzheng.registry.actions import do_submit_change_request
    from minzheng.registry.models import ChangeRequest, Relationship

    return do_submit_change_request(
        actor,
        kind=ChangeRequest.Kind.CHANGE_HEAD,
        household_id=household.pk,
        payload={
            "new_head_id": chosen.person_id,
            "former_head_relationship": "spouse"
            if chosen.relationship == Relationship.SPOUSE
            else "parent",
        },
        reason="原户主入住养老机构，由家庭成员担任户主",
    )


def _month_start(month: YearMonth) -> datetime:
    """Midnight of the month's first day, local time (the replay's records are stamped 10:00)."""
    return timezone.make_aware(datetime.combine(month.first_day(), time(0)))


def temporary_cases_for_month(month: YearMonth, report: MonthReport) -> None:
    """临时救助 (the article's X) for a migrant outside the registry (`economy.migrants`): the
    township caseworker records it on day 15, the county approver approves it on day 17 for this
    month — the next month's roll pays it."""
    import numpy as np

    from minzheng.assistance.policy import load_policy
    from minzheng.assistance.queries import parameter_set
    from minzheng.payments.actions import do_create_temporary_case, do_decide_temporary_case
    from minzheng.payments.models import TemporaryCase
    from minzheng.registry import economy

    if TemporaryCase.objects.filter(
        created_at__gte=_month_start(month), created_at__lt=_month_start(month + 1)
    ).exists():
        return  # the month already has its case (a resumed run)
    n = _ordinal(month)
    townships = list(Region.objects.filter(level=Level.TOWNSHIP).order_by("code"))
    if not townships:
        return
    caseworkers = [
        u
        for u in User.objects.filter(role="township_caseworker", is_active=True).order_by("id")
        if u.region_id
    ]
    township = (
        Region.objects.get(pk=caseworkers[0].region_id)
        if caseworkers
        else townships[n % len(townships)]
    )
    caseworker = staff("township_caseworker", township.code, f"{township.name}经办员")
    approver = _approver(Region.objects.get(pk=full_code(county_of(township.code))))
    migrant = economy.migrants(np.random.default_rng([2020, 7, n]), 1)[0]
    with clock.dated(_day(month, 15)):
        standard = load_policy(parameter_set(county_of(township.code), clock.today())).standard
        case = do_create_temporary_case(
            caseworker,
            region=township,
            amount=Decimal(standard.value * migrant.standard_multiple),
            reason=f"外来务工人员：{migrant.reason}",
            bank_name="中国农业银行宁波分行",
            account_number=migrant.account_number,
            name=migrant.name,
            id_number=migrant.id_number,
        )
    with clock.dated(_day(month, 17)):
        do_decide_temporary_case(approver, case, approve=True, month=month)
    report.temporary_cases += 1


def _account_number(person_id: int, prefix: str) -> str:
    return f"{prefix}{person_id:010d}"


def register_accounts(roll_id: int) -> int:
    """Payees of the roll without an active account get one, registered by their township."""
    from minzheng.payments.actions import do_register_bank_accounts
    from minzheng.payments.models import PAYOUT_KINDS, BankAccount, PaymentLine
    from minzheng.registry.models import Person

    payees = set(
        PaymentLine.objects.filter(roll_id=roll_id, kind__in=PAYOUT_KINDS, payee__isnull=False)
        .values_list("payee_id", flat=True)
        .distinct()
    )
    having = set(
        BankAccount.objects.filter(person_id__in=payees, active=True).values_list(
            "person_id", flat=True
        )
    )
    bank, prefix = FIRST_BANK
    batches: dict[User, list[tuple[Person, str, str]]] = {}
    persons = list(Person.objects.filter(pk__in=payees - having).order_by("id"))
    villages = Region.objects.select_related("parent").in_bulk({p.region_id for p in persons})
    caseworkers = {code: _caseworker(code, village) for code, village in villages.items()}
    for person in persons:
        batches.setdefault(caseworkers[person.region_id], []).append(
            (person, bank, _account_number(person.pk, prefix))
        )
    for caseworker, entries in batches.items():  # each township's caseworker, their batch
        do_register_bank_accounts(caseworker, entries)
    return sum(len(entries) for entries in batches.values())


def _return_text(
    bank_file_id: int, month: YearMonth | None, closed: frozenset[str] = frozenset()
) -> tuple[str, int]:
    """The bank's return: paid, except planted 账号错误 on first-registered accounts and, for
    each village of `closed`, its last payee's account closed (账户已销户)."""
    from django.db.models import Max

    from minzheng.payments.models import BankFileLine

    rows = ["流水号,结果,说明"]
    failed = 0
    lines = BankFileLine.objects.filter(bank_file_id=bank_file_id, outcome__isnull=True)
    closing = set(
        lines.filter(payee__region_id__in=closed)
        .values("payee__region_id")
        .annotate(last=Max("seq"))
        .values_list("last", flat=True)
    )
    for line in lines.select_related("account").order_by("seq"):
        if line.seq in closing:
            rows.append(f"{line.reference},E102,账户已销户")
            failed += 1
            continue
        planted = (
            month is not None
            and line.payee_id is not None
            and line.account is not None
            and line.account.number_masked.startswith(FIRST_BANK[1][:4])
            and (line.payee_id * 7 + _ordinal(month)) % FAIL_ONE_IN == 0
        )
        if planted:
            rows.append(f"{line.reference},E101,账号错误")
            failed += 1
        else:
            rows.append(f"{line.reference},0000,")
    return "\n".join(rows) + "\n", failed


def import_return(
    bank_file_id: int, month: YearMonth | None, actor: User, closed: frozenset[str] = frozenset()
) -> int:
    from minzheng.payments.actions import do_import_bank_return
    from minzheng.payments.models import BankFile

    bank_file = BankFile.objects.get(pk=bank_file_id)
    text, failed = _return_text(bank_file_id, month, closed)
    if text.count("\n") <= 1:
        return 0  # nothing waiting for the bank (already returned, or no account at all)
    do_import_bank_return(
        actor, bank_file, text, filename=f"{RETURN_PREFIX}{bank_file.pk}-{clock.today():%Y%m%d}.csv"
    )
    return failed


def reissue_failures(county: Region) -> int:
    """Last month's failures: the caseworker corrects the account, the approver re-issues, the bank
    pays. Failures with no account to correct (no registered account) stay in the queue."""
    from minzheng.payments.actions import do_correct_account, do_reissue_failed, exception_queue

    queue = [
        line
        for line in exception_queue(county.code)
        if line.payee is not None and line.outcome.reason_code == "wrong_account"
    ]
    for line in queue:
        assert line.payee is not None
        bank, prefix = CORRECTED_BANK
        do_correct_account(
            _caseworker(line.payee.region_id),
            line,
            bank_name=bank,
            number=_account_number(line.payee.pk, prefix),
        )
    if not queue:
        return 0
    approver = _approver(county)
    reissue = do_reissue_failed(approver, county.code)
    if reissue is None:
        return 0
    import_return(reissue.pk, None, approver)
    return reissue.line_count


def make_roll(
    county: Region,
    month: YearMonth,
    report: MonthReport,
    *,
    approve: bool,
    closed: frozenset[str] = frozenset(),
) -> None:
    from minzheng.jobs.actions import run_system_job
    from minzheng.payments.models import Roll

    rolls = Roll.objects.filter(county=county, month=month.first_day())
    if rolls.exclude(status__in=(Roll.Status.DRAFT, Roll.Status.RETURNED)).exists():
        return  # this month's roll is already approved (a resumed run)
    if not approve and rolls.exists():
        return  # today's month made already (a second demo start): left to the approvers
    with clock.dated(_day(month, 5)):
        job = run_system_job("roll", {"county": county.code, "month": str(month)})
    if job.status != job.Status.SUCCEEDED:
        raise ValidationFailed(
            f"{county.name}{month}花名册生成失败：{job.error or job.status}", code="roll_failed"
        )
    roll_id = (job.result or {}).get("roll")
    roll = Roll.objects.filter(pk=int(roll_id)).first() if roll_id else None
    if roll is None:
        return  # nothing to pay in this county this month
    report.rolls += 1
    report.lines += roll.lines.count()
    if not approve or not roll.lines.exists():
        return
    _pay(county, month, roll, report, closed)


def _pay(
    county: Region,
    month: YearMonth,
    roll: Any,
    report: MonthReport,
    closed: frozenset[str] = frozenset(),
) -> None:
    from minzheng.payments.actions import do_approve_roll, do_export_bank_file

    approver = _approver(county)
    with clock.dated(_day(month, 6)):
        do_approve_roll(approver, roll)
        report.accounts += register_accounts(roll.pk)
        bank_file = do_export_bank_file(approver, roll)
    report.bank_files += 1
    with clock.dated(_day(month, 12)):
        report.failed += import_return(bank_file.pk, month, approver, closed)


def replay_month(
    month: YearMonth,
    *,
    open_month: bool = False,
    indices: Indices | None = None,
    closed: ClosedAccounts | None = None,
) -> MonthReport:
    """One month, each step through the platform's actions. `open_month`: today's month, whose
    rolls are made and left for the approvers (待审批); `closed`: accounts its bank return
    closes."""
    report = MonthReport(str(month))
    if AuditEvent.objects.filter(object_type=HISTORY_EVENT, object_id=str(month)).exists():
        report.skipped = True
        return report
    from minzheng.payments.jobs import price_subsidy_for

    counties = _counties()
    with clock.dated(_day(month, 1)):
        enter_price_index(month, PRICE_INDICES if indices is None else indices)
    with clock.dated(_day(month, 3)):
        for county in counties:
            report.reissued += reissue_failures(county)
        if not open_month:
            review_enrolments(month, report)
    applications_for_month(month, report, open_month=open_month)
    for county in counties:
        if not Enrolment.objects.filter(region_q(county.unit)).exists():
            continue
        make_roll(
            county,
            month,
            report,
            approve=not open_month,
            closed=closed.villages if closed is not None and closed.month == month else frozenset(),
        )
    if (
        not open_month
    ):  # after the rolls of day 5: a case approved on the 17th waits for next month's
        change_requests_for_month(month, report)
        temporary_cases_for_month(month, report)
    if counties:
        decision = price_subsidy_for(counties[0], month)
        if decision is not None and decision.triggered:
            report.price_subsidy = str(decision.per_person)
    if open_month:
        return report  # today's month is not finished: no marker, a later run completes it
    with clock.dated(month.last_day()):
        audit.record(
            None,
            AuditEvent.Action.CREATE,
            HISTORY_EVENT,
            str(month),
            summary=f"历史回放 {month}：花名册 {report.rolls} 份，发放 {report.lines} 笔",
            after=report.as_dict(),
        )
    return report


def run_history(
    start: YearMonth,
    end: YearMonth,
    *,
    progress: Progress | None = None,
    open_last: bool = False,
    indices: Indices | None = None,
    closed: ClosedAccounts | None = None,
) -> HistoryReport:
    """Replay `start`..`end` month by month; a month already replayed is skipped."""
    started = time_module.perf_counter()
    if not Region.objects.filter(level=Level.COUNTY).exists():
        raise ValidationFailed(
            "区划未加载，请先运行 minzheng migrate 并加载区划", code="no_regions"
        )
    report = HistoryReport()
    months = [start + i for i in range(start.months_until(end) + 1)]
    acting = _acting.set({})
    try:
        report.staged_gradual_exits = stage_seed_gradual_exits(start)
        report.staged_leavers = stage_households_that_left(start)
        for number, month in enumerate(months, start=1):
            result = _replay_one(
                month, open_month=open_last and month == end, indices=indices, closed=closed
            )
            report.months.append(result)
            if progress is not None:
                _progress(progress, number, len(months), month, result)
    finally:
        _acting.reset(acting)
    report.seconds = time_module.perf_counter() - started
    return report


def _replay_one(
    month: YearMonth,
    *,
    open_month: bool,
    indices: Indices | None,
    closed: ClosedAccounts | None = None,
) -> MonthReport:
    try:
        return replay_month(month, open_month=open_month, indices=indices, closed=closed)
    except DomainError as exc:
        raise ValidationFailed(f"{month} 回放失败：{exc.message}", code="history_failed") from exc


def _progress(
    progress: Progress, number: int, count: int, month: YearMonth, result: MonthReport
) -> None:
    if result.skipped:
        progress(f"[{number}/{count}] {month} 已回放过，跳过")
        return
    subsidy = f"，物价补贴 {result.price_subsidy} 元/人" if result.price_subsidy else ""
    progress(
        f"[{number}/{count}] {month}：花名册 {result.rolls} 份，"
        f"发放 {result.lines} 笔，银行文件 {result.bank_files} 个，"
        f"失败 {result.failed} 笔，重发 {result.reissued} 笔，"
        f"复核退出 {result.exits}，渐退 {result.gradual_exits}，"
        f"继续 {result.reviews}，"
        f"申请 {result.applications}（批准 {result.approved}，"
        f"不予通过 {result.refused}）{subsidy}"
    )


DEMO_HISTORY_MONTHS = 4
DEMO_INDEX_SOURCE = "演示数据（虚构，并非统计部门发布的价格指数）"


def demo_price_indices(start: YearMonth, end: YearMonth) -> Indices:
    """The demo's months: quiet prices, except one month whose food prices trigger 物价补贴."""
    quiet = (Decimal("1.1"), Decimal("2.0"), DEMO_INDEX_SOURCE)
    months = [start + i for i in range(start.months_until(end) + 1)]
    indices = dict.fromkeys(months[:-1], quiet)  # today's month has no index yet
    if len(months) >= 3:
        indices[months[-3]] = (Decimal("2.1"), Decimal("6.4"), DEMO_INDEX_SOURCE)
    return indices


def seed_demo_history(progress: Progress | None = None) -> HistoryReport:
    """The demo's last months up to today's (whose rolls wait for the approvers), replayed; last
    month's bank return closes an account in 福湖社区 and in each demo county's village
    (`registry.demo.DEMO_COUNTIES`), so 发放异常 has its caseworkers' work."""
    from minzheng.registry.demo import DEMO_COUNTIES, VILLAGE, county_village

    today = YearMonth.of(clock.today())
    start = today - DEMO_HISTORY_MONTHS
    villages = {VILLAGE} | {
        v.code for v in (county_village(c) for c in DEMO_COUNTIES) if v is not None
    }
    return run_history(
        start,
        today,
        open_last=True,
        indices=demo_price_indices(start, today),
        progress=progress,
        closed=ClosedAccounts(today - 1, frozenset(villages)),
    )


# ── the year against the article ─────────────────────────────────────────────────────────────


def year_spending(year: int) -> dict[str, Decimal]:
    """What the approved rolls paid for the months of `year`, by 低保金, 特困 and 物价补贴 (元)."""
    from minzheng.payments.models import PaymentLine, Roll, fen_to_yuan

    paid = PaymentLine.objects.filter(
        month__gte=date(year, 1, 1),
        month__lte=date(year, 12, 1),
        roll__status__in=(Roll.Status.APPROVED, Roll.Status.EXPORTED),
    )

    def total(q: Q) -> Decimal:
        fen = paid.filter(q).aggregate(s=Sum("amount_fen"))["s"] or 0
        return fen_to_yuan(int(fen))

    return {
        "dibao": total(Q(kind="benefit", programme="dibao")),
        "tekun": total(Q(kind="benefit", programme="tekun")),
        "price_subsidy": total(Q(kind="price_subsidy")),
    }


def compare_year(year: int) -> dict[str, Any]:
    """The replayed year's spending, scaled to the whole city, against the article."""
    from minzheng.payments.models import PaymentLine
    from minzheng.registry import economy
    from minzheng.registry.models import Person

    persons = Person.objects.count()
    if persons == 0:
        raise ValidationFailed("人员库为空：请先运行 minzheng seed", code="empty_registry")
    scale = Decimal(economy.NINGBO_RESIDENTS) / Decimal(persons)
    spent = year_spending(year)
    launches = (
        PaymentLine.objects.filter(
            kind="price_subsidy", month__gte=date(year, 1, 1), month__lte=date(year, 12, 1)
        )
        .values("month")
        .distinct()
        .count()
    )
    outside = Decimal(PRICE_SUBSIDY_CALIBRATION["outside_share"])
    rows: dict[str, Any] = {}
    article = {
        "dibao": Decimal(economy.ARTICLE_SPENDING_YUAN["dibao"]),
        "tekun": Decimal(economy.ARTICLE_SPENDING_YUAN["tekun"]),
        "price_subsidy": Decimal(PRICE_SUBSIDY_CALIBRATION["article_yuan"]),
    }
    for key, value in spent.items():
        city = value * scale
        if key == "price_subsidy":
            city = city * (1 + outside)  # + the groups paid outside this platform
        rows[key] = {
            "paid_here": str(value.quantize(Decimal("0.01"))),
            "ningbo_scaled": str(city.quantize(Decimal("1"))),
            "article": str(article[key]),
            "difference_pct": float(
                ((city - article[key]) / article[key] * 100).quantize(Decimal("0.01"))
            ),
        }
    return {
        "year": year,
        "persons": persons,
        "scale_to_ningbo": float(scale.quantize(Decimal("0.001"))),
        "price_subsidy_launches": launches,
        "article_launches": PRICE_SUBSIDY_CALIBRATION["article_launches"],
        "outside_share": str(outside),
        "spending": rows,
    }
