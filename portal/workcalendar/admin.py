from datetime import date

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from portal import workdays

from .models import CalendarDay, CalendarYear


class CoverageWarningMixin:
    def changelist_view(self, request, extra_context=None):
        warning = workdays.next_uncovered_warning(date.today())
        if warning:
            messages.warning(request, warning)
        return super().changelist_view(request, extra_context)


@admin.register(CalendarYear)
class CalendarYearAdmin(CoverageWarningMixin, SimpleHistoryAdmin):
    list_display = ["year", "covered", "source", "exception_days", "updated_at"]
    list_filter = ["covered"]

    @admin.display(description="节假日/调休天数")
    def exception_days(self, obj):
        return CalendarDay.objects.filter(date__year=obj.year).count()


@admin.register(CalendarDay)
class CalendarDayAdmin(CoverageWarningMixin, SimpleHistoryAdmin):
    list_display = ["date", "weekday", "is_workday", "name"]
    list_filter = ["is_workday", ("date", admin.DateFieldListFilter)]
    date_hierarchy = "date"
    search_fields = ["name"]

    @admin.display(description="星期")
    def weekday(self, obj):
        return "一二三四五六日"[obj.date.weekday()]
