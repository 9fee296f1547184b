from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from minzheng.accounts.roles import ROLE_CAPABILITIES, Capability, Role
from minzheng.regions.models import Region, code_range


class User(AbstractUser):
    """A staff account: one role, one region scope."""

    role = models.CharField("角色", max_length=30, choices=Role.choices)
    region = models.ForeignKey(
        Region, verbose_name="管辖区域", on_delete=models.PROTECT, related_name="staff"
    )
    display_name = models.CharField("姓名", max_length=60, blank=True)
    failed_logins = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_at = models.DateTimeField("锁定时间", null=True, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

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

    def scope_bounds(self) -> tuple[str, str]:
        return code_range(self.region_id, self.region.level)

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
