"""The audit trail and the field type that marks encrypted personal data."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from minzheng.core import clock
from minzheng.core.errors import DomainError


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Holds a keyring ciphertext. A marker type: `minzheng rotate-keys` re-encrypts every such column."""


class AuditLogImmutable(DomainError):
    code = "audit_immutable"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogImmutable("审计日志只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogImmutable("审计日志只能追加，不能删除")


class AuditEvent(models.Model):
    """One entry of the append-only trail: who did what to which record, before → after.

    Append-only three times over: this model refuses update and delete, its queryset too, and the
    database itself has triggers that abort UPDATE and DELETE (migration 0002), so neither the
    admin, a view nor a raw query can rewrite history.
    """

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        VIEW_PII = "view_pii", "查看明文个人信息"
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOCK = "lock", "锁定账号"
        UNLOCK = "unlock", "解锁账号"
        LOGOUT = "logout", "退出"
        EXPORT = "export", "导出"
        TRANSITION = "transition", "流程流转"
        APPROVE = "approve", "审批"
        KEY_ROTATION = "key_rotation", "密钥轮换"

    # When it happened: the real time, or inside `core.clock.dated` (the history replay) the
    # replayed day — the hash chain (`core.auditchain`) runs over ids, so it does not care.
    at = models.DateTimeField(default=clock.stamp, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField("操作人", max_length=150)
    actor_role = models.CharField("角色", max_length=40, blank=True)
    action = models.CharField("操作", max_length=40, choices=Action.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    person_id = models.BigIntegerField("相关人员", null=True, blank=True, db_index=True)
    region_code = models.CharField("区划", max_length=12, blank=True)
    summary = models.CharField("摘要", max_length=300, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects: ClassVar[AuditEventQuerySet] = AuditEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("-at", "-id")
        indexes: ClassVar = [models.Index(fields=["actor_name", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AuditLogImmutable("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogImmutable("审计日志只能追加，不能删除")


class AuditSeal(models.Model):
    """An archived prefix of the audit trail: events with id ≤ `through_id` were written, hash
    chained, to an archive file and then removed from the live table (retention).

    The database lets an audit event be deleted only once a seal covers its id (core migration
    0003), and refuses to change or delete a seal, so the live table plus the seals and their
    archive files always account for every event ever written. `previous_hash` is the last hash of
    the seal before, so the archives form one chain: `core.auditchain` recomputes it.
    """

    through_id = models.BigIntegerField("归档至事件号", unique=True)
    first_id = models.BigIntegerField("起始事件号")
    events = models.PositiveIntegerField("事件数")
    previous_hash = models.CharField("上一段末哈希", max_length=64)
    last_hash = models.CharField("本段末哈希", max_length=64)
    archive_name = models.CharField("归档文件", max_length=300)
    archive_sha256 = models.CharField("归档文件 SHA-256", max_length=64)
    sealed_at = models.DateTimeField("封存时间", auto_now_add=True)

    class Meta:
        verbose_name = "审计日志归档封存"
        ordering = ("through_id",)

    def __str__(self) -> str:
        return f"≤{self.through_id}（{self.events} 条）"
