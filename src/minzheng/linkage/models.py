"""What linkage keeps: departmental records, the pairs a clerk must decide, merges and splits,
conflict rules between identities, and 两线合一 roster imports."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from minzheng.accounts.scope import RegionScopedQuerySet
from minzheng.core.models import EncryptedTextField
from minzheng.core.pii import SealedPii
from minzheng.regions.models import Region
from minzheng.registry.models import IdentityTag, Person


class SourceRecordQuerySet(RegionScopedQuerySet["SourceRecord"]):
    scope_field = "region_id"


class SourceRecord(SealedPii, models.Model):
    """One resident as another department (人社, 医保, 残联, 退役军人事务局, 教育 …) recorded him."""

    department = models.CharField("来源部门", max_length=40)
    record_id = models.CharField("部门记录编号", max_length=64)
    name = models.CharField("姓名", max_length=60)
    id_number_cipher = EncryptedTextField("身份证号（密文）", blank=True)
    id_number_index = models.CharField("身份证号索引", max_length=40, blank=True, db_index=True)
    id_number_masked = models.CharField("身份证号", max_length=18, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    sex = models.CharField("性别", max_length=1, blank=True)
    phone_cipher = EncryptedTextField("手机号（密文）", blank=True)
    phone_masked = models.CharField("手机号", max_length=20, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    # The identity the department attests (残联 → disabled, 退役军人事务局 → veteran …), if any.
    identity = models.CharField(
        "部门认定身份", max_length=30, choices=IdentityTag.Tag.choices, blank=True
    )
    identity_from = models.DateField("身份起始日期", null=True, blank=True)
    identity_to = models.DateField("身份终止日期", null=True, blank=True)
    region = models.ForeignKey(
        Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person,
        verbose_name="关联人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="source_records",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[SourceRecordQuerySet] = SourceRecordQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "部门人员记录"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["department", "record_id"], name="one_source_record_per_department_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department}:{self.record_id} {self.name}"


class LinkageRun(models.Model):
    started_at = models.DateTimeField("运行时间", auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    records = models.PositiveIntegerField("记录数", default=0)
    pairs_queued = models.PositiveIntegerField("新增疑似同一人记录对", default=0)
    records_linked = models.PositiveIntegerField("新关联部门记录", default=0)

    class Meta:
        verbose_name = "识别批次"

    def __str__(self) -> str:
        return f"识别批次#{self.pk}"


class CandidatePairQuerySet(RegionScopedQuerySet["CandidatePair"]):
    scope_field = "region_id"


class CandidatePair(models.Model):
    """Two records the engine could not decide on, with the evidence a clerk needs.

    A record is named by a key: `P<pk>` for a registry person, `S<pk>` for a source record; the
    left key sorts first, so a pair has one row whichever way the engine wrote it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待判定"
        MATCH = "match", "是同一人"
        NON_MATCH = "non_match", "不是同一人"

    left_key = models.CharField("记录甲", max_length=24)
    right_key = models.CharField("记录乙", max_length=24)
    region = models.ForeignKey(
        Region, verbose_name="区划", on_delete=models.PROTECT, related_name="+"
    )
    run = models.ForeignKey(
        LinkageRun, null=True, blank=True, on_delete=models.PROTECT, related_name="pairs"
    )
    match_probability = models.FloatField("匹配概率")
    match_weight = models.FloatField("匹配权重")
    reason = models.CharField("送审原因", max_length=100)
    # {"left": {field: value}, "right": {...}, "prior_weight": float,
    #  "comparisons": [{name, level, weight, adjustment}]} — shown by evidence.explain
    evidence = models.JSONField("证据", default=dict)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("复核时间", null=True, blank=True)
    comment = models.CharField("判定意见", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[CandidatePairQuerySet] = CandidatePairQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "疑似同一人记录对"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["left_key", "right_key"], name="one_review_per_pair")
        ]
        indexes: ClassVar = [models.Index(fields=["status", "region"])]

    def __str__(self) -> str:
        return f"{self.left_key}~{self.right_key}"

    @property
    def allowed_decisions(self) -> tuple[str, ...]:
        """The decisions the pair's reason allows (a pair refused by the ID rule: non-match)."""
        from minzheng.linkage.evidence import allowed_decisions

        return allowed_decisions(self.reason)


class LinkageActionQuerySet(RegionScopedQuerySet["LinkageAction"]):
    scope_field = "region_id"


class LinkageAction(models.Model):
    """A merge or split, with exactly what it moved, so that undoing it restores the state."""

    class Kind(models.TextChoices):
        MERGE = "merge", "合并人员"
        SPLIT = "split", "拆分记录"
        LINK = "link", "关联部门记录"

    kind = models.CharField("操作", max_length=10, choices=Kind.choices)
    survivor = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The person merged into the survivor (merge), or the person a record was split from (split).
    other = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_record = models.ForeignKey(
        SourceRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pair = models.ForeignKey(
        CandidatePair, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    # {"tags": [ids], "source_records": [ids], "previous_person": id | null}
    moved = models.JSONField("移动内容", default=dict)
    region = models.ForeignKey(
        Region, verbose_name="区划", on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField("撤销时间", null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects: ClassVar[LinkageActionQuerySet] = LinkageActionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "合并拆分操作"
        constraints: ClassVar = [
            # A person is merged into at most one survivor at a time.
            models.UniqueConstraint(
                fields=["other"],
                condition=models.Q(kind="merge", undone_at__isnull=True),
                name="one_active_merge_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}#{self.pk}"


class ConflictRule(models.Model):
    """Two identities that should not be held together, as dated policy data."""

    class Confidence(models.TextChoices):
        A = "A", "A 官方文件原文"
        B = "B", "B 官方转述"
        C = "C", "C 二手来源"

    key = models.CharField("规则键", max_length=60)
    tag_a = models.CharField("身份甲", max_length=30, choices=IdentityTag.Tag.choices)
    tag_b = models.CharField("身份乙", max_length=30, choices=IdentityTag.Tag.choices)
    message = models.CharField("提示", max_length=200)
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    source = models.CharField("依据", max_length=300)
    confidence = models.CharField("可信度", max_length=1, choices=Confidence.choices)
    illustrative = models.BooleanField("示例值（待核实）", default=False)

    class Meta:
        verbose_name = "身份冲突规则"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["key", "effective_from"], name="one_rule_version")
        ]

    def __str__(self) -> str:
        return f"{self.key}@{self.effective_from}"


class RosterImport(models.Model):
    """One upload of a 低收入农户 roster, with its report."""

    file_digest = models.CharField("文件摘要", max_length=64, db_index=True)
    filename = models.CharField("文件名", max_length=200)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        Region, verbose_name="导入人区划", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    # {"matched": [...], "new": [...], "doubtful": [...], "errors": [...], "tags_created": n}
    report = models.JSONField("导入报告", default=dict)

    class Meta:
        verbose_name = "两线合一导入"

    def __str__(self) -> str:
        return f"{self.filename}@{self.at:%Y-%m-%d}"
