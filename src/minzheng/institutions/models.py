"""养老机构 registry: institutions with their licence or filing, beds by type, residents (registry
persons, one bed at a time), inspections with rectification deadlines, and the 综合责任险
policies with their claims. Every table carries the institution's region and is read through
`visible_to(actor)`."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from minzheng.accounts.scope import RegionScopedQuerySet
from minzheng.institutions.rules import (
    BED_LABELS,
    CLAIM_STATUS_LABELS,
    DISCHARGE_LABELS,
    INSPECTION_RESULT_LABELS,
    KIND_LABELS,
)
from minzheng.regions.models import Region
from minzheng.registry.models import Person


class InstitutionQuerySet(RegionScopedQuerySet["Institution"]):
    scope_field = "region_id"


class Institution(models.Model):
    name = models.CharField("机构名称", max_length=100)
    kind = models.CharField("举办性质", max_length=20, choices=list(KIND_LABELS.items()))
    licence_no = models.CharField("备案（许可）编号", max_length=40, unique=True)
    filed_on = models.DateField("备案日期")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    region = models.ForeignKey(
        Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    operator = models.CharField("运营主体", max_length=100)
    active = models.BooleanField("运营中", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[InstitutionQuerySet] = InstitutionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "养老机构"
        ordering = ("region_id", "name")

    def __str__(self) -> str:
        return self.name


class BedQuerySet(RegionScopedQuerySet["Bed"]):
    scope_field = "region_id"


class Bed(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="beds")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("床位类型", max_length=10, choices=list(BED_LABELS.items()))
    number = models.CharField("床号", max_length=20)
    active = models.BooleanField("在用", default=True)

    objects: ClassVar[BedQuerySet] = BedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "养老床位"
        ordering = ("institution_id", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["institution", "number"], name="one_bed_number_per_institution"
            )
        ]

    def __str__(self) -> str:
        return self.number


class ResidencyQuerySet(RegionScopedQuerySet["Residency"]):
    scope_field = "region_id"  # the institution's region: its area's staff keep the residents


class Residency(models.Model):
    """A registry person in a bed from admission to discharge; open while `discharged_on` is
    empty. A person has one open residency, a bed one open resident (database constraints)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="residencies"
    )
    bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="residencies")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    admitted_on = models.DateField("入住日期")
    discharged_on = models.DateField("离院日期", null=True, blank=True)
    discharge_reason = models.CharField(
        "离院原因", max_length=10, choices=list(DISCHARGE_LABELS.items()), blank=True
    )
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[ResidencyQuerySet] = ResidencyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "入住记录"
        ordering = ("-admitted_on", "-id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(discharged_on__isnull=True),
                name="one_open_residency_per_person",
            ),
            models.UniqueConstraint(
                fields=["bed"],
                condition=Q(discharged_on__isnull=True),
                name="one_open_residency_per_bed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.admitted_on}"


class InspectionQuerySet(RegionScopedQuerySet["Inspection"]):
    scope_field = "region_id"


class Inspection(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="inspections"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    inspected_on = models.DateField("检查日期")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    findings = models.TextField("检查发现")
    result = models.CharField(
        "检查结论", max_length=10, choices=list(INSPECTION_RESULT_LABELS.items())
    )
    rectify_by = models.DateField("整改期限", null=True, blank=True)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[InspectionQuerySet] = InspectionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "机构检查"
        ordering = ("-inspected_on", "-id")

    def __str__(self) -> str:
        return f"{self.institution_id} {self.inspected_on}"


class PolicyQuerySet(RegionScopedQuerySet["InsurancePolicy"]):
    scope_field = "region_id"


class InsurancePolicy(models.Model):
    """养老机构综合责任险: one policy of one institution for one period."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="policies")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    insurer = models.CharField("承保公司", max_length=100)
    policy_no = models.CharField("保单号", max_length=40, unique=True)
    starts_on = models.DateField("保险起期")
    ends_on = models.DateField("保险止期")
    premium = models.DecimalField("保费（元）", max_digits=12, decimal_places=2)
    cover = models.DecimalField("累计赔偿限额（元）", max_digits=14, decimal_places=2)
    insured_elderly = models.PositiveIntegerField("参保老年人数")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[PolicyQuerySet] = PolicyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "综合责任险保单"
        ordering = ("-starts_on", "-id")

    def __str__(self) -> str:
        return self.policy_no


class ClaimQuerySet(RegionScopedQuerySet["Claim"]):
    scope_field = "region_id"


class Claim(models.Model):
    policy = models.ForeignKey(InsurancePolicy, on_delete=models.PROTECT, related_name="claims")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    incident_on = models.DateField("出险日期")
    description = models.CharField("事故经过", max_length=300)
    claimed = models.DecimalField("报案金额（元）", max_digits=12, decimal_places=2)
    paid = models.DecimalField("赔付金额（元）", max_digits=12, decimal_places=2, null=True)
    status = models.CharField(
        "理赔状态",
        max_length=10,
        choices=list(CLAIM_STATUS_LABELS.items()),
        default="filed",
        db_index=True,
    )
    decided_on = models.DateField("结案日期", null=True, blank=True)
    decision_note = models.CharField("结案说明", max_length=200, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[ClaimQuerySet] = ClaimQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "责任险理赔"
        ordering = ("-incident_on", "-id")

    def __str__(self) -> str:
        return f"{self.policy_id} {self.incident_on}"
