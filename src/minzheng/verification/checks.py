"""核对 rules: one household's feed data against its declaration and the policy, item by item.

Pure: the member figures come in as plain dataclasses (gathered set-based by `verification.jobs`),
the policy is the resolved `MonitoringPolicy` of the county. Every item says where it came from,
its date, its value and the rule it was held to; `finding` marks what does not comply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from minzheng.assistance.programmes import ProgrammeCode
from minzheng.monitoring.rules import MonitoringPolicy
from minzheng.verification.feeds import KIND_LABELS, SOURCE_LABELS

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Row:
    source: str
    kind: str
    day: date | None
    end_day: date | None
    amount: Decimal | None
    amount2: Decimal | None
    ref: str


@dataclass(frozen=True, slots=True)
class MemberData:
    person_id: int
    name: str
    died: date | None
    income_means: dict[str, Decimal]  # hrss kind → mean monthly amount over the months reported
    income_months: dict[str, int]
    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class Item:
    person_id: int | None
    source: str
    item: str
    on: date | None
    value: str
    rule: str
    finding: bool = False


@dataclass
class Outcome:
    members: int
    monthly_income: Decimal
    per_capita_income: Decimal
    money_assets: Decimal
    items: list[Item] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not any(i.finding for i in self.items)

    @property
    def findings(self) -> list[str]:
        return [f"{i.item}：{i.value}" for i in self.items if i.finding]


def _yuan(value: Decimal) -> str:
    return f"{value.quantize(CENT, ROUND_HALF_UP)}元"


def check_household(
    members: list[MemberData],
    policy: MonitoringPolicy,
    *,
    as_of: date,
    programme: str,
    declared_income: Decimal | None,
) -> Outcome:
    """Income, assets and events of one household, compared with the rules of `programme`."""
    items: list[Item] = []
    alive = [m for m in members if m.died is None or m.died > as_of]
    size = max(len(alive), 1)
    income = Decimal(0)
    money = Decimal(0)
    homes: list[tuple[MemberData, Row]] = []
    for m in members:
        for kind, mean in sorted(m.income_means.items()):
            income += mean
            items.append(
                Item(
                    m.person_id,
                    "hrss",
                    f"{m.name} {KIND_LABELS.get(kind, kind)}",
                    None,
                    f"月均{_yuan(mean)}（{m.income_months[kind]}个月记录）",
                    "近12个月人社数据按有记录月份平均，计入家庭月收入",
                )
            )
        latest_bank = max((r for r in m.rows if r.source == "bank"), key=_day, default=None)
        if latest_bank is not None:
            held = (latest_bank.amount or Decimal(0)) + (latest_bank.amount2 or Decimal(0))
            money += held
            items.append(
                Item(
                    m.person_id,
                    "bank",
                    f"{m.name} 存款与证券",
                    latest_bank.day,
                    f"存款{_yuan(latest_bank.amount or Decimal(0))}，证券"
                    f"{_yuan(latest_bank.amount2 or Decimal(0))}",
                    "计入家庭货币财产",
                )
            )
        for r in m.rows:
            items.extend(_row_items(m, r, policy, as_of, homes))
    per_capita = (income / size).quantize(CENT, ROUND_HALF_UP)
    line = policy.income_line(programme)
    line_cite = (
        policy.dibian_multiplier.cite if programme == ProgrammeCode.DIBIAN else policy.standard.cite
    )
    items.append(
        Item(
            None,
            "hrss",
            "家庭人均月收入",
            as_of,
            f"{_yuan(per_capita)}（{size}人，合计{_yuan(income)}）",
            f"应低于{_yuan(line)}：{line_cite}",
            finding=per_capita >= line,
        )
    )
    if declared_income is not None:
        gap = income - declared_income
        items.append(
            Item(
                None,
                "declaration",
                "申报与核对收入差额",
                as_of,
                f"申报{_yuan(declared_income)}，核对{_yuan(income)}，差额{_yuan(gap)}",
                "核对收入高于申报的，以核对结果为准（民发〔2021〕57号第17条）",
            )
        )
    years = (
        policy.dibian_money_years if programme == ProgrammeCode.DIBIAN else policy.dibao_money_years
    )
    cap = policy.standard.value * 12 * years.value * size
    items.append(
        Item(
            None,
            "bank",
            "家庭货币财产",
            as_of,
            f"{_yuan(money)}（上限{_yuan(cap)}）",
            f"人均货币财产不超过{years.value}年低保标准：{years.cite}",
            finding=money > cap,
        )
    )
    if homes:
        area = sum((r.amount or Decimal(0) for _, r in homes), Decimal(0))
        over = len(homes) > policy.max_homes_if_small.value or (
            len(homes) > policy.max_homes.value and area >= policy.average_area.value * size
        )
        items.append(
            Item(
                None,
                "estate",
                "家庭住房",
                as_of,
                f"{len(homes)}套，合计{area}平方米（人均上限{policy.average_area.value}平方米）",
                f"{policy.max_homes.cite}；{policy.max_homes_if_small.cite}",
                finding=over,
            )
        )
    return Outcome(size, income.quantize(CENT, ROUND_HALF_UP), per_capita, money, items)


def _day(r: Row) -> date:
    return r.day or date.min


def _row_items(
    m: MemberData,
    r: Row,
    policy: MonitoringPolicy,
    as_of: date,
    homes: list[tuple[MemberData, Row]],
) -> list[Item]:
    label = KIND_LABELS.get(r.kind, r.kind)
    held = r.end_day is None or r.end_day > as_of
    match r.source:
        case "police" if r.kind in ("death", "imprisonment", "hukou_out"):
            return [
                Item(
                    m.person_id,
                    "police",
                    f"{m.name} {label}",
                    r.day,
                    label,
                    "家庭成员状况变化，须核实共同生活家庭成员（民发〔2021〕57号第31条）",
                    finding=True,
                )
            ]
        case "funeral":
            return [
                Item(m.person_id, "funeral", f"{m.name} 火化记录", r.day, "死亡", "殡葬数据", True)
            ]
        case "vehicle" if held:
            exempt = policy.exempt_vehicle(r.kind)
            rule = (
                f"豁免车型，不计入：{policy.vehicle_exempt.cite}"
                if exempt
                else f"不得拥有机动车辆：{policy.vehicle_allowed.cite}"
            )
            finding = not exempt and not policy.vehicle_allowed.value
            return [Item(m.person_id, "vehicle", f"{m.name} {label}", r.day, r.ref, rule, finding)]
        case "estate" if held:
            if r.kind == "residential":
                homes.append((m, r))
                return [
                    Item(
                        m.person_id,
                        "estate",
                        f"{m.name} 住宅",
                        r.day,
                        f"{r.ref}，{r.amount}平方米",
                        "住房套数与面积见“家庭住房”",
                    )
                ]
            return [
                Item(
                    m.person_id,
                    "estate",
                    f"{m.name} {label}用房",
                    r.day,
                    f"{r.ref}，{r.amount}平方米",
                    f"不得拥有非居住类房屋：{policy.nonresidential_allowed.cite}",
                    finding=not policy.nonresidential_allowed.value,
                )
            ]
        case "market" if held and r.kind == "active":
            return [
                Item(
                    m.person_id,
                    "market",
                    f"{m.name} 市场主体登记",
                    r.day,
                    f"{r.ref}，注册资本{_yuan(r.amount or Decimal(0))}",
                    "存续的市场主体须核实经营收入（民发〔2021〕57号第17条）",
                    finding=True,
                )
            ]
        case "tax":
            return [
                Item(
                    m.person_id,
                    "tax",
                    f"{m.name} {r.day.year if r.day else ''}年度收入",
                    r.day,
                    _yuan(r.amount or Decimal(0)),
                    "税务数据，供比对工资性收入",
                )
            ]
        case "medical":
            return [
                Item(
                    m.person_id,
                    "medical",
                    f"{m.name} {label}个人自付",
                    r.day,
                    _yuan(r.amount or Decimal(0)),
                    "医疗支出，供支出型困难认定参考",
                )
            ]
        case "disability" if held:
            return [
                Item(
                    m.person_id,
                    "disability",
                    f"{m.name} 残疾证",
                    r.day,
                    f"{label}{r.amount:.0f}级" if r.amount is not None else label,
                    "残联数据，供分类施保参考",
                )
            ]
    return []


def source_label(source: str) -> str:
    return {"declaration": "申报", **SOURCE_LABELS}.get(source, source)
