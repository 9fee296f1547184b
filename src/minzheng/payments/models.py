"""Payment rolls, the append-only ledger of payment lines, price indices, temporary assistance,
bank accounts, bank files and their returns.

Money in the ledger is integer fen (分): exact on every database, summed without rounding, and the
form bank files carry. `amount` properties give Decimal yuan.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar, Self

from django.conf import settings
from django.db import models

from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import RegionScopedQuerySet, ScopedActor
from minzheng.core import clock
from minzheng.core.errors import DomainError
from minzheng.core.models import EncryptedTextField
from minzheng.core.money import FEN
from minzheng.core.pii import SealedPii
from minzheng.core.regioncode import PREFIX_LENGTH, county_of
from minzheng.regions.models import Region
from minzheng.registry.models import Person


def fen_to_yuan(fen: int) -> Decimal:
    return Decimal(fen) * FEN


class LedgerImmutable(DomainError):
    code = "ledger_immutable"


class Kind(models.TextChoices):
    BENEFIT = "benefit", "救助金"  # the enrolment's monthly amount (arrears are benefit lines too)
    PRICE_SUBSIDY = "price_subsidy", "物价补贴"
    TEMPORARY = "temporary", "临时救助"
    OVERPAYMENT = "overpayment", "多发待追回"
    RECOVERY = "recovery", "追回扣款"
    MEDICAL_PAYABLE = "medical_payable", "医疗救助应付医院款"  # a hospital's monthly statement
    MEAL_PAYABLE = "meal_payable", "助餐补贴应付助餐点款"  # a meal point's monthly statement
    INKIND = "inkind", "实物救助（折价）"  # goods handed over, at their booked value
    VOUCHER = "voucher", "救助券"  # a voucher's face value, when issued
    ADAPTATION_PAYABLE = "adapt_payable", "适老化改造补贴应付施工单位款"  # a completed adaptation


PAYOUT_KINDS = (Kind.BENEFIT, Kind.PRICE_SUBSIDY, Kind.TEMPORARY)


class Source(models.TextChoices):
    ENROLMENT = "e", "救助对象"
    TEMPORARY_CASE = "t", "临时救助个案"
    MEDICAL_STATEMENT = "m", "医院月结单"
    BACK_PAY = "b", "补发"
    MEAL_STATEMENT = "z", "助餐点月结单"
    INKIND_HANDOVER = "k", "实物发放签收"
    VOUCHER = "q", "救助券"
    ADAPTATION = "a", "适老化改造"


class RollQuerySet(RegionScopedQuerySet["Roll"]):
    """A roll is a county's: staff whose scope encloses the county read it whole. A township
    caseworker or a village assistant reads the rolls of its county that carry lines it may read
    (`PaymentLine.objects.visible_to`), and of each only those lines (`roll_queries.lines_of`):
    the part it prints for the village's 公示. Approving, sending back and exporting check the
    county itself (`require(..., region_code=roll.county_id)`), which a part never covers."""

    scope_field = "county_id"

    def visible_to(self, actor: ScopedActor) -> Self:
        if not actor.can(Capability.CASE_DATA):
            return self.none()
        unit = actor.scope_code()
        if unit.depth <= PREFIX_LENGTH["county"]:
            return super().visible_to(actor)
        own = PaymentLine.objects.visible_to(actor).filter(roll_id=models.OuterRef("pk"))
        return self.filter(county_id=unit.county.code).filter(models.Exists(own))


class Roll(models.Model):
    """One version of a county's monthly roll. An approved version never changes again: lines that
    appear after approval (a late approval, a late death) go into the next version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "待审批"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已审批"
        EXPORTED = "exported", "已生成银行文件"

    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    month = models.DateField("发放月份")
    version = models.PositiveIntegerField("版本", default=1)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.CharField("退回原因", max_length=300, blank=True)
    completed_at = models.DateTimeField("计算完成", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[RollQuerySet] = RollQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "发放花名册"
        ordering = ("-month", "county", "-version")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["county", "month", "version"], name="one_roll_version")
        ]

    def __str__(self) -> str:
        return f"{county_of(self.county_id)} {self.month:%Y-%m} v{self.version}"


