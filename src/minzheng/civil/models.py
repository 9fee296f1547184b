"""Civil services: marriage registration, funeral and eco-burial, and the 一件事 joint cases."""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models

from minzheng.accounts.scope import RegionScopedQuerySet
from minzheng.regions.models import Region
from minzheng.registry.models import Person


def new_token() -> str:
    return secrets.token_urlsafe(12)


class Period(models.TextChoices):
    MORNING = "am", "上午"
    AFTERNOON = "pm", "下午"


# ── marriage ─────────────────────────────────────────────────────────────────────────────────


class OfficeQuerySet(RegionScopedQuerySet["RegistryOffice"]):
    scope_field = "region_id"


class RegistryOffice(models.Model):
    """A marriage registry (婚姻登记处) of a county."""

    name = models.CharField("登记处名称", max_length=80)
    region = models.ForeignKey(Region, verbose_name="所属区县", on_delete=models.PROTECT)
    address = models.CharField("地址", max_length=200)
    rating = models.CharField("等级", max_length=10, blank=True)  # 国家3A … 5A

    objects: ClassVar[OfficeQuerySet] = OfficeQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "婚姻登记处"

    def __str__(self) -> str:
        return self.name


class MaritalStatus(models.TextChoices):
    UNMARRIED = "unmarried", "未婚"
    MARRIED = "married", "已婚"
    DIVORCED = "divorced", "离婚"
    WIDOWED = "widowed", "丧偶"


class MaritalRecordQuerySet(RegionScopedQuerySet["PersonMaritalStatus"]):
    scope_field = "region_id"


