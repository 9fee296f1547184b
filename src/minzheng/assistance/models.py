"""Enrolments: who receives which programme, from which month, for how much.

The workflow (applications) creates them; reviews change or end them; the payment rolls read them.
Amounts are dated rows, so the roll for any month can be recomputed exactly as it was.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from minzheng.accounts.scope import RegionScopedQuerySet
from minzheng.assistance.programmes import ProgrammeCode
from minzheng.regions.models import Region
from minzheng.registry.models import Household, Person

PROGRAMME_CHOICES = [(code.value, code.value) for code in ProgrammeCode]


OPEN_STATUSES = ("active", "gradual_exit", "suspended")


class EnrolmentQuerySet(RegionScopedQuerySet["Enrolment"]):
    scope_field = "region_id"


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "在保"
        GRADUAL_EXIT = "gradual_exit", "渐退期"
        SUSPENDED = "suspended", "暂停"
        ENDED = "ended", "已退出"

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="enrolments")
    # The beneficiary when the programme is individual (特困, 单人户低保); empty for a household benefit.
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments"
    )
    programme = models.CharField(
        "救助项目", max_length=20, choices=PROGRAMME_CHOICES, db_index=True
    )
    region = models.ForeignKey(
        Region, verbose_name="所属村（社区）", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ACTIVE)
    start_month = models.DateField("起始月份")  # first day of the month benefits start
    end_month = models.DateField("终止月份", null=True, blank=True)  # first month NOT paid
    care_level = models.CharField("特困照料等级", max_length=20, blank=True)
    decision = models.JSONField("认定结果与依据", default=dict, blank=True)
    source_application_id = models.BigIntegerField("来源申请", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[EnrolmentQuerySet] = EnrolmentQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "救助对象"
        indexes: ClassVar = [models.Index(fields=["programme", "status", "region"])]
        # One open enrolment per household and programme (per person for individual benefits).
        # Two constraints, because NULL persons are distinct inside a unique index.
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["household", "programme"],
                condition=models.Q(status__in=OPEN_STATUSES, person__isnull=True),
                name="one_open_household_enrolment",
            ),
            models.UniqueConstraint(
                fields=["household", "programme", "person"],
                condition=models.Q(status__in=OPEN_STATUSES, person__isnull=False),
                name="one_open_person_enrolment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme}#{self.pk}"


class EnrolmentAmount(models.Model):
    """The monthly amount in force from a month on, with its components and the reason it changed."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="amounts")
    effective_month = models.DateField("生效月份")
    amount = models.DecimalField("月发放金额", max_digits=12, decimal_places=2)
    components = models.JSONField("构成", default=dict, blank=True)
    reason = models.CharField("原因", max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "救助金额"
        ordering = ("enrolment", "effective_month", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["enrolment", "effective_month"], name="one_amount_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.effective_month:%Y-%m} {self.amount}"
