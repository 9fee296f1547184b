"""Checking and writing a legacy export (docs/adoption.md).

Every bad row is reported with its file, row, column and a Chinese reason; a household with one
bad row in households, members or enrolments is refused whole, with its payments. The good ones
are written a chunk of households per transaction, each created row keyed by its legacy key in
`MigrationKey`, so a second run — or a run after an interruption — writes only what is missing.
Nothing is re-evaluated silently: where the platform's rules give another amount than the one
imported, the imported amount is kept and a `MigrationReview` holds both figures.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.adoption.formats import LegacyFiles, Row
from minzheng.adoption.models import (
    LegacyPayment,
    MigrationBatch,
    MigrationKey,
    MigrationReview,
)
from minzheng.assistance.actions.enrolments import counted_persons
from minzheng.assistance.models import Enrolment, EnrolmentAmount, IncomeRecord, IncomeSource
from minzheng.assistance.programmes import ProgrammeCode
from minzheng.core.errors import ValidationFailed
from minzheng.core.idnumber import parse as parse_id_number
from minzheng.core.inputs import parse_amount
from minzheng.core.pii import ID_NUMBER, blind_index
from minzheng.core.regioncode import RegionCode
from minzheng.core.yearmonth import YearMonth
from minzheng.regions.models import Level, Region
from minzheng.registry.models import Household, Membership, Person, Relationship

CHUNK_HOUSEHOLDS = 200
MAX_AMOUNT = Decimal("100000")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
PROGRAMME_LABELS = {"低保": "dibao", "低边": "dibian", "低保边缘": "dibian", "特困": "tekun"}
PAID_PROGRAMMES = {"dibao", "dibian", "tekun"}
RELATIONSHIP_LABELS = {label: code for code, label in Relationship.choices}
STATUS_LABELS = {
    "已发放": "paid",
    "成功": "paid",
    "paid": "paid",
    "失败": "failed",
    "failed": "failed",
}
CARE_LABELS = {"": "", "自理": "self_care", "半护理": "partial", "全护理": "full"}
ALLOWED_CARE = {"", "self_care", "partial", "full"}


@dataclass(frozen=True)
class BadRow:
    file: str
    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": f"{self.file}",
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


@dataclass
class Member:
    row: Row
    name: str
    id_number: str
    index: str
    sex: str
    birth_date: date | None
    relationship: str
    phone: str
    income: Decimal


@dataclass
class PlannedEnrolment:
    row: Row
    programme: str
    beneficiary_index: str  # "" for a household benefit
    amount: Decimal
    start: YearMonth
    last_month: YearMonth | None
    care_level: str

    @property
    def key(self) -> str:
        return f"{self.programme}|{self.beneficiary_index}"


@dataclass
class PlannedPayment:
    row: Row
    programme: str
    beneficiary_index: str
    month: YearMonth
    amount: Decimal
    status: str


@dataclass
class PlannedHousehold:
    row: Row
    number: str
    village: Region
    address: str
    members: list[Member] = field(default_factory=list)
    enrolments: list[PlannedEnrolment] = field(default_factory=list)
    payments: list[PlannedPayment] = field(default_factory=list)


@dataclass
class Plan:
    households: list[PlannedHousehold]
    accounts: list[tuple[Row, str, str, str, str]]  # row, id index, holder name, bank, number
    errors: list[BadRow]


def _clean(row: Row, column: str, errors: list[BadRow], *, required: bool, limit: int) -> str:
    value = row.get(column)
    if CONTROL.search(value):
        errors.append(BadRow(row.table, row.number, column, "含有控制字符"))
        return ""
    if required and not value:
        errors.append(BadRow(row.table, row.number, column, "不能为空"))
    if len(value) > limit:
        errors.append(BadRow(row.table, row.number, column, f"超过 {limit} 个字符"))
        return ""
    return value


def _money(row: Row, column: str, errors: list[BadRow], *, required: bool) -> Decimal:
    """The platform's one amount check (core.inputs.parse_amount), its refusal kept as a bad row."""
    text = row.get(column)
    if not text and not required:
        return Decimal(0)
    try:
        return parse_amount(text, "金额", maximum=MAX_AMOUNT)
    except ValidationFailed as exc:
        errors.append(BadRow(row.table, row.number, column, exc.message))
        return Decimal(0)


