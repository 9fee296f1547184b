"""`YearMonth`: the month a benefit is for. Payments, rolls and parameters speak in months."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_PATTERN = re.compile(r"^(\d{4})-?(\d{2})$")


@dataclass(frozen=True, order=True, slots=True)
class YearMonth:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"月份无效：{self.month}")

    @classmethod
    def parse(cls, text: str) -> YearMonth:
        match = _PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"年月格式应为 YYYY-MM：{text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> YearMonth:
        return cls(day.year, day.month)

    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def last_day(self) -> date:
        return (self + 1).first_day().fromordinal((self + 1).first_day().toordinal() - 1)

    def __add__(self, months: int) -> YearMonth:
        index = self.year * 12 + (self.month - 1) + months
        return YearMonth(index // 12, index % 12 + 1)

    def __sub__(self, months: int) -> YearMonth:
        return self + (-months)

    def months_until(self, other: YearMonth) -> int:
        """Whole months from self to other (negative when other is earlier)."""
        return (other.year - self.year) * 12 + (other.month - self.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
