"""State changes in the registry. Each is one transaction and writes the audit trail."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.registry.models import Person

REVEALABLE = {"id_number": "身份证号", "phone": "手机号"}


def do_reveal_personal_data(
    actor: User, person: Person, field: str, request: HttpRequest | None = None
) -> str:
    """Show a full ID or phone number to a role that may see it, and audit that it was seen."""
    if field not in REVEALABLE:
        raise ValidationFailed(f"不能查看该字段：{field}", code="unknown_field")
    if not actor.can(Capability.VIEW_PII):
        raise PermissionDenied("您的角色只能查看脱敏信息")
    value = person.id_number_plain() if field == "id_number" else person.phone_plain()
    with transaction.atomic():
        audit.record(
            actor,
            AuditEvent.Action.VIEW_PII,
            "person",
            person.pk,
            person_id=person.pk,
            region_code=person.region_id,
            summary=f"查看{person.name}的{REVEALABLE[field]}明文",
            request=request,
        )
    return value