def _month(row: Row, column: str, errors: list[BadRow], *, required: bool) -> YearMonth | None:
    text = row.get(column)
    if not text:
        if required:
            errors.append(BadRow(row.table, row.number, column, "不能为空"))
        return None
    match = re.fullmatch(r"(\d{4})[-/.年]?(\d{1,2})月?", text)
    if (
        match is None
        or not 1 <= int(match.group(2)) <= 12
        or not 1990 <= int(match.group(1)) <= 2100
    ):
        errors.append(BadRow(row.table, row.number, column, f"月份 {text[:20]} 应为 YYYY-MM"))
        return None
    return YearMonth(int(match.group(1)), int(match.group(2)))


def _programme(row: Row, errors: list[BadRow]) -> str:
    text = row.get("programme")
    code = PROGRAMME_LABELS.get(text, text)
    if code not in PAID_PROGRAMMES:
        errors.append(
            BadRow(
                row.table, row.number, "programme", f"救助项目 {text[:20]} 应为 低保、低边 或 特困"
            )
        )
        return ""
    return code


def _id_index(row: Row, column: str, errors: list[BadRow], today: date) -> tuple[str, Any]:
    check = parse_id_number(row.get(column), today=today)
    if not check.valid:
        reason = check.error.message if check.error else "身份证号码无效"
        errors.append(BadRow(row.table, row.number, column, reason))
        return "", check
    return blind_index(ID_NUMBER, check.normalized), check


