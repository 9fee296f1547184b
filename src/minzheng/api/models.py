"""Partner systems (hospitals, banks, other departments) and their tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.db import models
from django.utils import timezone

from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import CoversMixin
from minzheng.regions.models import Region

# Scopes a partner may be granted. Each endpoint names the one it needs.
SCOPES: dict[str, str] = {
    "registry:read": "读取人员与家庭（限数据范围）",
    "eligibility:evaluate": "救助资格测算",
    "medical:settle": "医疗救助一站式结算",
    "verification:feed": "核对数据推送",
    "payments:bank": "银行代发回盘",
    "ops:metrics": "运维监控指标（不含个案数据）",
}

# Scopes that read or write case data: granted only with the security administrator's approval.
CASE_DATA_SCOPES: frozenset[str] = frozenset(
    {"registry:read", "medical:settle", "verification:feed", "payments:bank"}
)

TOKEN_PREFIX_LENGTH = 8


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClient(CoversMixin, models.Model):
    name = models.CharField("客户端名称", max_length=100, unique=True)
    scopes = models.JSONField("授权范围", default=list)
    region = models.ForeignKey(
        Region, verbose_name="数据范围", on_delete=models.PROTECT, related_name="+"
    )
    token_prefix = models.CharField(max_length=TOKEN_PREFIX_LENGTH, db_index=True)
    token_hash = models.CharField(max_length=64)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField("令牌有效期至", null=True, blank=True)

    objects: ClassVar[models.Manager[ApiClient]] = models.Manager()

    class Meta:
        verbose_name = "接口客户端"

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def new_token() -> str:
        return "mz_" + secrets.token_urlsafe(32)

    def set_token(self, token: str) -> None:
        self.token_prefix = token[:TOKEN_PREFIX_LENGTH]
        self.token_hash = hash_token(token)

    @property
    def usable(self) -> bool:
        """Enabled and not past its expiry: a disabled or expired token opens nothing."""
        return self.active and (self.expires_at is None or self.expires_at > timezone.now())

    def has_scope(self, scope: str) -> bool:
        return self.usable and scope in self.scopes

    # -- the ScopedActor protocol: a partner sees case data only with registry:read ------------

    def can(self, capability: Capability) -> bool:
        return capability is Capability.CASE_DATA and self.has_scope("registry:read")
