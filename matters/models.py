"""Matters (政策资金事项), their guides (申报指南) and their eligibility rules (申报条件).

A `Matter` is a policy split at the smallest fundable unit (宜昌 §20–23,
常州 §11–14): one catalogue code, one name, one support standard, one guide
(`Material`s, `ProcessStep`s, `MatterFAQ`s). Its lifecycle runs on the
workflow kernel (`matters.workflow`).

A `RuleSet` is one version of a matter's 申报条件; its `Criterion` rows are
the atomic conditions, compiled two ways by `matters.eligibility` (a Python
evaluator explaining one enterprise, a SQL compiler matching the register).
Versions follow open-zaak's ConceptMixin/GeldigheidMixin: a draft can be
edited, a published version is frozen and valid from a date, possibly to a
date; a change is a new version (`services.new_rule_version`).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from matters.eligibility.operators import OperatorChoices
from portal.core.facts import fact_choices


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class DeliveryKind(models.TextChoices):
    """兑现方式 (服务方式)."""

    AUTOMATIC = "automatic", _("免申即享")
    INSTANT = "instant", _("即申即享")
    REVIEWED = "reviewed", _("申报审批")


class WindowKind(models.TextChoices):
    """申报时间."""

    YEAR_ROUND = "year_round", _("常年申报")
    FIXED = "fixed", _("固定期限")
    TBD = "tbd", _("期限待定")


class SupportKind(models.TextChoices):
    """扶持标准的计算方式."""

    FIXED = "fixed", _("定额奖补")
    RATE = "rate", _("按比例奖补（可设上限）")
    TIERS = "tiers", _("分档奖补")
    NONE = "none", _("非资金类或无法测算")


class MatterStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    PUBLISHED = "published", _("已上架")
    CLOSED = "closed", _("已截止")
    WITHDRAWN = "withdrawn", _("已下架")


validate_matter_code = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{3,39}$", _("事项编码由4至40位大写字母、数字或连字符组成，如：YC-KJ-2026-001。")
)


class Matter(models.Model):
    """政策资金事项: one fundable unit of a policy, with its guide (申报指南) and support standard (扶持标准).

    Amounts are Decimal 元; `support_rate` is a percentage (5 means 5%) of the
    fact named by `support_base_fact` taken in 元. `exclusive_group` names a
    就高不重复 group: an enterprise receives at most one matter of a group, the
    highest. Time limits are working days (工作日) on the working-day calendar.
    """

    code = models.CharField(
        _("事项编码"),
        max_length=40,
        unique=True,
        validators=[validate_matter_code],
        help_text=_("全平台唯一，如：YC-KJ-2026-001"),
    )
    name = models.CharField(
        _("事项名称"), max_length=200, help_text=_("写明资金所属区划和颗粒化内容，如：宜昌市高新技术企业首次认定奖励")
    )
    name_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    policy = models.ForeignKey(
        "policies.Policy", verbose_name=_("政策依据"), on_delete=models.PROTECT, related_name="matters"
    )
    clause = models.CharField(_("政策条款"), max_length=200, help_text=_("如：第十二条第（三）款"))
    department = models.ForeignKey(
        "org.Department", verbose_name=_("实施部门"), on_delete=models.PROTECT, related_name="matters"
    )
    region = models.ForeignKey(
        "org.Region", verbose_name=_("适用区域"), on_delete=models.PROTECT, related_name="matters"
    )
    target = models.TextField(_("服务对象"), help_text=_("如：在本市注册登记、首次认定为高新技术企业的企业"))
    delivery_kind = models.CharField(_("兑现方式"), max_length=16, choices=DeliveryKind.choices)
    channel = models.TextField(_("办理途径"), blank=True, help_text=_("网上办理入口、窗口地址和办公时间"))
    window_kind = models.CharField(_("申报时间"), max_length=16, choices=WindowKind.choices)
    window_opens = models.DateField(_("申报起始日"), null=True, blank=True)
    window_closes = models.DateField(_("申报截止日"), null=True, blank=True)
    window_decided_on = models.DateField(
        _("申报期限确定日期"),
        null=True,
        blank=True,
        help_text=_("期限待定的事项确定申报期限的日期；确定后3个工作日内须公布"),
    )
    time_limit_days = models.PositiveSmallIntegerField(_("承诺办理时限（工作日）"), validators=[MinValueValidator(1)])
    support_kind = models.CharField(_("扶持方式"), max_length=12, choices=SupportKind.choices)
    support_amount = models.DecimalField(
        _("定额（元）"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    support_rate = models.DecimalField(
        _("比例（%）"), max_digits=7, decimal_places=4, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    support_base_fact = models.CharField(
        _("计算基数"), max_length=64, choices=fact_choices, blank=True, help_text=_("按比例或分档奖补时依据的企业数据")
    )
    support_cap = models.DecimalField(
        _("上限（元）"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    support_text = models.TextField(_("扶持标准"), help_text=_("政策原文中的奖励金额或补助额度表述"))
    exclusive_group = models.CharField(
        _("就高不重复组"),
        max_length=32,
        blank=True,
        default="",
        help_text=_("同组事项企业只能享受其一（就高）；不涉及的留空"),
    )
    notes = models.TextField(_("注意事项"), blank=True)
    publicity_days = models.PositiveSmallIntegerField(
        _("结果公示期（工作日）"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("核准后在网站公示的工作日数"),
    )
    confidential = models.BooleanField(_("涉密或不宜公开"), default=False, help_text=_("勾选后核准结果不在网站公示"))
    confirm_days = models.PositiveSmallIntegerField(
        _("免申即享确认期限（工作日）"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("企业收到兑现通知后确认的工作日数，逾期视为放弃"),
    )
    consult_phone = models.CharField(_("咨询电话"), max_length=64)
    supervise_phone = models.CharField(_("监督电话"), max_length=64)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=MatterStatus.choices,
        default=MatterStatus.DRAFT,
        editable=False,
        db_index=True,
    )
    guide_due_on = models.DateField(
        _("指南最迟公开日"), null=True, blank=True, editable=False, help_text=_("申报起始日前5个工作日（宜昌 §20）")
    )
    published_at = models.DateTimeField(_("上架时间"), null=True, blank=True, editable=False)
    guide_published_late = models.BooleanField(_("指南逾期公开"), default=False, editable=False)
    matched_at = models.DateTimeField(_("最近匹配时间"), null=True, blank=True, editable=False)
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

    Status = MatterStatus
    PUBLIC_STATUSES = (MatterStatus.PUBLISHED, MatterStatus.CLOSED)

    class Meta:
        verbose_name = _("政策资金事项")
        verbose_name_plural = _("政策资金事项")
        ordering = ["code"]
        permissions = [
            ("submit_matter", _("可提交事项审核")),
            ("approve_matter", _("可审核、上架事项")),
            ("push_matter", _("可批量推送事项")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_closes__isnull=True)
                | Q(window_opens__isnull=True)
                | Q(window_closes__gte=models.F("window_opens")),
                name="matter_window_closes_after_opens",
                violation_error_message=_("申报截止日不能早于申报起始日。"),
            ),
            models.CheckConstraint(
                condition=~Q(window_kind="fixed") | Q(window_opens__isnull=False, window_closes__isnull=False),
                name="matter_fixed_window_has_dates",
                violation_error_message=_("固定期限的事项须填写申报起始日和截止日。"),
            ),
            models.CheckConstraint(
                condition=Q(support_cap__isnull=True)
                | Q(support_amount__isnull=True)
                | Q(support_cap__gte=models.F("support_amount")),
                name="matter_cap_not_below_amount",
                violation_error_message=_("上限不能低于定额。"),
            ),
        ]
        indexes = [models.Index(fields=["status", "window_closes"], name="matter_status_closes")]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self):
        from django.urls import NoReverseMatch, reverse

        try:
            return reverse("matters:detail", kwargs={"code": self.code})
        except NoReverseMatch:
            return f"/matters/{self.code}/"

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    def clean(self):
        """The support standard is linted (`matters.amounts.lint_support`); a window not yet public must leave
        the guide its 5 working days (宜昌 §20)."""
        from matters.amounts import lint_support
        from matters.services import check_guide_lead_time

        errors = lint_support(self)
        if self.window_kind == WindowKind.FIXED and not (self.window_opens and self.window_closes):
            errors.setdefault("window_opens", []).append(_("固定期限的事项须填写申报起始日和截止日。"))
        if self.window_opens and self.window_closes and self.window_closes < self.window_opens:
            errors.setdefault("window_closes", []).append(_("申报截止日不能早于申报起始日。"))
        if self.status in (MatterStatus.DRAFT, MatterStatus.SUBMITTED) and self.window_opens:
            try:
                check_guide_lead_time(self, timezone.localdate())
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def window_open_on(self, day) -> bool:
        """申报期内: year-round matters always; fixed windows between their dates; TBD windows once set."""
        if self.status != MatterStatus.PUBLISHED:
            return False
        if self.window_kind == WindowKind.YEAR_ROUND:
            return True
        if self.window_opens is None:
            return False
        return self.window_opens <= day and (self.window_closes is None or day <= self.window_closes)

    def rule_set_on(self, day):
        """The published 申报条件 version valid on `day` (the latest one), or None."""
        return (
            self.rule_sets.filter(status=RuleSetStatus.PUBLISHED, valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .order_by("-version")
            .first()
        )


class SupportTier(models.Model):
    """分档奖补的一档: the matter's base fact in [lower, upper) gives `amount` 元."""

    matter = models.ForeignKey(Matter, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="tiers")
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    lower = models.DecimalField(_("下限（含）"), max_digits=16, decimal_places=4)
    upper = models.DecimalField(_("上限（不含）"), max_digits=16, decimal_places=4, null=True, blank=True)
    amount = models.DecimalField(
        _("奖补金额（元）"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("奖补档次")
        verbose_name_plural = _("奖补档次")
        ordering = ["matter", "lower"]
        constraints = [
            models.CheckConstraint(
                condition=Q(upper__isnull=True) | Q(upper__gt=models.F("lower")),
                name="tier_upper_above_lower",
                violation_error_message=_("档次上限须大于下限。"),
            ),
        ]

    def __str__(self):
        from matters.amounts import money_text
        from matters.eligibility.text import number

        upper = _("以上") if self.upper is None else f"–{number(self.upper)}"
        return f"{number(self.lower)}{upper}：{money_text(self.amount)}"


class Material(models.Model):
    """申报材料: name, form, necessity, source, whether shared data spares it (免提交), template and sample."""

    class Form(models.TextChoices):
        ORIGINAL = "original", _("原件")
        COPY = "copy", _("复印件")
        ELECTRONIC = "electronic", _("电子件")

    matter = models.ForeignKey(Matter, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="materials")
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    name = models.CharField(_("材料名称"), max_length=200)
    form = models.CharField(_("材料形式"), max_length=12, choices=Form.choices, default=Form.ELECTRONIC)
    required = models.BooleanField(_("必要"), default=True)
    source = models.CharField(_("来源渠道"), max_length=100, default="申请人自备")
    shared = models.BooleanField(_("免提交：通过数据共享获取"), default=False)
    requirements = models.TextField(_("提交要求"), blank=True, help_text=_("份数、盖章、格式等"))
    template = models.FileField(_("空白范本"), upload_to="matters/templates/", blank=True)
    sample = models.FileField(_("示范范本"), upload_to="matters/samples/", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")
        ordering = ["matter", "position", "id"]

    def __str__(self):
        return self.name


class StepRole(models.TextChoices):
    """Who decides a process step: the department's reviewers, or its approver (负责人)."""

    REVIEWER = "reviewer", _("审核员")
    APPROVER = "approver", _("审批人（负责人）")


class StepKind(models.TextChoices):
    REVIEW = "review", _("书面审核")
    INSPECTION = "inspection", _("现场核查")
    THIRD_PARTY = "third_party", _("第三方评审")


class ProcessStep(models.Model):
    """申报流程的一个环节: its name, reviewing department and time limit in working days."""

    matter = models.ForeignKey(Matter, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    name = models.CharField(_("环节名称"), max_length=100)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("审核部门"), on_delete=models.PROTECT, related_name="matter_steps"
    )
    role = models.CharField(_("办理岗位"), max_length=16, choices=StepRole.choices, default=StepRole.REVIEWER)
    kind = models.CharField(_("环节类型"), max_length=12, choices=StepKind.choices, default=StepKind.REVIEW)
    days = models.PositiveSmallIntegerField(_("办理时限（工作日）"), validators=[MinValueValidator(1)])
    description = models.TextField(_("环节说明"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("申报流程环节")
        verbose_name_plural = _("申报流程环节")
        ordering = ["matter", "position", "id"]

    def __str__(self):
        return self.name


class MatterFAQ(models.Model):
    """常见问题解答."""

    matter = models.ForeignKey(Matter, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="faqs")
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    question = models.CharField(_("问题"), max_length=300)
    answer = models.TextField(_("解答"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("常见问题")
        verbose_name_plural = _("常见问题")
        ordering = ["matter", "position", "id"]

    def __str__(self):
        return self.question


class RuleSet(models.Model):
    """申报条件（规则版本）: one version of a set of criteria, AND-ed, with at most one level of OR groups."""

    matter = models.ForeignKey(
        Matter,
        verbose_name=_("事项"),
        on_delete=models.CASCADE,
        related_name="rule_sets",
        null=True,
        blank=True,
    )
    code = models.SlugField(_("规则编码"), max_length=64, help_text=_("同一规则的各个版本共用一个编码"))
    name = models.CharField(_("名称"), max_length=200)
    version = models.PositiveIntegerField(_("版本号"), default=1)
    status = models.CharField(
        _("状态"), max_length=12, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT, db_index=True
    )
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to = models.DateField(_("失效日期"), null=True, blank=True, help_text=_("长期有效的留空"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_default=Now())
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("申报条件版本")
        verbose_name_plural = _("申报条件版本")
        ordering = ["code", "-version"]
        permissions = [("publish_ruleset", _("可发布申报条件版本"))]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="ruleset_unique_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="ruleset_version_positive"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="ruleset_valid_to_after_from",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(valid_from__isnull=False, published_at__isnull=False),
                name="ruleset_published_has_dates",
            ),
        ]

    def __str__(self):
        return f"{self.name}（第{self.version}版）"

    @property
    def is_published(self) -> bool:
        return self.status == RuleSetStatus.PUBLISHED

    def is_valid_on(self, day) -> bool:
        return (
            self.is_published
            and self.valid_from is not None
            and self.valid_from <= day
            and (self.valid_to is None or day <= self.valid_to)
        )

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("失效日期不能早于生效日期")})


class Criterion(models.Model):
    """申报条件中的一条: fact, operator, value, message and legal reference; or a `manual` condition.

    Criteria with the same non-empty `group` are OR-ed (至少满足其一); groups
    and ungrouped criteria are AND-ed. A manual criterion (需人工审核) is what
    only staff can judge: the machine always answers "unknown" for it.
    Saving runs the linter (`matters.eligibility.lint`): an ill-formed row is
    refused with a Chinese message, never discovered at matching time.
    """

    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("申报条件版本"), on_delete=models.CASCADE, related_name="criteria"
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    fact = models.CharField(_("条件要素"), max_length=64, choices=fact_choices, blank=True)
    operator = models.CharField(_("运算"), max_length=24, choices=OperatorChoices.choices, blank=True)
    value = models.JSONField(_("取值"), null=True, blank=True)
    group = models.CharField(
        _("或组"), max_length=16, blank=True, default="", help_text=_("同组条件满足其一即可；不分组的条件须全部满足")
    )
    message = models.CharField(_("条件说明"), max_length=255, help_text=_("如：上一年度营业收入不低于2000万元"))
    legal_reference = models.CharField(_("政策依据"), max_length=255, help_text=_("如：宜政发〔2024〕5号 第十二条"))
    manual = models.BooleanField(_("需人工审核"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("申报条件")
        verbose_name_plural = _("申报条件")
        ordering = ["rule_set", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(legal_reference=""), name="criterion_has_legal_reference"),
            models.CheckConstraint(condition=~Q(message=""), name="criterion_has_message"),
            models.CheckConstraint(
                condition=Q(manual=True) | (~Q(fact="") & Q(operator__in=OperatorChoices.values)),
                name="criterion_fact_and_operator_unless_manual",
            ),
            models.CheckConstraint(
                condition=Q(operator="") | Q(operator__in=OperatorChoices.values), name="criterion_operator_closed_set"
            ),
            models.CheckConstraint(condition=Q(group__regex=r"^[A-Za-z0-9_-]*$"), name="criterion_group_is_a_name"),
        ]

    def __str__(self):
        return self.message

    def save(self, *args, **kwargs):
        self.clean()
        super().save(*args, **kwargs)

    def clean(self):
        from matters.eligibility.lint import lint_criterion

        errors = lint_criterion(self)
        if errors:
            raise ValidationError(errors)


class MatchStatus(models.TextChoices):
    ELIGIBLE = "eligible", _("可申报")
    UNKNOWN = "unknown", _("可能符合（缺少数据）")
    INELIGIBLE = "ineligible", _("暂不符合")


class MatchResult(models.Model):
    """匹配结果: one enterprise against one matter under one rule version, as the set-based match stored it.

    `first_eligible_at` is set once, the first time the enterprise is found
    eligible; `notified_at` once, when it was told (site message and SMS,
    宜昌 §26, the second SMS moment): never twice. `near_miss` marks an
    enterprise failing exactly one criterion; `gap` says what it lacks.
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="matches"
    )
    matter = models.ForeignKey(Matter, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="matches")
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("申报条件版本"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("匹配结果"), max_length=12, choices=MatchStatus.choices)
    near_miss = models.BooleanField(_("差一条"), default=False)
    gap = models.CharField(_("差距"), max_length=255, blank=True)
    first_matched_at = models.DateTimeField(_("首次匹配时间"), default=timezone.now)
    matched_at = models.DateTimeField(_("最近匹配时间"), default=timezone.now)
    first_eligible_at = models.DateTimeField(_("首次符合时间"), null=True, blank=True)
    notified_at = models.DateTimeField(_("推送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("匹配结果")
        verbose_name_plural = _("匹配结果")
        ordering = ["matter", "enterprise"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "matter"], name="match_unique_enterprise_matter"),
        ]
        indexes = [
            models.Index(fields=["matter", "status"], name="match_matter_status"),
            models.Index(fields=["enterprise", "status"], name="match_enterprise_status"),
        ]

    def __str__(self):
        return f"{self.enterprise_id} · {self.matter_id} · {self.get_status_display()}"


class PushRecord(models.Model):
    """推送记录: a matter told to an enterprise, once per kind (自动推送 / 部门批量推送 / 注册推送).

    Append-only; the unique constraint is what makes a push never repeat.
    """

    class Kind(models.TextChoices):
        MATCHED = "matched", _("事项上架自动推送")
        BATCH = "batch", _("部门批量推送")
        REGISTERED = "registered", _("新注册企业推送")

    matter = models.ForeignKey(Matter, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="pushes")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="matter_pushes"
    )
    kind = models.CharField(_("推送方式"), max_length=12, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("推送人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("推送时间"), default=timezone.now)

    class Meta:
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "enterprise", "kind"], name="push_once_per_kind"),
        ]

    def __str__(self):
        return f"{self.matter_id} → {self.enterprise_id}（{self.get_kind_display()}）"


class ImpactPreview(models.Model):
    """影响预览: what publishing `rule_set` does over the whole register, old rule beside new.

    `figures` holds counts and amounts (Decimal as strings, 元): eligible
    before and after, gained and lost, by region, industry section and size,
    and the estimated total amount. Stored with the version so reviewers and
    supervisors see what was known when it was approved.
    """

    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("申报条件版本"), on_delete=models.CASCADE, related_name="impact_previews"
    )
    baseline = models.ForeignKey(
        RuleSet,
        verbose_name=_("对比版本"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    computed_on = models.DateField(_("测算基准日"))
    computed_at = models.DateTimeField(_("测算时间"), default=timezone.now)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("测算人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    eligible_before = models.PositiveIntegerField(_("原规则符合企业数"), default=0)
    eligible_after = models.PositiveIntegerField(_("新规则符合企业数"), default=0)
    gained = models.PositiveIntegerField(_("新增符合"), default=0)
    lost = models.PositiveIntegerField(_("不再符合"), default=0)
    amount_before = models.DecimalField(_("原规则预计金额（元）"), max_digits=18, decimal_places=2, default=0)
    amount_after = models.DecimalField(_("新规则预计金额（元）"), max_digits=18, decimal_places=2, default=0)
    figures = models.JSONField(_("分项数据"), default=dict)

    class Meta:
        verbose_name = _("影响预览")
        verbose_name_plural = _("影响预览")
        ordering = ["-computed_at", "-id"]

    def __str__(self):
        return f"{self.rule_set} · {self.computed_at:%Y-%m-%d %H:%M}"


class NearDuplicateName(models.Model):
    """A suspected duplicate catalogue name (疑似重复事项名称, 宜昌 §22, 常州 §13): two public matters of one region
    whose names, compared as `matters.services.name_key`, score at least `NEAR_DUPLICATE_SCORE` (fuzz.ratio).

    `matter` is the later matter (the one entered second), `similar_to` the earlier one; a pair is one row.
    Rewritten daily by `services.flag_near_duplicate_names`, which keeps `found_at` of a pair still found.
    """

    matter = models.ForeignKey(
        Matter, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="near_duplicate_names"
    )
    similar_to = models.ForeignKey(Matter, verbose_name=_("名称相近的事项"), on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(_("相似度"), max_digits=4, decimal_places=1)
    found_at = models.DateTimeField(_("发现时间"), default=timezone.now)

    class Meta:
        verbose_name = _("疑似重复事项名称")
        verbose_name_plural = _("疑似重复事项名称")
        ordering = ["-score", "matter", "similar_to"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "similar_to"], name="near_duplicate_name_pair"),
            models.CheckConstraint(condition=~Q(matter=models.F("similar_to")), name="near_duplicate_name_not_self"),
        ]

    def __str__(self):
        return f"{self.matter_id} ≈ {self.similar_to_id} ({self.score})"
