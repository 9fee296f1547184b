"""Grievances (complaints, reports, requests, 骗保 reports) from every channel, their timeline, and
appeals against decisions (行政复议, 行政诉讼)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from minzheng.accounts.scope import RegionScopedQuerySet
from minzheng.assistance.models import Enrolment
from minzheng.core.pii import PHONE, seal
from minzheng.regions.models import Region
from minzheng.registry.models import Person

USER = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"
    FRAUD = "fraud", "骗保举报"
    REQUEST = "request", "求助"
    INQUIRY = "inquiry", "政策咨询"


class Channel(models.TextChoices):
    PORTAL = "portal", "网上（居民端）"
    WINDOW = "window", "窗口"
    LETTER = "letter", "来信"
    HOTLINE = "hotline", "救助热线"
    TRANSFER_12345 = "transfer_12345", "12345转办"


class Category(models.TextChoices):
    ELIGIBILITY = "eligibility", "救助认定"
    PAYMENT = "payment", "资金发放"
    CONDUCT = "conduct", "工作作风"
    SERVICE = "service", "服务办理"
    OTHER = "other", "其他"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class GrievanceQuerySet(RegionScopedQuerySet["Grievance"]):
    scope_field = "region_id"


class Grievance(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "办理中"
        ANSWERED = "answered", "已答复待评价"
        CLOSED = "closed", "已办结"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    channel = models.CharField("来源渠道", max_length=20, choices=Channel.choices)
    category = models.CharField("事项类别", max_length=20, choices=Category.choices)
    region = models.ForeignKey(
        Region, verbose_name="所涉区划", on_delete=models.PROTECT, related_name="+"
    )
    subject_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_enrolment = models.ForeignKey(
        Enrolment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    complainant = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="grievances"
    )
    complainant_name = models.CharField("来电（来信）人", max_length=60, blank=True)
    phone_cipher = models.TextField(blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField("联系电话", max_length=20, blank=True)
    content = models.TextField("诉求内容")
    external_ref = models.CharField("12345工单号", max_length=40, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.OPEN)
    received_on = models.DateField("受理日期")
    due_on = models.DateField("办理期限")
    sla_version = models.CharField("期限参数版本", max_length=120)
    assigned_to = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalation_level = models.PositiveSmallIntegerField("督办级别", default=0)
    escalated_on = models.DateField("升级督办日期", null=True, blank=True)
    reply = models.TextField("书面答复", blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    replied_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    satisfaction = models.CharField(
        "满意度", max_length=20, choices=Satisfaction.choices, blank=True
    )
    reopen_count = models.PositiveSmallIntegerField("重新办理次数", default=0)
    review_task_id = models.BigIntegerField("复核任务", null=True, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[GrievanceQuerySet] = GrievanceQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "投诉举报"
        ordering = ("-received_on", "-id")
        indexes: ClassVar = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk}"

    def set_phone(self, value: str) -> None:
        sealed = seal(PHONE, value) if value else None
        self.phone_cipher = sealed.cipher if sealed else ""
        self.phone_index = sealed.index if sealed else ""
        self.phone_masked = sealed.masked if sealed else ""


class GrievanceEvent(models.Model):
    class Action(models.TextChoices):
        RECEIVED = "received", "受理"
        ASSIGNED = "assigned", "交办"
        ESCALATED = "escalated", "超期升级督办"
        REPLIED = "replied", "书面答复"
        RATED = "rated", "评价"
        REOPENED = "reopened", "重新办理"
        CLOSED = "closed", "办结"
        REVIEW_OPENED = "review_opened", "启动复核"

    grievance = models.ForeignKey(Grievance, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=60)
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = "办理记录"
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.grievance_id} {self.action}"


class AppealQuerySet(RegionScopedQuerySet["Appeal"]):
    scope_field = "region_id"


class Appeal(models.Model):
    """An appeal against a decision of the bureau: 行政复议 or 行政诉讼, with its outcome."""

    class Kind(models.TextChoices):
        RECONSIDERATION = "reconsideration", "行政复议"
        LITIGATION = "litigation", "行政诉讼"

    class Outcome(models.TextChoices):
        PENDING = "pending", "审理中"
        UPHELD = "upheld", "维持原决定"
        REVOKED = "revoked", "撤销原决定"
        CHANGED = "changed", "变更原决定"
        DISMISSED = "dismissed", "驳回申请（诉讼请求）"
        WITHDRAWN = "withdrawn", "申请人撤回"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField("被申请的决定", max_length=200)
    body = models.CharField("复议机关（法院）", max_length=100)
    filed_on = models.DateField("申请（起诉）日期")
    outcome = models.CharField(
        "结果", max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_on = models.DateField("决定（判决）日期", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects: ClassVar[AppealQuerySet] = AppealQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "行政复议与诉讼"
        ordering = ("-filed_on", "-id")

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk}"