class PersonMaritalStatus(models.Model):
    """A registry person's marital status as the registry office last recorded it."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="marital")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("婚姻状况", max_length=12, choices=MaritalStatus.choices)
    spouse = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    since = models.DateField("变更日期")
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[MaritalRecordQuerySet] = MaritalRecordQuerySet.as_manager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name}#{self.pk}"


class AppointmentKind(models.TextChoices):
    MARRIAGE = "marriage", "结婚登记"
    DIVORCE = "divorce", "离婚登记"
    DIVORCE_CERTIFICATE = "divorce_certificate", "申领离婚证"
    REISSUE = "reissue", "补领婚姻登记证"


class AppointmentQuerySet(RegionScopedQuerySet["MarriageAppointment"]):
    scope_field = "region_id"


class MarriageAppointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "已预约"
        CANCELLED = "cancelled", "已取消"
        ATTENDED = "attended", "已办理"

    class Channel(models.TextChoices):
        PORTAL = "portal", "网上预约"
        WINDOW = "window", "窗口预约"

    office = models.ForeignKey(RegistryOffice, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    day = models.DateField("预约日期")
    period = models.CharField("时段", max_length=2, choices=Period.choices)
    kind = models.CharField("业务类型", max_length=20, choices=AppointmentKind.choices)
    booker = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    partner_name = models.CharField("另一方姓名", max_length=60)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.BOOKED)
    token = models.CharField(max_length=24, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[AppointmentQuerySet] = AppointmentQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "婚姻登记预约"
        indexes: ClassVar = [models.Index(fields=["office", "day", "period", "status"])]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name}#{self.pk}"


class RegistrationKind(models.TextChoices):
    MARRIAGE = "marriage", "结婚登记"
    DIVORCE = "divorce", "离婚登记"
    REISSUE = "reissue", "补领婚姻登记证"
    CANCELLATION = "cancellation", "撤销婚姻"


class RegistrationQuerySet(RegionScopedQuerySet["MarriageRegistration"]):
    scope_field = "region_id"


class MarriageRegistration(models.Model):
    """One registration at a registry office, with the certificate it issued."""

    kind = models.CharField("登记类型", max_length=15, choices=RegistrationKind.choices)
    office = models.ForeignKey(RegistryOffice, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    party_a = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    party_b = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    registered_on = models.DateField("登记日期")
    certificate_number = models.CharField(
        "证书字号", max_length=30, blank=True, unique=True, null=True
    )
    sequence_year = models.PositiveSmallIntegerField(null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    # 婚姻登记条例（2025）: the ID card and a signed declaration, no 户口簿.
    id_cards_checked = models.BooleanField("已查验身份证", default=False)
    declaration_signed = models.BooleanField("已签署声明", default=False)
    related = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # the marriage a divorce, reissue or cancellation concerns
    reason = models.CharField("事由", max_length=200, blank=True)
    appointment = models.ForeignKey(
        MarriageAppointment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[RegistrationQuerySet] = RegistrationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "婚姻登记"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["office", "sequence_year", "sequence"], name="one_certificate_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name}#{self.pk}"


class DivorceQuerySet(RegionScopedQuerySet["DivorceApplication"]):
    scope_field = "region_id"


class DivorceApplication(models.Model):
    """A divorce by agreement, through the cooling-off period (民法典第1077条)."""

    class Status(models.TextChoices):
        PENDING = "pending", "办理中"  # cooling-off or certificate window, by the date
        WITHDRAWN = "withdrawn", "已撤回"
        DEEMED_WITHDRAWN = "deemed_withdrawn", "视为撤回"
        REGISTERED = "registered", "已登记离婚"

    office = models.ForeignKey(RegistryOffice, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    marriage = models.ForeignKey(MarriageRegistration, on_delete=models.PROTECT, related_name="+")
    party_a = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    party_b = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField("受理日期")
    cooling_off_last_day = models.DateField("冷静期末日")
    certificate_last_day = models.DateField("申领离婚证末日")
    parameter_versions = models.JSONField(default=list)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    withdrawn_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField("办结日期", null=True, blank=True)
    registration = models.ForeignKey(
        MarriageRegistration, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects: ClassVar[DivorceQuerySet] = DivorceQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "离婚登记申请"

    def __str__(self) -> str:
        return f"{self._meta.verbose_name}#{self.pk}"


class ReminderQuerySet(RegionScopedQuerySet["CivilReminder"]):
    scope_field = "region_id"


class CivilReminder(models.Model):
    """A reminder sent once (the key is unique): divorce deadlines, appointments."""

    key = models.CharField(max_length=80, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    body = models.CharField("内容", max_length=300)
    sent_on = models.DateField("发送日期")

    objects: ClassVar[ReminderQuerySet] = ReminderQuerySet.as_manager()  # type: ignore[assignment]

    # ── funeral ──────────────────────────────────────────────────────────────────────────────────

    def __str__(self) -> str:
        return f"{self._meta.verbose_name}#{self.pk}"


class FuneralHomeQuerySet(RegionScopedQuerySet["FuneralHome"]):
    scope_field = "region_id"


class FuneralHome(models.Model):
    name = models.CharField("殡仪馆", max_length=80)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    address = models.CharField("地址", max_length=200)
    basic_fee = models.DecimalField("基本殡葬服务费（元）", max_digits=10, decimal_places=2)

    objects: ClassVar[FuneralHomeQuerySet] = FuneralHomeQuerySet.as_manager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.name


class CemeteryQuerySet(RegionScopedQuerySet["Cemetery"]):
    scope_field = "region_id"


class Cemetery(models.Model):
    name = models.CharField("公墓", max_length=80)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    address = models.CharField("地址", max_length=200)
    public_welfare = models.BooleanField("公益性公墓", default=True)

    objects: ClassVar[CemeteryQuerySet] = CemeteryQuerySet.as_manager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.name


class CremationQuerySet(RegionScopedQuerySet["CremationRecord"]):
    scope_field = "region_id"


class CremationRecord(models.Model):
    deceased = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="cremation")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    funeral_home = models.ForeignKey(FuneralHome, on_delete=models.PROTECT, related_name="+")
    date_of_death = models.DateField("死亡日期")
    cremated_on = models.DateField("火化日期")
    basic_fee = models.DecimalField("基本服务费（元）", max_digits=10, decimal_places=2)
    waived = models.DecimalField("减免金额（元）", max_digits=10, decimal_places=2)
    waiver_reasons = models.JSONField("减免依据", default=list)
    parameter_versions = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[CremationQuerySet] = CremationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "火化记录"

    def __str__(self) -> str:
        return f"{self._meta.verbose_name}#{self.pk}"


class BurialMethod(models.TextChoices):
    SEA = "sea", "海葬"
    TREE = "tree", "树葬"
    FLOWER = "flower", "花葬"
    TOMB = "tomb", "墓穴安葬"


ECO_METHODS = (BurialMethod.SEA, BurialMethod.TREE, BurialMethod.FLOWER)


class BurialQuerySet(RegionScopedQuerySet["Burial"]):
    scope_field = "region_id"


class Burial(models.Model):
    """A burial; an eco-burial (sea, tree, flower) carries its subsidy, paid through the ledger."""

    deceased = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="burial")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    method = models.CharField("安葬方式", max_length=10, choices=BurialMethod.choices)
    cemetery = models.ForeignKey(
        Cemetery, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    buried_on = models.DateField("安葬日期")
    subsidy = models.DecimalField("生态安葬补贴（元）", max_digits=10, decimal_places=2, default=0)
    parameter_versions = models.JSONField(default=list)
    # The subsidy goes through payments' temporary case (maker-checker, then the next roll).
    payment_case_id = models.BigIntegerField("发放个案", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[BurialQuerySet] = BurialQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "安葬记录"

    def __str__(self) -> str:
        return f"{self._meta.verbose_name}#{self.pk}"

    @property
    def is_eco(self) -> bool:
        return self.method in ECO_METHODS


class QingmingSlot(models.TextChoices):
    EARLY = "08-10", "08:00—10:00"
    MID = "10-12", "10:00—12:00"
    AFTERNOON = "13-15", "13:00—15:00"
    LATE = "15-17", "15:00—17:00"


class ReservationQuerySet(RegionScopedQuerySet["QingmingReservation"]):
    scope_field = "region_id"


class QingmingReservation(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "已预约"
        ADMITTED = "admitted", "已入园"
        CANCELLED = "cancelled", "已取消"

    cemetery = models.ForeignKey(Cemetery, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    day = models.DateField("祭扫日期")
    slot = models.CharField("时段", max_length=5, choices=QingmingSlot.choices)
    visitor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    party_size = models.PositiveSmallIntegerField("人数")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.BOOKED)
    token = models.CharField(max_length=24, unique=True, default=new_token)
    admitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[ReservationQuerySet] = ReservationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "清明祭扫预约"
        indexes: ClassVar = [models.Index(fields=["cemetery", "day", "slot", "status"])]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name}#{self.pk}"


class MemorialQuerySet(RegionScopedQuerySet["MemorialRequest"]):
    scope_field = "region_id"


class MemorialRequest(models.Model):
    """An online memorial (网上祭扫) a family asks the cemetery to hold."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已提交"
        DONE = "done", "已办理"

    requester = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    cemetery = models.ForeignKey(Cemetery, on_delete=models.PROTECT, related_name="+")
    deceased_name = models.CharField("逝者姓名", max_length=60)
    message = models.CharField("寄语", max_length=300)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[MemorialQuerySet] = MemorialQuerySet.as_manager()  # type: ignore[assignment]

    # ── 一件事 joint cases ───────────────────────────────────────────────────────────────────────

    def __str__(self) -> str:
        return f"{self._meta.verbose_name}#{self.pk}"


