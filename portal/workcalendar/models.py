from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CalendarYear(models.Model):
    """One year of the official working-day schedule (全年节假日安排).

    The State Council announces each year's holidays and make-up working days
    (调休) late in the year before. Until staff mark a year `covered`, the
    working-day functions fall back to Monday–Friday for it and every deadline
    computed that way is stored as provisional.
    """

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    covered = models.BooleanField("已录入官方安排", default=False)
    source = models.CharField(
        "来源", max_length=200, blank=True, help_text="如：国务院办公厅关于2027年部分节假日安排的通知"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "工作日历年度"
        verbose_name_plural = "工作日历年度"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=models.Q(year__gte=2000, year__lte=2100), name="calendar_year_range")
        ]

    def __str__(self):
        return f"{self.year}年"


class CalendarDay(models.Model):
    """A day whose status differs from the Monday–Friday rule: a holiday on a weekday, or a 调休 working weekend day.

    Only exceptions are stored; every other day of a covered year follows
    Monday–Friday. That keeps the table small and the admin list to the
    two dozen days a year that matter.
    """

    date = models.DateField("日期", primary_key=True)
    is_workday = models.BooleanField("是否工作日")
    name = models.CharField("名称", max_length=32, blank=True, help_text="如：国庆节、国庆节调休上班")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_workday else '休息'} {self.name}"

    def clean(self):
        from django.core.exceptions import ValidationError

        default = self.date.weekday() < 5
        if self.date and self.is_workday == default:
            raise ValidationError(
                "该日期按周一至周五规则本来就是" + ("工作日" if default else "休息日") + "，无需登记为例外。"
            )


class Clock(models.Model):
    """One 办理时限 (time limit) running on one business object: a row, never a field computed in `save()`.

    The object is generic (`content_type` + `object_id`); `object_id` is a
    bigint because every portal model has a BigAutoField key, which lets
    queries join clocks to their objects without casts. `kind` is a key of
    `portal.workcalendar.clocks.kinds`. `limit_days` (working days) is copied
    from the kind or the matter when the clock starts, so changing a limit
    later never rewrites a running clock. `due_on` and `provisional` are set
    only by the functions of `portal.workcalendar.clocks`, which document the
    rule; `due_on` is empty only while a pause leaves the due date open.
    An object may carry several clocks of different kinds at once, but at most
    one clock of a kind that is not stopped.
    """

    class State(models.TextChoices):
        RUNNING = "running", _("计时中")
        PAUSED = "paused", _("已暂停")
        STOPPED = "stopped", _("已停止")

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    target = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("时限类型"), max_length=64)
    started_on = models.DateField(_("起算日期"))
    limit_days = models.PositiveSmallIntegerField(_("时限（工作日）"))
    due_on = models.DateField(_("截止日期"), null=True, blank=True)
    provisional = models.BooleanField(
        _("暂定"), default=False, help_text=_("计时区间涉及尚未录入官方节假日安排的年份，按周一至周五暂算")
    )
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.RUNNING)
    stopped_at = models.DateTimeField(_("停止时间"), null=True, blank=True)
    stopped_late = models.BooleanField(_("超期办结"), null=True, blank=True)
    overdue_since = models.DateField(_("超期起始日"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("开始人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("停止人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        ordering = ["started_on", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="workcalendar_clock_object"),
            models.Index(fields=["state", "due_on"], name="workcalendar_clock_state_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"],
                condition=~models.Q(state="stopped"),
                name="workcalendar_clock_one_active_per_kind",
            ),
            models.CheckConstraint(condition=models.Q(limit_days__gt=0), name="workcalendar_clock_limit_positive"),
            models.CheckConstraint(
                condition=models.Q(state__in=["running", "paused", "stopped"]), name="workcalendar_clock_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__isnull=False) | models.Q(state="paused"),
                name="workcalendar_clock_due_unless_paused",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__isnull=True) | models.Q(due_on__gt=models.F("started_on")),
                name="workcalendar_clock_due_after_start",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(state="stopped", stopped_at__isnull=False, stopped_late__isnull=False)
                    | (~models.Q(state="stopped") & models.Q(stopped_at__isnull=True, stopped_late__isnull=True))
                ),
                name="workcalendar_clock_stopped_at_iff_stopped",
            ),
            models.CheckConstraint(
                condition=models.Q(overdue_since__isnull=True) | models.Q(overdue_since__gt=models.F("due_on")),
                name="workcalendar_clock_overdue_after_due",
            ),
            models.CheckConstraint(condition=~models.Q(kind=""), name="workcalendar_clock_kind_not_empty"),
        ]

    def __str__(self):
        return f"{self.kind_label} · {self.started_on:%Y-%m-%d} → {self.due_on or '—'}"

    @property
    def kind_label(self) -> str:
        from .clocks import kinds

        return kinds.entry(self.kind).label if self.kind in kinds else self.kind

    def explain(self):
        """How the due date was computed: see `portal.workcalendar.clocks.explain`."""
        from .clocks import explain

        return explain(self)


class ClockPause(models.Model):
    """A pause of a clock (暂停计时), e.g. 补正 while waiting for the enterprise's documents.

    The clock stands still on the working days in [`paused_on`, `resumed_on`):
    the pause day does not count, the resume day does. `resumed_on` is empty
    while the pause lasts; a clock has at most one open pause.
    """

    clock = models.ForeignKey(Clock, verbose_name=_("办理时限"), on_delete=models.CASCADE, related_name="pauses")
    paused_on = models.DateField(_("暂停日期"))
    resumed_on = models.DateField(_("恢复日期"), null=True, blank=True)
    reason = models.CharField(_("暂停原因"), max_length=200)
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("暂停人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("恢复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("暂停计时")
        verbose_name_plural = _("暂停计时")
        ordering = ["paused_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clock"], condition=models.Q(resumed_on__isnull=True), name="workcalendar_pause_one_open"
            ),
            models.CheckConstraint(
                condition=models.Q(resumed_on__isnull=True) | models.Q(resumed_on__gte=models.F("paused_on")),
                name="workcalendar_pause_resumed_after_paused",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="workcalendar_pause_reason_not_empty"),
        ]

    def __str__(self):
        return f"{self.paused_on:%Y-%m-%d} → {self.resumed_on or '…'} {self.reason}"


class ClockExtension(models.Model):
    """An approved extension of a clock (延长办理时限): how many working days, why, who approved it."""

    clock = models.ForeignKey(Clock, verbose_name=_("办理时限"), on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("延长天数（工作日）"))
    reason = models.CharField(_("延长理由"), max_length=200)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批准人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("批准时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("延长办理时限")
        verbose_name_plural = _("延长办理时限")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(days__gt=0), name="workcalendar_extension_days_positive"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="workcalendar_extension_reason_not_empty"),
        ]

    def __str__(self):
        return f"+{self.days} {self.reason}"
