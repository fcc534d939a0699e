from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from portal.org.admin_mixins import ReadOnlyAdmin

from .models import SensitiveAccessLog


class LoggedContentTypeFilter(admin.SimpleListFilter):
    """对象类型: only the types that occur in the log, by their Chinese names."""

    title = _("对象类型")
    parameter_name = "content_type"

    def lookups(self, request, model_admin):
        ids = SensitiveAccessLog.objects.values_list("content_type_id", flat=True).distinct().order_by()
        types = [(str(ct.pk), verbose_type(ct)) for ct in ContentType.objects.filter(pk__in=ids)]
        return sorted(types, key=lambda pair: str(pair[1]))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(content_type_id=self.value())
        return queryset


def verbose_type(content_type):
    model = content_type.model_class()
    return model._meta.verbose_name if model is not None else content_type.model


def verbose_fields(entry) -> str:
    """The viewed fields by their Chinese names (登记联系电话), raw names only for a field no longer in the model."""
    model = entry.content_type.model_class()
    names = []
    for name in entry.fields or []:
        try:
            names.append(str(model._meta.get_field(name).verbose_name))
        except (AttributeError, FieldDoesNotExist):
            names.append(str(name))
    return "、".join(names)


@admin.register(SensitiveAccessLog)
class SensitiveAccessLogAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    view_permission = "audit.view_sensitiveaccesslog"
    """Read-only for supervisors and platform admins; nobody adds, changes or deletes entries."""

    list_display = ["accessed_at", "user", "content_type", "object_repr", "fields_viewed", "purpose", "ip"]
    list_filter = [LoggedContentTypeFilter, ("accessed_at", admin.DateFieldListFilter)]
    search_fields = ["object_repr", "object_id", "user__username", "purpose", "request_id", "ip"]
    date_hierarchy = "accessed_at"
    list_select_related = ["user", "content_type"]
    readonly_fields = [
        "user",
        "accessed_at",
        "ip",
        "content_type",
        "object_id",
        "object_repr",
        "fields_viewed",
        "purpose",
        "request_id",
    ]
    fields = readonly_fields
    actions = None

    @admin.display(description=_("查看的字段"))
    def fields_viewed(self, entry):
        return verbose_fields(entry)