class JointCaseQuerySet(RegionScopedQuerySet["JointCase"]):
    scope_field = "region_id"


class JointCase(models.Model):
    class Kind(models.TextChoices):
        AFTER_DEATH = "after_death", "身后一件事"
        MARRIAGE_HOUSEHOLD = "marriage_household", "婚育户一件事"

    class Source(models.TextChoices):
        FAMILY = "family", "家属申请"
        FUNERAL = "funeral", "殡葬火化信息"
        POLICE = "police", "公安死亡注销"
        MONITORING = "monitoring", "动态监测"
        REGISTRY = "registry", "婚姻登记"

    class Status(models.TextChoices):
        OPEN = "open", "办理中"
        DONE = "done", "已办结"

    kind = models.CharField("事项", max_length=20, choices=Kind.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    event_date = models.DateField("事件日期")
    source = models.CharField("来源", max_length=12, choices=Source.choices)
    status = models.CharField("状态", max_length=6, choices=Status.choices, default=Status.OPEN)
    token = models.CharField(max_length=24, unique=True, default=new_token)
    applicant = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # the family member who follows it on the portal
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_on = models.DateField(null=True, blank=True)

    objects: ClassVar[JointCaseQuerySet] = JointCaseQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "一件事联办"
        constraints: ClassVar = [
            # One death opens one case, whichever feeds report it.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(kind="after_death"),
                name="one_after_death_case_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name}#{self.pk}"


class JointItem(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待办"
        DONE = "done", "已完成"
        NOT_APPLICABLE = "na", "无需办理"

    case = models.ForeignKey(JointCase, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=30)
    label = models.CharField("事项", max_length=60)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.PENDING)
    detail = models.CharField("办理情况", max_length=300, blank=True)
    done_on = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "code"], name="one_item_per_code")
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name}#{self.pk}"


