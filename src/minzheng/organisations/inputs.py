"""Form and API values to typed ones, each refusal a Chinese ValidationFailed (never a 500)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from minzheng.core.errors import ValidationFailed
from minzheng.core.money import FEN

MAX_AMOUNT = Decimal("99999999999999.99")


def parse_date(raw: object, label: str) -> date:
    if isinstance(raw, date):
        return raw
    text = str(raw or "").strip()
    if not text:
        raise ValidationFailed(f"请填写{label}", code="missing_date")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"{label}格式应为YYYY-MM-DD：{text}", code="bad_date") from None


def parse_amount(raw: object, label: str, *, allow_zero: bool = True) -> Decimal:
    """An amount of 元 with at most two decimals, not negative."""
    text = str(raw if raw is not None else "").strip().replace(",", "").replace("，", "")
    if not text:
        raise ValidationFailed(f"请填写{label}", code="missing_amount")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed(f"{label}应为数字：{text}", code="bad_amount") from None
    if not value.is_finite() or value < 0 or (value == 0 and not allow_zero):
        raise ValidationFailed(
            f"{label}应为{'非负' if allow_zero else '正'}数：{text}", code="bad_amount"
        )
    if value != value.quantize(FEN) or value > MAX_AMOUNT:
        raise ValidationFailed(f"{label}最多两位小数且不超过万亿元：{text}", code="bad_amount")
    return value.quantize(FEN)


def parse_year(raw: object, label: str = "年度") -> int:
    text = str(raw or "").strip()
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise ValidationFailed(f"{label}应为四位年份：{text}", code="bad_year")
    return int(text)


def require_text(raw: object, label: str, max_length: int) -> str:
    text = str(raw or "").strip()
    if not text:
        raise ValidationFailed(f"请填写{label}", code="missing_field")
    if len(text) > max_length:
        raise ValidationFailed(f"{label}不能超过{max_length}个字", code="too_long")
    return text


def choice(raw: object, choices: list[tuple[str, str]], label: str) -> str:
    text = str(raw or "").strip()
    if text not in {value for value, _ in choices}:
        allowed = "、".join(name for _, name in choices)
        raise ValidationFailed(f"{label}应为：{allowed}", code="bad_choice")
    return text
