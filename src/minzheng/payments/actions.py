"""State changes of payments. Each is permission-checked, audited, and one transaction (the roll
itself commits in chunks so that it can be resumed; see `jobs.run_roll`)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import ScopedActor
from minzheng.api.models import ApiClient
from minzheng.core import audit, clock
from minzheng.core.crypto import keyring
from minzheng.core.errors import NotFound, PermissionDenied, ValidationFailed
from minzheng.core.inputs import parse_amount
from minzheng.core.models import AuditEvent
from minzheng.core.pii import ID_NUMBER, seal
from minzheng.core.yearmonth import YearMonth
from minzheng.payments import bankfiles
from minzheng.payments.jobs import RollResult, county_region, run_roll
from minzheng.payments.models import (
    BankAccount,
    BankFile,
    BankFileLine,
    BankOutcome,
    BankTemplate,
    PriceIndex,
    Roll,
    TemporaryCase,
)
from minzheng.regions.models import Region
from minzheng.registry.models import Person

ACCOUNT = "bank_account"


def _in_scope(actor: User, region_code: str) -> bool:
    low, high = actor.scope_bounds()
    return low <= region_code <= high


def _require(actor: User | None, capability: Capability, region_code: str) -> User:
    if actor is None or not actor.can(capability):
        raise PermissionDenied("您的角色无权执行此操作")
    if not _in_scope(actor, region_code):
        raise NotFound("记录不存在或不在您的管辖范围内")
    return actor


def mask_account(number: str) -> str:
    """6222 **** **** 1234 style: the bank's prefix and the last four stay."""
    digits = number.replace(" ", "")
    if len(digits) <= 8:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def _new_account(
    *, person: Person | None, holder_name: str, bank_name: str, number: str
) -> BankAccount:
    digits = number.replace(" ", "")
    if not digits.isdigit() or not 8 <= len(digits) <= 30:
        raise ValidationFailed("银行账号应为8至30位数字", code="invalid_account")
    ring = keyring()
    return BankAccount.objects.create(
        person=person,
        holder_name=holder_name,
        bank_name=bank_name,
        number_cipher=ring.encrypt(digits),
        number_index=ring.blind_index(ACCOUNT, digits),
        number_masked=mask_account(digits),
    )


# ── bank accounts ────────────────────────────────────────────────────────────────────────────


def do_register_bank_account(
    actor: User | None, person: Person, *, bank_name: str, number: str
) -> BankAccount:
    """Record (or replace) the account a registry person is paid into."""
    user = _require(actor, Capability.EDIT_CASES, person.region_id)
    with transaction.atomic():
        old = list(BankAccount.objects.select_for_update().filter(person=person, active=True))
        BankAccount.objects.filter(pk__in=[a.pk for a in old]).update(active=False)
        account = _new_account(
            person=person, holder_name=person.name, bank_name=bank_name, number=number
        )
        audit.record(
            user,
            AuditEvent.Action.CREATE,
            "bank_account",
            account.pk,
            summary=f"登记银行账户 {account.number_masked}",
            before={"accounts": [a.number_masked for a in old]},
            after={"account": account.number_masked, "bank": bank_name},
            person_id=person.pk,
            region_code=person.region_id,
        )
    return account


# ── the roll, maker and checker ──────────────────────────────────────────────────────────────


def do_run_roll(
    actor: User | None,
    county_code: str,
    month: YearMonth,
    **options: Any,
) -> RollResult:
    """Make (or complete) the roll. `actor` None is the scheduled job; a person needs case data
    in a scope that covers the county."""
    county = county_region(county_code)
    if actor is not None:
        if not actor.can(Capability.CASE_DATA):
            raise PermissionDenied("您的角色无权执行此操作")
        low, high = actor.scope_bounds()
        county_low, county_high = county.bounds
        if not (low <= county_low and county_high <= high):
            raise PermissionDenied("只能由县级或市级人员生成全县花名册")
    result = run_roll(county.code, month, actor, **options)
    with transaction.atomic():
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "payment_roll",
            result.roll.pk,
            summary=f"生成{county.name}{month}发放花名册 v{result.roll.version}，新增 {result.inserted} 条",
            after={"inserted": result.inserted, "months": result.months},
            region_code=county.code,
        )
    return result


