"""Price indices (CPI) that trigger the price subsidy: entered one by one or imported from Excel/CSV."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.models import (
    PriceIndex,
)

# ── price indices ────────────────────────────────────────────────────────────────────────────


def _percent(value: object, what: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().rstrip("%"))
    except InvalidOperation as exc:
        raise ValidationFailed(f"{what}应为数字：{value!r}", code="invalid_index") from exc
    if not Decimal(-50) < number < Decimal(100):
        raise ValidationFailed(f"{what}超出合理范围：{number}", code="invalid_index")
    return number


def do_enter_price_index(
    actor: User | None,
    *,
    region_code: str,
    month: YearMonth,
    cpi_yoy: object,
    food_cpi_yoy: object,
    source: str,
) -> PriceIndex:
    """Enter (or correct, with the audit showing before and after) a month's price indices."""
    if actor is None or not actor.can(Capability.MANAGE_PARAMETERS):
        raise PermissionDenied("只有参数管理人员可以录入价格指数")
    cpi = _percent(cpi_yoy, "CPI同比涨幅")
    food = _percent(food_cpi_yoy, "食品CPI同比涨幅")
    if not source.strip():
        raise ValidationFailed("请填写数据来源", code="source_required")
    with transaction.atomic():
        old = PriceIndex.objects.filter(region_code=region_code, month=month.first_day()).first()
        before = {"cpi": old.cpi_yoy, "food": old.food_cpi_yoy} if old else None
        index, _ = PriceIndex.objects.update_or_create(
            region_code=region_code,
            month=month.first_day(),
            defaults={
                "cpi_yoy": cpi,
                "food_cpi_yoy": food,
                "source": source.strip(),
                "entered_by": actor,
            },
        )
        audit.record(
            actor,
            AuditEvent.Action.UPDATE if old else AuditEvent.Action.CREATE,
            "price_index",
            index.pk,
            summary=f"价格指数 {region_code} {month}：CPI {cpi}% 食品 {food}%",
            before=before,
            after={"cpi": cpi, "food": food, "source": source},
        )
    return index


PRICE_COLUMNS = ("A 月份", "B CPI同比", "C 食品CPI同比")


def do_import_price_indices(
    actor: User | None, rows: list[list[str]], *, region_code: str, source: str
) -> dict[str, Any]:
    """Rows `month, cpi_yoy, food_cpi_yoy` (CSV or Excel, header allowed). Bad rows are reported
    with row, column and reason (`rejected`; `errors` has row and reason); good rows are kept."""
    if actor is None or not actor.can(Capability.MANAGE_PARAMETERS):
        raise PermissionDenied("只有参数管理人员可以录入价格指数")
    saved, rejected = 0, []
    for number, cells in enumerate(rows, start=1):
        if not cells or not any(str(c).strip() for c in cells):
            continue
        if number == 1 and not str(cells[0]).strip()[:1].isdigit():
            continue
        column = "—"
        try:
            if len(cells) < 3 or not str(cells[2]).strip():
                column = PRICE_COLUMNS[min(len(cells), 2)]
                raise ValidationFailed("应有月份、CPI、食品CPI三列")
            column = PRICE_COLUMNS[0]
            month = YearMonth.parse(str(cells[0]).strip()[:7])
            column = PRICE_COLUMNS[1]
            cpi = _percent(cells[1], "CPI同比涨幅")
            column = PRICE_COLUMNS[2]
            food = _percent(cells[2], "食品CPI同比涨幅")
            column = "—"
            do_enter_price_index(
                actor,
                region_code=region_code,
                month=month,
                cpi_yoy=cpi,
                food_cpi_yoy=food,
                source=source,
            )
            saved += 1
        except (ValidationFailed, ValueError) as exc:
            reason = getattr(exc, "message", None) or f"月份格式应为YYYY-MM：{cells[0]!r}"
            rejected.append((number, column, reason))
    return {
        "saved": saved,
        "rejected": rejected,
        "errors": [(row, reason) for row, _, reason in rejected],
    }


def price_index_rows(data: bytes, filename: str) -> list[list[str]]:
    """The rows of an uploaded CSV or Excel (.xlsx, first sheet) price-index file, as text."""
    if filename.lower().endswith(".xlsx"):
        import io
        from datetime import date as date_type

        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ValidationFailed("无法读取Excel文件（应为.xlsx）", code="bad_file") from exc
        sheet = book.worksheets[0]
        rows: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True):
            row = []
            for value in values:
                if isinstance(value, date_type):
                    row.append(f"{value:%Y-%m}")
                else:
                    row.append("" if value is None else str(value))
            rows.append(row)
        book.close()
        return rows
    import csv
    import io

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    return list(csv.reader(io.StringIO(text)))
