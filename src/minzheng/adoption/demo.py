"""Demo: the day the bureau adopted the platform — the former system's last recipients moved over.

The city administrator imports a small export of the former provincial system (低保 households
of 海曙 and 鄞州, their members, amounts, bank accounts and the last three months it paid) the way
a bureau would: a dry run, then the import, through `do_import_legacy` (one audit event each). The
export is written in memory in the import format (`formats.TABLES`, CSV files in a .zip) and read
by the same reader as an upload. Most households' amounts are what the platform's rules give for
the facts exported; `DIFFERING` lists the few where the former system paid another amount (last
year's standard, an income it never updated, its own rounding), so the importer queues them in
迁移金额核对: in 福湖社区 (the village assistant's and 南门街道's caseworker's), in another 海曙
township and in 鄞州. The county approvers have decided some (kept, or the rules' amount adopted
from next month, through `do_resolve_review`); the others wait for them.

The people are new to the registry (their ID numbers are checked against it), so no household the
demo has enrolled is enrolled twice. Idempotent: nothing when the import has been done.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from minzheng.core.regioncode import county_of
from minzheng.core.yearmonth import YearMonth

SOURCE_NAME = "原救助系统存量数据（演示）.zip"
IMPORTER = "city_admin"
FUHU = "330203001001"  # 福湖社区 (南门街道, 海曙)
HESHAN = "330203001002"  # 和山花园社区 (南门街道)
FUWAN = "330203002001"  # 福湾社区 (江厦街道, 海曙)
FUHUI = "330212003001"  # 福晖新村社区 (下应街道, 鄞州)
HONGTING = "330212004001"  # 宏庭家园社区 (钟公庙街道, 鄞州)
HISTORY_MONTHS = 3  # the months the former system paid before the platform took over

# A family: (relationship, birth date, sex "男"/"女", monthly income in 元) per member, head first.
FAMILIES: tuple[tuple[tuple[str, str, str, str], ...], ...] = (
    (("户主", "19700314", "女", "200"),),
    (("户主", "19741102", "男", "600"), ("配偶", "19760521", "女", "0")),
    (("户主", "19850709", "女", "900"), ("子女", "20140218", "男", "0")),
    (("户主", "19680830", "男", "500"), ("配偶", "19700112", "女", "0")),
    (
        ("户主", "19800415", "男", "1200"),
        ("配偶", "19820903", "女", "0"),
        ("子女", "20100627", "女", "0"),
    ),
    (("户主", "19670126", "男", "300"),),
)
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜戚谢邹喻柏"
GIVEN = {
    "男": ("建华", "国平", "志明", "海峰", "德福", "文斌", "永康", "立新"),
    "女": ("秀英", "桂芳", "美华", "丽君", "玉兰", "春燕", "月娥", "雅琴"),
}
# Why the former system's amount differs from the rules':
OLD_STANDARD = "old_standard"  # it never applied this year's higher standard: 40 元 a person less
OLD_INCOME = "old_income"  # it still paid on no income; the export records a wage above the line
ROUNDING = "rounding"  # it rounded to the jiao where the rules round to the yuan
KEPT_REASON = "经入户核实，原系统金额有据可查，暂保留原金额，待年度复核时统一调整"
KEPT_INELIGIBLE_REASON = "户主新就业收入待核实，先保留原金额，已安排入户复核"
ADOPTED_REASON = "原系统未执行本年度低保标准，按本平台规则测算金额自下月起调整"


@dataclass(frozen=True)
class Differing:
    village: str
    family: int  # an index into FAMILIES
    why: str
    decision: str  # "" waits in 迁移金额核对; "kept" or "adopted" by the county approver


DIFFERING: tuple[Differing, ...] = (
    Differing(FUHU, 1, OLD_STANDARD, ""),
    Differing(FUHU, 4, OLD_INCOME, ""),
    Differing(FUHU, 0, ROUNDING, "kept"),
    Differing(FUWAN, 2, OLD_STANDARD, "adopted"),
    Differing(FUHUI, 3, OLD_STANDARD, ""),
    Differing(FUHUI, 5, ROUNDING, "adopted"),
    Differing(HONGTING, 1, OLD_INCOME, "kept"),
)
# (village, households whose amount the former system computed as the rules do)
MATCHING: tuple[tuple[str, int], ...] = (
    (FUHU, 3),
    (HESHAN, 3),
    (FUWAN, 3),
    (FUHUI, 4),
    (HONGTING, 4),
)
STREETS = ("解放南路", "柳汀街", "开明街", "镇明路", "中山西路", "四明中路", "天童南路", "钱湖北路")


@dataclass
class _Member:
    name: str
    relationship: str
    born: date
    sex: str
    income: Decimal
    id_number: str = ""


@dataclass
class _Household:
    number: str
    village: str
    address: str
    members: list[_Member]
    why: str
    decision: str
    start: YearMonth
    amount: Decimal = Decimal(0)


def seed_demo() -> int:
    """Import the export and decide some reviews; returns the reviews the import queued (0 when
    the import has been done, or there is no city administrator)."""
    from minzheng.accounts.models import User
    from minzheng.adoption.actions import do_import_legacy
    from minzheng.adoption.formats import read_legacy
    from minzheng.adoption.models import MigrationBatch

    if MigrationBatch.objects.filter(
        source_name=SOURCE_NAME, mode=MigrationBatch.Mode.IMPORT
    ).exists():
        return 0
    importer = User.objects.filter(username=IMPORTER, is_active=True).first()
    if importer is None:
        return 0
    households = _households()
    files = read_legacy(SOURCE_NAME, _export(households), mapping={})
    do_import_legacy(importer, files, dry_run=True)  # 试运行 first, as the page asks
    batch = do_import_legacy(importer, files, dry_run=False)
    _decide(households, batch.pk)
    return int(batch.report.get("written", {}).get("reviews", 0))


def _households() -> list[_Household]:
    """The export's households, each amount set from the rules' figure for its facts."""
    planned: list[_Household] = []
    plan = [(d.village, d.family, d.why, d.decision) for d in DIFFERING]
    for village, count in MATCHING:
        plan += [(village, (len(plan) + i) % len(FAMILIES), "", "") for i in range(count)]
    for n, (village, family, why, decision) in enumerate(plan):
        members = []
        for k, (relationship, born, sex, income) in enumerate(FAMILIES[family]):
            surname = SURNAMES[(n + 7 * (relationship == "配偶")) % len(SURNAMES)]
            given = GIVEN[sex][(n + 3 * k) % len(GIVEN[sex])]
            members.append(
                _Member(
                    surname + given,
                    relationship,
                    date(int(born[:4]), int(born[4:6]), int(born[6:])),
                    sex,
                    Decimal(income),
                )
            )
        if why == OLD_INCOME:  # the wage found since, above the line; the old amount ignored it
            members[0].income = Decimal(1100 * len(members))
        address = f"{STREETS[n % len(STREETS)]}{12 + 3 * n}号"
        start = YearMonth(2019 + n % 6, 1 + (5 * n) % 12)
        planned.append(
            _Household(f"YB{n + 1:05d}", village, address, members, why, decision, start)
        )
    _assign_id_numbers(planned)
    as_of = YearMonth.of(timezone.localdate()).first_day()
    for household in planned:
        household.amount = _former_amount(household, as_of)
    return planned


def _assign_id_numbers(planned: list[_Household]) -> None:
    """Valid numbers of the county, born as recorded, that no one in the registry holds: the
    importer would otherwise take the registry's person into a second household."""
    from minzheng.core.idnumber import check_digit
    from minzheng.core.pii import ID_NUMBER, blind_index
    from minzheng.registry.models import Person

    def candidate(household: _Household, member: _Member, attempt: int) -> str:
        sequence = (350 + 3 * int(household.number[2:]) + attempt) % 500  # odd for men
        serial = 2 * sequence + (member.sex == "男")
        first17 = f"{county_of(household.village)}{member.born:%Y%m%d}{serial:03d}"
        return first17 + check_digit(first17)

    taken = set()
    for attempt in range(50):
        wanted = {
            id(m): candidate(h, m, attempt) for h in planned for m in h.members if not m.id_number
        }
        if not wanted:
            return
        indexes = {number: blind_index(ID_NUMBER, number) for number in wanted.values()}
        held = set(
            Person.objects.filter(id_number_index__in=list(indexes.values())).values_list(
                "id_number_index", flat=True
            )
        )
        for household in planned:
            for member in household.members:
                number = wanted.get(id(member))
                if number and indexes[number] not in held and number not in taken:
                    member.id_number = number
                    taken.add(number)
    raise RuntimeError("演示迁移数据：找不到未被占用的身份证号")


