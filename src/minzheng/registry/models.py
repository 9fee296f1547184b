"""The registry: persons, households and who lives with whom."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from minzheng.accounts.scope import RegionScopedQuerySet
from minzheng.core import clock
from minzheng.core.models import EncryptedTextField
from minzheng.core.pii import SealedPii
from minzheng.regions.models import Region


class Sex(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


class HukouType(models.TextChoices):
    URBAN = "urban", "城镇"
    RURAL = "rural", "农村"


class DisabilityCategory(models.TextChoices):
    # Codes shared with assistance.facts.DisabilityCategory (GB/T 26341 categories).
    VISUAL = "visual", "视力残疾"
    HEARING = "hearing", "听力残疾"
    SPEECH = "speech", "言语残疾"
    PHYSICAL = "physical", "肢体残疾"
    INTELLECTUAL = "intellectual", "智力残疾"
    MENTAL = "mental", "精神残疾"
    MULTIPLE = "multiple", "多重残疾"


class LabourCapacity(models.TextChoices):
    FULL = "full", "有劳动能力"
    PARTIAL = "partial", "部分丧失劳动能力"
    NONE = "none", "无劳动能力"


class PersonQuerySet(RegionScopedQuerySet["Person"]):
    scope_field = "region_id"


class Person(SealedPii, models.Model):
    name = models.CharField("姓名", max_length=60, db_index=True)
    id_number_cipher = EncryptedTextField("身份证号（密文）", blank=True)
    id_number_index = models.CharField(
        "身份证号索引", max_length=40, null=True, blank=True, unique=True
    )
    id_number_masked = models.CharField("身份证号", max_length=18, blank=True)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    phone_cipher = EncryptedTextField("手机号（密文）", blank=True)
    phone_index = models.CharField("手机号索引", max_length=40, blank=True, db_index=True)
    phone_masked = models.CharField("手机号", max_length=20, blank=True)
    region = models.ForeignKey(
        Region, verbose_name="居住地区划", on_delete=models.PROTECT, related_name="+"
    )
    hukou_region = models.ForeignKey(
        Region,
        verbose_name="户籍地区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hukou_type = models.CharField("户口性质", max_length=10, choices=HukouType.choices, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    disability_category = models.CharField(
        "残疾类别", max_length=20, choices=DisabilityCategory.choices, blank=True
    )
    disability_grade = models.PositiveSmallIntegerField(
        "残疾等级", null=True, blank=True, choices=[(g, f"{g}级") for g in (1, 2, 3, 4)]
    )
    serious_illnesses = models.JSONField("重特大疾病", default=list, blank=True)
    labour_capacity = models.CharField(
        "劳动能力", max_length=10, choices=LabourCapacity.choices, blank=True
    )
    date_of_death = models.DateField("死亡日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[PersonQuerySet] = PersonQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "人员"
        indexes: ClassVar = [
            models.Index(fields=["region", "name"]),
            # A name range answered from the index alone (id and region in it): 家庭户's head
            # search hashes these ids instead of reading a person row per match (list_pages.md).
            models.Index(fields=["name", "region", "id"], name="person_name_region"),
        ]

    def __str__(self) -> str:
        return self.name


class HouseholdQuerySet(RegionScopedQuerySet["Household"]):
    scope_field = "region_id"


class HouseholdKind(models.TextChoices):
    """户别 of the household register (the census counts both: policy.md §11)."""

    FAMILY = "family", "家庭户"
    COLLECTIVE = "collective", "集体户"


class Household(models.Model):
    region = models.ForeignKey(
        Region, verbose_name="所属村（社区）", on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField("家庭住址", max_length=200)
    # A row written by raw SQL without the column (the benchmarks' COPY) is a family household.
    kind = models.CharField(
        "户别",
        max_length=12,
        choices=HouseholdKind.choices,
        default=HouseholdKind.FAMILY,
        db_default=HouseholdKind.FAMILY,
    )
    head = models.ForeignKey(
        Person,
        verbose_name="户主",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The head's name copied onto the household, so 家庭户's head search is a range of the
    # scope's households (index household_head_name) instead of a hash of every person with the
    # surname. Set on save whenever the head is saved; `do_update_person` renames the households
    # of a renamed head; the bulk writers (city seed, import) write it themselves; registry 0009
    # filled it for existing households. A row inserted by raw SQL without it gets "" (db_default).
    head_name = models.CharField("户主姓名", max_length=60, blank=True, default="", db_default="")
    closed_on = models.DateField("注销日期", null=True, blank=True)
    # Bumped by every action that changes the household or its memberships; a change request
    # remembers the revision it was written against, so approving a stale one is refused.
    revision = models.PositiveIntegerField("版本号", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[HouseholdQuerySet] = HouseholdQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "家庭户"
        indexes: ClassVar = [
            # A scope's households with their heads, from the index alone.
            models.Index(fields=["region", "head"], name="household_region_head"),
            # 家庭户's head search: a name prefix, then the scope's range (as
            # application_applicant_name does for 全部申请查询).
            models.Index(fields=["head_name", "region"], name="household_head_name"),
        ]

    def __str__(self) -> str:
        return f"{self.head.name if self.head else '—'}户"

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is None or "head" in fields or "head_id" in fields:
            self.head_name = self._current_head_name()
            if fields is not None:
                kwargs["update_fields"] = {*fields, "head_name"}
        super().save(*args, **kwargs)

    def _current_head_name(self) -> str:
        if self.head_id is None:
            return ""
        if Household.head.is_cached(self) and self.head is not None:
            return self.head.name
        # Assigned by id (`household.head_id = …`, which drops the cached person): one read.
        found = Person.objects.filter(pk=self.head_id).values_list("name", flat=True).first()
        return found or ""


class IdentityTagQuerySet(RegionScopedQuerySet["IdentityTag"]):
    scope_field = "region_id"


class Relationship(models.TextChoices):
    HEAD = "head", "户主"
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    GRANDCHILD = "grandchild", "孙子女"
    GRANDPARENT = "grandparent", "祖父母"
    SIBLING = "sibling", "兄弟姐妹"
    CHILD_IN_LAW = "child_in_law", "儿媳/女婿"
    OTHER = "other", "其他"


class Membership(models.Model):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    relationship = models.CharField("与户主关系", max_length=20, choices=Relationship.choices)
    lives_together = models.BooleanField("共同生活", default=True)
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("终止日期", null=True, blank=True)

    class Meta:
        verbose_name = "家庭成员"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["household", "person"],
                condition=models.Q(valid_to__isnull=True),
                name="one_current_membership_per_household",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_relationship_display()})"


class IdentityTag(models.Model):
    """One identity of a person (低保对象, 特困, 残疾人, 孤儿, 高龄 …), with its source and validity."""

    class Tag(models.TextChoices):
        DIBAO = "dibao", "低保对象"
        DIBIAN = "dibian", "低边对象"
        TEKUN = "tekun", "特困人员"
        DISABLED = "disabled", "残疾人"
        ORPHAN = "orphan", "孤儿"
        UNSUPPORTED_CHILD = "unsupported_child", "事实无人抚养儿童"
        ELDERLY = "elderly", "高龄老人"
        VETERAN = "veteran", "退役军人"
        STUDENT = "student", "在校学生"
        SINGLE_PERSON_DIBAO = "single_person_dibao", "单人户低保"
        GRADUAL_EXIT = "gradual_exit", "渐退对象"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="identity_tags")
    tag = models.CharField("身份", max_length=30, choices=Tag.choices, db_index=True)
    source = models.CharField("来源", max_length=60)
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("终止日期", null=True, blank=True)
    region = models.ForeignKey(
        Region, verbose_name="区划", on_delete=models.PROTECT, related_name="+"
    )

    objects: ClassVar[IdentityTagQuerySet] = IdentityTagQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "身份标签"
        indexes: ClassVar = [models.Index(fields=["tag", "region"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_tag_display()}"


class VersionOperation(models.TextChoices):
    BASELINE = "baseline", "历史起点"
    CREATE = "create", "新建"
    UPDATE = "update", "修改"


class Version(models.Model):
    """One state of a record, valid over [valid_from, valid_to). Written only by the actions.

    A record that existed before history was kept gets a `baseline` version on its first change:
    the state it had then, which also answers for any earlier day.
    """

    snapshot = models.JSONField("快照")
    operation = models.CharField("操作", max_length=10, choices=VersionOperation.choices)
    valid_from = models.DateTimeField("生效时间", db_index=True)
    valid_to = models.DateTimeField("失效时间", null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    change_request = models.ForeignKey(
        "ChangeRequest",
        verbose_name="变更申请",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.CharField("摘要", max_length=200, blank=True)

    class Meta:
        abstract = True
        ordering = ("valid_from", "id")

    def __str__(self) -> str:
        return f"{self.valid_from:%Y-%m-%d %H:%M} {self.get_operation_display()}"


class PersonVersion(Version):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="versions")

    class Meta(Version.Meta):
        verbose_name = "人员历史版本"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(valid_to__isnull=True),
                name="one_open_person_version",
            )
        ]


class HouseholdVersion(Version):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="versions")

    class Meta(Version.Meta):
        verbose_name = "家庭户历史版本"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(valid_to__isnull=True),
                name="one_open_household_version",
            )
        ]


class MembershipVersion(Version):
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="versions")

    class Meta(Version.Meta):
        verbose_name = "家庭成员历史版本"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(valid_to__isnull=True),
                name="one_open_membership_version",
            )
        ]


class ChangeRequestQuerySet(RegionScopedQuerySet["ChangeRequest"]):
    scope_field = "region_id"


class ChangeRequest(models.Model):
    """A household change, submitted by a caseworker and applied only when a reviewer approves it."""

    class Kind(models.TextChoices):
        ADD_MEMBER = "add_member", "增加成员"
        REMOVE_MEMBER = "remove_member", "减少成员"
        MOVE_MEMBER = "move_member", "成员迁至其他家庭"
        SPLIT_HOUSEHOLD = "split_household", "分户"
        MERGE_HOUSEHOLDS = "merge_households", "合户"
        CHANGE_HEAD = "change_head", "变更户主"

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"

    kind = models.CharField("变更类型", max_length=20, choices=Kind.choices)
    household = models.ForeignKey(
        Household, verbose_name="家庭户", on_delete=models.PROTECT, related_name="change_requests"
    )
    other_household = models.ForeignKey(
        Household,
        verbose_name="另一家庭户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        Region, verbose_name="区划", on_delete=models.PROTECT, related_name="+"
    )
    payload = models.JSONField("变更内容")
    household_revision = models.PositiveIntegerField("提交时家庭版本号")
    other_household_revision = models.PositiveIntegerField(
        "提交时另一家庭版本号", null=True, blank=True
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reason = models.CharField("申请理由", max_length=300)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间", default=clock.stamp)  # replayed day in `dated`
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_comment = models.CharField("审核意见", max_length=300, blank=True)

    objects: ClassVar[ChangeRequestQuerySet] = ChangeRequestQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "家庭变更申请"
        indexes: ClassVar = [models.Index(fields=["status", "region"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}#{self.pk}"
