"""Policy publishing (政策归集发布): policies, their interpretations, attachments, relations and subscriptions.

"谁制定、谁发布、谁解读、谁负责": a policy belongs to its lead department; jointly
issued policies (联合发文) list the co-issuing departments but are published by
the lead. The state machine lives in `policies.workflow`, the transitions in
`policies.services`.
"""

import hashlib
import re
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies.sanitize import clean_html
from portal.core import uploads
from portal.core.translation import Bilingual
from portal.core.uploads import AUDIO_KINDS, DOCUMENT_KINDS, KINDS, MEDIA_KINDS, VIDEO_KINDS, validate_document
from portal.core.uploads import validate_media as validate_media_file

# 机关代字〔2025〕1号, also with [] or () for the brackets people type, or 公告2023年第7号 (ministries' notices).
DOCUMENT_NUMBER_RE = re.compile(r"^\S.*(?:[〔\[［（(【]\d{4}[〕\]］）)】]第?\d+号|\d{4}年第\d+号)$")


def validate_document_number(value: str) -> None:
    if value and not DOCUMENT_NUMBER_RE.match(value.strip()):
        raise ValidationError(
            _("文号格式应为“机关代字〔年份〕序号号”，例如：宜职转和数规发〔2025〕1号。"), code="document_number"
        )


