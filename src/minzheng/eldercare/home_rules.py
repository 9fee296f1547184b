"""Pure rules of home adaptation (适老化改造), home care visits and the time bank (时间银行).
No Django, no I/O, no clock: the shell loads the parameters and passes the facts.

Home adaptation items follow the recommended list of 民政部等9部门《关于加快实施老年人居家适老化
改造工程的指导意见》(2020; seen through news reports, confidence C): seven 基础类 items are
subsidised, the 可选类 items are the household's own choice and paid by it. The subsidy of one
household is capped (parameter `eldercare.adaptation.cap`; the Ningbo 2020 article's 12,000 元/户).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from minzheng.core.errors import ValidationFailed

CENT = Decimal("0.01")


class HomeInputInvalid(ValidationFailed):
    code = "home_input_invalid"


# ── 适老化改造 items ─────────────────────────────────────────────────────────────────────────

#: 基础类 (subsidised), the guideline's seven.
BASIC_ITEMS: dict[str, str] = {
    "anti_slip_floor": "地面防滑处理",
    "wheelchair_ramp": "轮椅坡道",
    "bedside_rail": "床边护栏（抓杆）",
    "walking_aid": "助行器具（手杖等）",
    "shower_chair": "淋浴椅",
    "grab_bar": "如厕洗浴安全扶手",
    "anti_wandering": "防走失装置",
}
#: 可选类 (self-paid): a few of the guideline's optional items.
OPTIONAL_ITEMS: dict[str, str] = {
    "smart_alarm": "紧急呼叫（智能报警）设备",
    "night_light": "感应夜灯",
    "raised_toilet": "坐便器增高或改造",
    "nursing_bed": "护理床",
    "door_widening": "门槛移除与门洞改造",
    "kitchen_height": "橱柜台面高度调整",
}
ITEM_LABELS: dict[str, str] = {**BASIC_ITEMS, **OPTIONAL_ITEMS}
MAX_QUANTITY = 99
MAX_UNIT_PRICE = Decimal("100000")


def is_basic(code: str) -> bool:
    return code in BASIC_ITEMS


@dataclass(frozen=True, slots=True)
class ItemLine:
    code: str
    quantity: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return (self.unit_price * self.quantity).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class ItemShare:
    code: str
    amount: Decimal
    subsidy: Decimal
    own_share: Decimal
    note: str


@dataclass(frozen=True, slots=True)
class AdaptationSubsidy:
    cap: Decimal
    lines: tuple[ItemShare, ...]
    total: Decimal
    subsidy: Decimal
    own_share: Decimal
    cap_reached: bool


def parse_money(text: str, what: str = "单价") -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", ""))
        if not value.is_finite():
            raise ArithmeticError
    except ArithmeticError:
        raise HomeInputInvalid(f"{what}应为金额（元），如 350.00", code="money_invalid") from None
    return value


def check_item(code: str, quantity: int, unit_price: Decimal) -> ItemLine:
    """One priced item as entered: a known item, 1–99 pieces, a price of 0.01–100,000.00 元."""
    if code not in ITEM_LABELS:
        raise HomeInputInvalid("请从改造项目清单中选择项目", code="item_unknown")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise HomeInputInvalid(f"数量应为 1～{MAX_QUANTITY} 的整数", code="quantity_invalid")
    if not unit_price.is_finite() or not CENT <= unit_price <= MAX_UNIT_PRICE:
        raise HomeInputInvalid(
            "单价应为 0.01～100000.00 元，最多两位小数", code="unit_price_invalid"
        )
    if unit_price != unit_price.quantize(CENT):
        raise HomeInputInvalid(
            "单价应为 0.01～100000.00 元，最多两位小数", code="unit_price_invalid"
        )
    return ItemLine(code, quantity, unit_price)


def adaptation_subsidy(lines: Sequence[ItemLine], cap: Decimal) -> AdaptationSubsidy:
    """The household's subsidy: basic items in list order until the cap is used up (the item
    that crosses the cap is subsidised in part, the rest is the household's); self-paid items
    are always the household's own and never count towards the cap."""
    left = cap
    shares: list[ItemShare] = []
    for line in lines:
        amount = line.amount
        if not is_basic(line.code):
            shares.append(ItemShare(line.code, amount, Decimal("0.00"), amount, "自选项目，自费"))
            continue
        subsidy = min(amount, left)
        left -= subsidy
        note = (
            "补贴"
            if subsidy == amount
            else ("超出补贴上限，自付" if subsidy == 0 else "部分补贴（达到补贴上限）")
        )
        shares.append(ItemShare(line.code, amount, subsidy, amount - subsidy, note))
    total = sum((s.amount for s in shares), Decimal("0.00"))
    subsidy_total = sum((s.subsidy for s in shares), Decimal("0.00"))
    basic_total = sum((s.amount for s in shares if is_basic(s.code)), Decimal("0.00"))
    return AdaptationSubsidy(
        cap=cap,
        lines=tuple(shares),
        total=total,
        subsidy=subsidy_total,
        own_share=total - subsidy_total,
        cap_reached=basic_total > cap,
    )


