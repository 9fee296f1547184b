"""流浪乞讨人员救助 under 国务院令第381号: the rescue station, each stay there (intake, the person
found in the registry where possible, the stay's time limit) and what happened during it (meals,
medical referral, family tracing, the escorted return or the long-stay placement)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from minzheng.accounts.scope import RegionScopedQuerySet
from minzheng.regions.models import Region
from minzheng.registry.models import Person, Sex

USER = settings.AUTH_USER_MODEL


class StationQuerySet(RegionScopedQuerySet["Station"]):
    scope_field = "region_id"


class Station(models.Model):
    """A 救助管理站; its region is the village (community) where it stands."""

    name = models.CharField("救助站名称", max_length=100)
    region = models.ForeignKey(
        Region, verbose_name="所在村（社区）", on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    beds = models.PositiveSmallIntegerField("床位数", default=0)

    objects: ClassVar[StationQuerySet] = StationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "救助管理站"
        ordering = ("region_id", "name")

    def __str__(self) -> str:
        return self.name


class BroughtBy(models.TextChoices):
    # 国务院令第381号第五条: the police and other agencies guide or escort people to the station.
    POLICE = "police", "公安机关护送"
    URBAN = "urban", "城管部门护送"
    OTHER_AGENCY = "other_agency", "其他部门引导"
    CITIZEN = "citizen", "群众引导"
    SELF = "self", "本人主动求助"


class StayQuerySet(RegionScopedQuerySet["Stay"]):
    scope_field = "region_id"


class Stay(models.Model):
    """One person's stay at a station, from intake to leaving."""

    class Status(models.TextChoices):
        IN_CARE = "in_care", "在站受助"
        RETURNED = "returned", "已护送返乡"
        PLACED = "placed", "已长期安置"
        LEFT = "left", "自行离站"

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="stays")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("姓名", max_length=60)
    name_unknown = models.BooleanField("姓名不详", default=False)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    description = models.CharField("体貌特征与情况", max_length=500, blank=True)
    found_at = models.CharField("发现地点", max_length=200)
    brought_by = models.CharField("来站方式", max_length=20, choices=BroughtBy.choices)
    brought_by_note = models.CharField("护送单位或引导人", max_length=100, blank=True)
    identity_note = models.CharField("身份查找结果", max_length=300, blank=True)
    admitted_on = models.DateField("入站日期")
    due_on = models.DateField("救助期限至")
    limit_days = models.PositiveSmallIntegerField("救助期限（天）")
    limit_version = models.CharField("期限参数版本", max_length=40, blank=True)
    extended = models.BooleanField("已延长期限", default=False)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.IN_CARE)
    ended_on = models.DateField("离站日期", null=True, blank=True)
    destination = models.CharField("返乡目的地", max_length=200, blank=True)
    handed_over_to = models.CharField("交接对象", max_length=100, blank=True)
    placement = models.CharField("安置机构", max_length=100, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[StayQuerySet] = StayQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "救助记录"
        ordering = ("-admitted_on", "-id")
        indexes: ClassVar = [models.Index(fields=["station", "admitted_on"])]

    def __str__(self) -> str:
        return f"{self.name} {self.admitted_on}"


class CareQuerySet(RegionScopedQuerySet["CareRecord"]):
    scope_field = "region_id"


class CareRecord(models.Model):
    """What the station did during a stay (国务院令第381号第七条: food, medical care, contact with
    the family), and the stay's milestones (extension, return, placement, leaving)."""

    class Kind(models.TextChoices):
        MEAL = "meal", "供餐"
        MEDICAL = "medical_referral", "就医转介"
        TRACING = "tracing", "寻亲"
        IDENTITY = "identity", "身份确认"
        EXTENSION = "extension", "延长救助期限"
        RETURN = "return", "护送返乡"
        PLACEMENT = "placement", "长期安置"
        LEAVE = "leave", "自行离站"

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="records")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    day = models.DateField("日期")
    note = models.CharField("情况", max_length=300)
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[CareQuerySet] = CareQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "受助记录"
        ordering = ("day", "id")

    def __str__(self) -> str:
        return f"{self.stay_id} {self.kind} {self.day}"
