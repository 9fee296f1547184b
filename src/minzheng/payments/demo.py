"""Demo data for payments: last month's 海曙 roll made, approved by another person and its bank
file written, so 发放花名册, 银行文件, 发放统计 and 统计分析 show a month that happened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minzheng.accounts.models import User
from minzheng.core import clock
from minzheng.core.yearmonth import YearMonth
from minzheng.jobs.actions import run_system_job
from minzheng.payments.actions import do_approve_roll, do_export_bank_file
from minzheng.payments.models import Roll

if TYPE_CHECKING:
    from minzheng.registry.models import Person

HAISHU = "330203000000"
APPROVER = "approver_haishu"
VILLAGE = "330203001001"  # 福湖社区, the demo village assistant's
# (bank, number, holder, agent's relation, reason): one change a recipient, in turn
ACCOUNT_CHANGES = (
    ("中国建设银行", "6217000010012345677", "agent", "子女", "老人行动不便，由子女代领"),
    ("宁波银行", "6222021234567894", "applicant", "", "原卡挂失，换发新卡"),
)


def seed_demo() -> None:
    """Last month's roll, then the account changes (each idempotent)."""
    from minzheng.registry.demo import DEMO_COUNTIES

    _seed_last_month()
    seed_account_changes()
    for county in DEMO_COUNTIES:
        seed_county_account_changes(county)


def _seed_last_month() -> None:
    """Idempotent: a month whose roll is already approved is left as it is."""
    month = YearMonth.of(clock.today()) - 1
    if (
        Roll.objects.filter(county_id=HAISHU, month=month.first_day())
        .exclude(status=Roll.Status.DRAFT)
        .exists()
    ):
        return
    approver = User.objects.get(username=APPROVER)
    # The maker is a background job (no person), run through the job runner so 后台任务 shows it;
    # the county approver checks it.
    job = run_system_job("roll", {"county": HAISHU, "month": str(month)})
    if job.status != job.Status.SUCCEEDED:
        return
    roll = Roll.objects.get(pk=job.result["roll"])
    if not roll.lines.exists():
        return
    do_approve_roll(approver, roll)
    do_export_bank_file(approver, roll)


def seed_account_changes() -> None:
    """银行账户变更 in the demo: one change approved (an agent now holds the account, shown on the
    roll) and one waiting for approver_haishu, both for 南门街道 recipients, 福湖社区's first (the
    demo village assistant's page). Idempotent."""
    from django.db.models import Case, Value, When

    from minzheng.payments.models import AccountChange, BankAccount
    from minzheng.registry.models import Person

    if AccountChange.objects.exists():
        return
    caseworker = User.objects.filter(username="caseworker_nanmen").first()
    approver = User.objects.filter(username=APPROVER).first()
    if caseworker is None or approver is None:
        return  # not the demo's staff
    paid = BankAccount.objects.filter(active=True, person__isnull=False).values("person_id")
    people = list(
        Person.objects.visible_to(caseworker)
        .filter(pk__in=paid)
        .annotate(away=Case(When(region_id=VILLAGE, then=Value(0)), default=Value(1)))
        .order_by("away", "id")[:2]  # 福湖社区's first: the village assistant files them with him
    )
    _file_changes(caseworker, approver, people)


def seed_county_account_changes(county_code: str) -> int:
    """银行账户变更 in a county of `registry.demo.DEMO_COUNTIES` (鄞州): the same two changes for
    the first two paid recipients of the county's first township that has any, filed by its
    caseworker — one approved
    by the county approver, one waiting for them. Nothing when the county has a change already."""
    from minzheng.core.regioncode import RegionCode
    from minzheng.payments.models import AccountChange, BankAccount
    from minzheng.registry.models import Person
    from minzheng.registry.year import _caseworker

    unit = RegionCode.of(county_code)
    if AccountChange.objects.unscoped_within(unit).exists():
        return 0
    from minzheng.registry.demo import county_approver

    approver = county_approver(county_code)
    if approver is None:
        return 0
    paid = BankAccount.objects.filter(active=True, person__isnull=False).values("person_id")
    first = Person.objects.unscoped_within(unit).filter(pk__in=paid).order_by("id").first()
    if first is None:
        return 0
    township = RegionCode.of(first.region_id).township  # one caseworker files both
    people = list(Person.objects.unscoped_within(township).filter(pk__in=paid).order_by("id")[:2])
    return _file_changes(_caseworker(first.region_id), approver, people)


def _file_changes(caseworker: User, approver: User, people: list[Person]) -> int:
    """`ACCOUNT_CHANGES` for `people` in turn: the agent's approved, the new card's waiting."""
    from minzheng.payments.account_changes import do_decide_account_change, do_file_account_change
    from minzheng.payments.accounts import check_account_form

    made = 0
    for person, (bank, number, holder, relation, reason) in zip(
        people, ACCOUNT_CHANGES, strict=False
    ):
        form = check_account_form(
            person,
            bank_name=bank,
            number=number,
            holder=holder,
            agent_name=f"{person.name[0]}晓梅" if holder == "agent" else "",
            relation=relation,
        )
        change = do_file_account_change(caseworker, person, form, reason=reason)
        if holder == "agent":
            do_decide_account_change(approver, change.pk, approve=True, comment="委托书齐全")
        made += 1
    return made
