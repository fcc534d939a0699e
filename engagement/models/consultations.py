"""征求意见 (consultation on draft policies, 无锡 §22（一）（二）, 山西 8 “企业直通车”): models.

A department opens a draft policy (征求意见稿) for comment for a number of working days; enterprises (one comment
per enterprise and question) and the public comment on the questions it asks; the department replies to each
comment (采纳情况) and publishes a summary (意见采纳情况说明) before or with the final policy, which then links
back to the consultation. The state machine lives in `engagement.consultations`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies.sanitize import clean_html
from portal.core import uploads
from portal.core.uploads import DOCUMENT_KINDS, KINDS, validate_document

__all__ = ["Consultation", "ConsultationComment", "ConsultationQuestion"]

# 无锡 §22: 征求意见 usually runs 5–30 working days; a longer period is a different procedure (听证).
MIN_PERIOD_DAYS = 5
MAX_PERIOD_DAYS = 30


def draft_document_path(instance, filename):
    """Stored under the detected kind's extension, never the uploader's."""
    kind = KINDS[instance.document_kind] if instance.document_kind else uploads.detect(instance.document)
    name = uploads.stored_name(filename, kind) if kind else filename
    return f"engagement/consultations/{instance.pk or 'new'}/{name}"


class Consultation(models.Model):
    """A draft policy open for comment (政策征求意见): its draft text or document, questions and period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        OPEN = "open", _("征求中")
        CLOSED = "closed", _("已截止")
        PUBLISHED = "published", _("已公布采纳情况")
        WITHDRAWN = "withdrawn", _("已撤回")

    PUBLIC_STATUSES = (Status.OPEN, Status.CLOSED, Status.PUBLISHED)

    title = models.CharField(_("征求意见稿标题"), max_length=200)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("征求意见部门"), on_delete=models.PROTECT, related_name="policy_consultations"
    )
    introduction = models.TextField(_("征求意见说明"), blank=True, help_text=_("起草背景、征求范围、反馈方式等。"))
    draft_text = models.TextField(_("征求意见稿正文"), blank=True, help_text=_("保存时自动清除脚本、样式和外部资源。"))
    document = models.FileField(
        _("征求意见稿文件"),
        upload_to=draft_document_path,
        max_length=255,
        blank=True,
        validators=[validate_document],
        help_text=_("PDF、OFD、Word/WPS 等，按文件内容判断类型。"),
    )
    document_kind = models.CharField(
        _("文件类型"),
        max_length=8,
        blank=True,
        choices=[(k, KINDS[k].label) for k in sorted(DOCUMENT_KINDS)],
        editable=False,
    )
    document_name = models.CharField(_("上传时的文件名"), max_length=255, blank=True, editable=False)
    period_days = models.PositiveSmallIntegerField(
        _("征求期限（工作日）"),
        default=MIN_PERIOD_DAYS,
        validators=[MinValueValidator(MIN_PERIOD_DAYS), MaxValueValidator(MAX_PERIOD_DAYS)],
        help_text=_("自发起征求之日的次日起按工作日计算，法定节假日不计入。"),
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False)
    opened_on = models.DateField(_("发起日期"), null=True, blank=True, editable=False)
    ends_on = models.DateField(_("截止日期"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("截止时间"), null=True, blank=True, editable=False)
    summary = models.TextField(
        _("意见采纳情况说明"),
        blank=True,
        help_text=_("公布时自动隐去手机号、身份证号、个人姓名等个人信息。"),
    )
    public_summary = models.TextField(_("公开的采纳情况说明"), blank=True, editable=False)
    summary_published_at = models.DateTimeField(_("采纳情况公布时间"), null=True, blank=True, editable=False)
    policy = models.OneToOneField(
        "policies.Policy",
        verbose_name=_("正式出台的政策"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation",
        help_text=_("公布意见采纳情况后，关联本部门正式出台的政策；政策页面将显示征求意见情况。"),
    )
    withdrawn_reason = models.TextField(_("撤回理由"), blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("政策征求意见")
        verbose_name_plural = _("政策征求意见")
        ordering = ["-opened_on", "-pk"]
        permissions = [
            ("open_consultation", _("可发起征求意见")),
            ("withdraw_consultation", _("可撤回征求意见")),
            ("reply_consultation", _("可答复征求意见")),
            ("publish_consultation_summary", _("可公布意见采纳情况")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_days__gte=MIN_PERIOD_DAYS) & Q(period_days__lte=MAX_PERIOD_DAYS),
                name="consultation_period_days_range",
                violation_error_message=_("征求期限应为5至30个工作日。"),
            ),
            models.CheckConstraint(
                condition=Q(policy__isnull=True) | Q(status="published"),
                name="consultation_policy_after_summary",
                violation_error_message=_("须先公布意见采纳情况，再关联正式出台的政策。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(summary_published_at__isnull=False),
                name="consultation_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "withdrawn"]) | Q(opened_on__isnull=False, ends_on__isnull=False),
                name="consultation_opened_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "ends_on"], name="consultation_status_ends")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.draft_text = clean_html(self.draft_text)
        if self.document and not self.document._committed:
            kind = uploads.detect(self.document)
            self.document_kind = kind.key if kind else ""
            self.document_name = getattr(self.document, "name", "")[:255]
        elif not self.document:
            self.document_kind = self.document_name = ""
        uploads.save_with_upload(self, "document", lambda: super(Consultation, self).save(*args, **kwargs))

    def get_absolute_url(self):
        return reverse("engagement:consultation", kwargs={"pk": self.pk})

    def clean(self):
        if self.policy_id and self.status != self.Status.PUBLISHED:
            raise ValidationError({"policy": _("须先公布意见采纳情况，再关联正式出台的政策。")})
        if self.policy_id and self.department_id and self.policy.lead_department_id != self.department_id:
            raise ValidationError({"policy": _("只能关联本部门牵头出台的政策。")})

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES


class ConsultationQuestion(models.Model):
    """A question the department asks about the draft (征求意见的问题), in order."""

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("征求意见"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    text = models.CharField(_("问题"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("征求意见问题")
        verbose_name_plural = _("征求意见问题")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "position"],
                name="consultation_question_unique_position",
                violation_error_message=_("问题序号不能重复。"),
            )
        ]

    def __str__(self):
        return f"{self.position}. {self.text}"


class ConsultationComment(models.Model):
    """A comment (意见) on one question, by an enterprise user (one per enterprise and question) or by the public,
    and the department's reply (采纳情况)."""

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("采纳")
        PARTLY = "partly", _("部分采纳")
        NOT_ADOPTED = "not_adopted", _("未采纳")

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("征求意见"), on_delete=models.CASCADE, related_name="comments"
    )
    question = models.ForeignKey(
        ConsultationQuestion, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="comments"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultation_comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_comments",
    )
    name = models.CharField(_("姓名或单位"), max_length=50, blank=True)
    contact = models.CharField(_("联系电话"), max_length=20, blank=True)
    content = models.TextField(_("意见内容"))
    public_content = models.TextField(_("公开的意见内容"), blank=True, editable=False)
    show_identity = models.BooleanField(
        _("同意公开企业名称"), default=False, help_text=_("不同意的，公布时只显示“某企业”。")
    )
    outcome = models.CharField(_("采纳情况"), max_length=16, choices=Outcome.choices, blank=True)
    reply = models.TextField(_("答复（理由）"), blank=True)
    public_reply = models.TextField(_("公开的答复"), blank=True, editable=False)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True, editable=False)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("征求意见反馈")
        verbose_name_plural = _("征求意见反馈")
        ordering = ["question__position", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "enterprise"],
                condition=Q(enterprise__isnull=False),
                name="consultation_comment_one_per_enterprise",
                violation_error_message=_("贵企业已对该问题提出意见，请修改原意见。"),
            ),
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False) | ~Q(contact=""),
                name="consultation_comment_public_has_contact",
                violation_error_message=_("请留下联系电话。"),
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | ~Q(reply=""),
                name="consultation_comment_reply_has_reason",
                violation_error_message=_("请填写答复理由。"),
            ),
        ]
        indexes = [models.Index(fields=["consultation", "outcome"], name="consultation_comment_outcome")]

    def __str__(self):
        return f"{self.question}: {self.content[:20]}"

    def save(self, *args, **kwargs):
        from appeals.interaction import redact

        self.public_content = redact(self.content)[0]
        self.public_reply = redact(self.reply)[0]
        super().save(*args, **kwargs)

    def clean(self):
        if self.outcome and not (self.reply or "").strip():
            raise ValidationError({"reply": _("请填写答复理由。")})

    @property
    def replied(self) -> bool:
        return bool(self.outcome)

    @property
    def public_author(self) -> str:
        """Who commented, as the public sees it: the enterprise's name only when it agreed; never a person's name."""
        if self.enterprise_id:
            return self.enterprise.name if self.show_identity else str(_("某企业"))
        return str(_("社会公众"))
