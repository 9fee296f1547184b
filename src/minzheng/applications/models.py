"""Applications for assistance (社会救助一件事), their steps, and the resident sign-in outbox."""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from minzheng.accounts.scope import RegionScopedQuerySet
from minzheng.applications.rules import STEP_LABELS, Step
from minzheng.assistance.models import PROGRAMME_CHOICES, Enrolment
from minzheng.regions.models import Region
from minzheng.registry.models import Household, Person

STEP_CHOICES = [(s.value, STEP_LABELS[s]) for s in Step]
USER = settings.AUTH_USER_MODEL


def new_status_token() -> str:
    return secrets.token_urlsafe(24)


class ApplicationQuerySet(RegionScopedQuerySet["Application"]):
    scope_field = "region_id"


class Application(models.Model):
    class Channel(models.TextChoices):
        PORTAL = "portal", "网上申请"
        WINDOW = "window", "窗口受理"

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="applications")
    # The applicant's name, copied so 救助申请查询 finds a name from an index of this table: joined
    # to the persons, a city's capped count read a person row per case (docs/list_pages.md). Set
    # on save; a renamed person's cases follow (registry.actions.do_update_person).
    applicant_name = models.CharField("申请人姓名", max_length=60, blank=True, default="")
    region = models.ForeignKey(
        Region, verbose_name="所属村（社区）", on_delete=models.PROTECT, related_name="+"
    )
    programmes = models.JSONField("申请项目", default=list)
    suggested = models.JSONField("系统建议项目", default=list, blank=True)
    declared_income = models.DecimalField("申报家庭月收入", max_digits=12, decimal_places=2)
    income_variable = models.BooleanField("收入变动较大", default=False)
    reason = models.TextField("申请理由", blank=True)
    channel = models.CharField("申请渠道", max_length=10, choices=Channel.choices)
    step = models.CharField("环节", max_length=20, choices=STEP_CHOICES, db_index=True)
    step_started_on = models.DateField("本环节开始")
    step_due = models.DateField("本环节期限", null=True, blank=True, db_index=True)
    submitted_on = models.DateField("申请日期")
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    notice_ends_on = models.DateField("公示截止", null=True, blank=True)
    fast_track = models.BooleanField("快速通道（三快一缓）", default=False)
    visit_deferred = models.BooleanField("先核对、入户后补", default=False)
    advance_aid = models.BooleanField("先行救助", default=False, db_index=True)
    advance_aid_on = models.DateField("先行救助日期", null=True, blank=True)
    advance_aid_reason = models.TextField("先行救助理由", blank=True)
    advance_aid_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # payments.TemporaryCase id (an id, not a key: the payments app owns its tables)
    advance_temporary_case_id = models.BigIntegerField("先行临时救助", null=True, blank=True)
    advance_enrolments = models.JSONField("先行纳入（临时）", default=list, blank=True)
    spot_check = models.BooleanField("县级入户抽查", default=False, db_index=True)
    spot_check_note = models.TextField("抽查结果", blank=True)
    spot_check_done_at = models.DateTimeField("抽查完成时间", null=True, blank=True)
    spot_check_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    limit_due = models.DateField("办结期限", null=True, blank=True)
    special_case = models.BooleanField("特殊情况延长", default=False)
    special_case_reason = models.TextField("延长理由", blank=True)
    staff_relative = models.BooleanField("工作人员近亲属申请", default=False)
    staff_relative_name = models.CharField("相关工作人员", max_length=60, blank=True)
    staff_relative_user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    staff_relation = models.CharField("亲属关系", max_length=30, blank=True)
    pledge_signed_at = models.DateTimeField("诚信承诺书签署时间", null=True, blank=True)
    pledge_ip = models.GenericIPAddressField(null=True, blank=True)
    pledge_file = models.FileField(upload_to="applications/consents/%Y/%m/", blank=True)
    authorisation_signed_at = models.DateTimeField("核对授权书签署时间", null=True, blank=True)
    authorisation_ip = models.GenericIPAddressField(null=True, blank=True)
    authorisation_file = models.FileField(upload_to="applications/consents/%Y/%m/", blank=True)
    verified_income = models.DecimalField(
        "核对家庭月收入", max_digits=12, decimal_places=2, null=True, blank=True
    )
    verification_passed = models.BooleanField("核对结果符合", null=True, blank=True)
    verification_note = models.TextField("核对说明", blank=True)
    investigated_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision = models.JSONField("审批结果与依据", default=dict, blank=True)
    refusal_reason = models.TextField("不予批准理由", blank=True)
    status_token = models.CharField(max_length=40, unique=True, default=new_status_token)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[ApplicationQuerySet] = ApplicationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "救助申请"
        indexes: ClassVar = [
            models.Index(fields=["step", "region"]),
            # 救助申请查询's order (applications/search.py): newest first, read from the index,
            # with the region in it so that a township's scope is checked without reading the
            # rows it skips (at 1M, 2,000 skipped for a township's first page: 12.9 ms).
            models.Index(
                fields=["-submitted_on", "-id", "region"], name="application_submitted_scope"
            ),
            # 救助申请查询 by name prefix: the range, with the scope checked in the index.
            models.Index(fields=["applicant_name", "region"], name="application_applicant_name"),
        ]

    def __str__(self) -> str:
        return f"申请 {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.applicant_name and self.applicant_id is not None:
            self.applicant_name = self.applicant.name
            fields = kwargs.get("update_fields")
            if fields is not None:
                kwargs["update_fields"] = {*fields, "applicant_name"}
        super().save(*args, **kwargs)

    @property
    def number(self) -> str:
        return f"{self.submitted_on:%Y%m%d}{self.pk:06d}"

    @property
    def step_label(self) -> str:
        return STEP_LABELS[Step(self.step)]

    @property
    def spot_check_pending(self) -> bool:
        return self.spot_check and self.spot_check_done_at is None

    @property
    def consents_signed(self) -> bool:
        return self.pledge_signed_at is not None and self.authorisation_signed_at is not None


