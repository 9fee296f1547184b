"""One rule for text typed or uploaded into the platform: no NUL, no control characters.

A NUL byte cannot be stored in PostgreSQL (the driver raises, the page was a 500), and a control
character in a name made every Excel export of it fail. The rule is applied once, centrally: by
`InputGuardMiddleware` to every query string, form field and JSON body; by `CleanText` to API
schemas; by `refuse_control_characters` to form fields and import cells; by the CLI's readers.
Tab, line feed and carriage return stay allowed inside multi-line text (notes, addresses).
"""

from __future__ import annotations

import math
import os
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from minzheng.core.errors import ValidationFailed

FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# One field longer than this is refused before it reaches a model (a 1 MB "name").
MAX_FIELD_CHARS = 65_536


def text_problem(value: str) -> str | None:
    """The Chinese reason a piece of text is refused, or None when it is acceptable."""
    found = FORBIDDEN.search(value)
    if found is not None:
        char = found.group()
        what = "空字符（NUL）" if char == "\x00" else f"控制字符（U+{ord(char):04X}）"
        return f"输入中含有不允许的{what}，请删除后重新提交"
    if len(value) > MAX_FIELD_CHARS:
        return f"输入内容过长（超过 {MAX_FIELD_CHARS} 个字符）"
    return None


def refuse_control_characters(value: str, label: str = "输入") -> str:
    """A validator for form fields and import cells: the value, or a Chinese ValidationFailed."""
    problem = text_problem(value)
    if problem is not None:
        raise ValidationFailed(f"{label}：{problem}", code="invalid_text")
    return value


