from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.api.models import SCOPES, ApiClient
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
    token = ApiClient.new_token()
    client = ApiClient(name=name, scopes=sorted(set(scopes)), region=region)
    client.set_token(token)
    with transaction.atomic():
        client.save()
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "api_client",
            client.pk,
            request=request,
            summary=f"登记接口客户端 {name}",
            after={"scopes": client.scopes, "region": region_code},
            actor_name=None if actor else "cli",
        )
    return client, token
