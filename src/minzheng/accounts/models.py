from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from minzheng.accounts.roles import ROLE_CAPABILITIES, Capability, Role
from minzheng.accounts.scope import CoversMixin
from minzheng.regions.models import Region


class User(CoversMixin, AbstractUser):
    """A staff account: one role, one region scope."""

    role = models.CharField("角色", max_length=30, choices=Role.choices)
    region = models.ForeignKey(
        Region, verbose_name="管辖区域", on_delete=models.PROTECT, related_name="staff"
    )
    display_name = models.CharField("姓名", max_length=60, blank=True)
    failed_logins = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_at = models.DateTimeField("锁定时间", null=True, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    #: An initial or reset password is one-time: nothing but the change page opens until it is changed.
    must_change_password = models.BooleanField("须修改密码", default=False)

    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "工作人员"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""

    @property
    def capabilities(self) -> frozenset[Capability]:
        if not self.is_active or not self.role:
            return frozenset()
        return ROLE_CAPABILITIES.get(self.role, frozenset())

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class LoginLog(models.Model):
    """登录日志: every attempt, successful or not."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField("用户名", max_length=150, db_index=True)
    success = models.BooleanField("成功")
    reason = models.CharField("说明", max_length=100, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ("-at", "-id")
        verbose_name = "登录日志"

    def __str__(self) -> str:
        return f"{self.username} {'成功' if self.success else '失败'}"


class LoginThrottle(models.Model):
    """Failed sign-ins of one username from one source address, with exponential backoff.

    Per account AND source: an outsider hammering an account from their address slows only
    themselves; the right user from their own address still gets in (docs/security.md).
    """

    username = models.CharField("用户名", max_length=150)
    ip = models.CharField("来源地址", max_length=45)
    failures = models.PositiveIntegerField("连续失败次数", default=0)
    blocked_until = models.DateTimeField("限制至", null=True, blank=True)
    last_failure_at = models.DateTimeField("最近失败", null=True, blank=True)

    class Meta:
        verbose_name = "登录限制"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["username", "ip"], name="one_throttle_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.ip}"


class RateEvent(models.Model):
    """One counted event for a rate limit (portal codes per IP, per ID number, in total)."""

    bucket = models.CharField(max_length=30)
    key = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["bucket", "key", "at"])]

    def __str__(self) -> str:
        return f"{self.bucket}:{self.key}"


class AccessRequest(models.Model):
    """授权申请 (maker-checker): the system administrator proposes, the security administrator approves.

    Until approved nothing changes: a new account has no role, an account keeps its old role and
    region, a reset password does not replace the old one, a partner client lacks the scopes.
    """

    class Kind(models.TextChoices):
        GRANT = "grant", "授予角色与管辖区域"
        RESET = "reset_password", "重置密码"
        API_SCOPES = "api_scopes", "接口客户端数据授权"

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"

    kind = models.CharField("申请类型", max_length=20, choices=Kind.choices)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="access_requests"
    )
    api_client = models.ForeignKey(
        "api.ApiClient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField("角色", max_length=30, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scopes = models.JSONField("授权范围", default=list, blank=True)
    password_hash = models.CharField(max_length=128, blank=True)
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    note = models.CharField("审批意见", max_length=200, blank=True)

    class Meta:
        ordering = ("-proposed_at", "-id")
        verbose_name = "授权申请"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_status_display()}"

    @property
    def target_label(self) -> str:
        if self.api_client_id:
            return f"接口客户端 {self.api_client}"
        return f"账号 {self.user.username}" if self.user else ""