def plan_import(files: LegacyFiles, scope: RegionCode, today: date) -> Plan:
    """Check every row; the households that pass whole, the accounts that pass, every error."""
    errors: list[BadRow] = []
    bad: set[str] = set()  # household numbers refused
    households: dict[str, PlannedHousehold] = {}
    tables = files.tables
    if "households" not in tables or "members" not in tables:
        errors.append(BadRow("households", 0, "", "缺少 households 或 members 表"))
        return Plan([], [], errors)
    villages = {
        r.code: r for r in Region.objects.filter(level=Level.VILLAGE).select_related("parent")
    }
    for row in tables["households"]:
        before = len(errors)
        number = _clean(row, "household_no", errors, required=True, limit=60)
        address = _clean(row, "address", errors, required=True, limit=200)
        village = villages.get(row.get("village_code"))
        if village is None:
            errors.append(
                BadRow(row.table, row.number, "village_code", "不是有效的村（社区）区划代码")
            )
        elif not scope.contains(village.code):
            errors.append(BadRow(row.table, row.number, "village_code", "不在您的管辖范围内"))
        if number in households:
            errors.append(BadRow(row.table, row.number, "household_no", "家庭编号重复"))
            bad.add(number)
        elif len(errors) == before and village is not None:
            households[number] = PlannedHousehold(row, number, village, address)
        elif number:
            bad.add(number)

    seen_people: dict[str, str] = {}
    for row in tables["members"]:
        before = len(errors)
        number = row.get("household_no")
        name = _clean(row, "name", errors, required=True, limit=60)
        index, check = _id_index(row, "id_number", errors, today)
        relationship = RELATIONSHIP_LABELS.get(row.get("relationship"), row.get("relationship"))
        if relationship not in Relationship.values:
            errors.append(
                BadRow(row.table, row.number, "relationship", "与户主关系应为 户主、配偶、子女 等")
            )
        phone = row.get("phone")
        if phone and not re.fullmatch(r"1\d{10}", phone):
            errors.append(BadRow(row.table, row.number, "phone", "手机号应为 11 位数字"))
        income = _money(row, "monthly_income", errors, required=False)
        if index and index in seen_people and seen_people[index] != number:
            errors.append(BadRow(row.table, row.number, "id_number", "同一身份证号出现在两个家庭"))
        if number not in households:
            reason = (
                "所属家庭有错误，整户未导入" if number in bad else "家庭编号不在 households 表中"
            )
            errors.append(BadRow(row.table, row.number, "household_no", reason))
        if len(errors) != before:
            bad.add(number)
            continue
        seen_people[index] = number
        households[number].members.append(
            Member(
                row,
                name,
                check.normalized,
                index,
                check.sex or "",
                check.birth_date,
                relationship,
                phone,
                income,
            )
        )
    for number, household in households.items():
        heads = [m for m in household.members if m.relationship == Relationship.HEAD]
        if len(heads) != 1 and number not in bad:
            errors.append(
                BadRow("households", household.row.number, "household_no", "每户应有且只有一名户主")
            )
            bad.add(number)

    for row in tables.get("enrolments", []):
        before = len(errors)
        number = row.get("household_no")
        programme = _programme(row, errors)
        amount = _money(row, "monthly_amount", errors, required=True)
        start = _month(row, "start_month", errors, required=True)
        last = _month(row, "gradual_exit_end_month", errors, required=False)
        if start and last and last < start:
            errors.append(
                BadRow(row.table, row.number, "gradual_exit_end_month", "渐退截止月份早于起始月份")
            )
        care = CARE_LABELS.get(row.get("care_level"), row.get("care_level"))
        if care not in ALLOWED_CARE:
            errors.append(
                BadRow(row.table, row.number, "care_level", "照料等级应为 自理、半护理 或 全护理")
            )
        beneficiary = ""
        found = households.get(number)
        if row.get("beneficiary_id_number"):
            beneficiary, _ = _id_index(row, "beneficiary_id_number", errors, today)
            if beneficiary and found and beneficiary not in {m.index for m in found.members}:
                errors.append(
                    BadRow(row.table, row.number, "beneficiary_id_number", "不是该户成员")
                )
        elif programme == ProgrammeCode.TEKUN:
            errors.append(
                BadRow(row.table, row.number, "beneficiary_id_number", "特困供养须填写对象身份证号")
            )
        if found is None and number not in bad:
            errors.append(
                BadRow(row.table, row.number, "household_no", "家庭编号不在 households 表中")
            )
        if found is not None and any(
            e.programme == programme and e.beneficiary_index == beneficiary
            for e in found.enrolments
        ):
            errors.append(BadRow(row.table, row.number, "programme", "同一救助项目重复"))
        if len(errors) != before or found is None or start is None:
            bad.add(number)
            continue
        found.enrolments.append(
            PlannedEnrolment(row, programme, beneficiary, amount, start, last, care)
        )

    for row in tables.get("payments", []):
        before = len(errors)
        number = row.get("household_no")
        programme = _programme(row, errors)
        month = _month(row, "month", errors, required=True)
        amount = _money(row, "amount", errors, required=True)
        status = STATUS_LABELS.get(row.get("status"))
        if status is None:
            errors.append(BadRow(row.table, row.number, "status", "发放状态应为 已发放 或 失败"))
        beneficiary = ""
        if row.get("beneficiary_id_number"):
            beneficiary, _ = _id_index(row, "beneficiary_id_number", errors, today)
        if number in bad or number not in households:
            errors.append(BadRow(row.table, row.number, "household_no", "所属家庭未导入"))
        if len(errors) != before or month is None or status is None:
            continue
        households[number].payments.append(
            PlannedPayment(row, programme, beneficiary, month, amount, status)
        )

    good = {n: h for n, h in households.items() if n not in bad}
    people = {m.index: (m.name, n) for n, h in good.items() for m in h.members}
    accounts = []
    for row in tables.get("bank_accounts", []):
        before = len(errors)
        index, _ = _id_index(row, "id_number", errors, today)
        bank = _clean(row, "bank_name", errors, required=True, limit=60)
        digits = row.get("account_number").replace(" ", "")
        if not digits.isdigit() or not 8 <= len(digits) <= 30:
            errors.append(
                BadRow(row.table, row.number, "account_number", "银行账号应为8至30位数字")
            )
        if index and index not in people:
            errors.append(
                BadRow(row.table, row.number, "id_number", "账户持有人不在导入的家庭成员中")
            )
        if len(errors) == before:
            accounts.append((row, index, people[index][0], bank, digits))
    return Plan(list(good.values()), accounts, errors)