# ── place names and standard addresses (地名, 一址通) ─────────────────────────────────────────


class PlaceNameQuerySet(RegionScopedQuerySet["PlaceName"]):
    scope_field = "region_id"


class PlaceName(models.Model):
    """A standard place name through proposal, review and announcement (地名管理条例, 2022)."""

    class Category(models.TextChoices):
        ROAD = "road", "道路街巷"
        RESIDENTIAL = "residential", "居民区"
        BRIDGE = "bridge", "桥梁"
        PUBLIC = "public", "公共设施"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "已申报"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "不予批准"
        ANNOUNCED = "announced", "已公告"

    name = models.CharField("标准名称", max_length=60)
    romanisation = models.CharField("罗马字母拼写", max_length=120)
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    region = models.ForeignKey(
        Region, verbose_name="所属政区", on_delete=models.PROTECT, related_name="+"
    )
    location = models.CharField("位置描述", max_length=200)
    meaning = models.CharField("含义与理由", max_length=300)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    approving_body = models.CharField("批准机关", max_length=80, blank=True)
    approved_on = models.DateField("批准时间", null=True, blank=True)
    announced_on = models.DateField("公告日期", null=True, blank=True)
    review_comment = models.CharField("审核意见", max_length=300, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects: ClassVar[PlaceNameQuerySet] = PlaceNameQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "标准地名"

    def __str__(self) -> str:
        return self.name


class AddressLevel(models.TextChoices):
    ROAD = "road", "道路"
    NUMBER = "number", "门牌号"
    BUILDING = "building", "幢"
    UNIT = "unit", "单元"
    ROOM = "room", "室"


class StandardAddressQuerySet(RegionScopedQuerySet["StandardAddress"]):
    scope_field = "region_id"


class StandardAddress(models.Model):
    """One node of the register: region → road → number → building → unit → room."""

    region = models.ForeignKey(
        Region, verbose_name="所属村（社区）", on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.CharField("层级", max_length=10, choices=AddressLevel.choices)
    label = models.CharField("名称", max_length=60)  # 人民路 / 375号 / 24幢 / 2单元 / 304室
    code = models.CharField("地址编码", max_length=60, unique=True)
    full_text = models.CharField("标准地址", max_length=200)
    place_name = models.ForeignKey(
        PlaceName, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects: ClassVar[StandardAddressQuerySet] = StandardAddressQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "标准地址"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["region", "parent", "level", "label"], name="one_address_node"
            )
        ]

    def __str__(self) -> str:
        return self.full_text


class AddressLinkQuerySet(RegionScopedQuerySet["HouseholdAddressLink"]):
    scope_field = "region_id"


class HouseholdAddressLink(models.Model):
    """A registry household's free-text address, linked to its standard address."""

    household = models.OneToOneField(
        "registry.Household", on_delete=models.PROTECT, related_name="standard_address"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    address = models.ForeignKey(StandardAddress, on_delete=models.PROTECT, related_name="+")
    matched_level = models.CharField("匹配到的层级", max_length=10, choices=AddressLevel.choices)
    linked_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[AddressLinkQuerySet] = AddressLinkQuerySet.as_manager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name}#{self.pk}"