def do_approve_roll(actor: User | None, roll: Roll) -> Roll:
    """The checker: a county approver who did not make the roll."""
    user = _require(actor, Capability.APPROVE, roll.county_id)
    with transaction.atomic():
        locked = Roll.objects.select_for_update().get(pk=roll.pk)
        if locked.status != Roll.Status.DRAFT:
            raise ValidationFailed("该花名册已审批", code="roll_already_approved")
        if locked.completed_at is None:
            raise ValidationFailed("花名册尚未计算完成，不能审批", code="roll_incomplete")
        if locked.made_by_id is not None and locked.made_by_id == user.pk:
            raise PermissionDenied("制单人不能审批自己生成的花名册（审核分离）")
        locked.status = Roll.Status.APPROVED
        locked.approved_by = user
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        audit.record(
            user,
            AuditEvent.Action.APPROVE,
            "payment_roll",
            locked.pk,
            summary=f"审批花名册 {locked}",
            before={"status": Roll.Status.DRAFT},
            after={"status": locked.status},
            region_code=locked.county_id,
        )
    return locked


def do_send_back_roll(actor: User | None, roll: Roll, *, reason: str) -> Roll:
    """The checker refuses a draft with a reason; the maker's next run reopens it."""
    user = _require(actor, Capability.APPROVE, roll.county_id)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("请填写退回原因", code="reason_required")
    with transaction.atomic():
        locked = Roll.objects.select_for_update().get(pk=roll.pk)
        if locked.status != Roll.Status.DRAFT:
            raise ValidationFailed("只有待审批的花名册可以退回", code="roll_not_draft")
        if locked.made_by_id is not None and locked.made_by_id == user.pk:
            raise PermissionDenied("制单人不能审批自己生成的花名册（审核分离）")
        locked.status = Roll.Status.RETURNED
        locked.returned_reason = reason[:300]
        locked.save(update_fields=["status", "returned_reason"])
        audit.record(
            user,
            AuditEvent.Action.APPROVE,
            "payment_roll",
            locked.pk,
            summary=f"退回花名册 {locked}：{reason[:100]}",
            before={"status": Roll.Status.DRAFT},
            after={"status": locked.status, "reason": reason[:300]},
            region_code=locked.county_id,
        )
    return locked


def do_download_bank_file_page(actor: User, bank_file: BankFile) -> bytes:
    """A staff member downloads a bank file: the bytes, and an audit event saying who took them."""
    _require(actor, Capability.CASE_DATA, bank_file.county_id)
    try:
        data = bankfiles.read_bytes(bank_file)
    except OSError as exc:
        raise NotFound("银行文件已不在服务器上，请联系系统管理员") from exc
    audit.record(
        actor,
        AuditEvent.Action.EXPORT,
        "bank_file",
        bank_file.pk,
        summary=f"下载银行文件#{bank_file.pk}（{bank_file_rows(bank_file)} 笔）",
        region_code=bank_file.county_id,
    )
    return data


def bank_file_rows(bank_file: BankFile) -> int:
    """The data rows the file holds: its transfers that have an account (a payee without one is
    failed at once and never written)."""
    return BankFileLine.objects.filter(bank_file=bank_file, account__isnull=False).count()


def default_template() -> BankTemplate:
    template, _ = BankTemplate.objects.get_or_create(
        name="通用CSV",
        defaults={
            "format": BankTemplate.Format.CSV,
            "fields": [
                {"field": "reference", "title": "流水号"},
                {"field": "account", "title": "账号"},
                {"field": "holder_name", "title": "户名"},
                {"field": "amount_yuan", "title": "金额"},
                {"field": "direction", "title": "借贷标志"},
            ],
            "return_codes": {
                "0000": "paid",
                "E101": "wrong_account",
                "E102": "closed_account",
                "E103": "name_mismatch",
            },
            "source": "示例模板",
        },
    )
    return template


