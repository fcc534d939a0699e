"""Matters (政策资金事项) and their eligibility rules (申报条件).

A `RuleSet` is one version of a matter's 申报条件; its `Criterion` rows are
the atomic conditions, compiled two ways by `matters.eligibility` (a Python
evaluator explaining one enterprise, a SQL compiler matching the register).
Versions follow open-zaak's ConceptMixin/GeldigheidMixin: a draft can be
edited, a published version is frozen and valid from a date, possibly to a
date; a change is a new version (`services.new_rule_version`).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from matters.eligibility.operators import OperatorChoices
from portal.core.facts import fact_choices


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class RuleSet(models.Model):
    """申报条件（规则版本）: one version of a set of criteria, AND-ed, with at most one level of OR groups."""

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
