from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CalendarDay, CalendarYear


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    list_display = ["year", "covered", "source", "exception_days", "updated_at"]
    list_filter = ["covered"]

    @admin.display(description="节假日/调休天数")
    def exception_days(self, obj):
        return CalendarDay.objects.filter(date__year=obj.year).count()


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "weekday", "is_workday", "name"]
    list_filter = ["is_workday", ("date", admin.DateFieldListFilter)]
    date_hierarchy = "date"
    search_fields = ["name"]

    @admin.display(description="星期")
    def weekday(self, obj):
        return "一二三四五六日"[obj.date.weekday()]