def _mark_no_account(bank_file: BankFile) -> int:
    missing = BankFileLine.objects.filter(bank_file=bank_file, account__isnull=True)
    outcomes = [
        BankOutcome(
            line=line,
            status=BankOutcome.Status.FAILED,
            reason_code="no_account",
            reason=bankfiles.REASONS["no_account"],
            return_file="（生成时）",
        )
        for line in missing
    ]
    BankOutcome.objects.bulk_create(outcomes, batch_size=2000)
    return len(outcomes)


def _template_fits(template: BankTemplate, county_code: str) -> None:
    """A county's template serves only that county; a city default serves every county."""
    if template.county_id is not None and template.county_id != county_code:
        raise ValidationFailed(
            f"银行文件模板“{template.name}”属于其他区县，不能用于本区县", code="template_not_ours"
        )


def do_export_bank_file(
    actor: User | None, roll: Roll, template: BankTemplate | None = None
) -> BankFile:
    """The bank file of an approved roll. Exporting again returns the same file."""
    if actor is not None:
        _require(actor, Capability.CASE_DATA, roll.county_id)
    template = template or default_template()
    _template_fits(template, roll.county_id)
    with transaction.atomic():
        locked = Roll.objects.select_for_update().get(pk=roll.pk)
        if locked.status == Roll.Status.DRAFT:
            raise ValidationFailed("花名册未经审批，不能生成银行文件", code="roll_not_approved")
        existing = BankFile.objects.filter(roll=locked).first()
        if existing is not None:
            return existing
        suffix = "csv" if template.format == BankTemplate.Format.CSV else "txt"
        bank_file = BankFile.objects.create(
            county_id=locked.county_id, roll=locked, template=template, path="", made_by=actor
        )
        bank_file.path = str(
            bankfiles.bank_file_dir()
            / locked.county_id[:6]
            / f"{locked.month:%Y%m}-v{locked.version}-{bank_file.pk}.{suffix}"
        )
        bank_file.line_count, bank_file.total_fen = bankfiles.insert_lines(bank_file)
        bank_file.save(update_fields=["path", "line_count", "total_fen"])
        _mark_no_account(bank_file)
        bankfiles.write_file(bank_file, template)
        locked.status = Roll.Status.EXPORTED
        locked.save(update_fields=["status"])
        audit.record(
            actor,
            AuditEvent.Action.EXPORT,
            "bank_file",
            bank_file.pk,
            summary=f"生成银行文件 {locked}，{bank_file.line_count} 笔",
            after={"lines": bank_file.line_count, "total_fen": bank_file.total_fen},
            region_code=locked.county_id,
        )
    return bank_file


# ── bank returns, exceptions, re-issue ───────────────────────────────────────────────────────


