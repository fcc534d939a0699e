from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.org.permissions import can

from .models import SensitiveAccessLog


@admin.register(SensitiveAccessLog)
class SensitiveAccessLogAdmin(admin.ModelAdmin):
    """Read-only for supervisors and platform admins; nobody adds, changes or deletes entries."""

    list_display = ["accessed_at", "user", "content_type", "object_repr", "fields_viewed", "purpose", "ip"]
    list_filter = ["content_type", ("accessed_at", admin.DateFieldListFilter)]
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
        "fields",
        "purpose",
        "request_id",
    ]
    fields = readonly_fields
    actions = None

    @admin.display(description=_("查看的字段"))
    def fields_viewed(self, entry):
        return "、".join(entry.fields)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return can(request.user, "audit.view_sensitiveaccesslog")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
