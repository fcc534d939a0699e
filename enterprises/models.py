"""The enterprise archive (一企一档): identity, yearly figures, qualifications, tags, members.

Every fact carries its source (数据来源) and when that source last updated it,
so a page or a matching result can say where a number came from. The bulk
importer (数据共享交换) writes into these tables with COPY and set-based
upserts, so columns that a raw INSERT may omit have database defaults.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enterprises.validators import validate_enterprise_uscc, validate_industry_code
from portal.core.crypto import EncryptedCharField, digest
from portal.core.translation import Bilingual

MONEY = {"max_digits": 16, "decimal_places": 2}
NON_NEGATIVE_FIGURES = ("revenue_wan", "tax_paid_wan", "rd_expense_wan", "total_assets_wan", "export_value_wan")


class Source(models.TextChoices):
    """数据来源: where a fact came from."""

    MARKET_REGULATION = "market_regulation", _("市场监管")
    TAX = "tax", _("税务")
    SOCIAL_SECURITY = "social_security", _("人社/社保")
    STATISTICS = "statistics", _("统计")
    SELF_DECLARED = "self_declared", _("企业自报")
    STAFF = "staff", _("工作人员")


class Size(models.TextChoices):
    """企业规模 by 工信部联企业〔2011〕300号; `unknown` when the figures do not allow a classification."""

    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")
    UNKNOWN = "unknown", _("无法划型")


class UsccCheck(models.TextChoices):
    """代码校验: whether the USCC's check characters hold (GB 32100-2015 §5).

    Codes issued before GB 32100 was enforced (e.g. in 厦门 before 2016) can fail
    the check character and are still the code on the certificate. They enter
    only from the market-regulation register, flagged, until staff confirm them.
    """

    PASSED = "passed", _("校验通过")
    LEGACY_PENDING = "legacy_pending", _("校验位不符（存量赋码）")
    LEGACY_CONFIRMED = "legacy_confirmed", _("存量赋码（已确认）")


class OperatingStatus(models.TextChoices):
    """经营状态 as the market-regulation register states it."""

    EXISTING = "existing", _("存续")
    OPERATING = "operating", _("在业")
    REVOKED = "revoked", _("吊销")
    CANCELLED = "cancelled", _("注销")
    MOVED_OUT = "moved_out", _("迁出")
    SUSPENDED = "suspended", _("停业")


class OwnershipType(models.TextChoices):
    """登记注册类型 (统计用), the ownership of the enterprise."""

    STATE_OWNED = "state_owned", _("国有企业")
    COLLECTIVE = "collective", _("集体企业")
    JOINT_STOCK_COOPERATIVE = "stock_coop", _("股份合作企业")
    LIMITED_LIABILITY = "limited_liability", _("有限责任公司")
    JOINT_STOCK = "joint_stock", _("股份有限公司")
    PRIVATE = "private", _("私营企业")
    HMT_INVESTED = "hmt_invested", _("港澳台商投资企业")
    FOREIGN_INVESTED = "foreign_invested", _("外商投资企业")
    OTHER = "other", _("其他")


class CreditStatus(models.TextChoices):
    """信用状况: whether the enterprise is on the 严重失信主体名单."""

    NORMAL = "normal", _("正常")
    SERIOUS_DISHONEST = "serious_dishonest", _("严重失信")


class Enterprise(models.Model):
    """企业: one market entity, keyed by its 统一社会信用代码 (USCC)."""

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_enterprise_uscc])
    uscc_check = models.CharField(
        _("代码校验"),
        max_length=20,
        choices=UsccCheck.choices,
        default=UsccCheck.PASSED,
        db_default=UsccCheck.PASSED,
        help_text=_(
            "存量赋码：GB 32100实施前核发、校验位不符但确为登记机关核发的代码，由市场监管数据导入，须工作人员确认"
        ),
    )
    name = models.CharField(_("企业名称"), max_length=200)
    legal_rep_name = models.CharField(_("法定代表人"), max_length=64)
    registration_date = models.DateField(_("成立日期"), null=True, blank=True)
    region = models.ForeignKey(
        "org.Region", verbose_name=_("登记地区划"), on_delete=models.PROTECT, related_name="enterprises"
    )
    address = models.CharField(_("住所"), max_length=255, blank=True, default="", db_default="")
    industry_code = models.CharField(
        _("行业代码"),
        max_length=5,
        blank=True,
        default="",
        db_default="",
        db_index=True,
        validators=[validate_industry_code],
        help_text=_("国民经济行业分类（GB/T 4754-2017），带门类字母，如 C3911"),
    )
    size = models.CharField(
        _("企业规模"), max_length=8, choices=Size.choices, default=Size.UNKNOWN, db_default=Size.UNKNOWN, db_index=True
    )
    size_year = models.PositiveSmallIntegerField(_("划型依据年度"), null=True, blank=True)
    size_reason = models.CharField(_("划型说明"), max_length=255, blank=True, default="", db_default="")
    ownership_type = models.CharField(
        _("登记注册类型"),
        max_length=20,
        choices=OwnershipType.choices,
        default=OwnershipType.LIMITED_LIABILITY,
        db_default=OwnershipType.LIMITED_LIABILITY,
    )
    operating_status = models.CharField(
        _("经营状态"),
        max_length=12,
        choices=OperatingStatus.choices,
        default=OperatingStatus.EXISTING,
        db_default=OperatingStatus.EXISTING,
        db_index=True,
    )
    registered_phone = EncryptedCharField(_("登记联系电话"), blank=True, default="", db_default="")
    registered_phone_digest = models.CharField(
        _("登记联系电话摘要"), max_length=64, blank=True, default="", db_default="", db_index=True, editable=False
    )
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True, default="", db_default="")
    contact_phone = EncryptedCharField(_("联系人电话"), blank=True, default="", db_default="")
    contact_source = models.CharField(
        _("联系方式来源"),
        max_length=20,
        choices=Source.choices,
        default=Source.SELF_DECLARED,
        db_default="self_declared",
    )
    contact_updated_at = models.DateTimeField(_("联系方式更新时间"), null=True, blank=True)
    credit_status = models.CharField(
        _("信用状况"),
        max_length=20,
        choices=CreditStatus.choices,
        default=CreditStatus.NORMAL,
        db_default=CreditStatus.NORMAL,
    )
    credit_listed_on = models.DateField(_("列入严重失信名单日期"), null=True, blank=True)
    credit_updated_at = models.DateTimeField(_("信用信息更新时间"), null=True, blank=True)
    source = models.CharField(
        _("登记信息来源"),
        max_length=20,
        choices=Source.choices,
        default=Source.MARKET_REGULATION,
        db_default="market_regulation",
    )
    source_updated_at = models.DateTimeField(_("登记信息更新时间"), default=timezone.now, db_default=Now())
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_default=Now())
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_default=Now())
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["-id"]
        permissions = [
            ("view_enterprise_contacts", _("可查看企业完整联系方式")),
            ("confirm_legacy_uscc", _("可确认存量赋码")),
        ]
        indexes = [
            # Prefix search on the name (name LIKE '宜昌%') without pg_trgm.
            models.Index(fields=["name"], name="enterprise_name_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["region", "size"], name="enterprise_region_size"),
            # The few codes flagged 存量赋码: the admin filter and each import's lookup read only these.
            models.Index(fields=["uscc_check"], name="enterprise_uscc_legacy", condition=~Q(uscc_check="passed")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(uscc__regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$"), name="enterprise_uscc_chars"),
            models.CheckConstraint(condition=Q(uscc_check__in=UsccCheck.values), name="enterprise_uscc_check_known"),
            models.CheckConstraint(
                condition=Q(credit_status="normal") | Q(credit_listed_on__isnull=False),
                name="enterprise_dishonest_has_list_date",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.uscc}）"

    def save(self, *args, **kwargs):
        self.registered_phone_digest = digest(self.registered_phone) if self.registered_phone else ""
        super().save(*args, **kwargs)

    def clean(self):
        from enterprises.uscc import normalize_uscc, uscc_check_error, uscc_shape_error

        self.uscc = normalize_uscc(self.uscc or "")
        if self.uscc_check == UsccCheck.PASSED and not uscc_shape_error(self.uscc):
            # The field's validator checks the shape; the check characters are waived only for a flagged code.
            error = uscc_check_error(self.uscc)
            if error:
                raise ValidationError({"uscc": error})
        if self.credit_status == CreditStatus.SERIOUS_DISHONEST and not self.credit_listed_on:
            raise ValidationError({"credit_listed_on": _("严重失信企业须填写列入名单日期")})


class AnnualFigure(models.Model):
    """年度经营数据: one enterprise's figures for one year, money in 万元."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="annual_figures"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    revenue_wan = models.DecimalField(_("营业收入（万元）"), null=True, blank=True, **MONEY)
    profit_wan = models.DecimalField(_("利润总额（万元）"), null=True, blank=True, **MONEY)
    tax_paid_wan = models.DecimalField(_("纳税总额（万元）"), null=True, blank=True, **MONEY)
    rd_expense_wan = models.DecimalField(_("研发费用（万元）"), null=True, blank=True, **MONEY)
    employees = models.PositiveIntegerField(_("从业人员（人）"), null=True, blank=True)
    total_assets_wan = models.DecimalField(_("资产总额（万元）"), null=True, blank=True, **MONEY)
    export_value_wan = models.DecimalField(_("出口额（万元）"), null=True, blank=True, **MONEY)
    source = models.CharField(
        _("数据来源"), max_length=20, choices=Source.choices, default=Source.STATISTICS, db_default="statistics"
    )
    source_updated_at = models.DateTimeField(_("数据更新时间"), default=timezone.now, db_default=Now())
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_default=Now())
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_default=Now())
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度经营数据")
        verbose_name_plural = _("年度经营数据")
        ordering = ["enterprise", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="annual_figure_unique_year"),
            models.CheckConstraint(condition=Q(year__gte=1949), name="annual_figure_year_plausible"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": 0}) | Q(**{f"{field}__isnull": True}),
                    name=f"annual_figure_{field}_non_negative",
                )
                for field in NON_NEGATIVE_FIGURES
            ],
        ]

    def __str__(self):
        return f"{self.enterprise.name} {self.year}年"

    def clean(self):
        if self.year and self.year > timezone.localdate().year:
            raise ValidationError({"year": _("年度不能晚于当前年度")})
        errors = {field: _("不能为负数") for field in NON_NEGATIVE_FIGURES if (getattr(self, field) or 0) < 0}
        if errors:
            raise ValidationError(errors)