def do_import_bank_return(
    actor: User | None,
    bank_file: BankFile,
    text: str,
    *,
    filename: str,
    actor_name: str | None = None,
) -> dict[str, Any]:
    """Record the bank's results. Good rows are kept and bad ones reported; a reference that
    belongs to another file is a bad row. Importing the same file again changes nothing."""
    if actor is not None:
        _require(actor, Capability.CASE_DATA, bank_file.county_id)
    parsed = bankfiles.parse_return(bank_file.template, text)
    errors = list(parsed.errors)
    with transaction.atomic():
        refs = {r.reference for r in parsed.rows}
        lines = {
            line.reference: line
            for line in BankFileLine.objects.filter(bank_file=bank_file, reference__in=refs)
        }
        known = {
            o.line_id: o.status
            for o in BankOutcome.objects.filter(line__in=[line.pk for line in lines.values()])
        }
        new: list[BankOutcome] = []
        for row in parsed.rows:
            line = lines.get(row.reference)
            if line is None:
                errors.append((row.row, f"流水号 {row.reference} 不属于该银行文件"))
                continue
            if line.pk in known:
                if known[line.pk] != row.status:
                    errors.append((row.row, f"流水号 {row.reference} 已有不同的回盘结果"))
                continue
            known[line.pk] = row.status
            new.append(
                BankOutcome(
                    line=line,
                    status=row.status,
                    reason_code=row.reason_code,
                    reason=row.reason,
                    return_file=filename,
                )
            )
        BankOutcome.objects.bulk_create(new, batch_size=2000)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "bank_return",
            bank_file.pk,
            summary=f"导入回盘 {filename}：{len(new)} 条，错误 {len(errors)} 行",
            after={"recorded": len(new), "errors": errors[:50]},
            region_code=bank_file.county_id,
            actor_name=actor_name,
        )
    return {"recorded": len(new), "errors": sorted(errors)}


def do_correct_account(
    actor: User | None, line: BankFileLine, *, bank_name: str, number: str
) -> BankAccount:
    """Correct the account behind a failed transfer; the line can then be re-issued."""
    outcome = BankOutcome.objects.filter(line=line).first()
    if outcome is None or outcome.status != BankOutcome.Status.FAILED:
        raise ValidationFailed("只有发放失败的记录可以更正账户", code="not_failed")
    if line.temporary_case_id is not None:
        case = TemporaryCase.objects.get(pk=line.temporary_case_id)
        user = _require(actor, Capability.EDIT_CASES, case.region_id)
        with transaction.atomic():
            account = _new_account(
                person=case.person, holder_name=case.name, bank_name=bank_name, number=number
            )
            BankAccount.objects.filter(pk=case.account_id).update(active=False)
            TemporaryCase.objects.filter(pk=case.pk).update(account=account)
            audit.record(
                user,
                AuditEvent.Action.UPDATE,
                "bank_account",
                account.pk,
                summary=f"更正临时救助#{case.pk}账户为 {account.number_masked}",
                region_code=case.region_id,
            )
        return account
    if line.payee is None:
        raise ValidationFailed("该记录没有收款人，请先在救助对象中指定户主", code="no_payee")
    return do_register_bank_account(actor, line.payee, bank_name=bank_name, number=number)


def do_reissue_failed(
    actor: User | None, county_code: str, template: BankTemplate | None = None
) -> BankFile | None:
    """A bank file of the failed transfers whose account has since been corrected."""
    county = county_region(county_code)
    user = _require(actor, Capability.APPROVE, county.code)
    template = template or default_template()
    _template_fits(template, county.code)
    with transaction.atomic():
        queue = exception_queue(county.code)
        ready: list[tuple[BankFileLine, int]] = []
        for line in queue:
            account_id: int | None
            if line.temporary_case_id is not None:
                account_id = TemporaryCase.objects.values_list("account_id", flat=True).get(
                    pk=line.temporary_case_id
                )
            elif line.payee_id is None:
                continue
            else:
                account_id = (
                    BankAccount.objects.filter(person_id=line.payee_id, active=True)
                    .values_list("id", flat=True)
                    .first()
                )
            if account_id is not None and account_id != line.account_id:
                ready.append((line, account_id))
        if not ready:
            return None
        bank_file = BankFile.objects.create(
            county=county, roll=None, template=template, path="", made_by=user
        )
        BankFileLine.objects.bulk_create(
            BankFileLine(
                bank_file=bank_file,
                seq=seq,
                reference=f"B{bank_file.pk}-{seq}",
                payee_id=line.payee_id,
                temporary_case_id=line.temporary_case_id,
                account_id=account_id,
                amount_fen=line.amount_fen,
                reissue_of=line,
            )
            for seq, (line, account_id) in enumerate(ready, start=1)
        )
        bank_file.path = str(
            bankfiles.bank_file_dir() / county.code[:6] / f"reissue-{bank_file.pk}.csv"
        )
        bank_file.line_count = len(ready)
        bank_file.total_fen = sum(line.amount_fen for line, _ in ready)
        bank_file.save(update_fields=["path", "line_count", "total_fen"])
        bankfiles.write_file(bank_file, template)
        audit.record(
            user,
            AuditEvent.Action.EXPORT,
            "bank_file",
            bank_file.pk,
            summary=f"重新发放 {len(ready)} 笔失败记录",
            region_code=county.code,
        )
    return bank_file


