"""两线合一: link an external 低收入农户 roster into the registry and the single low-income list.

The roster (.xlsx, first sheet, header on row 1) has the columns in `COLUMNS`. A row with a valid
ID number is looked up by the number's blind index; a row without a usable number goes through the
linkage engine against the registry persons in the importer's scope. Each row ends as

- matched: the registry person passes the 低边 rule and gets the identity tag `dibian` with source
  "两线合一导入" (once: a second import of the same roster finds the tag and adds nothing);
- refused: the person is found but fails the 低边 rule (per-capita monthly income above
  `dibian.income_multiplier` × the 低保 standard of the person's county, or the 低边 asset test on
  the registry's recorded assets) — listed with the reason, never tagged;
- new: nobody in the registry (in scope) — listed, never created silently;
- doubtful: the engine found a likely person but is not sure — kept as a department record
  (两线合一) and a pair in the clerical review queue;
- error: a row that cannot be read (no name, a household size or income that is not a number).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook

from minzheng.accounts.models import User
from minzheng.core import audit
from minzheng.core.errors import ValidationFailed
from minzheng.core.exports import xlsx_bytes
from minzheng.core.idnumber import parse as parse_id_number
from minzheng.core.inputs import parse_amount, text_problem
from minzheng.core.models import AuditEvent
from minzheng.core.pii import ID_NUMBER, blind_index
from minzheng.core.regioncode import county_of
from minzheng.linkage import queries
from minzheng.linkage.actions import require_reviewer
from minzheng.linkage.engine import LinkResult, link_records
from minzheng.linkage.models import CandidatePair, RosterImport, SourceRecord
from minzheng.registry.models import IdentityTag, Person

ROSTER_SOURCE = "两线合一导入"
ROSTER_DEPARTMENT = "两线合一"
DOUBTFUL_REASON = "两线合一导入：无可用身份证号，疑似登记人员"


@dataclass(frozen=True)
class Column:
    header: str
    required: bool
    rule: str


COLUMNS: tuple[Column, ...] = (
    Column("姓名", True, "必填"),
    Column("身份证号", True, "列必须有；可为空或有误，此时按姓名、出生日期、地址等识别"),
    Column("村（社区）/地址", True, "列必须有；如“海曙区南门街道福湖社区示例路1号”"),
    Column("家庭人口", True, "列必须有；正整数，可为空"),
    Column("年收入（元）", True, "列必须有；家庭年收入，数字，可为空"),
    Column("出生日期", False, "可选；YYYY-MM-DD"),
    Column("性别", False, "可选；男/女"),
    Column("手机号", False, "可选"),
)
HEADERS = tuple(c.header for c in COLUMNS)
REQUIRED = tuple(c.header for c in COLUMNS if c.required)

Linker = Callable[..., LinkResult]


@dataclass
class RosterRow:
    row: int
    cells: dict[str, str]
    outcome: str = ""  # matched / new / doubtful / error
    person_id: int | None = None
    person_name: str = ""
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "name": self.cells.get("姓名", ""),
            "address": self.cells.get("村（社区）/地址", ""),
            "household_size": self.cells.get("家庭人口", ""),
            "annual_income": self.cells.get("年收入（元）", ""),
            "outcome": self.outcome,
            "person_id": self.person_id,
            "person_name": self.person_name,
            "note": self.note,
        }


@dataclass
class RosterReport:
    rows: list[RosterRow] = field(default_factory=list)
    tags_created: int = 0
    records_created: int = 0
    pairs_created: int = 0

    def of(self, outcome: str) -> list[RosterRow]:
        return [r for r in self.rows if r.outcome == outcome]

    def as_json(self) -> dict[str, Any]:
        return {
            outcome: [r.as_json() for r in self.of(outcome)]
            for outcome in ("matched", "new", "doubtful", "error")
        } | {
            "refused": [r.as_json() for r in self.of("refused")],
            "tags_created": self.tags_created,
            "records_created": self.records_created,
            "pairs_created": self.pairs_created,
        }


OUTCOME_LABELS = {
    "matched": "已匹配",
    "refused": "不符合低边条件",
    "new": "登记中未找到",
    "doubtful": "存疑待判定",
    "error": "错误",
}


def report_sheet(report: dict[str, Any]) -> bytes:
    headers = [
        "行号",
        "结果",
        "姓名",
        "村（社区）/地址",
        "家庭人口",
        "年收入（元）",
        "登记人员",
        "说明",
    ]
    rows = [
        (
            r["row"],
            OUTCOME_LABELS[outcome],
            r["name"],
            r["address"],
            r["household_size"],
            r["annual_income"],
            r["person_name"],
            r["note"],
        )
        for outcome in OUTCOME_LABELS
        for r in report.get(outcome, [])
    ]
    content, _count = xlsx_bytes(headers, sorted(rows, key=lambda r: int(str(r[0]))))
    return content


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value).strip()


def read_roster(content: bytes) -> list[RosterRow]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationFailed(
            "无法读取文件：请上传 .xlsx 格式的低收入农户名单", code="bad_file"
        ) from exc
    lines = book.worksheets[0].iter_rows(values_only=True)
    header = [_cell(v) for v in next(lines, ())]
    missing = [h for h in REQUIRED if h not in header]
    if missing:
        raise ValidationFailed(f"表头缺少列：{'、'.join(missing)}", code="bad_header")
    position = {h: header.index(h) for h in HEADERS if h in header}
    rows = []
    for number, values in enumerate(lines, start=2):
        cells = {h: _cell(values[i]) if i < len(values) else "" for h, i in position.items()}
        if any(cells.values()):
            rows.append(RosterRow(row=number, cells=cells))
    book.close()
    return rows


def _check(row: RosterRow) -> None:
    problems = []
    if not row.cells.get("姓名"):
        problems.append("姓名：不能为空")
    size = row.cells.get("家庭人口", "")
    if size and (not size.isdigit() or int(size) < 1):
        problems.append(f"家庭人口：应为正整数（{size}）")
    income = row.cells.get("年收入（元）", "")
    if income:
        try:
            parse_amount(income, "年收入（元）", maximum=Decimal("1000000000"))
        except ValidationFailed as exc:
            problems.append(f"{exc.message}（{income[:50]}）")
    if size and size.isdigit() and int(size) > 100:
        problems.append(f"家庭人口：超出允许范围（{size}）")
    for header, value in row.cells.items():
        problem = text_problem(value)
        if problem is not None:
            problems.append(f"{header}：{problem}")
    if problems:
        row.outcome, row.note = "error", "；".join(problems)


def import_roster(
    actor: User,
    file: IO[bytes],
    *,
    filename: str = "",
    today: date | None = None,
    link: Linker = link_records,
) -> RosterImport:
    require_reviewer(actor)
    content = file.read()
    today = today or timezone.localdate()
    rows = read_roster(content)
    report = RosterReport(rows=rows)
    for row in rows:
        _check(row)
    persons = queries.persons_for_linkage(actor)
    without_id: list[RosterRow] = []
    for row in rows:
        if row.outcome:
            continue
        check = parse_id_number(row.cells.get("身份证号", ""), today=today)
        if not check.valid:
            if row.cells.get("身份证号"):
                row.note = f"身份证号不可用：{check.error.message if check.error else ''}"
            without_id.append(row)
            continue
        person = persons.filter(id_number_index=blind_index(ID_NUMBER, check.normalized)).first()
        if person is None:
            row.outcome, row.note = "new", "本辖区登记中无此身份证号"
        else:
            row.outcome, row.person_id, row.person_name = "matched", person.pk, person.name
            row.note = "身份证号一致"
    candidates = _engine_candidates(actor, without_id, today, link) if without_id else {}
    with transaction.atomic():
        for row in rows:
            if row.outcome == "matched" and row.person_id is not None:
                refusal = dibian_refusal(row, today)
                if refusal:
                    row.outcome = "refused"
                    row.note = f"{row.note}；不符合低边条件：{refusal}，未标记低边"
                    continue
                report.tags_created += _ensure_dibian(row.person_id, today)
        for row in without_id:
            found = candidates.get(row.row)
            if found is None:
                row.outcome = "new"
                row.note = (row.note + "；" if row.note else "") + "登记中未找到相近人员"
                continue
            person, probability, weight, evidence = found
            row.outcome, row.person_id, row.person_name = "doubtful", person.pk, person.name
            row.note = (
                row.note + "；" if row.note else ""
            ) + f"匹配概率 {probability:.2f}，已送人工判定"
            _queue_doubtful(actor, row, person, probability, weight, evidence, report)
        imported = RosterImport.objects.create(
            file_digest=hashlib.sha256(content).hexdigest(),
            filename=filename[:200],
            actor=actor,
            region_id=actor.region_id,
            report=report.as_json(),
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "linkage_roster_import",
            imported.pk,
            summary=f"两线合一导入{filename}：匹配 {len(report.of('matched'))}，"
            f"未找到 {len(report.of('new'))}，存疑 {len(report.of('doubtful'))}，"
            f"错误 {len(report.of('error'))}；新增低边身份 {report.tags_created}",
            region_code=actor.region_id,
        )
    return imported


def dibian_refusal(row: RosterRow, today: date) -> str:
    """Why the matched person is not 低边 under the rule in force, or "" when they are.

    两线合一 is a rule, not a tag: the roster's household size and annual income give the
    per-capita monthly income, tested against `dibian.income_multiplier` × `dibao.standard_monthly`
    of the person's county (浙江省社会救助条例第13条: 1.5 ×); the 低边 asset test runs on the assets
    the registry records for the person's household (`dibian.money_asset_years`, 浙民助〔2015〕13号).
    Both read the one parameter source for the day of the import.
    """
    from minzheng.assistance.eligibility import household_facts
    from minzheng.assistance.errors import AssistanceError
    from minzheng.assistance.policy import load_policy
    from minzheng.assistance.queries import parameter_set
    from minzheng.assistance.rules import asset_test
    from minzheng.registry.models import Membership

    size, income = row.cells.get("家庭人口", ""), row.cells.get("年收入（元）", "")
    if not size or not income:
        return "名单缺少家庭人口或年收入，无法作收入认定"
    if row.person_id is None:
        return ""
    person = Person.objects.get(pk=row.person_id)
    try:
        policy = load_policy(parameter_set(county_of(person.region_id), today))
    except AssistanceError as exc:
        return f"政策参数不可用（{exc}）"
    n = int(size)
    monthly = Decimal(income.replace(",", "")) / 12
    line = policy.dibian_multiplier.value * policy.standard.value * n
    if monthly > line:
        return (
            f"家庭月收入 {monthly:.2f} 元超过低边收入线 {policy.dibian_multiplier.value} × "
            f"{policy.standard.value} × {n} = {line:.2f} 元"
        )
    membership = (
        Membership.objects.filter(person=person, valid_from__lte=today)
        .exclude(valid_to__lte=today)
        .select_related("household")
        .order_by("-valid_from")
        .first()
    )
    if membership is None:
        return ""
    try:
        facts = household_facts(membership.household, today)
    except AssistanceError as exc:
        return f"家庭资料不全，无法作财产认定（{exc}）"
    assets = asset_test(facts.assets, n, policy, policy.dibian_money_years)
    failed = [c for c in assets.criteria if not c.passed]
    return "；".join(f"{c.label}（{c.value}）" for c in failed)


def _ensure_dibian(person_id: int, today: date) -> int:
    current = IdentityTag.objects.filter(
        person_id=person_id, tag=IdentityTag.Tag.DIBIAN, source=ROSTER_SOURCE, valid_to__isnull=True
    )
    if current.exists():
        return 0
    person = Person.objects.get(pk=person_id)
    IdentityTag.objects.create(
        person=person,
        tag=IdentityTag.Tag.DIBIAN,
        source=ROSTER_SOURCE,
        valid_from=today,
        region_id=person.region_id,
    )
    return 1


def _roster_key(row: RosterRow) -> str:
    """The same roster line gets the same record id on every import (idempotence)."""
    parts = [row.cells.get(h, "") for h in ("姓名", "身份证号", "村（社区）/地址", "出生日期")]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


type Candidate = tuple[Person, float, float, list[dict[str, Any]]]


def _engine_candidates(
    actor: User, rows: list[RosterRow], today: date, link: Linker
) -> dict[int, Candidate]:
    """For each roster row without a usable ID, the registry person the engine scores highest
    (at or above the review band's lower edge), if any."""
    data = queries.linkage_input(actor)
    registry = data.frame.loc[data.frame["record_id"].str.startswith(queries.PERSON_PREFIX)]
    roster = [
        {
            "record_id": f"R{row.row}",
            "source": ROSTER_DEPARTMENT,
            "name": row.cells.get("姓名") or None,
            "id_number": None,
            "birth_date": row.cells.get("出生日期") or None,
            "sex": row.cells.get("性别") or None,
            "phone": row.cells.get("手机号") or None,
            "address": row.cells.get("村（社区）/地址") or None,
        }
        for row in rows
    ]
    import pandas as pd

    frame = pd.concat([registry, pd.DataFrame(roster)], ignore_index=True)
    result = link(frame, today=today, with_evidence=True)
    from minzheng.linkage.actions import _comparisons

    best: dict[int, tuple[str, float, float, list[dict[str, Any]]]] = {}
    for _, pair in result.pairs.iterrows():
        keys = {str(pair["record_id_l"]), str(pair["record_id_r"])}
        roster_keys = [k for k in keys if k.startswith("R")]
        person_keys = [k for k in keys if k.startswith(queries.PERSON_PREFIX)]
        if len(roster_keys) != 1 or len(person_keys) != 1:
            continue
        number = int(roster_keys[0][1:])
        probability = float(pair["match_probability"])
        if number not in best or probability > best[number][1]:
            best[number] = (
                person_keys[0],
                probability,
                float(pair["match_weight"]),
                _comparisons(pair),
            )
    people = Person.objects.in_bulk([int(k[1:]) for k, *_ in best.values()])
    return {
        number: (people[int(key[1:])], probability, weight, comparisons)
        for number, (key, probability, weight, comparisons) in best.items()
        if int(key[1:]) in people
    }


def _queue_doubtful(
    actor: User,
    row: RosterRow,
    person: Person,
    probability: float,
    weight: float,
    comparisons: list[dict[str, Any]],
    report: RosterReport,
) -> None:
    born = row.cells.get("出生日期", "")
    record, created = SourceRecord.objects.get_or_create(
        department=ROSTER_DEPARTMENT,
        record_id=_roster_key(row),
        defaults={
            "name": row.cells.get("姓名", ""),
            "birth_date": date.fromisoformat(born) if _is_iso_date(born) else None,
            "sex": row.cells.get("性别", "")[:1],
            "address": row.cells.get("村（社区）/地址", "")[:200],
            "identity": IdentityTag.Tag.DIBIAN,
            "region_id": person.region_id,
        },
    )
    if created:
        record.set_phone(row.cells.get("手机号", ""))
        record.save(update_fields=["phone_cipher", "phone_masked"])
        report.records_created += 1
    left, right = queries.ordered(queries.person_key(person.pk), queries.source_key(record.pk))
    _pair, pair_created = CandidatePair.objects.get_or_create(
        left_key=left,
        right_key=right,
        defaults={
            "region_id": person.region_id,
            "match_probability": probability,
            "match_weight": weight,
            "reason": DOUBTFUL_REASON,
            "evidence": {
                "left" if left.startswith("P") else "right": _person_shown(person),
                "right" if left.startswith("P") else "left": {
                    "来源": ROSTER_DEPARTMENT,
                    "姓名": record.name,
                    "身份证号": "",
                    "出生日期": born,
                    "性别": record.sex,
                    "手机号": record.phone_masked,
                    "地址": record.address,
                },
                "comparisons": comparisons,
            },
        },
    )
    report.pairs_created += int(pair_created)


def _person_shown(person: Person) -> dict[str, str]:
    return {
        "来源": queries.REGISTRY_DEPARTMENT,
        "姓名": person.name,
        "身份证号": person.id_number_masked,
        "出生日期": person.birth_date.isoformat() if person.birth_date else "",
        "性别": person.sex,
        "手机号": person.phone_masked,
        "地址": person.address,
    }


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
