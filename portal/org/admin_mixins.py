"""Department ownership in the back office: mixins for the admin and for staff views.

    class PolicyAdmin(DepartmentScopedAdmin, SimpleHistoryAdmin):
        ...

lists only what the user's departments own, lets them open, change and delete
only those objects (another department's object is a 404 — its existence is
not confirmed), and on create grants the new object to the creating user's
department.
"""

import datetime as dt

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from .models import Department
from .permissions import can, grant_to_department, is_platform_admin, is_supervisor, scope
from .selectors import departments_of

OWNER_FIELD = "owner_department"


class DepartmentScopedAdmin:
    """Mixin for a `ModelAdmin` whose objects are owned by departments (guardian object permissions)."""

    def _perm(self, action: str) -> str:
        opts = self.model._meta
        return f"{opts.app_label}.{action}_{opts.model_name}"

    def get_queryset(self, request):
        return scope(request.user, super().get_queryset(request), "view")

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("对象不存在，或不属于您的部门"))
        return obj

    def has_view_permission(self, request, obj=None):
        return can(request.user, self._perm("view"), obj) or can(request.user, self._perm("change"), obj)

    def has_change_permission(self, request, obj=None):
        return can(request.user, self._perm("change"), obj)

    def has_delete_permission(self, request, obj=None):
        return can(request.user, self._perm("delete"), obj)

    def has_add_permission(self, request):
        return can(request.user, self._perm("add"))

    def delete_queryset(self, request, queryset):
        # The bulk action checks only the model permission; each object must be deletable too.
        if queryset.exclude(pk__in=scope(request.user, queryset, "delete").values("pk")).exists():
            raise PermissionDenied(_("所选对象中有不属于您的部门、无权删除的对象"))
        super().delete_queryset(request, queryset)

    # Ownership on create.

    def owner_choices(self, request):
        """The departments the creating user may record as owner; all of them for platform admins."""
        if is_platform_admin(request.user) or is_supervisor(request.user):
            return Department.objects.all()
        return departments_of(request.user)

    def _needs_owner_choice(self, request, obj) -> bool:
        return obj is None and departments_of(request.user).count() != 1

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._needs_owner_choice(request, obj):
            base = kwargs.get("form", self.form)
            owner = forms.ModelChoiceField(
                queryset=self.owner_choices(request),
                label=_("归属部门"),
                help_text=_("新建的对象归此部门所有：只有该部门的工作人员可以查看和修改。"),
                required=True,
            )
            kwargs["form"] = type(f"{base.__name__}WithOwner", (base,), {OWNER_FIELD: owner})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self._needs_owner_choice(request, obj) and OWNER_FIELD not in flatten_fieldsets(fieldsets):
            fieldsets = [*fieldsets, (_("归属部门"), {"fields": [OWNER_FIELD]})]
        return fieldsets

    def owner_department(self, request, obj, form):
        """The department that owns a newly created `obj`: the creator's only one, or the one chosen."""
        if OWNER_FIELD in form.cleaned_data:
            return form.cleaned_data[OWNER_FIELD]
        return departments_of(request.user).get()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            grant_to_department(obj, self.owner_department(request, obj, form))


class DepartmentObjectMixin:
    """Mixin for a staff `SingleObjectMixin` view: 403 unless the user's department owns the object.

    Set `object_action` to the action the view performs ("view", "change", "delete").
    """

    object_action = "view"

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        opts = obj._meta
        if not can(self.request.user, f"{opts.app_label}.{self.object_action}_{opts.model_name}", obj):
            raise PermissionDenied(_("该对象不属于您的部门"))
        return obj


class PortalHistoryContextHelper(HistoricalRecordContextHelper):
    """The 变更内容 column as a person reads it: a coded value by its Chinese label (代码校验: 校验位不符（存量赋码）
    → 存量赋码（已确认）, not legacy_pending → legacy_confirmed), a time in local time (Asia/Shanghai,
    2026-11-26 17:00, not 09:00:00+00:00), a yes/no as 是/否, an empty value — (not "None"), an empty foreign key
    — too (simple-history would write "Deleted 拨付批次 (pk=None)") and one whose row is gone 已删除的拨付批次（5）."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(value, DeletedObject):
            if value.pk is None:
                return "—"
            return str(_("已删除的%(model)s（%(pk)s）") % {"model": value.model._meta.verbose_name, "pk": value.pk})
        if value is None or value == "":
            return "—"
        if getattr(field, "flatchoices", None):
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, dt.datetime):
            return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "Y-m-d H:i")
        if isinstance(value, bool):
            return str(_("是") if value else _("否"))
        return super().prepare_delta_change_value(change, value)


class HistoryDisplayAdmin:
    """Mixin for a `SimpleHistoryAdmin`: its history diff uses `PortalHistoryContextHelper`."""

    history_context_helper = PortalHistoryContextHelper

    def get_historical_record_context_helper(self, request, historical_record):
        return self.history_context_helper(self.model, historical_record)


class ViewOnlyHistoryAdmin(HistoryDisplayAdmin):
    """Mixin for a `SimpleHistoryAdmin` whose history may be read but never written back (no 还原).

    simple-history's revert writes an old version over the object — its workflow
    status and masked contacts included — around the services that own them. Hiding
    the button is not enough: its view also saves on POST, so the POST is refused too.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied(_("历史版本只能查看，不能还原。"))
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin:
    """Mixin for a record nobody edits in the admin (a log, a clock): viewable with `view_permission`, never changed.

    `view_permission` is checked with `portal.org.permissions.can`, so a role's
    blanket view (the supervisor's) and its exclusions in roles.py apply.
    """

    view_permission = ""

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return can(request.user, self.view_permission)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