class ApplicationProgramme(models.Model):
    """One requested programme; the open rows make a second open application impossible."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="lines")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    programme = models.CharField("救助项目", max_length=20, choices=PROGRAMME_CHOICES)
    is_open = models.BooleanField(default=True)

    class Meta:
        verbose_name = "申请项目"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["household", "programme"],
                condition=models.Q(is_open=True),
                name="one_open_application_per_programme",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.programme}"


class StepRecord(models.Model):
    """The history of a case: each step with its dates, deadline, who closed it and how."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField("环节", max_length=20, choices=STEP_CHOICES)
    started_on = models.DateField("开始")
    due_on = models.DateField("期限", null=True, blank=True)
    deadline_basis = models.CharField("期限依据", max_length=300, blank=True)
    deadline_version = models.CharField("期限参数版本", max_length=80, blank=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    completed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField("结果", max_length=60, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        ordering = ("application", "id")
        verbose_name = "办理环节"

    def __str__(self) -> str:
        return f"{self.application_id} {self.step}"

    @property
    def label(self) -> str:
        return STEP_LABELS[Step(self.step)]


class HomeVisit(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField("入户日期")
    notes = models.TextField("调查情况")
    visitor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "入户调查"

    def __str__(self) -> str:
        return f"{self.application_id} {self.visited_on}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(HomeVisit, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField("照片", upload_to="applications/visits/%Y/%m/")

    class Meta:
        verbose_name = "入户照片"

    def __str__(self) -> str:
        return str(self.image.name)


class ObjectionQuerySet(RegionScopedQuerySet["Objection"]):
    scope_field = "application__region_id"


class Objection(models.Model):
    """An objection raised during the public notice, and its answer."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="objections"
    )
    received_on = models.DateField("收到日期")
    objector = models.CharField("异议人", max_length=60, blank=True)
    content = models.TextField("异议内容")
    answer = models.TextField("答复", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    answered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects: ClassVar[ObjectionQuerySet] = ObjectionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "公示异议"

    def __str__(self) -> str:
        return f"{self.application_id} 异议"


class FastTrackQuerySet(RegionScopedQuerySet["FastTrackPeriod"]):
    scope_field = "region_id"


class FastTrackPeriod(models.Model):
    """“三快一缓”: an emergency period in a region with shorter deadlines and exits held back."""

    region = models.ForeignKey(
        Region, verbose_name="区域", on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    reason = models.CharField("启动原因", max_length=200)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[FastTrackQuerySet] = FastTrackQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "快速通道"
        ordering = ("-starts_on",)

    def __str__(self) -> str:
        return f"{self.region_id} {self.starts_on}～{self.ends_on} {self.reason}"


class ReviewTaskQuerySet(RegionScopedQuerySet["ReviewTask"]):
    scope_field = "region_id"


class ReviewTask(models.Model):
    """复核: a scheduled review of an enrolment, and its outcome."""

    class Status(models.TextChoices):
        OPEN = "open", "待复核"
        DONE = "done", "已复核"

    class Outcome(models.TextChoices):
        CONTINUE = "continue", "继续保障"
        CHANGE = "change", "调整金额"
        GRADUAL_EXIT = "gradual_exit", "渐退"
        EXIT = "exit", "退出"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("应复核日期", db_index=True)
    interval_key = models.CharField("复核周期参数", max_length=60)
    interval_version = models.CharField("参数版本", max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField("复核结论", max_length=20, choices=Outcome.choices, blank=True)
    note = models.TextField("说明", blank=True)
    held_reason = models.TextField("退出缓记录", blank=True)
    termination_notice_on = models.DateField("终止公示开始", null=True, blank=True)
    termination_notice_ends_on = models.DateField("终止公示截止", null=True, blank=True)
    termination_note = models.TextField("拟终止理由", blank=True)
    done_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[ReviewTaskQuerySet] = ReviewTaskQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "复核任务"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=models.Q(status="open"),
                name="one_open_review_per_enrolment",
            )
        ]

    def __str__(self) -> str:
        return f"复核 {self.enrolment_id} {self.due_on}"


class SmsQuerySet(RegionScopedQuerySet["SmsMessage"]):
    scope_field = "region_id"


class SmsMessage(models.Model):
    """短信发件箱: what the development SMS gateway 'sent'."""

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    phone_masked = models.CharField("手机号", max_length=20)
    body = models.TextField("内容")
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects: ClassVar[SmsQuerySet] = SmsQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "短信"
        ordering = ("-sent_at", "-id")

    def __str__(self) -> str:
        return f"{self.phone_masked} {self.sent_at}"


class SignInCode(models.Model):
    """A one-time sign-in code for the resident portal; only its keyed hash is stored."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = "登录验证码"

    def __str__(self) -> str:
        return f"{self.person_id} {self.created_at}"


class SpotCheckQuerySet(RegionScopedQuerySet["SpotCheck"]):
    scope_field = "county_id"


class SpotCheck(models.Model):
    """低保抽查: one reproducible draw of a county's enrolled 低保 households for a month.

    The share is the dated parameter `dibao.spot_check.monthly_share`; the draw orders the enrolled
    households by a hash of (county, month, household) and takes the first ⌈share × n⌉, so the same
    county and month always draw the same households (`applications.spot_check.draw`).
    """

    county = models.ForeignKey(
        Region, verbose_name="县（市、区）", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField("抽查月份")  # first day of the month
    share = models.DecimalField("抽查比例", max_digits=5, decimal_places=4)
    share_version = models.CharField("参数版本", max_length=120)
    enrolled = models.PositiveIntegerField("在保户数")
    drawn = models.PositiveIntegerField("抽中户数")
    drawn_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField("抽取时间", auto_now_add=True)

    objects: ClassVar[SpotCheckQuerySet] = SpotCheckQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "低保抽查"
        ordering = ("-month", "county_id")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["county", "month"], name="one_spot_check_per_month")
        ]

    def __str__(self) -> str:
        return f"低保抽查 {self.county_id} {self.month:%Y-%m}"


class SpotCheckItem(models.Model):
    """A household drawn in a spot check, and the review (复核) it opened."""

    spot_check = models.ForeignKey(SpotCheck, on_delete=models.PROTECT, related_name="items")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey(ReviewTask, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField("抽取序号")

    class Meta:
        verbose_name = "抽查家庭"
        ordering = ("spot_check", "rank")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["spot_check", "enrolment"], name="one_item_per_enrolment"
            )
        ]

    def __str__(self) -> str:
        return f"抽查 {self.spot_check_id} 第{self.rank}户"
