"""Children's welfare: a child's case (孤儿, 事实无人抚养儿童, other children in difficulty), the
village's 儿童主任 and the visits they record. The allowance itself is an `assistance.Enrolment`
(programme `ertong`), so the monthly roll pays it with every other benefit."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from minzheng.accounts.scope import RegionScopedQuerySet
from minzheng.assistance.models import Enrolment
from minzheng.regions.models import Region
from minzheng.registry.models import Household, Person

USER = settings.AUTH_USER_MODEL


class Category(models.TextChoices):
    INSTITUTIONAL_ORPHAN = "institutional_orphan", "机构养育孤儿"
    SCATTERED_ORPHAN = "scattered_orphan", "社会散居孤儿"
    UNSUPPORTED = "unsupported", "事实无人抚养儿童"
    IN_DIFFICULTY = "in_difficulty", "其他困境儿童"


class ParentSituation(models.TextChoices):
    PRESENT = "present", "正常履行抚养责任"
    DEAD = "dead", "死亡"
    DECLARED_MISSING = "declared_missing", "宣告失踪"
    SEVERE_DISABILITY = "severe_disability", "重残"
    SERIOUS_ILLNESS = "serious_illness", "重病"
    DETAINED = "detained", "服刑在押、强制隔离戒毒或限制人身自由"
    LOST_CONTACT = "lost_contact", "失联"
    UNKNOWN = "unknown", "查找不到"


class ChildCaseQuerySet(RegionScopedQuerySet["ChildCase"]):
    scope_field = "region_id"


OPEN_CASE_STATUSES = ("identified", "applied", "reviewed", "enrolled")


class ChildCase(models.Model):
    """One child's protection case, from identification to the end of the allowance."""

    class Status(models.TextChoices):
        IDENTIFIED = "identified", "待申请"
        APPLIED = "applied", "已申请待审核"
        REVIEWED = "reviewed", "乡镇已审核待审批"
        ENROLLED = "enrolled", "已纳入保障"
        REFUSED = "refused", "不予认定"
        ENDED = "ended", "已终止"

    class Source(models.TextChoices):
        REGISTRY = "registry", "人口库与部门数据比对"
        WINDOW = "window", "窗口登记"

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="child_cases")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        Region, verbose_name="所属村（社区）", on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField("儿童类别", max_length=30, choices=Category.choices)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.IDENTIFIED
    )
    source = models.CharField("发现途径", max_length=20, choices=Source.choices)
    in_institution = models.BooleanField("在儿童福利机构养育", default=False)
    father = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mother = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    father_situation = models.CharField(
        "父亲情况", max_length=30, choices=ParentSituation.choices, default=ParentSituation.UNKNOWN
    )
    mother_situation = models.CharField(
        "母亲情况", max_length=30, choices=ParentSituation.choices, default=ParentSituation.UNKNOWN
    )
    # How long a detention or a loss of contact has lasted, in months (the rule's 6-month test).
    father_months = models.PositiveSmallIntegerField("父亲情形持续月数", default=0)
    mother_months = models.PositiveSmallIntegerField("母亲情形持续月数", default=0)
    decision = models.JSONField("认定依据", default=dict, blank=True)
    guardian_name = models.CharField("监护人", max_length=60, blank=True)
    guardian_relation = models.CharField("监护人与儿童关系", max_length=30, blank=True)
    education_until = models.DateField("全日制在校至", null=True, blank=True)
    enrolment = models.ForeignKey(
        Enrolment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    monthly_amount = models.DecimalField(
        "月基本生活费", max_digits=12, decimal_places=2, null=True, blank=True
    )
    note = models.CharField("说明", max_length=300, blank=True)
    identified_on = models.DateField("发现日期")
    applied_on = models.DateField("申请日期", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_on = models.DateField("审核日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField("审批日期", null=True, blank=True)
    ended_on = models.DateField("终止日期", null=True, blank=True)
    end_reason = models.CharField("终止原因", max_length=200, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[ChildCaseQuerySet] = ChildCaseQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "儿童保障对象"
        ordering = ("-identified_on", "-id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(status__in=OPEN_CASE_STATUSES),
                name="one_open_child_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.category}"


class DirectorQuerySet(RegionScopedQuerySet["ChildDirector"]):
    scope_field = "region_id"


class ChildDirector(models.Model):
    """The village's 儿童主任 (children's welfare director); one serving per village."""

    region = models.ForeignKey(
        Region, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("姓名", max_length=60)
    appointed_on = models.DateField("任职日期")
    left_on = models.DateField("离任日期", null=True, blank=True)

    objects: ClassVar[DirectorQuerySet] = DirectorQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "儿童主任"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["region"],
                condition=models.Q(left_on__isnull=True),
                name="one_serving_director_per_village",
            )
        ]

    def __str__(self) -> str:
        return self.name


class VisitQuerySet(RegionScopedQuerySet["ChildVisit"]):
    scope_field = "region_id"


class ChildVisit(models.Model):
    """A home visit to a child by the village's 儿童主任 (or a caseworker)."""

    class Finding(models.TextChoices):
        WELL = "well", "生活照料良好"
        NEEDS_HELP = "needs_help", "需要帮扶"
        GUARDIAN_CHANGE = "guardian_change", "监护情况变化"

    case = models.ForeignKey(ChildCase, on_delete=models.PROTECT, related_name="visits")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    director = models.ForeignKey(
        ChildDirector, null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField("走访日期")
    finding = models.CharField("走访结论", max_length=20, choices=Finding.choices)
    note = models.CharField("走访情况", max_length=500)
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[VisitQuerySet] = VisitQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "儿童走访记录"
        ordering = ("-visited_on", "-id")

    def __str__(self) -> str:
        return f"{self.case_id} {self.visited_on}"