def totals(plan: Plan) -> dict[str, Any]:
    """What the import creates: by county and programme, and the payment history by month."""
    by_county: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"enrolments": 0, "monthly_amount": Decimal(0)}
    )
    by_month: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"payments": 0, "amount": Decimal(0)}
    )
    counties = {r.code: r.name for r in Region.objects.filter(level=Level.COUNTY)}
    for household in plan.households:
        parent = household.village.parent
        county = (parent.parent_id if parent else None) or ""
        for enrolment in household.enrolments:
            cell = by_county[(counties.get(county, county), enrolment.programme)]
            cell["enrolments"] += 1
            cell["monthly_amount"] += enrolment.amount
        for payment in household.payments:
            cell = by_month[(str(payment.month), payment.programme)]
            cell["payments"] += 1
            cell["amount"] += payment.amount
    return {
        "households": len(plan.households),
        "persons": sum(len(h.members) for h in plan.households),
        "enrolments": sum(len(h.enrolments) for h in plan.households),
        "accounts": len(plan.accounts),
        "payments": sum(len(h.payments) for h in plan.households),
        "by_county": [
            {
                "county": c,
                "programme": p,
                "enrolments": v["enrolments"],
                "monthly_amount": str(v["monthly_amount"]),
            }
            for (c, p), v in sorted(by_county.items())
        ],
        "by_month": [
            {"month": m, "programme": p, "payments": v["payments"], "amount": str(v["amount"])}
            for (m, p), v in sorted(by_month.items())
        ],
    }


def _key(batch: MigrationBatch, kind: str, key: str, object_id: int, row: Row) -> None:
    MigrationKey.objects.create(
        kind=kind,
        key=key,
        object_id=object_id,
        batch=batch,
        source_file=f"{row.table}",
        source_row=row.number,
    )


def write_plan(batch: MigrationBatch, plan: Plan, actor: User | None) -> dict[str, int]:
    """Write what is not there yet, a chunk of households per transaction."""
    from minzheng.payments.actions.accounts import _new_account

    done = {
        "households": 0,
        "skipped_households": 0,
        "enrolments": 0,
        "accounts": 0,
        "payments": 0,
        "reviews": 0,
    }
    existing = set(MigrationKey.objects.filter(kind="household").values_list("key", flat=True))
    pending = [h for h in plan.households if h.number not in existing]
    done["skipped_households"] = len(plan.households) - len(pending)
    for start in range(0, len(pending), CHUNK_HOUSEHOLDS):
        with transaction.atomic():
            for planned in pending[start : start + CHUNK_HOUSEHOLDS]:
                _write_household(batch, planned, actor, done)
    have_account = set(MigrationKey.objects.filter(kind="account").values_list("key", flat=True))
    persons = {
        p.id_number_index: p
        for p in Person.objects.filter(id_number_index__in=[a[1] for a in plan.accounts])
    }
    with transaction.atomic():
        for row, index, holder, bank, digits in plan.accounts:
            person = persons.get(index)
            if index in have_account or person is None:
                continue
            from minzheng.payments.models import BankAccount

            BankAccount.objects.filter(person=person, active=True).update(active=False)
            account = _new_account(person=person, holder_name=holder, bank_name=bank, number=digits)
            _key(batch, "account", index, account.pk, row)
            done["accounts"] += 1
    return done