class QualificationType(models.Model):
    """资质/荣誉类型 (高新技术企业, 专精特新中小企业 …), kept as data so staff can add new ones."""

    class Kind(models.TextChoices):
        QUALIFICATION = "qualification", _("资质认定")
        HONOUR = "honour", _("荣誉称号")

    code = models.SlugField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=128, blank=True)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.QUALIFICATION)
    default_issuer = models.CharField(_("通常认定机关"), max_length=128, blank=True)
    description = models.TextField(_("说明"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("资质荣誉类型")
        verbose_name_plural = _("资质荣誉类型")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @property
    def label(self) -> Bilingual:
        """The name in the reader's language (ADR 0006); the Chinese one when no English is kept."""
        return Bilingual(self.name, self.name_en)


class Qualification(models.Model):
    """资质/荣誉: one certificate held by an enterprise, valid from a date, possibly until a date.

    The importer upserts on (enterprise, type, valid_from): certificate numbers are often missing.
    """

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="qualifications"
    )
    type = models.ForeignKey(
        QualificationType, verbose_name=_("类型"), on_delete=models.PROTECT, related_name="qualifications"
    )
    issuer = models.CharField(_("认定机关"), max_length=128, blank=True, default="", db_default="")
    certificate_number = models.CharField(_("证书编号"), max_length=64, blank=True, default="", db_default="")
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"), null=True, blank=True, help_text=_("长期有效的留空"))
    source = models.CharField(
        _("数据来源"), max_length=20, choices=Source.choices, default=Source.STAFF, db_default="staff"
    )
    source_updated_at = models.DateTimeField(_("数据更新时间"), default=timezone.now, db_default=Now())
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_default=Now())
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_default=Now())
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("资质荣誉")
        verbose_name_plural = _("资质荣誉")
        ordering = ["enterprise", "type__sort_order", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "type", "valid_from"], name="qualification_unique_grant"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="qualification_valid_to_after_from",
            ),
        ]
        indexes = [models.Index(fields=["type", "valid_to"], name="qualification_type_valid_to")]

    def __str__(self):
        return f"{self.enterprise.name} · {self.type.name}"

    def clean(self):
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("有效期止不能早于有效期起")})

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class TagCategory(models.Model):
    """标签类别 of the enterprise portrait (企业画像): 企业规模, 所属行业, 所在地区 …"""

    code = models.SlugField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=128, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("标签类别")
        verbose_name_plural = _("标签类别")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @property
    def label(self) -> Bilingual:
        """The name in the reader's language (ADR 0006); the Chinese one when no English is kept."""
        return Bilingual(self.name, self.name_en)