def _rule_amount(household: _Household, as_of: date, *, incomes: bool = True) -> Decimal:
    """What the platform's rules give for the household's exported facts (as the importer's
    comparison reads them once imported: co-resident members, declared wages, no assets)."""
    from minzheng.assistance.eligibility import (
        RELATIONSHIP_TO_APPLICANT,
        HouseholdIn,
        IncomeIn,
        MemberIn,
        evaluate,
        facts_from_input,
    )
    from minzheng.assistance.facts import IncomeKind
    from minzheng.registry.models import Relationship

    codes = {label: code for code, label in Relationship.choices}
    facts = facts_from_input(
        HouseholdIn(
            region=county_of(household.village),
            as_of=as_of,
            programmes=["dibao"],
            members=[
                MemberIn(
                    id=m.name,
                    relationship=RELATIONSHIP_TO_APPLICANT[codes[m.relationship]],
                    birth_date=m.born,
                    incomes=[IncomeIn(kind=IncomeKind.WAGE, monthly_amount=m.income)]
                    if incomes and m.income > 0
                    else [],
                )
                for m in household.members
            ],
        )
    )
    decision = next(d for d in evaluate(facts, ["dibao"]) if d.programme == "dibao")
    if not decision.eligible:
        raise RuntimeError(f"演示迁移数据：{household.number} 按规则不符合低保条件")
    return Decimal(decision.monthly_amount)