# ── 居家养老服务 visits ───────────────────────────────────────────────────────────────────────

SERVICE_KINDS: dict[str, str] = {
    "home_cleaning": "助洁",
    "home_bathing": "助浴",
    "medical_help": "助医",
    "meal_delivery": "助餐送餐",
    "companionship": "精神慰藉",
    "rehab_care": "康复护理",
    "errand_help": "代办服务",
}
PROVIDER_KINDS: dict[str, str] = {
    "service_centre": "居家养老服务中心",
    "care_company": "养老服务企业",
    "social_org": "社会组织",
    "volunteer_team": "志愿服务队",
}


def visit_minutes(check_in: datetime, check_out: datetime, now: datetime) -> int:
    """The visit's length in whole minutes: out after in, both on one day, not in the future."""
    if check_out <= check_in:
        raise HomeInputInvalid("签出时间应晚于签到时间", code="visit_out_before_in")
    if check_out.date() != check_in.date() or check_out - check_in > timedelta(hours=24):
        raise HomeInputInvalid("签到和签出应在同一天内", code="visit_spans_days")
    if check_out > now:
        raise HomeInputInvalid("签出时间不能晚于当前时间", code="visit_in_future")
    return int((check_out - check_in).total_seconds() // 60)


def timebank_hours(minutes: int, unit_minutes: int) -> Decimal:
    """Hours credited for a visit: whole units of `unit_minutes` (parameter), as exact hours —
    15-minute units give multiples of 0.25, so no rounding is ever needed."""
    if unit_minutes <= 0 or 60 % unit_minutes:
        raise HomeInputInvalid("时间银行计时单位应能整除60分钟", code="unit_invalid")
    units = minutes // unit_minutes
    return (Decimal(units * unit_minutes) / Decimal(60)).quantize(CENT)


# ── 时间银行 ledger ──────────────────────────────────────────────────────────────────────────

TIMEBANK_KINDS: dict[str, str] = {"deposit": "存入", "withdrawal": "支取"}
MAX_ENTRY_HOURS = Decimal("24.00")


def parse_hours(text: str) -> Decimal:
    """Hours typed on a form: 0.25–24, at most two decimals."""
    try:
        hours = Decimal(text.strip())
        if not hours.is_finite():
            raise ArithmeticError
    except ArithmeticError:
        raise HomeInputInvalid("时长应为数字（小时），如 1.5", code="hours_invalid") from None
    if not Decimal("0.01") <= hours <= MAX_ENTRY_HOURS:
        raise HomeInputInvalid("每笔时长应为 0.01～24 小时", code="hours_invalid")
    if hours != hours.quantize(CENT):
        raise HomeInputInvalid("时长最多两位小数", code="hours_invalid")
    return hours


def balance_after(balance: Decimal, kind: str, hours: Decimal) -> Decimal:
    """The account's balance after one entry; a withdrawal beyond the balance is refused."""
    if kind not in TIMEBANK_KINDS:
        raise HomeInputInvalid("请选择存入或支取", code="timebank_kind_invalid")
    if hours <= 0:
        raise HomeInputInvalid("时长应大于0", code="hours_invalid")
    if kind == "deposit":
        return balance + hours
    if hours > balance:
        raise HomeInputInvalid(
            f"时间银行余额不足：余额 {balance} 小时，需支取 {hours} 小时",
            code="timebank_insufficient",
        )
    return balance - hours