class PolicyCategory(models.Model):
    """A policy category (政策分类): 创业扶持、财政金融 … maintained by staff as data."""

    code = models.SlugField(_("分类编码"), max_length=32, unique=True)
    name = models.CharField(_("分类名称"), max_length=32, unique=True)
    # Category names are data, so not in the translation catalogue: staff keep the English name beside
    # the Chinese one (ADR 0006); empty shows the Chinese name to English readers too.
    name_en = models.CharField(_("英文名称"), max_length=64, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("政策分类")
        verbose_name_plural = _("政策分类")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    @property
    def label(self) -> Bilingual:
        """The name in the reader's language when shown."""
        return Bilingual(self.name, self.name_en)


class Policy(models.Model):
    """A policy document (惠企政策) as published on the portal."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")
        MUNICIPAL = "municipal", _("市级")
        COUNTY = "county", _("县级")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已审核")
        PUBLISHED = "published", _("已发布")
        OFFLINE_REQUESTED = "offline_requested", _("申请下线")
        EXPIRED = "expired", _("已失效")
        REPEALED = "repealed", _("已废止")
        OFFLINE = "offline", _("已下线")

    # Levels whose publishing clock starts at the outside (national/provincial) publication.
    OUTSIDE_LEVELS = (Level.NATIONAL, Level.PROVINCIAL)
    # States in which the public can see the policy.
    PUBLIC_STATUSES = (Status.PUBLISHED, Status.OFFLINE_REQUESTED, Status.EXPIRED, Status.REPEALED)

    title = models.CharField(_("政策标题"), max_length=300)
    slug = models.SlugField(
        _("网址标识"), max_length=64, unique=True, blank=True, help_text=_("政策页面的固定网址标识，生成后不再改变。")
    )
    document_number = models.CharField(
        _("文号"),
        max_length=64,
        blank=True,
        validators=[validate_document_number],
        help_text=_("例如：宜职转和数规发〔2025〕1号"),
    )
    issuing_authority = models.CharField(_("发文机关"), max_length=200)
    level = models.CharField(_("政策层级"), max_length=16, choices=Level.choices)
    region = models.ForeignKey(
        "org.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="policies"
    )
    lead_department = models.ForeignKey(
        "org.Department", verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="led_policies"
    )
    co_departments = models.ManyToManyField(
        "org.Department", verbose_name=_("联合发文部门"), blank=True, related_name="co_issued_policies"
    )
    categories = models.ManyToManyField(PolicyCategory, verbose_name=_("政策分类"), related_name="policies")
    issue_date = models.DateField(_("印发日期"))
    outside_publication_date = models.DateField(
        _("上级对外发布日期"),
        null=True,
        blank=True,
        help_text=_("国家级、省级政策必填：国家、省级部门对外发布的日期。"),
    )
    effective_date = models.DateField(_("施行日期"))
    expiry_date = models.DateField(_("失效日期"), null=True, blank=True)
    original_text = models.TextField(_("政策原文"), help_text=_("保存时自动清除脚本、样式和外部资源。"))
    summary = models.TextField(_("政策摘要"), blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    published_late = models.BooleanField(_("逾期发布"), default=False, editable=False)
    ended_on = models.DateField(_("失效（废止）日期"), null=True, blank=True, editable=False)
    offline_at = models.DateTimeField(_("下线时间"), null=True, blank=True, editable=False)
    offline_reason = models.TextField(_("下线理由"), blank=True, editable=False)
    subscribers_notified_at = models.DateTimeField(_("订阅通知时间"), null=True, blank=True, editable=False)
    tags = models.ManyToManyField("enterprises.Tag", verbose_name=_("标签"), blank=True, related_name="policies")
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
    history = HistoricalRecords(m2m_fields=[categories, co_departments])

    class Meta:
        verbose_name = _("政策")
        verbose_name_plural = _("政策")
        ordering = ["-issue_date", "-pk"]
        permissions = [
            ("submit_policy", _("可提交政策审核")),
            ("approve_policy", _("可审核、发布政策")),
            ("decide_offline", _("可核准政策提前下线")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(level__in=["national", "provincial"]) | Q(outside_publication_date__isnull=False),
                name="policy_outside_date_for_national_provincial",
                violation_error_message=_("国家级、省级政策须填写上级对外发布日期。"),
            ),
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True) | Q(expiry_date__gte=models.F("effective_date")),
                name="policy_expiry_after_effective",
                violation_error_message=_("失效日期不能早于施行日期。"),
            ),
            models.UniqueConstraint(
                fields=["document_number"],
                condition=~Q(document_number=""),
                name="policy_unique_document_number",
                violation_error_message=_("该文号的政策已存在。"),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="policy_status_published"),
            models.Index(fields=["status", "expiry_date"], name="policy_status_expiry"),
        ]

    def __str__(self):
        return f"{self.title}（{self.document_number}）" if self.document_number else self.title

    def save(self, *args, **kwargs):
        self.original_text = clean_html(self.original_text)
        if self.document_number:
            self.document_number = self.document_number.strip()
        if not self.slug:
            self.slug = self._new_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        try:
            return reverse("policies:detail", kwargs={"slug": self.slug})
        except NoReverseMatch:
            return f"/policies/{self.slug}/"

    def clean(self):
        errors = {}
        if self.level in self.OUTSIDE_LEVELS and not self.outside_publication_date:
            errors["outside_publication_date"] = _("国家级、省级政策须填写上级对外发布日期。")
        if self.expiry_date and self.effective_date and self.expiry_date < self.effective_date:
            errors["expiry_date"] = _("失效日期不能早于施行日期。")
        if self.issue_date and self.effective_date and self.effective_date < self.issue_date:
            errors["effective_date"] = _("施行日期不能早于印发日期。")
        if (
            self.lead_department_id
            and self.region_id
            and self.level in (self.Level.MUNICIPAL, self.Level.COUNTY)
            and self.lead_department.region_id != self.region_id
        ):
            errors["lead_department"] = _("市、县级政策的牵头部门应属于政策所属区划。")
        if errors:
            raise ValidationError(errors)

    def _new_slug(self) -> str:
        """Year plus a short digest of the 文号 (or title): readable, stable, and the same on every demo load."""
        basis = self.document_number or f"{self.title}|{self.issue_date}"
        digest = hashlib.sha1(basis.encode(), usedforsecurity=False).hexdigest()
        year = self.issue_date.year if self.issue_date else "x"
        for length in (8, 12, 40):
            slug = f"{year}-{digest[:length]}"
            if not Policy.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                return slug
        raise ValidationError(_("无法生成政策网址标识。"))

    @property
    def publishing_clock_start(self):
        """Day from which the 3 working days to publish count (§17)."""
        return self.outside_publication_date if self.level in self.OUTSIDE_LEVELS else self.issue_date

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    @property
    def not_yet_in_force(self) -> bool:
        """尚未施行: published (not expired or repealed) but its 施行日期 is still to come (local date)."""
        return (
            self.status in (self.Status.PUBLISHED, self.Status.OFFLINE_REQUESTED)
            and self.effective_date is not None
            and self.effective_date > timezone.localdate()
        )

    @property
    def departments(self):
        """Lead and co-issuing departments, the lead first."""
        return [self.lead_department, *self.co_departments.all()]


class PolicyRelation(models.Model):
    """How one policy acts on another (政策关联): `policy` amends / repeals / replaces `target`."""

    class Kind(models.TextChoices):
        AMENDS = "amends", _("修订")
        REPEALS = "repeals", _("废止")
        REPLACES = "replaces", _("替代")

    REVERSE_LABELS = {Kind.AMENDS: _("被修订"), Kind.REPEALS: _("被废止"), Kind.REPLACES: _("被替代")}

    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="relations")
    target = models.ForeignKey(
        Policy, verbose_name=_("关联政策"), on_delete=models.CASCADE, related_name="reverse_relations"
    )
    kind = models.CharField(_("关系"), max_length=16, choices=Kind.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("政策关联")
        verbose_name_plural = _("政策关联")
        constraints = [
            models.UniqueConstraint(fields=["policy", "target", "kind"], name="policy_relation_unique"),
            models.CheckConstraint(
                condition=~Q(policy=models.F("target")),
                name="policy_relation_not_self",
                violation_error_message=_("政策不能关联自身。"),
            ),
        ]

    def __str__(self):
        return f"{self.policy.title} {self.get_kind_display()} {self.target.title}"

    @property
    def reverse_label(self):
        return self.REVERSE_LABELS[self.kind]

    def clean(self):
        if self.policy_id and self.policy_id == self.target_id:
            raise ValidationError({"target": _("政策不能关联自身。")})


def attachment_path(instance, filename):
    """Stored under the detected kind's extension, never the uploader's (`解读.html` holding a PDF → `解读.pdf`)."""
    kind = KINDS[instance.kind] if instance.kind else uploads.detect(instance.file)
    name = uploads.stored_name(filename, kind) if kind else filename
    return f"policies/attachments/{instance.policy_id or 'new'}/{name}"


class PolicyAttachment(models.Model):
    """An attachment (政策附件): PDF, OFD, Word/WPS, Excel or image, its type judged by content."""

    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("附件名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=255, validators=[validate_document])
    kind = models.CharField(
        _("文件类型"), max_length=8, choices=[(k, KINDS[k].label) for k in sorted(DOCUMENT_KINDS)], editable=False
    )
    original_name = models.CharField(_("上传时的文件名"), max_length=255, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("政策附件")
        verbose_name_plural = _("政策附件")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "sha256"],
                name="policy_attachment_unique_file",
                violation_error_message=_("该附件已上传。"),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self._new_upload:
            self._read_upload()
        uploads.save_with_upload(self, "file", lambda: super(PolicyAttachment, self).save(*args, **kwargs))

    @property
    def _new_upload(self) -> bool:
        """A file just uploaded (new row, or the file replaced), not yet written to storage."""
        return bool(self.file) and (not self.file._committed or not self.sha256)

    def _read_upload(self):
        """Type, size and digest of a newly uploaded file, judged by content; the uploader's name is kept."""
        validate_document(self.file)
        self.kind = uploads.detect_key(self.file)
        if not self.file._committed or not self.original_name:
            self.original_name = PurePath(self.file.name).name[:255]
        self.size = self.file.size
        self.sha256 = _sha256(self.file)

    def clean(self):
        """The same file twice on one policy is refused with the constraint's message, before anything is
        stored (the admin's form does not check a constraint on the non-editable digest itself)."""
        if not self._new_upload:
            return
        try:
            self._read_upload()
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from error
        if self.policy_id and (
            PolicyAttachment.objects.filter(policy_id=self.policy_id, sha256=self.sha256).exclude(pk=self.pk).exists()
        ):
            raise ValidationError({"file": _("该附件已上传。")}, code="duplicate")


def _sha256(fileobj) -> str:
    fileobj.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: fileobj.read(64 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def interpretation_media_path(instance, filename):
    """Stored under the detected kind's extension, like attachments."""
    kind = uploads.detect(instance.media)
    name = uploads.stored_name(filename, kind) if kind else filename
    return f"policies/interpretations/{instance.policy_id or 'new'}/{name}"


class Interpretation(models.Model):
    """A policy interpretation (政策解读) with its key points (政策干货), published together with the policy."""

    class Kind(models.TextChoices):
        TEXT = "text", _("文字解读")
        GRAPHIC = "graphic", _("图文解读")
        VIDEO = "video", _("视频解读")
        AUDIO = "audio", _("音频解读")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        APPROVED = "approved", _("已审签")

    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="interpretations")
    title = models.CharField(_("解读标题"), max_length=300)
    kind = models.CharField(_("解读形式"), max_length=8, choices=Kind.choices, default=Kind.TEXT)
    body = models.TextField(_("解读正文"), blank=True)
    key_points = models.JSONField(_("政策干货"), default=list, blank=True, help_text=_("要点列表，每条一句话。"))
    media = models.FileField(
        _("音视频文件"),
        upload_to=interpretation_media_path,
        max_length=255,
        blank=True,
        validators=[validate_media_file],
    )
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审签人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(_("审签时间"), null=True, blank=True, editable=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("政策解读")
        verbose_name_plural = _("政策解读")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False, approved_by__isnull=False),
                name="interpretation_approval_recorded",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["video", "audio"]) | ~Q(media=""),
                name="interpretation_media_for_av",
                violation_error_message=_("视频、音频解读须上传音视频文件。"),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        self.key_points = [p.strip() for p in self.key_points if isinstance(p, str) and p.strip()]
        uploads.save_with_upload(self, "media", lambda: super(Interpretation, self).save(*args, **kwargs))

    def clean(self):
        errors = {}
        if not isinstance(self.key_points, list) or not all(isinstance(p, str) for p in self.key_points):
            errors["key_points"] = _("政策干货应为要点列表。")
        if self.kind in (self.Kind.VIDEO, self.Kind.AUDIO):
            if not self.media:
                errors["media"] = _("视频、音频解读须上传音视频文件。")
            else:
                kind = uploads.detect_key(self.media)
                wanted = VIDEO_KINDS if self.kind == self.Kind.VIDEO else AUDIO_KINDS
                if kind not in wanted:
                    errors["media"] = _("上传的文件与解读形式不符。")
        elif not self.body.strip():
            errors["body"] = _("文字、图文解读须填写解读正文。")
        if errors:
            raise ValidationError(errors)

    @property
    def media_kind(self) -> str | None:
        return uploads.detect_key(self.media) if self.media else None

    @property
    def media_label(self) -> str:
        kind = self.media_kind
        return KINDS[kind].label if kind in MEDIA_KINDS else ""