class PaymentLineQuerySet(RegionScopedQuerySet["PaymentLine"]):
    scope_field = "region_id"

    def update(self, **kwargs: Any) -> int:
        raise LedgerImmutable("发放台账只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise LedgerImmutable("发放台账只能追加，不能删除")


class PaymentLine(models.Model):
    """One ledger entry, both legs at once (debit account, credit account, amount).

    The idempotency key (source, source_id, month, kind) is unique: a roll that runs twice, or is
    killed and run again, inserts each line once. Append-only: the model, the queryset and database
    triggers (migration 0002) refuse UPDATE and DELETE.
    """

    source = models.CharField(max_length=1, choices=Source.choices)
    source_id = models.BigIntegerField()  # enrolment id or temporary case id
    month = models.DateField("所属月份")  # the benefit month; for recovery, the roll month
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Foreign keys covered by the composite indexes below carry no index of their own: every
    # index is written once per line, and a roll writes a million lines.
    roll = models.ForeignKey(Roll, on_delete=models.PROTECT, related_name="lines", db_index=False)
    programme = models.CharField(max_length=20)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", db_index=False
    )  # the village
    payee = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )  # None for a temporary case paid to someone outside the registry
    amount_fen = models.BigIntegerField("金额（分）")
    debit = models.CharField("借方科目", max_length=20)
    credit = models.CharField("贷方科目", max_length=20)
    amount_ref = models.BigIntegerField(null=True, blank=True)  # the EnrolmentAmount paid
    is_arrears = models.BooleanField("补发", default=False)

    objects: ClassVar[PaymentLineQuerySet] = PaymentLineQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "发放台账"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["source", "source_id", "month", "kind"], name="payment_line_idempotency"
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["roll", "payee"]),
            models.Index(fields=["payee", "month"]),
            models.Index(fields=["region", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.source}{self.source_id} {self.month:%Y-%m} {self.kind} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise LedgerImmutable("发放台账只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise LedgerImmutable("发放台账只能追加，不能删除")

    @property
    def amount(self) -> Decimal:
        return fen_to_yuan(self.amount_fen)


class PriceIndex(models.Model):
    """A month's CPI and food CPI, year on year, in percent (5.4 means +5.4 %)."""

    region_code = models.CharField("适用区划", max_length=6)  # 330200 Ningbo; 000000 national
    month = models.DateField("月份")
    cpi_yoy = models.DecimalField("CPI同比涨幅（%）", max_digits=6, decimal_places=2)
    food_cpi_yoy = models.DecimalField("食品CPI同比涨幅（%）", max_digits=6, decimal_places=2)
    source = models.CharField("来源", max_length=200)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "价格指数"
        ordering = ("-month",)
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["region_code", "month"], name="one_index_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.month:%Y-%m} CPI {self.cpi_yoy} 食品 {self.food_cpi_yoy}"


class BankAccount(models.Model):
    """Where a person (or a temporary case's outside recipient) is paid. The number is personal
    data: ciphertext under the keyring, a blind index, and the masked form for pages."""

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    holder_name = models.CharField("户名", max_length=60)
    holder_relation = models.CharField("代理人与本人关系", max_length=20, blank=True)
    bank_name = models.CharField("开户行", max_length=60)
    number_cipher = EncryptedTextField("账号（密文）")
    number_index = models.CharField("账号索引", max_length=40, db_index=True)
    number_masked = models.CharField("账号", max_length=40)
    active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "银行账户"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(active=True, person__isnull=False),
                name="one_active_account_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} {self.number_masked}"


class ProviderPayeeQuerySet(RegionScopedQuerySet["ProviderPayee"]):
    scope_field = "region_id"


class ProviderPayee(models.Model):
    """An organisation the bureau pays what the ledger owes it (对公收款): a hospital for the
    medical assistance it advanced, a meal point for its subsidies. The kind and id name the
    provider in its own app; its account is a `BankAccount` without a person, replaced (never
    edited) when it changes. A provider with a payable but no account yet has a row without one,
    so its transfer fails visibly and is re-issued once the account is registered."""

    class ProviderKind(models.TextChoices):
        HOSPITAL = "hospital", "定点医院"
        MEAL_POINT = "meal_point", "助餐点"

    provider_kind = models.CharField("机构类别", max_length=20, choices=ProviderKind.choices)
    provider_id = models.BigIntegerField("机构编号")
    name = models.CharField("机构名称", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(
        BankAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[ProviderPayeeQuerySet] = ProviderPayeeQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "机构收款账户"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["provider_kind", "provider_id"], name="one_payee_per_provider"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TemporaryCaseQuerySet(RegionScopedQuerySet["TemporaryCase"]):
    scope_field = "region_id"


class TemporaryCase(SealedPii, models.Model):
    """临时救助: a one-off payment by case, also to people outside the registry (migrant workers)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "待审批"
        APPROVED = "approved", "已审批"
        REJECTED = "rejected", "不予批准"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("姓名", max_length=60)
    id_number_cipher = EncryptedTextField("身份证号（密文）", blank=True)
    id_number_index = models.CharField("身份证号索引", max_length=40, blank=True, db_index=True)
    id_number_masked = models.CharField("身份证号", max_length=18, blank=True)
    account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField("救助金额", max_digits=12, decimal_places=2)
    reason = models.CharField("事由", max_length=300)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_month = models.DateField("批准月份", null=True, blank=True)
    created_at = models.DateTimeField(default=clock.stamp)  # replayed day in `dated`

    objects: ClassVar[TemporaryCaseQuerySet] = TemporaryCaseQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "临时救助"

    def __str__(self) -> str:
        return f"临时救助#{self.pk} {self.name}"


class BankTemplateQuerySet(RegionScopedQuerySet["BankTemplate"]):
    scope_field = "county_id"


class BankTemplate(models.Model):
    """A bank's file layout: CSV or fixed-width, with its field list as JSON.

    `fields`: [{"field": "account", "title": "账号", "width": 20, "align": "left"}, …];
    `return_codes`: the bank's result codes → "paid" or a failure reason code.
    """

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        FIXED = "fixed", "定长"

    name = models.CharField("模板名称", max_length=60, unique=True)
    format = models.CharField(max_length=10, choices=Format.choices)
    encoding = models.CharField(max_length=20, default="utf-8")
    fields = models.JSONField("字段")
    return_codes = models.JSONField("回盘结果代码", default=dict)
    source = models.CharField("说明", max_length=200, blank=True)
    #: The county the template belongs to; empty = a city-level default, read-only to counties.
    county = models.ForeignKey(
        Region,
        verbose_name="所属区县",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: A change of return codes (what counts as paid) waits here for a second person (maker-checker).
    pending_return_codes = models.JSONField("待审核回盘代码", null=True, blank=True)
    pending_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects: ClassVar[BankTemplateQuerySet] = BankTemplateQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "银行文件模板"

    def __str__(self) -> str:
        return self.name


class BankFileQuerySet(RegionScopedQuerySet["BankFile"]):
    scope_field = "county_id"


class BankFile(models.Model):
    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    roll = models.ForeignKey(
        Roll, null=True, blank=True, on_delete=models.PROTECT, related_name="bank_files"
    )  # None for a file of re-issued lines
    template = models.ForeignKey(BankTemplate, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=300)
    line_count = models.PositiveIntegerField(default=0)
    total_fen = models.BigIntegerField(default=0)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[BankFileQuerySet] = BankFileQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "银行文件"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["roll"], condition=models.Q(roll__isnull=False), name="one_file_per_roll"
            )
        ]

    def __str__(self) -> str:
        return f"银行文件#{self.pk}"


class BankFileLineQuerySet(RegionScopedQuerySet["BankFileLine"]):
    """A line is seen where its payee (or its temporary case) is: a township caseworker sees
    their township's lines of a county's file, a village assistant their village's."""

    scope_field = "bank_file__county_id"  # what `unscoped_within` (system jobs) ranges over

    def visible_to(self, actor: ScopedActor) -> Self:
        if not actor.can(Capability.CASE_DATA):
            return self.none()
        return self.filter(
            models.Q(payee__in=Person.objects.visible_to(actor).values("pk"))
            | models.Q(temporary_case__in=TemporaryCase.objects.visible_to(actor).values("pk"))
            | models.Q(provider__in=ProviderPayee.objects.visible_to(actor).values("pk"))
        )


class BankFileLine(models.Model):
    """One transfer instruction: the net of a payee's lines in the roll, to one account."""

    bank_file = models.ForeignKey(
        BankFile, on_delete=models.PROTECT, related_name="lines", db_index=False
    )  # covered by one_seq_per_file
    seq = models.PositiveIntegerField()
    reference = models.CharField("流水号", max_length=40, unique=True)
    payee = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    temporary_case = models.ForeignKey(
        TemporaryCase,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    account = models.ForeignKey(
        BankAccount,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    #: An organisation's transfer (the ledger's payable to a hospital or meal point).
    provider = models.ForeignKey(
        ProviderPayee,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    amount_fen = models.BigIntegerField()
    reissue_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reissue"
    )

    objects: ClassVar[BankFileLineQuerySet] = BankFileLineQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "银行文件明细"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["bank_file", "seq"], name="one_seq_per_file")
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def amount(self) -> Decimal:
        return fen_to_yuan(self.amount_fen)


class BankOutcome(models.Model):
    """The bank's answer for one line, from a return file. One per line; never rewritten."""

    class Status(models.TextChoices):
        PAID = "paid", "成功"
        FAILED = "failed", "失败"

    line = models.OneToOneField(BankFileLine, on_delete=models.PROTECT, related_name="outcome")
    status = models.CharField(max_length=10, choices=Status.choices)
    reason_code = models.CharField(max_length=30, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    return_file = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "银行回盘结果"

    def __str__(self) -> str:
        return f"{self.line_id} {self.status}"


class AccountChangeQuerySet(RegionScopedQuerySet["AccountChange"]):
    scope_field = "region_id"


class AccountChange(models.Model):
    """变更银行账户: a caseworker files the new account, another person approves it; only then
    does it replace the account on file. The number is sealed like the account's own."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    old_account = models.ForeignKey(
        BankAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    new_account = models.ForeignKey(
        BankAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bank_name = models.CharField("开户行", max_length=60)
    holder_name = models.CharField("户名", max_length=60)
    holder_relation = models.CharField("代理人与本人关系", max_length=20, blank=True)
    number_cipher = EncryptedTextField("账号（密文）")
    number_masked = models.CharField("账号", max_length=40)
    reason = models.CharField("变更理由", max_length=300)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # Empty when the resident filed it on the portal (居民网上申请).
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.CharField("审核意见", max_length=300, blank=True)

    objects: ClassVar[AccountChangeQuerySet] = AccountChangeQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "银行账户变更申请"
        ordering = ("-filed_at", "-id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="pending"),
                name="one_pending_account_change_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} {self.number_masked}"

    @property
    def filer_label(self) -> str:
        """Who filed it: the caseworker, or the resident on the portal."""
        return str(self.filed_by) if self.filed_by_id else "居民本人（网上申请）"


class BackPayQuerySet(RegionScopedQuerySet["BackPay"]):
    scope_field = "region_id"


class BackPay(models.Model):
    """补发: a reasoned correction for past months, paid once by the next roll after approval.

    A policy value never takes effect before it is confirmed; money owed for months already paid
    is this separate action instead: proposed with a reason, approved by a second person with the
    role and scope (maker-checker), audited, and paid as one arrears line of the county's roll
    (source "b", the back-pay's id, the approval month: the ledger key pays it once).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已审批"
        WITHDRAWN = "withdrawn", "已撤回"

    enrolment = models.ForeignKey(
        "assistance.Enrolment", on_delete=models.PROTECT, related_name="+", verbose_name="救助对象"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")  # the village
    payee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    from_month = models.DateField("补发起始月份")
    to_month = models.DateField("补发截止月份")
    monthly_amount = models.DecimalField("每月补发金额", max_digits=12, decimal_places=2)
    total = models.DecimalField("补发合计", max_digits=14, decimal_places=2)
    reason = models.TextField("补发理由")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    pay_month = models.DateField("发放月份", null=True, blank=True)  # the roll month that pays it

    objects: ClassVar[BackPayQuerySet] = BackPayQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "补发"
        ordering = ("-proposed_at",)

    def __str__(self) -> str:
        return f"补发 {self.enrolment_id} {self.from_month:%Y-%m}—{self.to_month:%Y-%m}"