def _former_amount(household: _Household, as_of: date) -> Decimal:
    if household.why == OLD_INCOME:
        return _rule_amount(household, as_of, incomes=False)
    amount = _rule_amount(household, as_of)
    if household.why == OLD_STANDARD:
        return amount - 40 * len(household.members)
    if household.why == ROUNDING:
        return amount - Decimal("0.40")
    return amount


def _export(households: list[_Household]) -> bytes:
    """The five tables as CSV files in a .zip, the columns of `formats.TABLES`."""
    from minzheng.adoption.formats import TABLES

    last = YearMonth.of(timezone.localdate()) - 1
    rows: dict[str, list[dict[str, str]]] = {table: [] for table in TABLES}
    for n, h in enumerate(households):
        rows["households"].append(
            {"household_no": h.number, "village_code": h.village, "address": h.address}
        )
        for m in h.members:
            rows["members"].append(
                {
                    "household_no": h.number,
                    "name": m.name,
                    "id_number": m.id_number,
                    "relationship": m.relationship,
                    "monthly_income": f"{m.income:.2f}" if m.income else "",
                }
            )
        rows["enrolments"].append(
            {
                "household_no": h.number,
                "programme": "低保",
                "monthly_amount": f"{h.amount:.2f}",
                "start_month": str(h.start),
            }
        )
        head = h.members[0]
        bank = "鄞州银行" if county_of(h.village) == "330212" else "宁波银行"
        rows["bank_accounts"].append(
            {"id_number": head.id_number, "bank_name": bank, "account_number": f"62148302{n:08d}"}
        )
        for back in range(HISTORY_MONTHS, 0, -1):
            month = last - (back - 1)
            failed = n == len(households) - 1 and back == HISTORY_MONTHS
            rows["payments"].append(
                {
                    "household_no": h.number,
                    "programme": "低保",
                    "month": str(month),
                    "amount": f"{h.amount:.2f}",
                    "status": "失败" if failed else "已发放",
                }
            )
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for table, (required, optional) in TABLES.items():
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=[*required, *optional])
            writer.writeheader()
            writer.writerows(rows[table])
            archive.writestr(f"{table}.csv", text.getvalue().encode("utf-8"))
    return data.getvalue()


def _decide(households: list[_Household], batch_id: int) -> None:
    """The county approvers' decisions on `DIFFERING`'s decided rows, through the action."""
    from minzheng.adoption.actions import do_resolve_review
    from minzheng.adoption.models import MigrationKey, MigrationReview
    from minzheng.registry.demo import county_approver

    decided = {h.number: h.decision for h in households if h.decision}
    keys = dict(
        MigrationKey.objects.filter(
            kind="household", key__in=list(decided), batch_id=batch_id
        ).values_list("object_id", "key")
    )
    reviews = MigrationReview.objects.filter(
        batch_id=batch_id, enrolment__household_id__in=list(keys)
    ).select_related("enrolment")
    for review in reviews.order_by("pk"):
        decision = decided[keys[review.enrolment.household_id]]
        approver = county_approver(county_of(review.region_id) + "000000")
        if approver is None:
            continue
        adopt = decision == "adopted" and review.rule_eligible
        if adopt:
            reason = ADOPTED_REASON
        else:
            reason = KEPT_REASON if review.rule_eligible else KEPT_INELIGIBLE_REASON
        do_resolve_review(approver, review, adopt=adopt, reason=reason)