class PolicyFAQ(models.Model):
    """政策常见问题: a question readers ask about a policy and its answer, shown on the policy's page and found by
    智能问答 (kept by the lead department; an answer of the interaction area can be promoted into one)."""

    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="faqs")
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    question = models.CharField(_("问题"), max_length=300)
    answer = models.TextField(_("解答"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("政策常见问题")
        verbose_name_plural = _("政策常见问题")
        ordering = ["policy", "position", "id"]

    def __str__(self):
        return self.question


class PolicySubscription(models.Model):
    """An enterprise user's policy subscription (政策订阅): what newly published policies to be told about."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("订阅用户"),
        on_delete=models.CASCADE,
        related_name="policy_subscription",
    )
    categories = models.ManyToManyField(PolicyCategory, verbose_name=_("政策分类"), blank=True, related_name="+")
    departments = models.ManyToManyField("org.Department", verbose_name=_("发文部门"), blank=True, related_name="+")
    regions = models.ManyToManyField("org.Region", verbose_name=_("区划"), blank=True, related_name="+")
    keywords = ArrayField(models.CharField(max_length=20), verbose_name=_("关键词"), size=10, default=list, blank=True)
    sms_enabled = models.BooleanField(_("短信提醒"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("政策订阅")
        verbose_name_plural = _("政策订阅")

    def __str__(self):
        return f"{self.user} 的政策订阅"


class PolicyOfflineRequest(models.Model):
    """A request to take a policy offline before it expires (提前下线申请), decided by the data bureau (§18)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待核实")
        APPROVED = "approved", _("同意下线")
        REJECTED = "rejected", _("不同意下线")

    policy = models.ForeignKey(
        Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="offline_requests"
    )
    reason = models.TextField(_("下线理由"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decision = models.CharField(_("核实结果"), max_length=8, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实人（数据局）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    decision_note = models.TextField(_("核实意见"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("政策下线申请")
        verbose_name_plural = _("政策下线申请")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy"],
                condition=Q(decision="pending"),
                name="policy_one_pending_offline_request",
                violation_error_message=_("该政策已有待核实的下线申请。"),
            ),
            models.CheckConstraint(
                condition=Q(decision="pending") | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="policy_offline_decision_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.policy.title} · {self.get_decision_display()}"


class PolicyTagSuggestion(models.Model):
    """A tag suggested for a policy by keyword extraction (标签建议), confirmed or rejected by the editor."""

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("已拒绝")

    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="tag_suggestions")
    tag = models.ForeignKey("enterprises.Tag", verbose_name=_("标签"), on_delete=models.CASCADE, related_name="+")
    keyword = models.CharField(_("关键词"), max_length=50)
    score = models.DecimalField(_("权重"), max_digits=6, decimal_places=4)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUGGESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("建议时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("标签建议")
        verbose_name_plural = _("标签建议")
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["policy", "tag"], name="policy_tag_suggestion_unique")]

    def __str__(self):
        return f"{self.policy.title} · {self.tag}"
