"""The one state change of the dictionary: the city administrator edits a label."""

from __future__ import annotations

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core import audit
from minzheng.core.errors import NotFound, PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.dictionary.labels import KIND_NAMES, defaults, forget_overrides, label_for
from minzheng.dictionary.models import LabelOverride


def do_set_label(actor: User, kind: str, code: str, text: str) -> LabelOverride | None:
    """Change a label (never a code). An empty text, or the default, restores the default."""
    if not actor.can(Capability.MANAGE_PARAMETERS) or actor.region.level != "city":
        raise PermissionDenied("只有市级管理员可以修改字典")
    if code not in defaults().get(kind, {}):
        raise NotFound("字典中没有该代码")
    text = text.strip()
    if len(text) > 100:
        raise ValidationFailed("显示名称不能超过100个字", code="label_too_long")
    before = label_for(kind, code)
    with transaction.atomic():
        LabelOverride.objects.filter(kind=kind, code=code).delete()
        saved = None
        if text and text != defaults()[kind][code]:
            saved = LabelOverride.objects.create(kind=kind, code=code, text=text, updated_by=actor)
        forget_overrides()
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "dictionary_label",
            summary=f"{KIND_NAMES.get(kind, '字典')}标签由「{before}」改为「{label_for(kind, code)}」",
            before={"label": before},
            after={"label": label_for(kind, code)},
        )
    return saved