def lines_visible_to(actor: ScopedActor) -> QuerySet[BankFileLine]:
    """Bank file lines of payees (or temporary cases) in the viewer's own region, via `visible_to`:
    a township caseworker sees their township, a village assistant their village."""
    return BankFileLine.objects.filter(
        Q(payee__in=Person.objects.visible_to(actor).values("pk"))
        | Q(temporary_case__in=TemporaryCase.objects.visible_to(actor).values("pk"))
    )


def exception_queue_for(actor: ScopedActor) -> list[BankFileLine]:
    """发放异常 as one viewer may see it: failed, not re-issued, and in their own region."""
    return list(
        lines_visible_to(actor)
        .filter(outcome__status=BankOutcome.Status.FAILED, reissue__isnull=True)
        .select_related("outcome", "account", "payee")
        .order_by("id")
    )


def exception_queue(county_code: str) -> list[BankFileLine]:
    """Failed transfers not yet re-issued: nothing failed is ever dropped from here silently."""
    low, high = county_code[:6].ljust(12, "0"), county_code[:6].ljust(12, "9")
    return list(
        BankFileLine.objects.filter(
            bank_file__county_id__gte=low,
            bank_file__county_id__lte=high,
            outcome__status=BankOutcome.Status.FAILED,
            reissue__isnull=True,
        )
        .select_related("outcome", "account", "payee")
        .order_by("id")
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


# ── temporary assistance ─────────────────────────────────────────────────────────────────────


def do_create_temporary_case(
    actor: User | None,
    *,
    region: Region,
    amount: Decimal,
    reason: str,
    bank_name: str,
    account_number: str,
    person: Person | None = None,
    name: str = "",
    id_number: str = "",
) -> TemporaryCase:
    """The maker: a caseworker records a one-off payment, for a registry person or an outsider."""
    user = _require(actor, Capability.EDIT_CASES, region.code)
    amount = parse_amount(amount, "救助金额")  # finite, two decimals, bounded: 1e30 broke pages
    if amount <= 0:
        raise ValidationFailed("救助金额应大于零", code="invalid_amount")
    if person is None and not (name.strip() and id_number.strip()):
        raise ValidationFailed("非登记人员须填写姓名和身份证号", code="identity_required")
    if person is not None:
        name = person.name
    with transaction.atomic():
        account = _new_account(
            person=None, holder_name=name, bank_name=bank_name, number=account_number
        )
        case = TemporaryCase(
            region=region,
            person=person,
            name=name,
            account=account,
            amount=amount,
            reason=reason,
            made_by=user,
        )
        if id_number:
            sealed = seal(ID_NUMBER, id_number.strip().upper())
            case.id_number_cipher, case.id_number_index, case.id_number_masked = (
                sealed.cipher,
                sealed.index,
                sealed.masked,
            )
        case.save()
        audit.record(
            user,
            AuditEvent.Action.CREATE,
            "temporary_case",
            case.pk,
            summary=f"临时救助申请 {name} {amount}元：{reason}",
            after={"amount": amount, "account": account.number_masked},
            person_id=person.pk if person else None,
            region_code=region.code,
        )
    return case


def do_decide_temporary_case(
    actor: User | None, case: TemporaryCase, *, approve: bool, month: YearMonth | None = None
) -> TemporaryCase:
    """The checker: a county approver other than the maker approves; paid by the next roll."""
    user = _require(actor, Capability.APPROVE, case.region_id)
    with transaction.atomic():
        locked = TemporaryCase.objects.select_for_update().get(pk=case.pk)
        if locked.status != TemporaryCase.Status.DRAFT:
            raise ValidationFailed("该临时救助已审批", code="case_decided")
        if locked.made_by_id == user.pk:
            raise PermissionDenied("经办人不能审批自己录入的临时救助（审核分离）")
        locked.status = TemporaryCase.Status.APPROVED if approve else TemporaryCase.Status.REJECTED
        locked.approved_by = user
        today = clock.today()
        locked.approved_month = (month or YearMonth.of(today)).first_day() if approve else None
        locked.save(update_fields=["status", "approved_by", "approved_month"])
        audit.record(
            user,
            AuditEvent.Action.APPROVE,
            "temporary_case",
            locked.pk,
            summary=f"临时救助#{locked.pk} {locked.get_status_display()}",
            after={"status": locked.status},
            region_code=locked.region_id,
        )
    return locked


# ── bank partners (the API) ──────────────────────────────────────────────────────────────────

PARTNER_SCOPE = "payments:bank"


def _require_partner(client: ApiClient, county_code: str) -> None:
    if not client.has_scope(PARTNER_SCOPE):
        raise PermissionDenied(f"该客户端未获授权：{PARTNER_SCOPE}")
    low, high = client.scope_bounds()
    if not low <= county_code <= high:
        raise NotFound("记录不存在或不在您的管辖范围内")


def partner_bank_files(client: ApiClient) -> list[BankFile]:
    """The bank files of the partner's county, newest first (only approved rolls have files)."""
    if not client.has_scope(PARTNER_SCOPE):
        raise PermissionDenied(f"该客户端未获授权：{PARTNER_SCOPE}")
    low, high = client.scope_bounds()
    return list(
        BankFile.objects.filter(county_id__gte=low, county_id__lte=high)
        .select_related("roll", "template")
        .order_by("-created_at", "-pk")[:200]
    )


def partner_bank_file(client: ApiClient, file_id: int) -> BankFile:
    bank_file = BankFile.objects.select_related("template").filter(pk=file_id).first()
    if bank_file is None:
        raise NotFound("记录不存在或不在您的管辖范围内")
    _require_partner(client, bank_file.county_id)
    return bank_file


def do_download_bank_file(client: ApiClient, file_id: int) -> tuple[BankFile, bytes]:
    """The file's bytes for the bank. Audited: the file carries full account numbers."""
    bank_file = partner_bank_file(client, file_id)
    data = bankfiles.read_bytes(bank_file)
    with transaction.atomic():
        audit.record(
            None,
            AuditEvent.Action.EXPORT,
            "bank_file",
            bank_file.pk,
            summary=f"银行接口下载银行文件#{bank_file.pk}，{bank_file.line_count} 笔",
            region_code=bank_file.county_id,
            actor_name=f"接口客户端：{client.name}",
        )
    return bank_file, data


def do_partner_import_return(
    client: ApiClient, file_id: int, data: bytes, *, filename: str
) -> dict[str, Any]:
    """A bank's return file through the API: the same import as the page, attributed to the
    client in the audit trail."""
    bank_file = partner_bank_file(client, file_id)
    text = bankfiles.decode_return(bank_file.template, data)
    return do_import_bank_return(
        None, bank_file, text, filename=filename, actor_name=f"接口客户端：{client.name}"
    )


# ── bank templates ───────────────────────────────────────────────────────────────────────────


def bank_templates_for(actor: User) -> QuerySet[BankTemplate]:
    """The city-level defaults (read-only to counties) and the templates of the viewer's counties."""
    own = BankTemplate.objects.visible_to(actor)
    return (own | BankTemplate.objects.filter(county__isnull=True)).select_related("county")


def may_edit_template(actor: User, template: BankTemplate | None) -> bool:
    """A county's templates are its own: only that county edits them; only the city edits defaults."""
    if not actor.can(Capability.MANAGE_PARAMETERS):
        return False
    if template is None:
        return actor.region.level in ("city", "county")
    if template.county_id is None:
        return actor.region.level == "city"
    return (
        actor.region.level == "county"
        and BankTemplate.objects.visible_to(actor).filter(pk=template.pk).exists()
    )


def do_save_bank_template(
    actor: User | None,
    template: BankTemplate | None,
    *,
    name: str,
    format: str,
    encoding: str,
    fields_json: str,
    return_codes_json: str,
    source: str = "",
) -> BankTemplate:
    """Create or edit a bank's layout. The JSON is validated field by field (Chinese messages):
    a template that cannot render a line must never reach the export.

    A county approver's template belongs to their county; a city administrator's is a city-level
    default. Return codes decide what counts as paid, so a change of them only *waits* here until
    a second person approves it (`do_decide_return_codes`).
    """
    if actor is None or not actor.can(Capability.MANAGE_PARAMETERS):
        raise PermissionDenied("只有参数管理人员可以维护银行文件模板")
    if not may_edit_template(actor, template):
        raise PermissionDenied("市级默认模板只能由市级维护，区县模板只能由本区县维护")
    if not name.strip():
        raise ValidationFailed("请填写模板名称", code="invalid_template")
    fields = bankfiles.validate_fields(fields_json, format=format, encoding=encoding)
    codes = bankfiles.validate_return_codes(return_codes_json)
    with transaction.atomic():
        before = (
            None
            if template is None
            else {"fields": template.fields, "return_codes": template.return_codes}
        )
        if template is None:
            if BankTemplate.objects.filter(name=name.strip()).exists():
                raise ValidationFailed("模板名称已存在", code="invalid_template")
            template = BankTemplate(
                name=name.strip(),
                return_codes={},
                county=actor.region if actor.region.level == "county" else None,
            )
        else:
            template = BankTemplate.objects.select_for_update().get(pk=template.pk)
            template.name = name.strip()
        template.format = format
        template.encoding = encoding
        template.fields = fields
        if codes != template.return_codes:
            template.pending_return_codes = codes
            template.pending_by = actor
        template.source = source.strip()
        template.save()
        audit.record(
            actor,
            AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
            "bank_template",
            template.pk,
            summary=f"银行文件模板 {template.name}"
            + ("（回盘代码变更待复核）" if template.pending_return_codes is not None else ""),
            before=before,
            after={"fields": fields, "pending_return_codes": template.pending_return_codes},
            region_code=template.county_id or "",
        )
    return template


def do_decide_return_codes(actor: User, template: BankTemplate, *, approve: bool) -> BankTemplate:
    """The checker: another person who may edit the template approves or discards the change."""
    if not may_edit_template(actor, template):
        raise PermissionDenied("您无权复核该模板的回盘代码")
    with transaction.atomic():
        template = BankTemplate.objects.select_for_update().get(pk=template.pk)
        if template.pending_return_codes is None:
            raise ValidationFailed("该模板没有待复核的回盘代码", code="nothing_pending")
        if template.pending_by_id == actor.pk:
            raise PermissionDenied(
                "回盘代码须由另一人复核，不能复核自己的修改", code="self_approval"
            )
        before = {"return_codes": template.return_codes}
        if approve:
            template.return_codes = template.pending_return_codes
        template.pending_return_codes = None
        template.pending_by = None
        template.save(update_fields=["return_codes", "pending_return_codes", "pending_by"])
        audit.record(
            actor,
            AuditEvent.Action.APPROVE,
            "bank_template",
            template.pk,
            summary=f"{'批准' if approve else '驳回'}回盘代码变更 {template.name}",
            before=before,
            after={"return_codes": template.return_codes},
            region_code=template.county_id or "",
        )
    return template