class Tag(models.Model):
    """标签. A tag with a `rule_key` is derived from the profile by rules; one without is applied by staff."""

    category = models.ForeignKey(TagCategory, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="tags")
    code = models.SlugField(_("编码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128, blank=True)
    description = models.CharField(_("说明"), max_length=255, blank=True)
    rule_key = models.CharField(
        _("规则键"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("由规则自动维护的标签填写，如 size:small、section:C、region:420502、qualification:hitech、age:lt3"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("标签")
        verbose_name_plural = _("标签")
        ordering = ["category__sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["category", "name"], name="tag_unique_name_in_category")]

    def __str__(self):
        return f"{self.category.name}：{self.name}"

    @property
    def label(self) -> Bilingual:
        """The name in the reader's language (ADR 0006); the Chinese one when no English is kept."""
        return Bilingual(self.name, self.name_en)


class EnterpriseTag(models.Model):
    """An enterprise's tag: derived by a rule (kept current automatically) or applied by staff with a reason."""

    class Origin(models.TextChoices):
        RULE = "rule", _("规则生成")
        MANUAL = "manual", _("人工标注")

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="tags")
    tag = models.ForeignKey(Tag, verbose_name=_("标签"), on_delete=models.CASCADE, related_name="enterprise_tags")
    origin = models.CharField(_("来源"), max_length=8, choices=Origin.choices, default=Origin.MANUAL)
    rule_code = models.CharField(_("规则"), max_length=64, blank=True, default="", db_default="")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("标注人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("标注理由"), max_length=255, blank=True, default="", db_default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_default=Now())
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业标签")
        verbose_name_plural = _("企业标签")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "tag"], name="enterprise_tag_unique"),
            models.CheckConstraint(
                condition=Q(origin="rule", rule_code__gt="") | Q(origin="manual", reason__gt=""),
                name="enterprise_tag_rule_or_reason",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise.name} · {self.tag.name}"


class EnterpriseMember(models.Model):
    """企业成员: a user who may act for an enterprise — its legal representative or an agent (经办人)."""

    class Role(models.TextChoices):
        LEGAL_REP = "legal_rep", _("法定代表人")
        AGENT = "agent", _("经办人")

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="enterprise_memberships",
    )
    role = models.CharField(_("身份"), max_length=12, choices=Role.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("添加人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("添加时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业成员")
        verbose_name_plural = _("企业成员")
        ordering = ["enterprise", "role", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "user"], name="enterprise_member_unique"),
            models.UniqueConstraint(
                fields=["enterprise"], condition=Q(role="legal_rep"), name="enterprise_one_legal_rep_member"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise.name} · {self.get_role_display()} · {self.user}"


class ChangeEvent(models.Model):
    """档案变更事件: the outbox the matching work consumes; one row per change of an enterprise.

    Append-only: the row itself is the record, so it keeps no separate history.
    """

    class Kind(models.TextChoices):
        FACTS = "facts", _("基本信息或经营数据变更")
        QUALIFICATION = "qualification", _("资质荣誉变更")
        TAGS = "tags", _("标签变更")
        REGISTERED = "registered", _("企业注册认领")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="change_events"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    payload = models.JSONField(_("内容"), default=dict, db_default={})
    created_at = models.DateTimeField(_("发生时间"), default=timezone.now, db_default=Now())
    consumed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("档案变更事件")
        verbose_name_plural = _("档案变更事件")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], condition=Q(consumed_at__isnull=True), name="change_event_pending"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.enterprise_id}"


# What an enterprise may report as wrong (纠错项目).
CORRECTABLE_FIELDS = {
    "name": _("企业名称"),
    "legal_rep_name": _("法定代表人"),
    "registration_date": _("成立日期"),
    "region": _("登记地区划"),
    "address": _("住所"),
    "industry_code": _("行业代码"),
    "ownership_type": _("登记注册类型"),
    "operating_status": _("经营状态"),
    "size": _("企业规模"),
    "credit_status": _("信用状况"),
    "annual_figures": _("年度经营数据"),
    "qualifications": _("资质荣誉"),
    "tags": _("企业标签"),
    "other": _("其他"),
}


class CorrectionRequest(models.Model):
    """纠错申请: an enterprise user reports that a fact in the archive is wrong; staff answer it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        ANSWERED = "answered", _("已答复")
        REJECTED = "rejected", _("不予更正")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="correction_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    field = models.CharField(_("纠错项目"), max_length=64)
    current_value = models.TextField(_("当前内容"), blank=True)
    proposed_value = models.TextField(_("应为"))
    reason = models.TextField(_("说明及依据"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    answer = models.TextField(_("答复内容"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("纠错申请")
        verbose_name_plural = _("纠错申请")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="submitted") | (Q(answer__gt="") & Q(answered_at__isnull=False)),
                name="correction_answered_has_answer",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise.name} · {self.field_label}"

    @property
    def field_label(self) -> str:
        return str(CORRECTABLE_FIELDS.get(self.field, self.field))
