"""Applications (政策申报) and what hangs off them: materials, review steps, one-time notices,
publicity and objections, ratings (好差评), 免申即享 confirmation lists, window consultations and
the departments' own systems' API keys.

An `Application` is one enterprise applying for one matter in one period (申报批次,
the year of the window). Its lifecycle runs on the workflow kernel
(`applications.workflow`); its time limits are kernel clocks (`portal.workcalendar.clocks`):
the whole case (承诺办理时限, the matter's `time_limit_days`) and each `ReviewStep`
(the process step's own limit), both paused while the enterprise supplements (补正).

Applying twice for one matter and period, or for two matters of one 就高不重复 group in
one period, is refused by two partial unique constraints, so two simultaneous
submissions cannot both pass.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.core.crypto import EncryptedCharField
from portal.documents.models import grouped, new_code

MONEY = {"max_digits": 16, "decimal_places": 2}


def new_verification_code() -> str:
    """查询码: 12 characters without 0/O, 1/I/L (read aloud at the window, typed from paper), shown grouped as
    ABCD-EFGH-JKMN: the same form as the documents' verification codes (`portal.documents`)."""
    return new_code()


group_code = grouped


class Channel(models.TextChoices):
    """申报渠道."""

    ONLINE = "online", _("网上申报")
    WINDOW = "window", _("窗口受理")
    EXTERNAL = "external", _("部门业务系统")


