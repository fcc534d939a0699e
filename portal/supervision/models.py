"""The stored side of supervision (督查): daily aggregates of every measure, activity counts and archived reports.

`Fact` holds, per measure, day, department, region, category and (for distributions) whole number of days, how many
records there were and the sum of their values. The dashboards add facts up over a period instead of scanning the
domains' tables; `refresh` (beat) rewrites the recent days and, nightly, all of them. `Refresh` says how fresh each
measure is. See `portal/supervision/measures.py` for what a measure is.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class _Tallied(models.Model):
    """What a fact row counts: the measure, its department, region, category and (for distributions) whole
    number of working days, how many records and the sum of their values."""

    measure = models.CharField(_("计量"), max_length=64)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("部门"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        "org.Region", verbose_name=_("区划"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    category = models.CharField(_("分类"), max_length=128, blank=True, default="")
    bucket = models.IntegerField(_("取值（工作日）"), null=True, blank=True)
    n = models.BigIntegerField(_("件数"))
    total = models.DecimalField(_("合计"), max_digits=20, decimal_places=2, null=True, blank=True)

    class Meta:
        abstract = True


class Fact(_Tallied):
    """One day's tally of one measure for one department, region and category (日汇总)."""

    day = models.DateField(_("日期"))

    class Meta:
        verbose_name = _("督查日汇总")
        verbose_name_plural = _("督查日汇总")
        indexes = [
            # Index-only reads of a period: every column a tally adds up is in the index.
            models.Index(
                fields=["measure", "day"],
                include=["department", "region", "category", "bucket", "n", "total"],
                name="supervision_fact_read",
            ),
        ]

    def __str__(self):
        return f"{self.measure} {self.day}: {self.n}"


class MonthFact(_Tallied):
    """The facts of one calendar month added up (月汇总): what a period of whole months reads, about thirty times
    fewer rows than its days. Rewritten from `Fact` by the same refresh, for the months it touched."""

    month = models.DateField(_("月份"), help_text=_("该月1日"))

    class Meta:
        verbose_name = _("督查月汇总")
        verbose_name_plural = _("督查月汇总")
        indexes = [
            models.Index(
                fields=["measure", "month"],
                include=["department", "region", "category", "bucket", "n", "total"],
                name="supervision_monthfact_read",
            ),
        ]

    def __str__(self):
        return f"{self.measure} {self.month:%Y-%m}: {self.n}"


class RegionFact(models.Model):
    """The facts of one day (grain "day") or one month (grain "month") of a measure added up over departments and
    categories, per region and bucket (区划汇总): what a page over all departments reads (the overview, the
    monthly report), a few hundred times fewer rows than `Fact` and `MonthFact` for the distributions kept per
    department, step and working day. Rewritten from them by the same refresh, for the days and months it touched.
    """

    DAY, MONTH = "day", "month"

    measure = models.CharField(_("计量"), max_length=64)
    grain = models.CharField(_("粒度"), max_length=5, choices=[(DAY, _("日")), (MONTH, _("月"))])
    day = models.DateField(_("日期"), help_text=_("按月汇总时为该月1日"))
    region = models.ForeignKey(
        "org.Region", verbose_name=_("区划"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    bucket = models.IntegerField(_("取值（工作日）"), null=True, blank=True)
    n = models.BigIntegerField(_("件数"))
    total = models.DecimalField(_("合计"), max_digits=20, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("督查区划汇总")
        verbose_name_plural = _("督查区划汇总")
        indexes = [
            models.Index(
                fields=["measure", "grain", "day"],
                include=["region", "bucket", "n", "total"],
                name="supervision_regionfact_read",
            ),
        ]

    def __str__(self):
        return f"{self.measure} {self.grain} {self.day}: {self.n}"


class Refresh(models.Model):
    """When a measure's facts were last rewritten, and from which day on (数据更新时间)."""

    measure = models.CharField(_("计量"), max_length=64, primary_key=True)
    refreshed_at = models.DateTimeField(_("更新时间"))
    since = models.DateField(_("重算起始日"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("汇总行数"), default=0)
    seconds = models.DecimalField(_("用时（秒）"), max_digits=10, decimal_places=3, default=0)

    class Meta:
        verbose_name = _("汇总更新记录")
        verbose_name_plural = _("汇总更新记录")

    def __str__(self):
        return f"{self.measure} {self.refreshed_at:%Y-%m-%d %H:%M}"


class ActivityCount(models.Model):
    """How often something happened on the platform in a day (平台运行: 访问量、检索次数、测算次数 …), 无锡 §24–25.

    Counted in Redis as it happens (`portal.supervision.activity.count`) and added here by beat."""

    day = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=32)
    n = models.BigIntegerField(_("次数"), default=0)

    class Meta:
        verbose_name = _("平台运行计数")
        verbose_name_plural = _("平台运行计数")
        constraints = [models.UniqueConstraint(fields=["day", "kind"], name="supervision_activity_day_kind")]

    def __str__(self):
        return f"{self.day} {self.kind}: {self.n}"


def report_path(report, filename):
    return f"supervision/reports/{report.period_start:%Y}/{filename}"


class Report(models.Model):
    """An archived supervision report (督查报告): monthly, or the quarterly joint-meeting pack (宜昌 §42)."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("月度报告")
        QUARTERLY = "quarterly", _("季度联席会议材料")

    kind = models.CharField(_("报告类型"), max_length=16, choices=Kind.choices)
    period_start = models.DateField(_("统计起始日"))
    period_end = models.DateField(_("统计截止日"))
    file = models.FileField(_("报告文件"), upload_to=report_path, max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 校验值"), max_length=64, blank=True, default="")
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    generated_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("空白表示由系统定时生成"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("督查报告")
        verbose_name_plural = _("督查报告")
        ordering = ["-period_start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "period_start", "period_end"], name="supervision_report_period"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="supervision_report_order"
            ),
        ]
        permissions = [
            ("view_all_departments", _("查看全部部门的督查数据")),
            ("generate_report", _("生成督查报告")),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period_start:%Y-%m-%d}—{self.period_end:%Y-%m-%d}"
