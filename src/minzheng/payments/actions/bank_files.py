"""Bank files: export a roll to the bank's format, import the bank's return, re-issue failures, the exception queue (发放异常)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.permissions import require
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import ScopedActor
from minzheng.core import audit
from minzheng.core.errors import NotFound, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.regioncode import RegionCode, county_of
from minzheng.payments import bankfiles
from minzheng.payments.actions.bank_templates import _template_fits, default_template
from minzheng.payments.jobs import county_region
from minzheng.payments.models import (
    BankAccount,
    BankFile,
    BankFileLine,
    BankOutcome,
    BankTemplate,
    ProviderPayee,
    Roll,
    TemporaryCase,
)


def do_download_bank_file_page(actor: User, bank_file: BankFile) -> bytes:
    """A staff member downloads a bank file: the bytes, and an audit event saying who took them."""
    require(actor, Capability.CASE_DATA, region_code=bank_file.county_id)
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


def do_export_bank_file(
    actor: User | None, roll: Roll, template: BankTemplate | None = None
) -> BankFile:
    """The bank file of an approved roll. Exporting again returns the same file."""
    if actor is not None:
        require(actor, Capability.CASE_DATA, region_code=roll.county_id)
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
            / county_of(locked.county_id)
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
        require(actor, Capability.CASE_DATA, region_code=bank_file.county_id)
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


def do_reissue_failed(
    actor: User | None, county_code: str, template: BankTemplate | None = None
) -> BankFile | None:
    """A bank file of the failed transfers whose account has since been corrected."""
    county = county_region(county_code)
    user = require(actor, Capability.APPROVE, region_code=county.code)
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
            elif line.provider_id is not None:
                account_id = ProviderPayee.objects.values_list("account_id", flat=True).get(
                    pk=line.provider_id
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
                provider_id=line.provider_id,
                account_id=account_id,
                amount_fen=line.amount_fen,
                reissue_of=line,
            )
            for seq, (line, account_id) in enumerate(ready, start=1)
        )
        bank_file.path = str(
            bankfiles.bank_file_dir() / county_of(county.code) / f"reissue-{bank_file.pk}.csv"
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
    return BankFileLine.objects.visible_to(actor)


def exception_queue_for(actor: ScopedActor) -> list[BankFileLine]:
    """发放异常 as one viewer may see it: failed, not re-issued, and in their own region."""
    return list(
        lines_visible_to(actor)
        .filter(outcome__status=BankOutcome.Status.FAILED, reissue__isnull=True)
        .select_related("outcome", "account", "payee", "provider")
        .order_by("id")
    )


def exception_queue(county_code: str) -> list[BankFileLine]:
    """Failed transfers not yet re-issued: nothing failed is ever dropped from here silently."""
    return list(
        BankFileLine.objects.unscoped_within(RegionCode.of(county_code).county)
        .filter(
            outcome__status=BankOutcome.Status.FAILED,
            reissue__isnull=True,
        )
        .select_related("outcome", "account", "payee", "provider")
        .order_by("id")
    )