def _write_household(
    batch: MigrationBatch, planned: PlannedHousehold, actor: User | None, done: dict[str, int]
) -> None:
    months = [e.start for e in planned.enrolments] + [p.month for p in planned.payments]
    since = min(months).first_day() if months else timezone.localdate()
    people: dict[str, Person] = {
        p.id_number_index or "": p
        for p in Person.objects.filter(id_number_index__in=[m.index for m in planned.members])
    }
    household = Household.objects.create(region=planned.village, address=planned.address)
    _key(batch, "household", planned.number, household.pk, planned.row)
    for member in planned.members:
        person = people.get(member.index)
        if person is None:
            person = Person(
                name=member.name,
                sex=member.sex,
                birth_date=member.birth_date,
                region=planned.village,
                address=planned.address,
            )
            person.set_id_number(member.id_number)
            person.set_phone(member.phone)
            person.save()
            people[member.index] = person
            _key(batch, "person", member.index, person.pk, member.row)
        Membership.objects.create(
            household=household, person=person, relationship=member.relationship, valid_from=since
        )
        if member.relationship == Relationship.HEAD:
            household.head = person
        if member.income > 0:
            IncomeRecord.objects.create(
                person=person,
                kind="wage",
                monthly_amount=member.income,
                valid_from=since,
                source=IncomeSource.DECLARED,
                note=f"原系统迁移（{batch.source_name} 第{member.row.number}行）",
            )
    household.save(update_fields=["head"])
    for planned_enrolment in planned.enrolments:
        person = (
            people.get(planned_enrolment.beneficiary_index)
            if planned_enrolment.beneficiary_index
            else None
        )
        last = planned_enrolment.last_month
        enrolment = Enrolment.objects.create(
            household=household,
            person=person,
            programme=ProgrammeCode(planned_enrolment.programme).value,
            region=planned.village,
            status=Enrolment.Status.GRADUAL_EXIT if last else Enrolment.Status.ACTIVE,
            start_month=planned_enrolment.start.first_day(),
            end_month=(last + 1).first_day() if last else None,
            # The former system kept no rules' decision: the members living together at the start.
            persons=counted_persons(household, person, {}, planned_enrolment.start),
            care_level=planned_enrolment.care_level,
            decision={
                "source": "原系统迁移",
                "batch": batch.pk,
                "row": planned_enrolment.row.number,
            },
            created_by=actor,
        )
        EnrolmentAmount.objects.create(
            enrolment=enrolment,
            effective_month=planned_enrolment.start.first_day(),
            amount=planned_enrolment.amount,
            reason="原系统迁移",
        )
        _key(
            batch,
            "enrolment",
            f"{planned.number}|{planned_enrolment.key}",
            enrolment.pk,
            planned_enrolment.row,
        )
        done["enrolments"] += 1
        if _review_if_rules_differ(batch, enrolment, planned_enrolment.amount):
            done["reviews"] += 1
    for payment in planned.payments:
        person = (
            people.get(payment.beneficiary_index) if payment.beneficiary_index else household.head
        )
        LegacyPayment.objects.create(
            household=household,
            person=person,
            region=planned.village,
            programme=payment.programme,
            month=payment.month.first_day(),
            amount=payment.amount,
            status=payment.status,
            batch=batch,
            source_row=payment.row.number,
        )
        done["payments"] += 1
    done["households"] += 1


def rule_figure(enrolment: Enrolment, as_of: date) -> tuple[bool, Decimal, dict[str, Any]] | None:
    """What the platform's rules say for this enrolment's household today, or None when the
    rules do not decide the programme."""
    from minzheng.assistance.eligibility import evaluate, explanation, household_facts

    facts = household_facts(enrolment.household, as_of)
    decisions = evaluate(facts, [enrolment.programme])
    member = str(enrolment.person_id) if enrolment.person_id else None
    for decision in decisions:
        if decision.programme == enrolment.programme and (
            member is None or decision.member_id == member
        ):
            return decision.eligible, decision.monthly_amount, explanation([decision], facts)
    return None


def _review_if_rules_differ(batch: MigrationBatch, enrolment: Enrolment, imported: Decimal) -> bool:
    if enrolment.status == Enrolment.Status.GRADUAL_EXIT:
        return False  # 渐退 keeps a past amount by design: nothing to compare
    figure = rule_figure(enrolment, YearMonth.of(timezone.localdate()).first_day())
    if figure is None:
        return False
    eligible, amount, explained = figure
    if eligible and amount == imported:
        return False
    MigrationReview.objects.create(
        enrolment=enrolment,
        region_id=enrolment.region_id,
        imported_amount=imported,
        rule_amount=amount if eligible else Decimal(0),
        rule_eligible=eligible,
        explanation=explained,
        batch=batch,
    )
    return True
