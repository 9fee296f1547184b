"""Importing households and members from the Excel template.

Rules (docs/seed_and_import.md): good households are written, every bad row is reported with its
row, column and a Chinese reason; a household with one bad row is refused whole; an ID number
already in the registry updates that person and never adds a second one, so importing the same
sheet twice changes nothing the second time; rows outside the importer's region scope are refused.
An import changes who lives with whom only by creating new households: adding members to, or
moving people between, existing households goes through a change request (变更申请).
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.exports import xlsx_bytes
from minzheng.core.idnumber import parse as parse_id_number
from minzheng.core.inputs import text_problem
from minzheng.core.models import AuditEvent
from minzheng.core.pii import ID_NUMBER, PHONE, blind_index
from minzheng.regions.models import Level, Region
from minzheng.registry import history
from minzheng.registry.models import (
    DisabilityCategory,
    Household,
    HouseholdVersion,
    HukouType,
    LabourCapacity,
    Membership,
    MembershipVersion,
    Person,
    PersonVersion,
    Relationship,
    VersionOperation,
)
from minzheng.registry.seed import seal_many
from minzheng.registry.template import COLUMNS, EXAMPLE_SHEET_TITLE, HEADERS, SHEET_TITLE

HEADER_ROW = 1
SOURCE = "Excel导入"
_LOOKUP_CHUNK = 500  # SQLite allows 999 parameters per statement
PERSON_ATTRIBUTES = (
    "name",
    "region_id",
    "address",
    "hukou_type",
    "disability_category",
    "disability_grade",
    "serious_illnesses",
    "labour_capacity",
)


@dataclass(frozen=True)
class RowError:
    row: int  # the sheet's row number, as Excel shows it
    column: str
    reason: str


@dataclass
class SheetRow:
    row: int
    household_key: str
    relationship: str
    name: str
    id_number: str
    phone: str
    village: str
    address: str
    hukou_type: str
    disability_category: str
    disability_grade: int | None
    serious_illnesses: list[str]
    labour_capacity: str
    sex: str = ""
    birth_date: Any = None
    errors: list[RowError] = field(default_factory=list)

    def refuse(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.row, column, reason))


@dataclass
class ImportResult:
    rows: int = 0
    rows_imported: int = 0
    households_created: int = 0
    households_updated: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "rows_imported": self.rows_imported,
            "rows_rejected": len({e.row for e in self.errors}),
            "households_created": self.households_created,
            "households_updated": self.households_updated,
            "persons_created": self.persons_created,
            "persons_updated": self.persons_updated,
            "errors": len(self.errors),
        }

    def error_report(self) -> bytes:
        """The errors as a sheet: 行号, 列, 原因 — one line per problem, in sheet order."""
        rows = [(e.row, e.column, e.reason) for e in sorted(self.errors, key=lambda e: e.row)]
        content, _count = xlsx_bytes(["行号", "列", "原因"], rows)
        return content


def import_households(actor: User, file: IO[bytes]) -> ImportResult:
    """Read the sheet, check every row, write the good households in one transaction."""
    if not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("您的角色不能导入家庭户")
    rows = _read_rows(file)
    result = ImportResult(rows=len(rows))
    today = timezone.localdate()
    for row in rows:
        _check_row(row, today)
    _check_duplicates(rows)
    _check_regions(actor, rows)
    households: dict[str, list[SheetRow]] = defaultdict(list)
    for row in rows:
        households[row.household_key or f"#{row.row}"].append(row)
    for members in households.values():
        _check_household(members)
    existing = _existing_persons(rows)
    memberships = _current_memberships([p.pk for p in existing.values()])
    plans = [_plan(actor, members, existing, memberships) for members in households.values()]
    for members in households.values():
        bad = sorted({r.row for r in members if r.errors})
        if bad:
            for member in members:
                if not member.errors:
                    listed = "、".join(str(b) for b in bad)
                    member.refuse("户编号", f"同户第{listed}行有错误，整户未导入")
        result.errors.extend(e for r in members for e in r.errors)
    good = [plan for plan in plans if not any(r.errors for r in plan.rows)]
    _write(actor, good, result)
    return result


# ---- reading -------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # numbers typed into a General cell come back as floats
    return str(value).strip()


def _read_rows(file: IO[bytes]) -> list[SheetRow]:
    try:
        book = load_workbook(io.BytesIO(file.read()), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationFailed(
            "无法读取文件：请上传按模板填写的 .xlsx 文件", code="bad_file"
        ) from exc
    # The data sheet by its name (else the first sheet) — never the examples sheet.
    sheet: Any
    if SHEET_TITLE in book.sheetnames:
        sheet = book[SHEET_TITLE]
    else:
        sheet = next((ws for ws in book.worksheets if ws.title != EXAMPLE_SHEET_TITLE), None)
        if sheet is None:
            raise ValidationFailed("文件中只有填写示例，没有要导入的数据", code="no_data")
    lines = sheet.iter_rows(values_only=True)
    header = [_cell(v) for v in next(lines, ())]
    missing = [h for h in HEADERS if h not in header]
    if missing:
        raise ValidationFailed(
            f"表头缺少列：{'、'.join(missing)}（请使用导入模板）", code="bad_header"
        )
    position = {h: header.index(h) for h in HEADERS}
    rows = []
    limit = settings.IMPORT_MAX_ROWS
    for number, values in enumerate(lines, start=HEADER_ROW + 1):
        if number - HEADER_ROW > limit:
            raise ValidationFailed(
                f"一个文件最多 {limit} 行数据，请按乡镇（街道）分批导入", code="too_many_rows"
            )
        cells = {h: _cell(values[i]) if i < len(values) else "" for h, i in position.items()}
        if not any(cells.values()):
            continue
        rows.append(_sheet_row(number, cells))
    book.close()
    return rows


def _sheet_row(number: int, cells: dict[str, str]) -> SheetRow:
    by_key = {c.key: cells[c.header] for c in COLUMNS}
    row = SheetRow(
        row=number,
        household_key=by_key["household_key"],
        relationship=by_key["relationship"],
        name=by_key["name"],
        id_number=by_key["id_number"],
        phone=by_key["phone"],
        village=by_key["village"],
        address=by_key["address"],
        hukou_type=by_key["hukou_type"],
        disability_category=by_key["disability_category"],
        disability_grade=None,
        serious_illnesses=[],
        labour_capacity=by_key["labour_capacity"],
    )
    row.serious_illnesses = [
        part.strip()
        for part in by_key["serious_illnesses"].replace("，", "、").replace(",", "、").split("、")
        if part.strip()
    ]
    grade = by_key["disability_grade"].removesuffix("级")
    grade = {"一": "1", "二": "2", "三": "3", "四": "4"}.get(grade, grade)
    if grade in {"1", "2", "3", "4"}:
        row.disability_grade = int(grade)
    elif grade:
        row.refuse("残疾等级", f"残疾等级应为1至4级，这里是“{by_key['disability_grade']}”")
    for header, value in cells.items():
        problem = text_problem(value)
        if problem is not None:
            row.refuse(header, problem)
    return row


# ---- checking ------------------------------------------------------------------------------


def _label_to_code(value: str, choices: Any, column: str, row: SheetRow) -> str:
    if not value:
        return ""
    for code, label in choices.choices:
        if value in (code, label) or label.startswith(value):
            return str(code)
    allowed = "、".join(label for _code, label in choices.choices)
    row.refuse(column, f"“{value}”不是可选值（{allowed}）")
    return ""


def _check_row(row: SheetRow, today: Any) -> None:
    if not row.household_key:
        row.refuse("户编号", "户编号不能为空")
    if not row.name:
        row.refuse("姓名", "姓名不能为空")
    elif len(row.name) > 60:
        row.refuse("姓名", "姓名不能超过60个字")
    checked = parse_id_number(row.id_number, today=today)
    if checked.error is not None:
        row.refuse("身份证号", checked.error.message)
    else:
        row.id_number, row.sex, row.birth_date = (
            checked.normalized,
            checked.sex or "",
            checked.birth_date,
        )
    if row.phone and not (row.phone.isascii() and row.phone.isdigit() and len(row.phone) == 11):
        row.refuse("手机号", "手机号应为11位数字")
    if not row.address:
        row.refuse("地址", "地址不能为空")
    elif len(row.address) > 200:
        row.refuse("地址", "地址不能超过200个字")
    if row.relationship:
        row.relationship = _label_to_code(row.relationship, Relationship, "与户主关系", row)
    else:
        row.refuse("与户主关系", "与户主关系不能为空")
    row.hukou_type = _label_to_code(row.hukou_type, HukouType, "户口性质", row)
    row.disability_category = _label_to_code(
        row.disability_category, DisabilityCategory, "残疾类别", row
    )
    row.labour_capacity = _label_to_code(row.labour_capacity, LabourCapacity, "劳动能力", row)
    if bool(row.disability_category) != (row.disability_grade is not None) and not row.errors:
        row.refuse("残疾等级", "残疾类别和残疾等级须同时填写或同时留空")


def _check_duplicates(rows: list[SheetRow]) -> None:
    seen: dict[str, list[SheetRow]] = defaultdict(list)
    for row in rows:
        if row.id_number:
            seen[row.id_number].append(row)
    for same in seen.values():
        if len(same) > 1:
            for row in same:
                others = "、".join(str(r.row) for r in same if r is not row)
                row.refuse("身份证号", f"身份证号与第{others}行重复")


def _check_regions(actor: User, rows: list[SheetRow]) -> None:
    codes = {row.village for row in rows if row.village}
    villages = {r.code: r for r in Region.objects.filter(code__in=codes, level=Level.VILLAGE)}
    for row in rows:
        if not row.village:
            row.refuse("村社区代码", "村社区代码不能为空")
        elif row.village not in villages:
            row.refuse("村社区代码", f"“{row.village}”不是村（社区）一级的区划代码")
        elif not actor.covers(row.village):
            row.refuse("村社区代码", f"{villages[row.village].name}不在您的管辖范围内")


def _check_household(members: list[SheetRow]) -> None:
    heads = [r for r in members if r.relationship == Relationship.HEAD]
    if len(heads) != 1:
        reason = "本户没有户主" if not heads else f"本户有{len(heads)}个户主"
        for row in heads or members:
            row.refuse("与户主关系", f"{reason}，每户须有且只有一个户主")
    villages = {r.village for r in members if r.village}
    if len(villages) > 1:
        for row in members:
            row.refuse("村社区代码", "同一户的各行村社区代码须相同")


# ---- planning ------------------------------------------------------------------------------


@dataclass
class Plan:
    rows: list[SheetRow]
    household: Household | None = None  # None: a new household
    persons: dict[int, Person] = field(default_factory=dict)  # sheet row → existing person


def _existing_persons(rows: list[SheetRow]) -> dict[str, Person]:
    indexes = {blind_index(ID_NUMBER, r.id_number): r.id_number for r in rows if r.sex}
    keys = list(indexes)
    found: dict[str, Person] = {}
    for start in range(0, len(keys), _LOOKUP_CHUNK):
        chunk = keys[start : start + _LOOKUP_CHUNK]
        for person in Person.objects.filter(id_number_index__in=chunk):
            found[indexes[person.id_number_index or ""]] = person
    return found


def _current_memberships(person_ids: list[int]) -> dict[int, Membership]:
    found: dict[int, Membership] = {}
    households: dict[int, Household] = {}
    for start in range(0, len(person_ids), _LOOKUP_CHUNK):
        chunk = person_ids[start : start + _LOOKUP_CHUNK]
        for m in Membership.objects.filter(person_id__in=chunk, valid_to__isnull=True):
            found[m.person_id] = m
    ids = sorted({m.household_id for m in found.values()})
    for start in range(0, len(ids), _LOOKUP_CHUNK):
        for household in Household.objects.filter(pk__in=ids[start : start + _LOOKUP_CHUNK]):
            households[household.pk] = household
    for m in found.values():
        m.household = households[m.household_id]
    return found


def _plan(
    actor: User,
    members: list[SheetRow],
    existing: dict[str, Person],
    memberships: dict[int, Membership],
) -> Plan:
    plan = Plan(rows=members)
    known = {r.row: existing[r.id_number] for r in members if r.id_number in existing}
    for row_number, person in known.items():
        if not actor.covers(person.region_id):
            row = next(r for r in members if r.row == row_number)
            row.refuse(
                "身份证号", "该身份证号不能在此登记：请核对号码；确属本辖区居民的，请联系县级审批员"
            )
    if not known or any(r.errors for r in members):
        plan.persons = known
        return plan
    current = {p.pk: memberships[p.pk] for p in known.values() if p.pk in memberships}
    households = {m.household_id for m in current.values()}
    if len(households) > 1 or len(current) != len(known) or len(known) != len(members):
        for row in members:
            row.refuse(
                "户编号",
                "本户与已登记的家庭成员构成不同：增减成员、迁移成员请通过家庭变更申请办理",
            )
        return plan
    household = next(iter(current.values())).household
    for row in members:
        membership = current[known[row.row].pk]
        if membership.relationship != row.relationship:
            row.refuse("与户主关系", "与户主关系与登记不符：变更请通过家庭变更申请办理")
        if household.region_id != row.village:
            row.refuse("村社区代码", "与该户登记的村（社区）不符：迁移请通过家庭变更申请办理")
    plan.household, plan.persons = household, known
    return plan


# ---- writing -------------------------------------------------------------------------------


def _attributes(row: SheetRow) -> dict[str, Any]:
    return {
        "name": row.name,
        "region_id": row.village,
        "address": row.address,
        "hukou_type": row.hukou_type,
        "disability_category": row.disability_category,
        "disability_grade": row.disability_grade,
        "serious_illnesses": row.serious_illnesses,
        "labour_capacity": row.labour_capacity,
    }


def _write(actor: User, plans: list[Plan], result: ImportResult) -> None:
    if not plans:
        return
    at = timezone.now()
    events: list[AuditEvent] = []
    versions: list[Any] = []

    def event(action: str, kind: str, pk: object, summary: str, **extra: Any) -> None:
        events.append(
            AuditEvent(
                actor=actor,
                actor_name=actor.username,
                actor_role=actor.role,
                action=action,
                object_type=kind,
                object_id=str(pk),
                summary=summary[:300],
                **extra,
            )
        )

    with transaction.atomic():
        new_rows = [r for plan in plans if plan.household is None for r in plan.rows]
        ids = seal_many(ID_NUMBER, [r.id_number for r in new_rows])
        phones = seal_many(PHONE, [r.phone or "0" for r in new_rows])
        fresh: dict[int, Person] = {}
        for i, row in enumerate(new_rows):
            person = Person(sex=row.sex, birth_date=row.birth_date, **_attributes(row))
            person.id_number_cipher, person.id_number_index, person.id_number_masked = (
                ids[0][i],
                ids[1][i],
                ids[2][i],
            )
            if row.phone:
                person.phone_cipher, person.phone_index, person.phone_masked = (
                    phones[0][i],
                    phones[1][i],
                    phones[2][i],
                )
            fresh[row.row] = person
        Person.objects.bulk_create(fresh.values(), batch_size=1000)
        for person in fresh.values():
            versions.append(_version(PersonVersion, "person", person, at, actor))
            event(
                AuditEvent.Action.CREATE,
                "person",
                person.pk,
                f"导入人员{person.name}",
                person_id=person.pk,
                region_code=person.region_id,
                after=history.snapshot(person),
            )
        result.persons_created = len(fresh)

        households: list[tuple[Household, Plan]] = []
        for plan in plans:
            if plan.household is None:
                head = next(r for r in plan.rows if r.relationship == Relationship.HEAD)
                household = Household(
                    region_id=head.village,
                    address=head.address,
                    head=fresh[head.row],
                    head_name=fresh[head.row].name,  # bulk_create does not call save()
                )
                households.append((household, plan))
        Household.objects.bulk_create([h for h, _ in households], batch_size=1000)
        memberships = [
            Membership(
                household=household,
                person=fresh[row.row],
                relationship=row.relationship,
                valid_from=at.date(),
            )
            for household, plan in households
            for row in plan.rows
        ]
        Membership.objects.bulk_create(memberships, batch_size=1000)
        for household, plan in households:
            versions.append(_version(HouseholdVersion, "household", household, at, actor))
            event(
                AuditEvent.Action.CREATE,
                "household",
                household.pk,
                f"导入家庭户（户主{household.head.name if household.head else ''}，"
                f"{len(plan.rows)}人）",
                region_code=household.region_id,
                after=history.snapshot(household),
            )
        versions += [_version(MembershipVersion, "membership", m, at, actor) for m in memberships]
        result.households_created = len(households)

        for plan in plans:
            if plan.household is not None:
                _update_existing(actor, plan, at, result, event)
        PersonVersion.objects.bulk_create(
            [v for v in versions if isinstance(v, PersonVersion)], batch_size=1000
        )
        HouseholdVersion.objects.bulk_create(
            [v for v in versions if isinstance(v, HouseholdVersion)], batch_size=1000
        )
        MembershipVersion.objects.bulk_create(
            [v for v in versions if isinstance(v, MembershipVersion)], batch_size=1000
        )
        result.rows_imported = sum(len(plan.rows) for plan in plans)
        if events:
            event(
                AuditEvent.Action.CREATE,
                "household_import",
                "",
                f"Excel导入家庭户：新增{result.households_created}户{result.persons_created}人，"
                f"修改{result.households_updated}户{result.persons_updated}人",
                after=result.summary(),
            )
        AuditEvent.objects.bulk_create(events, batch_size=1000)


def _version(model: Any, subject: str, record: Any, at: Any, actor: User) -> Any:
    return model(
        **{subject: record},
        snapshot=history.snapshot(record),
        operation=VersionOperation.CREATE,
        valid_from=at,
        actor=actor,
        summary=SOURCE,
    )


def _update_existing(actor: User, plan: Plan, at: Any, result: ImportResult, event: Any) -> None:
    household = plan.household
    assert household is not None
    for row in plan.rows:
        person = plan.persons[row.row]
        before = history.snapshot(person)
        fields = [
            name for name, value in _attributes(row).items() if getattr(person, name) != value
        ]
        for name in fields:
            setattr(person, name, _attributes(row)[name])
        phone_index = blind_index(PHONE, row.phone) if row.phone else ""
        if phone_index != person.phone_index:
            person.set_phone(row.phone)
            fields += ["phone_cipher", "phone_index", "phone_masked"]
        if not fields:
            continue
        person.save(update_fields=[*fields, "updated_at"])
        history.write_version(person, before=before, actor=actor, at=at, summary=SOURCE)
        old, new = _changed(before, history.snapshot(person))
        event(
            AuditEvent.Action.UPDATE,
            "person",
            person.pk,
            f"导入修改{person.name}的{'、'.join(sorted(old)) or '手机号'}",
            person_id=person.pk,
            region_code=person.region_id,
            before=old,
            after=new,
        )
        result.persons_updated += 1
    head_row = next(r for r in plan.rows if r.relationship == Relationship.HEAD)
    if household.address != head_row.address:
        before = history.snapshot(household)
        household.address = head_row.address
        household.save(update_fields=["address", "updated_at"])
        history.write_version(household, before=before, actor=actor, at=at, summary=SOURCE)
        event(
            AuditEvent.Action.UPDATE,
            "household",
            household.pk,
            "导入修改家庭住址",
            region_code=household.region_id,
            before={"address": before["address"]},
            after={"address": household.address},
        )
        result.households_updated += 1


def _changed(
    before: dict[str, Any], after: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
