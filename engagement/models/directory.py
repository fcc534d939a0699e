"""办事服务、增值服务 (the service directory, 宜昌 §5): curated links to the province's online service hall areas and
to the professional services enterprises look for, per region.

The categories are fixed by the rules, so they are choices in code rather than rows staff edit: §5 names the
service hall areas of 办事服务 (湖北政务服务网 个人服务、法人服务、高效办成一件事、一业一证) and the fields of 增值服务
(法律、金融、人才、科创、国际贸易). `CATEGORY_SECTION` puts each category under its section.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

__all__ = ["CATEGORY_SECTION", "ServiceCategory", "ServiceLink", "ServiceSection"]


class ServiceSection(models.TextChoices):
    """The two sections of the directory (宜昌 §5)."""

    AFFAIRS = "affairs", _("办事服务")
    VALUE_ADDED = "value_added", _("增值服务")


class ServiceCategory(models.TextChoices):
    """服务类别: the service hall areas (办事服务) and the fields of value-added services (增值服务)."""

    LEGAL_PERSON = "legal_person", _("法人服务")
    ONE_THING = "one_thing", _("高效办成一件事")
    ONE_LICENCE = "one_licence", _("一业一证")
    PERSONAL = "personal", _("个人服务")
    LEGAL = "legal", _("法律服务")
    FINANCE = "finance", _("金融服务")
    TALENT = "talent", _("人才服务")
    TECHNOLOGY = "technology", _("科技服务")
    TRADE = "trade", _("贸易服务")


CATEGORY_SECTION: dict[str, str] = {
    ServiceCategory.LEGAL_PERSON: ServiceSection.AFFAIRS,
    ServiceCategory.ONE_THING: ServiceSection.AFFAIRS,
    ServiceCategory.ONE_LICENCE: ServiceSection.AFFAIRS,
    ServiceCategory.PERSONAL: ServiceSection.AFFAIRS,
    ServiceCategory.LEGAL: ServiceSection.VALUE_ADDED,
    ServiceCategory.FINANCE: ServiceSection.VALUE_ADDED,
    ServiceCategory.TALENT: ServiceSection.VALUE_ADDED,
    ServiceCategory.TECHNOLOGY: ServiceSection.VALUE_ADDED,
    ServiceCategory.TRADE: ServiceSection.VALUE_ADDED,
}


class ServiceLink(models.Model):
    """服务链接: one curated link of the directory, shown on its region's page and on every page below it.

    The health fields (last checked, status, failing since, consecutive failures) are written by the daily
    link check with `QuerySet.update`, so they leave no history row per check; curators' edits do.
    """

    region = models.ForeignKey(
        "org.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="service_links"
    )
    category = models.CharField(_("服务类别"), max_length=16, choices=ServiceCategory.choices)
    title = models.CharField(_("名称"), max_length=100)
    url = models.URLField(
        _("网址"), max_length=500, help_text=_("以 http:// 或 https:// 开头的完整网址，在新窗口中打开。")
    )
    description = models.TextField(_("简介"), max_length=500, blank=True)
    provider = models.CharField(_("提供单位"), max_length=100, blank=True)
    keywords = models.CharField(
        _("关键词"), max_length=200, blank=True, help_text=_("用空格或逗号分隔，便于检索，如“商标 专利 知识产权”。")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=100, help_text=_("数字小的排在前面。"))
    active = models.BooleanField(_("启用"), default=True, help_text=_("停用的链接不在门户显示，也不再检查。"))

    last_checked_at = models.DateTimeField(_("最近检查时间"), null=True, blank=True, editable=False)
    last_status = models.PositiveSmallIntegerField(_("最近状态码"), null=True, blank=True, editable=False)
    last_error = models.CharField(_("最近错误"), max_length=200, blank=True, editable=False)
    failing_since = models.DateTimeField(_("失效起始时间"), null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveSmallIntegerField(_("连续失败次数"), default=0, editable=False)

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["last_checked_at", "last_status", "last_error", "failing_since", "consecutive_failures"]
    )

    class Meta:
        verbose_name = _("服务链接")
        verbose_name_plural = _("服务链接")
        ordering = ["region__code", "category", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["region", "category", "url"], name="servicelink_unique_in_category"),
            models.CheckConstraint(condition=models.Q(url__regex=r"^https?://[^/\s]+"), name="servicelink_url_http"),
            models.CheckConstraint(
                condition=models.Q(category__in=ServiceCategory.values), name="servicelink_category_known"
            ),
            models.CheckConstraint(condition=~models.Q(title=""), name="servicelink_title_not_empty"),
            # Failing and "failing since" go together; a recovered link has neither.
            models.CheckConstraint(
                condition=models.Q(consecutive_failures=0, failing_since__isnull=True)
                | models.Q(consecutive_failures__gt=0, failing_since__isnull=False),
                name="servicelink_failing_since_with_failures",
            ),
        ]
        indexes = [models.Index(fields=["active", "region", "category"], name="servicelink_active_region")]

    def __str__(self):
        return self.title

    @property
    def section(self) -> str:
        return CATEGORY_SECTION[self.category]

    def get_section_display(self) -> str:
        return ServiceSection(self.section).label

    @property
    def is_failing(self) -> bool:
        """失效: the last check failed (an error, a timeout or an HTTP status of 400 or more)."""
        return self.consecutive_failures > 0

    def keyword_list(self) -> list[str]:
        return [word for word in self.keywords.replace(",", " ").replace("，", " ").replace("、", " ").split() if word]

    def clean(self):
        from engagement.directory import clean_service_url
        from portal.core.normalize import prose, text

        # Names keep their Chinese punctuation（（12348））: spaces are tidied, nothing is NFKC-folded.
        self.title = " ".join(prose(self.title).split())
        self.provider = " ".join(prose(self.provider).split())
        self.keywords = " ".join(ServiceLink(keywords=text(self.keywords)).keyword_list())
        if self.url:
            self.url = clean_service_url(self.url)
