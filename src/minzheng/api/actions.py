from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from minzheng.accounts.actions import do_propose_api_scopes
from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.api.models import CASE_DATA_SCOPES, SCOPES, ApiClient
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.regions.models import Region


def do_create_api_client(
    actor: User | None,
    *,
    name: str,
    scopes: list[str],
    region_code: str,
    expires_at: datetime | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiClient, str]:
    """Register a partner system. The token is returned once and only its hash is kept."""
    if actor is not None and not actor.can(Capability.MANAGE_USERS):
        raise PermissionDenied("只有系统管理员可以登记接口客户端")
    if not name:
        raise ValidationFailed("请填写客户端名称", code="name_required")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise ValidationFailed(f"未知授权范围：{'、'.join(unknown)}", code="unknown_scope")
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationFailed(f"区划代码不存在：{region_code}", code="unknown_region")
    if ApiClient.objects.filter(name=name).exists():
        raise ValidationFailed(f"客户端名称已存在：{name}", code="duplicate_name")
    if len(name) > 100:
        raise ValidationFailed("客户端名称不能超过100个字符", code="name_too_long")
    token = ApiClient.new_token()
    # 三员分立: from the system administrator, case-data scopes wait for the security administrator.
    wanted = sorted(set(scopes))
    pending = [s for s in wanted if s in CASE_DATA_SCOPES] if actor is not None else []
    client = ApiClient(
        name=name,
        scopes=[s for s in wanted if s not in pending],
        region=region,
        expires_at=expires_at,
    )
    client.set_token(token)
    with transaction.atomic():
        client.save()
        if pending:
            assert actor is not None
            do_propose_api_scopes(actor, client, pending)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "api_client",
            client.pk,
            request=request,
            summary=f"登记接口客户端 {name}",
            after={"scopes": client.scopes, "pending": pending, "region": region_code},
            actor_name=None if actor else "cli",
        )
    return client, token


def do_set_api_client_access(
    actor: User,
    client: ApiClient,
    *,
    active: bool,
    expires_at: datetime | None,
    request: HttpRequest | None = None,
) -> ApiClient:
    """Disable or enable a partner's token and set its expiry (both take effect on the next call)."""
    if not actor.can(Capability.MANAGE_USERS):
        raise PermissionDenied("只有系统管理员可以管理接口客户端")
    if active and expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed("有效期应晚于当前时间", code="bad_expiry")
    with transaction.atomic():
        before = {"active": client.active, "expires_at": client.expires_at}
        client.active = active
        client.expires_at = expires_at
        client.save(update_fields=["active", "expires_at"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "api_client",
            client.pk,
            request=request,
            summary=f"{'启用' if active else '停用'}接口客户端 {client.name}",
            before=before,
            after={"active": active, "expires_at": expires_at},
        )
    return client
