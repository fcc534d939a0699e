from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portal.org.admin_mixins import ReadOnlyAdmin

from .models import CalendarDay, CalendarYear, Clock, ClockExtension, ClockPause


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


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ClockPauseInline(_ReadOnlyInline):
    model = ClockPause
    fields = readonly_fields = ["paused_on", "resumed_on", "reason", "paused_by", "resumed_by"]


class ClockExtensionInline(_ReadOnlyInline):
    model = ClockExtension
    fields = readonly_fields = ["days", "reason", "approved_by", "created_at"]


class ClockKindFilter(admin.SimpleListFilter):
    """The kinds present, by their Chinese label from the clock-kind registry."""

    title = _("时限类型")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        from .clocks import kinds

        present = Clock.objects.order_by("kind").values_list("kind", flat=True).distinct()
        return [(key, kinds.entry(key).label if key in kinds else key) for key in present]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Clock)
class ClockAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    view_permission = "workcalendar.view_clock"
    """Read-only for supervisors and platform admins: clocks move only through their workflows' transitions.

    The change page shows how the due date was computed (`Clock.explain`).
    """

    list_display = [
        "kind_display",
        "target_display",
        "started_on",
        "limit_days",
        "due_on",
        "provisional",
        "state",
        "overdue_since",
    ]
    list_filter = [
        "state",
        "provisional",
        ClockKindFilter,
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("due_on", admin.DateFieldListFilter),
    ]
    ordering = ["-started_on", "-id"]
    search_fields = ["object_id", "kind"]
    date_hierarchy = "due_on"
    list_select_related = ["content_type"]
    fields = readonly_fields = [
        "kind_display",
        "target_display",
        "content_type",
        "object_id",
        "state",
        "started_on",
        "limit_days",
        "due_on",
        "provisional",
        "overdue_since",
        "stopped_at",
        "stopped_late",
        "started_by",
        "stopped_by",
        "created_at",
        "explanation",
    ]
    inlines = [ClockPauseInline, ClockExtensionInline]
    actions = None

    @admin.display(description=_("时限类型"), ordering="kind")
    def kind_display(self, clock):
        return clock.kind_label

    @admin.display(description=_("对象"))
    def target_display(self, clock):
        return str(clock.target) if clock.target is not None else f"{clock.content_type} #{clock.object_id}"

    @admin.display(description=_("截止日期的推算"))
    def explanation(self, clock):
        return format_html(
            '<div class="clock-explanation">{}</div>',
            format_html_join("", "<div>{}</div>", ((line,) for line in clock.explain().lines())),
        )
