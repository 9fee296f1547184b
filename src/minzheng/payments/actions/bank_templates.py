"""Bank file templates: the default layout, who may edit one, saving and approving return codes."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.payments import bankfiles
from minzheng.payments.models import (
    BankTemplate,
)


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


def _template_fits(template: BankTemplate, county_code: str) -> None:
    """A county's template serves only that county; a city default serves every county."""
    if template.county_id is not None and template.county_id != county_code:
        raise ValidationFailed(
            f"银行文件模板“{template.name}”属于其他区县，不能用于本区县", code="template_not_ours"
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
