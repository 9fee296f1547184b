"""实物救助: items and each township's stock of them, every stock movement, distribution lists (from
a 大排摸 campaign or a programme's enrolled households), the hand-over confirmed by the recipient,
and vouchers with a value and an expiry. The value issued goes on the payments ledger."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from minzheng.accounts.scope import RegionScopedQuerySet
from minzheng.outreach.models import Campaign
from minzheng.regions.models import Region
from minzheng.registry.models import Household, Person

USER = settings.AUTH_USER_MODEL


class Category(models.TextChoices):
    FOOD = "food", "食品"
    CLOTHING = "clothing", "衣物被褥"
    MASKS = "masks", "口罩"
    SUPPLIES = "supplies", "生活用品"


class Item(models.Model):
    """A kind of goods with its unit and its value per unit (what the ledger books)."""

    name = models.CharField("物资名称", max_length=60, unique=True)
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    unit = models.CharField("单位", max_length=10)
    unit_value = models.DecimalField("单位价值（元）", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "救助物资"
        ordering = ("category", "name")

    def __str__(self) -> str:
        return self.name


class StockQuerySet(RegionScopedQuerySet["Stock"]):
    scope_field = "region_id"


class Stock(models.Model):
    """A township's stock of one item. Changed only by a movement, with the row locked, and a
    database check refuses a negative quantity whatever the code does."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="stocks")
    region = models.ForeignKey(
        Region, verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.IntegerField("库存数量", default=0)

    objects: ClassVar[StockQuerySet] = StockQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "物资库存"
        ordering = ("region_id", "item__name")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["item", "region"], name="one_stock_per_item_township"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="stock_never_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.item_id} {self.quantity}"


class MovementQuerySet(RegionScopedQuerySet["Movement"]):
    scope_field = "region_id"


class Movement(models.Model):
    class Kind(models.TextChoices):
        RECEIPT = "receipt", "入库"
        ISSUE = "issue", "发放出库"

    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="movements")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    quantity = models.PositiveIntegerField("数量")
    balance = models.IntegerField("结存")
    day = models.DateField("日期")
    note = models.CharField("说明", max_length=200, blank=True)
    handover = models.ForeignKey(
        "Handover", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[MovementQuerySet] = MovementQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "出入库记录"
        ordering = ("-day", "-id")

    def __str__(self) -> str:
        return f"{self.stock_id} {self.kind} {self.quantity}"


class DistributionQuerySet(RegionScopedQuerySet["Distribution"]):
    scope_field = "region_id"


class Distribution(models.Model):
    """One distribution of an item to a list of households in a township."""

    class Source(models.TextChoices):
        CAMPAIGN = "campaign", "大排摸名单"
        PROGRAMME = "programme", "救助项目在保家庭"

    name = models.CharField("发放名称", max_length=100)
    region = models.ForeignKey(
        Region, verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    quantity_each = models.PositiveIntegerField("每户数量")
    source = models.CharField("名单来源", max_length=20, choices=Source.choices)
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    programme = models.CharField("救助项目", max_length=20, blank=True)
    created_on = models.DateField("创建日期")
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects: ClassVar[DistributionQuerySet] = DistributionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "实物发放"
        ordering = ("-created_on", "-id")

    def __str__(self) -> str:
        return self.name


class HandoverQuerySet(RegionScopedQuerySet["Handover"]):
    scope_field = "region_id"


class Handover(models.Model):
    """One household on a distribution list; confirmed by the recipient by scanning the QR code on
    their phone, or by a signature image the caseworker uploads."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发放"
        CONFIRMED = "confirmed", "已签收"

    class Via(models.TextChoices):
        QR = "qr", "领取人扫码确认"
        SIGNATURE = "signature", "领取人签字"

    distribution = models.ForeignKey(
        Distribution, on_delete=models.PROTECT, related_name="handovers"
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField("数量")
    value = models.DecimalField("折合金额（元）", max_digits=12, decimal_places=2)
    token = models.CharField(max_length=40, unique=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    confirmed_via = models.CharField("签收方式", max_length=20, choices=Via.choices, blank=True)
    confirmed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signature = models.BinaryField("签字图片", null=True, blank=True)
    signature_sha256 = models.CharField(max_length=64, blank=True)
    payment_line_id = models.BigIntegerField(null=True, blank=True)

    objects: ClassVar[HandoverQuerySet] = HandoverQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "实物发放签收"
        ordering = ("region_id", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["distribution", "household"], name="one_handover_per_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.distribution_id}:{self.household_id}"


class VoucherQuerySet(RegionScopedQuerySet["Voucher"]):
    scope_field = "region_id"


class Voucher(models.Model):
    """A voucher (救助券) for a household: a value, an expiry, redeemed once."""

    class Status(models.TextChoices):
        ISSUED = "issued", "未使用"
        REDEEMED = "redeemed", "已使用"

    code = models.CharField("券号", max_length=20, unique=True)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField("面值（元）", max_digits=10, decimal_places=2)
    purpose = models.CharField("用途", max_length=100)
    issued_on = models.DateField("发放日期")
    expires_on = models.DateField("有效期至")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ISSUED)
    redeemed_on = models.DateField("使用日期", null=True, blank=True)
    payment_line_id = models.BigIntegerField(null=True, blank=True)
    issued_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects: ClassVar[VoucherQuerySet] = VoucherQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "救助券"
        ordering = ("-issued_on", "-id")

    def __str__(self) -> str:
        return self.code
