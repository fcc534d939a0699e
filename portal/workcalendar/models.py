from django.db import models
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
        day = f"{self.date:%Y-%m-%d}" if self.date else ""
        return f"{day} {'上班' if self.is_workday else '休息'} {self.name}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.date is None:
            return  # the date field reports its own error
        default = self.date.weekday() < 5
        if self.is_workday == default:
            raise ValidationError(
                "该日期按周一至周五规则本来就是" + ("工作日" if default else "休息日") + "，无需登记为例外。"
            )