def _clean_text(value: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


# A pydantic string that refuses NUL and control characters (API bodies).
CleanText = Annotated[str, AfterValidator(_clean_text)]


def walk_strings(value: Any) -> list[str]:
    """Every string (keys included) inside a parsed JSON value."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


# ── numbers ──────────────────────────────────────────────────────────────────────────────────

# The largest amount of money any form or API accepts, in 元 (no benefit comes near it; it keeps
# a typo such as 1e30 from being stored and breaking every page that sums it).
MAX_AMOUNT = Decimal("100000000")


def parse_amount(
    raw: object, label: str, *, allow_negative: bool = False, maximum: Decimal = MAX_AMOUNT
) -> Decimal:
    """A money amount in 元: finite, at most two decimals, within bounds — or a Chinese error."""
    text = str(raw).strip().replace(",", "").replace("，", "")
    if not text:
        raise ValidationFailed(f"请填写{label}", code="invalid_amount")
    problem = text_problem(text)
    if problem is not None:
        raise ValidationFailed(f"{label}：{problem}", code="invalid_amount")
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            f"{label}应为金额（元），如 1200.50", code="invalid_amount"
        ) from None
    if not value.is_finite():
        raise ValidationFailed(f"{label}应为有限的金额", code="invalid_amount")
    if abs(value) > maximum:
        raise ValidationFailed(f"{label}超出允许范围（最多 {maximum} 元）", code="invalid_amount")
    if value < 0 and not allow_negative:
        raise ValidationFailed(f"{label}不能为负数", code="invalid_amount")
    if value != value.quantize(Decimal("0.01")):
        raise ValidationFailed(f"{label}最多两位小数", code="invalid_amount")
    return value.quantize(Decimal("0.01"))


def finite_float(raw: object, label: str, *, maximum: float = 1e9) -> float:
    """A finite number within ±maximum, or a Chinese error."""
    try:
        value = float(str(raw).strip())
    except ValueError:
        raise ValidationFailed(f"{label}应为数字", code="invalid_number") from None
    if not math.isfinite(value) or abs(value) > maximum:
        raise ValidationFailed(f"{label}超出允许范围", code="invalid_number")
    return value


# ── files and arguments on the command line ─────────────────────────────────────────────────


def read_text_file(path: str | Path, *, encoding: str | None = None, label: str = "文件") -> str:
    """A text file as str: UTF-8, UTF-8 with BOM or GB18030 (or the given encoding).

    Every way it can fail — missing, a directory, unreadable, binary, undecodable, empty, or
    holding control characters — is a ValidationFailed with a Chinese message, never a traceback.
    """
    data = read_file_bytes(path, label=label)
    if b"\x00" in data:
        raise ValidationFailed(f"{label}是二进制文件，不是文本：{path}", code="file_binary")
    text = None
    for candidate in (encoding,) if encoding else ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(candidate)
            break
        except LookupError:
            raise ValidationFailed(f"不认识的编码：{candidate}", code="bad_encoding") from None
        except UnicodeDecodeError:
            continue
    if text is None:
        wanted = encoding or "UTF-8、UTF-8 BOM 或 GB18030/GBK"
        raise ValidationFailed(f"{label}编码无法识别（应为 {wanted}）：{path}", code="bad_encoding")
    if not text.strip():
        raise ValidationFailed(f"{label}是空的：{path}", code="file_empty")
    found = FORBIDDEN.search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        raise ValidationFailed(
            f"{label}第 {line} 行含有不允许的控制字符（U+{ord(found.group()):04X}）",
            code="invalid_text",
        )
    return text


def read_file_bytes(path: str | Path, *, label: str = "文件") -> bytes:
    target = Path(path)
    try:
        return target.read_bytes()
    except FileNotFoundError:
        raise ValidationFailed(f"找不到{label}：{path}", code="file_missing") from None
    except IsADirectoryError:
        raise ValidationFailed(f"{path} 是目录，不是{label}", code="file_is_directory") from None
    except PermissionError:
        raise ValidationFailed(f"无权读取{label}：{path}", code="file_unreadable") from None
    except OSError as exc:
        raise ValidationFailed(
            f"无法读取{label}：{path}（{exc.strerror}）", code="file_unreadable"
        ) from None


def check_writable(path: str | Path, *, label: str = "输出文件") -> Path:
    """Refuse an output path that cannot be written before any work is done."""
    target = Path(path)
    if target.is_dir():
        raise ValidationFailed(f"{path} 是目录，不能作为{label}", code="output_is_directory")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise ValidationFailed(f"{label}所在目录不存在：{parent}", code="output_unwritable")
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise ValidationFailed(f"无权写入{label}：{path}", code="output_unwritable")
    return target


def iso_date(text: str) -> date:
    """An argparse type: YYYY-MM-DD, else argparse's exit 2 with a Chinese message."""
    import argparse

    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD 的有效日期：{text}") from None


# ── pydantic types for API bodies ───────────────────────────────────────────────────────────

# Money in 元 in a JSON body: finite, at most two decimals, within ±MAX_AMOUNT (1e28 overflowed
# the arithmetic; NaN and Infinity reached the rules). The rules refuse negative incomes by name.
Money = Annotated[
    Decimal, Field(allow_inf_nan=False, ge=-MAX_AMOUNT, le=MAX_AMOUNT, decimal_places=2)
]
NonNegativeMoney = Annotated[
    Decimal, Field(allow_inf_nan=False, ge=0, le=MAX_AMOUNT, decimal_places=2)
]
# A floor area in square metres.
Area = Annotated[Decimal, Field(allow_inf_nan=False, ge=0, le=100_000, decimal_places=2)]

# Paging in API query strings: a negative offset or one past 2**63 reached the database (500).
Offset = Annotated[int, Field(ge=0, le=1_000_000_000)]
Limit = Annotated[int, Field(ge=0, le=100_000)]

MAX_ID = 2**63 - 1


def int_param(raw: object, label: str, *, default: int | None = None) -> int:
    """A record id or count from a query string or form: digits within a database integer."""
    text = str(raw if raw is not None else "").strip()
    if not text and default is not None:
        return default
    if not text.isascii() or not text.isdigit() or int(text) > MAX_ID:
        raise ValidationFailed(f"{label}应为正整数", code="invalid_number")
    return int(text)


def region_prefix(raw: object) -> str:
    """A region filter from a query string: up to 12 digits, or empty for all."""
    text = str(raw or "").strip()
    if text and not (text.isascii() and text.isdigit() and len(text) <= 12):
        raise ValidationFailed("区划代码应为不超过 12 位的数字", code="invalid_region")
    return text
