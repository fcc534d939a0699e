from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Department, Membership, Region


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    """行政区划, listed as a tree: ordered by code, each name indented by its level."""

    list_display = ["tree_name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    ordering = ["code"]
    autocomplete_fields = ["parent"]

    @admin.display(description=_("名称"), ordering="code")
    def tree_name(self, region):
        return "\u3000" * region.depth + ("└ " if region.depth else "") + region.name


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role"]
    verbose_name = _("部门成员")
    verbose_name_plural = _("部门成员")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = _staff_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _staff_users():
    user_model = get_user_model()
    return user_model.objects.filter(is_staff=True, kind=user_model.Kind.STAFF).order_by("username")


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "code", "region", "kind", "phone", "member_count"]
    list_filter = ["kind", "region__level", "region"]
    search_fields = ["name", "short_name", "code"]
    list_select_related = ["region"]
    readonly_fields = ["group"]
    autocomplete_fields = ["region"]
    inlines = [MembershipInline]

    @admin.display(description=_("成员数"))
    def member_count(self, department):
        return department.memberships.count()


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "department", "role"]
    list_filter = ["role", "department__kind", "department"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "department__name"]
    list_select_related = ["user", "department"]
    autocomplete_fields = ["department"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = _staff_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