class Status(models.TextChoices):
    """办件状态 (see `applications.workflow` for the transitions between them)."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    PRE_REVIEW = "pre_review", _("预审中")
    SUPPLEMENT = "supplement", _("待补正")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    ACCEPTED = "accepted", _("已受理")
    REVIEWING = "reviewing", _("审核中")
    APPROVED = "approved", _("审核通过")
    REJECTED = "rejected", _("不予通过")
    PUBLICITY = "publicity", _("公示中")
    OBJECTION = "objection", _("异议处理中")
    TO_PAYOUT = "to_payout", _("待兑付")
    PAID = "paid", _("已兑付")
    CLOSED = "closed", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")


# States in which an application no longer holds its matter and period: the enterprise may apply again.
RELEASED_STATES = (Status.NOT_ACCEPTED, Status.REJECTED, Status.WITHDRAWN)
# States in which the department is working on the case (its clock runs unless paused).
IN_REVIEW_STATES = (Status.SUBMITTED, Status.PRE_REVIEW, Status.ACCEPTED, Status.REVIEWING)
# 办结: the decision is made; the enterprise may rate the service (好差评).
CONCLUDED_STATES = (
    Status.NOT_ACCEPTED,
    Status.REJECTED,
    Status.TO_PAYOUT,
    Status.PAID,
    Status.CLOSED,
)


class Application(models.Model):
    """申报件: one enterprise, one matter, one period.

    - `form_data` is the one form (一表申请): `{field: {"value", "prefilled", "source",
      "as_of", "signature"}}`; a prefilled value carries an HMAC `signature` over
      (application, field, value), so `edited_fields` — the fields whose value differs
      from the signed prefill — is computed from data the applicant cannot forge.
    - `eligibility` is the self-test at submission, frozen: status, rule version and
      each criterion's outcome, message, value, source and as-of date.
    - Money in 元 (Decimal): `estimated_amount` by `matters.amounts.estimate`,
      `approved_amount` decided by the last step's approver.
    """

    number = models.CharField(_("申报编号"), max_length=20, unique=True, editable=False)
    code = models.CharField(_("查询码"), max_length=12, unique=True, editable=False, default=new_verification_code)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("申报企业"), on_delete=models.PROTECT, related_name="applications"
    )
    matter = models.ForeignKey(
        "matters.Matter", verbose_name=_("申报事项"), on_delete=models.PROTECT, related_name="applications"
    )
    period = models.CharField(_("申报批次"), max_length=16, help_text=_("申报年度，如 2026"))
    exclusive_group = models.CharField(_("就高不重复组"), max_length=64, blank=True, default="", editable=False)
    channel = models.CharField(_("申报渠道"), max_length=12, choices=Channel.choices, default=Channel.ONLINE)
    status = models.CharField(_("办件状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受理窗口人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="window_applications",
    )
    external_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("来源业务系统所属部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="external_applications",
    )
    external_id = models.CharField(_("业务系统办件编号"), max_length=64, blank=True, default="")
    external_status = models.CharField(_("业务系统办件状态"), max_length=64, blank=True, default="")
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True, default="")
    contact_phone = EncryptedCharField(_("联系电话"), blank=True, default="")
    sms_wanted = models.BooleanField(_("接收短信提醒"), default=True)
    form_data = models.JSONField(_("申报表"), default=dict, blank=True)
    edited_fields = models.JSONField(_("申报人修改的预填项"), default=list, blank=True, editable=False)
    eligibility = models.JSONField(_("资格自测结果"), default=dict, blank=True, editable=False)
    rule_set = models.ForeignKey(
        "matters.RuleSet",
        verbose_name=_("申报条件版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    requested_amount = models.DecimalField(_("申请金额（元）"), **MONEY, null=True, blank=True)
    estimated_amount = models.DecimalField(_("测算金额（元）"), **MONEY, null=True, blank=True, editable=False)
    approved_amount = models.DecimalField(_("核定金额（元）"), **MONEY, null=True, blank=True, editable=False)
    current_step = models.ForeignKey(
        "applications.ReviewStep",
        verbose_name=_("当前环节"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    returned_from = models.CharField(_("补正前状态"), max_length=16, blank=True, default="", editable=False)
    decision_reason = models.TextField(_("决定理由"), blank=True, default="", editable=False)
    auto_approved = models.BooleanField(_("即申即享自动核准"), default=False, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)
    publicity_from = models.DateField(_("公示开始日"), null=True, blank=True, editable=False)
    publicity_to = models.DateField(_("公示截止日"), null=True, blank=True, editable=False)
    rating_invited_at = models.DateTimeField(_("评价邀请时间"), null=True, blank=True, editable=False)
    feedback_at = models.DateTimeField(_("窗口反馈时间"), null=True, blank=True, editable=False)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("反馈窗口人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # The kernel clocks on the case (预审, 承诺办理时限, 公示: `portal.workcalendar.clocks`), for queries that join
    # them once, as the supervision's on-time measure does, instead of looking them up row by row.
    clocks = GenericRelation("workcalendar.Clock")
    history = HistoricalRecords(excluded_fields=["contact_phone"])

    Status = Status

    class Meta:
        verbose_name = _("申报件")
        verbose_name_plural = _("申报件")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("review_application", _("可预审、审核申报件")),
            ("decide_application", _("可核准、不予通过申报件")),
            ("accept_at_window", _("可窗口受理申报件")),
            ("handle_objection", _("可处理公示异议")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "matter", "period"],
                condition=~Q(status__in=[s.value for s in RELEASED_STATES]),
                name="application_once_per_matter_period",
                violation_error_message=_("该企业本批次已申报此事项，不能重复申报。"),
            ),
            models.UniqueConstraint(
                fields=["enterprise", "exclusive_group", "period"],
                condition=~Q(exclusive_group="") & ~Q(status__in=[s.value for s in RELEASED_STATES]),
                name="application_once_per_exclusive_group",
                violation_error_message=_("该企业本批次已申报同一“就高不重复”组的其他事项，不能重复享受。"),
            ),
            models.UniqueConstraint(
                fields=["external_department", "external_id"],
                condition=~Q(external_id=""),
                name="application_external_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0),
                name="application_approved_amount_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "matter"], name="application_status_matter"),
            models.Index(fields=["enterprise", "status"], name="application_enterprise_status"),
            # Supervision (督查) rewrites the facts of the last 40 days every 10 minutes, one query per measure
            # dated by one of these moments: at 1,000,000 applications each such query scanned the whole table
            # without them (0.9–1.1 s a measure; 0.1–0.3 s with them, bench/supervision_applications.py).
            models.Index(fields=["submitted_at"], name="application_submitted_at"),
            models.Index(fields=["accepted_at"], name="application_accepted_at"),
            models.Index(fields=["decided_at"], name="application_decided_at"),
        ]

    def __str__(self):
        return f"{self.number or _('（未编号）')} {self.matter_id and self.matter.name}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("applications:detail", kwargs={"number": self.number})

    @property
    def grouped_code(self) -> str:
        return group_code(self.code)

    @property
    def is_concluded(self) -> bool:
        return self.status in CONCLUDED_STATES


class MaterialSource(models.TextChoices):
    UPLOAD = "upload", _("申报人上传")
    SHARED = "shared", _("数据共享获取")
    WINDOW = "window", _("窗口扫描")
    EXTERNAL = "external", _("业务系统推送")


def material_path(instance, filename: str) -> str:
    """Private storage: applications/<number>/<random>.<ext>; served only by `applications.files`."""
    from pathlib import PurePosixPath

    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"applications/{instance.application.code}/{secrets.token_hex(12)}{suffix}"


class SubmittedMaterial(models.Model):
    """申报材料: one file (or one paper original seen at the window) for one guide material."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报件"), on_delete=models.CASCADE, related_name="materials"
    )
    material = models.ForeignKey(
        "matters.Material",
        verbose_name=_("对应申报指南材料"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("材料名称"), max_length=200)
    source = models.CharField(_("来源"), max_length=12, choices=MaterialSource.choices, default=MaterialSource.UPLOAD)
    file = models.FileField(_("文件"), upload_to=material_path, max_length=255, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True, default="")
    file_kind = models.CharField(_("文件类型"), max_length=16, blank=True, default="")
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    sha256 = models.CharField(_("SHA-256 校验值"), max_length=64, blank=True, default="")
    shared_reference = models.CharField(_("共享数据凭据"), max_length=255, blank=True, default="")
    paper_received = models.BooleanField(_("已收纸质原件"), default=False)
    superseded = models.BooleanField(_("已被替换"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")
        ordering = ["application", "material__position", "id"]

    def __str__(self):
        return self.name


class StepKind(models.TextChoices):
    REVIEW = "review", _("书面审核")
    INSPECTION = "inspection", _("现场核查")
    THIRD_PARTY = "third_party", _("第三方评审")


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("未开始")
    ACTIVE = "active", _("办理中")
    PASSED = "passed", _("已通过")
    REJECTED = "rejected", _("不予通过")
    CANCELLED = "cancelled", _("已终止")


class ReviewStep(models.Model):
    """审核环节: one of the matter's process steps for one application, with its own clock.

    Created for every process step when the application is accepted (受理); the
    active one is `Application.current_step`. Its clock (kind `application_step`)
    runs `days` working days from opening, paused during 补正. `due_on` copies the
    clock's due date for the reviewers' queue (refreshed whenever the clock moves).
    """

    application = models.ForeignKey(
        Application, verbose_name=_("申报件"), on_delete=models.CASCADE, related_name="steps"
    )
    process_step = models.ForeignKey(
        "matters.ProcessStep",
        verbose_name=_("流程环节"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    name = models.CharField(_("环节名称"), max_length=100)
    kind = models.CharField(_("环节类型"), max_length=12, choices=StepKind.choices, default=StepKind.REVIEW)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("办理部门"), on_delete=models.PROTECT, related_name="review_steps"
    )
    role = models.CharField(_("办理岗位"), max_length=16, default="reviewer")
    days = models.PositiveSmallIntegerField(_("办理时限（工作日）"), validators=[MinValueValidator(1)])
    status = models.CharField(_("环节状态"), max_length=12, choices=StepStatus.choices, default=StepStatus.WAITING)
    opened_at = models.DateTimeField(_("开始办理时间"), null=True, blank=True)
    due_on = models.DateField(_("办理期限"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opinion = models.TextField(_("办理意见"), blank=True, default="")
    warned_at = models.DateTimeField(_("临期提醒时间"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("超期时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("超期督办时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("审核环节")
        verbose_name_plural = _("审核环节")
        ordering = ["application", "position", "id"]
        indexes = [
            models.Index(fields=["department", "status", "due_on"], name="reviewstep_queue"),
            # Supervision's "overdue steps now" (督查: 当前超期环节) across all departments reads the open steps
            # only, joined to their running clocks past due (found by the clocks' own (state, due_on) index).
            models.Index(fields=["due_on"], condition=Q(status="active"), name="reviewstep_open_due"),
            # Its count reads only the open steps' ids (an index-only scan; the overdue clocks: migration 0006).
            models.Index(fields=["id"], condition=Q(status="active"), name="reviewstep_active"),
            # Supervision's 10-minute refresh of the steps decided in the last 40 days.
            models.Index(fields=["decided_at"], name="reviewstep_decided_at"),
        ]

    def __str__(self):
        return f"{self.application.number} · {self.name}"


class SupplementNotice(models.Model):
    """一次性告知书 (无锡 §19): every missing or defective item of one review, told at once.

    Answered when the enterprise resubmits; the case returns to the state
    (`Application.returned_from`) and step it left, and the clocks resume.
    """

    application = models.ForeignKey(
        Application, verbose_name=_("申报件"), on_delete=models.CASCADE, related_name="notices"
    )
    step = models.ForeignKey(
        ReviewStep, verbose_name=_("提出环节"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("告知人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.TextField(_("告知说明"), blank=True, default="")
    due_on = models.DateField(_("补正期限"), null=True, blank=True)
    created_at = models.DateTimeField(_("告知时间"), default=timezone.now)
    answered_at = models.DateTimeField(_("补正提交时间"), null=True, blank=True)
    document_code = models.CharField(_("文书核验码"), max_length=16, blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("一次性告知书")
        verbose_name_plural = _("一次性告知书")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return _("%(number)s 一次性告知（%(count)d项）") % {
            "number": self.application.number,
            "count": self.items.count(),
        }


class SupplementItem(models.Model):
    """告知事项: one missing or defective material (or form field), with what is wrong."""

    class Problem(models.TextChoices):
        MISSING = "missing", _("缺少")
        DEFECTIVE = "defective", _("不符合要求")

    notice = models.ForeignKey(
        SupplementNotice, verbose_name=_("告知书"), on_delete=models.CASCADE, related_name="items"
    )
    material = models.ForeignKey(
        "matters.Material", verbose_name=_("材料"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("材料或事项"), max_length=200)
    problem = models.CharField(_("问题"), max_length=12, choices=Problem.choices, default=Problem.MISSING)
    detail = models.CharField(_("具体要求"), max_length=500)
    resolved = models.BooleanField(_("已补正"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("告知事项")
        verbose_name_plural = _("告知事项")
        ordering = ["notice", "id"]

    def __str__(self):
        return f"{self.get_problem_display()}：{self.subject}"


class Objection(models.Model):
    """公示异议: anyone may object to an application shown in publicity; the department answers."""

    class State(models.TextChoices):
        OPEN = "open", _("待处理")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    application = models.ForeignKey(
        Application, verbose_name=_("申报件"), on_delete=models.CASCADE, related_name="objections"
    )
    name = models.CharField(_("异议人"), max_length=64)
    phone = EncryptedCharField(_("联系电话"))
    content = models.TextField(_("异议内容"))
    state = models.CharField(_("处理状态"), max_length=12, choices=State.choices, default=State.OPEN)
    answer = models.TextField(_("处理意见"), blank=True, default="")
    created_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    answered_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["phone"])

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.application.number} · {self.name}"


class RatingLevel(models.IntegerChoices):
    """好差评 five levels (无锡 §26; 国办发〔2019〕51号)."""

    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASIC = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


BAD_RATINGS = (RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED)


class Rating(models.Model):
    """好差评: the enterprise's rating of one concluded application, online or at the window."""

    application = models.OneToOneField(
        Application, verbose_name=_("申报件"), on_delete=models.CASCADE, related_name="rating"
    )
    level = models.PositiveSmallIntegerField(
        _("评价等级"), choices=RatingLevel.choices, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("评价内容"), blank=True, default="")
    channel = models.CharField(_("评价渠道"), max_length=12, choices=Channel.choices, default=Channel.ONLINE)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评价人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("评价时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="rating_level_1_to_5")]

    def __str__(self):
        return f"{self.application.number} · {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_RATINGS


class Rectification(models.Model):
    """差评整改: a bad rating opens a task for the department on a clock (default 15 working days)."""

    class State(models.TextChoices):
        OPEN = "open", _("整改中")
        ANSWERED = "answered", _("已整改")

    rating = models.OneToOneField(
        Rating, verbose_name=_("差评"), on_delete=models.CASCADE, related_name="rectification"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("整改部门"), on_delete=models.PROTECT, related_name="rectifications"
    )
    state = models.CharField(_("整改状态"), max_length=12, choices=State.choices, default=State.OPEN)
    due_on = models.DateField(_("整改期限"), null=True, blank=True)
    answer = models.TextField(_("整改情况"), blank=True, default="")
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    escalated_at = models.DateTimeField(_("超期督办时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        ordering = ["state", "due_on", "id"]

    def __str__(self):
        return f"{self.rating.application.number} · {self.get_state_display()}"


class ConfirmationList(models.Model):
    """免申即享确认名单 (无锡 §20): from a matter's stored match results, frozen with its rule version.

    Staff build the list (draft), an approver accepts it (受理, the 10-day
    notification clock starts), the platform notifies every enterprise on it
    (the clock stops). Each `Confirmation` then runs its own confirmation period.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("待受理")
        ACCEPTED = "accepted", _("已受理")
        NOTIFIED = "notified", _("已通知")
        CLOSED = "closed", _("已结束")

    matter = models.ForeignKey(
        "matters.Matter", verbose_name=_("事项"), on_delete=models.PROTECT, related_name="confirmation_lists"
    )
    period = models.CharField(_("兑现批次"), max_length=16)
    rule_set = models.ForeignKey(
        "matters.RuleSet", verbose_name=_("申报条件版本"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("名单状态"), max_length=12, choices=State.choices, default=State.DRAFT)
    confirm_days = models.PositiveSmallIntegerField(
        _("确认期限（工作日）"), default=10, validators=[MinValueValidator(1)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("生成人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    history = HistoricalRecords()

    State = State

    class Meta:
        verbose_name = _("免申即享确认名单")
        verbose_name_plural = _("免申即享确认名单")
        ordering = ["-created_at", "-id"]
        permissions = [("accept_confirmationlist", _("可受理免申即享名单"))]
        constraints = [
            models.UniqueConstraint(fields=["matter", "period"], name="confirmation_list_once_per_period"),
        ]

    def __str__(self):
        return f"{self.matter.name} · {self.period}"


class Confirmation(models.Model):
    """免申即享确认: one enterprise on a list; it confirms (checking details and bank account) or declines
    with a reason; not confirming by `due_on` is recorded as waived (逾期视为放弃)."""

    class State(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        DECLINED = "declined", _("已放弃")
        WAIVED = "waived", _("逾期视为放弃")

    confirmation_list = models.ForeignKey(
        ConfirmationList, verbose_name=_("名单"), on_delete=models.CASCADE, related_name="confirmations"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="confirmations"
    )
    code = models.CharField(_("查询码"), max_length=12, unique=True, default=new_verification_code, editable=False)
    state = models.CharField(_("确认状态"), max_length=12, choices=State.choices, default=State.PENDING)
    facts = models.JSONField(_("认定所用数据"), default=dict, editable=False)
    amount = models.DecimalField(_("兑现金额（元）"), **MONEY, null=True, blank=True)
    amount_text = models.CharField(_("金额说明"), max_length=255, blank=True, default="")
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True, default="")
    bank_account = EncryptedCharField(_("银行账号"), blank=True, default="")
    decline_reason = models.TextField(_("放弃理由"), blank=True, default="")
    due_on = models.DateField(_("确认截止日"), null=True, blank=True)
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["bank_account"])

    State = State

    class Meta:
        verbose_name = _("免申即享确认")
        verbose_name_plural = _("免申即享确认")
        ordering = ["confirmation_list", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["confirmation_list", "enterprise"], name="confirmation_once_per_list"),
        ]

    def __str__(self):
        return f"{self.enterprise.name} · {self.get_state_display()}"


class Consultation(models.Model):
    """帮办记录: a walk-in consultation at a service-hall window, logged by the clerk."""

    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("窗口人员"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    hall = models.ForeignKey(
        "org.Department",
        verbose_name=_("服务大厅"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
    )
    visitor = models.CharField(_("来访人"), max_length=64)
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("咨询事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    question = models.TextField(_("咨询内容"))
    answer = models.TextField(_("答复内容"), blank=True, default="")
    handed_to = models.ForeignKey(
        "org.Department",
        verbose_name=_("转办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("帮办记录")
        verbose_name_plural = _("帮办记录")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.visitor} · {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class ApiClient(models.Model):
    """部门业务系统接入: the key a department's own system signs its calls with (HMAC-SHA256)."""

    department = models.ForeignKey(
        "org.Department", verbose_name=_("部门"), on_delete=models.PROTECT, related_name="api_clients"
    )
    key_id = models.CharField(_("接入标识"), max_length=32, unique=True)
    secret = EncryptedCharField(_("签名密钥"))
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        verbose_name = _("业务系统接入")
        verbose_name_plural = _("业务系统接入")
        ordering = ["department", "key_id"]

    def __str__(self):
        return f"{self.department} · {self.key_id}"


class ApiNonce(models.Model):
    """A signed call already seen (key, timestamp, nonce): a replay is refused. Swept after the window."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    timestamp = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "nonce"], name="api_nonce_once")]

    def __str__(self):
        return f"{self.client_id} · {self.nonce}"
