"""Back office for eligibility rules: a rule version with its criteria edited as rows (linted on save).

Rule sets belong to departments ("谁制定、谁发布"): the owning department's
editors add and change drafts, its approvers publish them. A published
version is frozen (open-zaak's ConceptMixin): its page is read-only, a change
is a new version (`services.new_rule_version`).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from matters import services
from matters.admin_impact import ImpactPreviewAdminMixin
from matters.models import Criterion, RuleSet
from portal.org.admin_mixins import DepartmentScopedAdmin, ViewOnlyHistoryAdmin
from portal.org.permissions import can, scope

PERM_PUBLISH = "matters.publish_ruleset"


def _editable(request, rule_set) -> bool:
    """A draft the user may change (a new one, on the add page, if they may add)."""
    if rule_set is None:
        return can(request.user, "matters.add_ruleset")
    return not rule_set.is_published and can(request.user, "matters.change_ruleset", rule_set)


class ValueField(forms.JSONField):
    """取值 typed as JSON (2000, [1000, 5000], ["C39"]); an empty value shows an empty box, not "null"."""

    def prepare_value(self, value):
        if value is None:
            return ""
        return super().prepare_value(value)


class CriterionForm(forms.ModelForm):
    value = ValueField(
        label=gettext_lazy("取值"),
        required=False,
        help_text=gettext_lazy('数值填数字，如2000；介于填[下限, 上限]；编码列表填["C39"]；“是/否”类留空'),
    )

    class Meta:
        model = Criterion
        fields = ["position", "fact", "operator", "value", "group", "message", "legal_reference", "manual"]


class CriterionInline(admin.TabularInline):
    model = Criterion
    form = CriterionForm
    extra = 0
    fields = ["position", "fact", "operator", "value", "group", "message", "legal_reference", "manual"]

    def has_view_permission(self, request, obj=None):
        return can(request.user, "matters.view_ruleset", obj) or _editable(request, obj)

    def has_add_permission(self, request, obj=None):
        return _editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return _editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _editable(request, obj)


@admin.register(RuleSet)
class RuleSetAdmin(ImpactPreviewAdminMixin, ViewOnlyHistoryAdmin, DepartmentScopedAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "version", "status", "valid_from", "valid_to"]
    list_filter = ["status"]
    search_fields = ["code", "name"]
    readonly_fields = ["version", "status", "published_at"]
    inlines = [CriterionInline]
    actions = ["publish_rule_sets"]

    def has_change_permission(self, request, obj=None):
        # A published version is frozen: nobody changes it, a change is a new version.
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def has_publish_permission(self, request, obj=None):
        return can(request.user, PERM_PUBLISH, obj)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
        if not change:
            services.assign_ownership(obj, self.owner_department(request, obj, form))

    def save_formset(self, request, form, formset, change):
        for row in formset.forms:
            row.instance._history_user = request.user
        super().save_formset(request, form, formset, change)

    @admin.action(description=gettext_lazy("发布所选申报条件版本（自今日起生效）"), permissions=["publish"])
    def publish_rule_sets(self, request, queryset):
        """发布: each selected draft the user's department owns, valid from today; the others are left as they are."""
        published = 0
        for rule_set in scope(request.user, queryset, PERM_PUBLISH):
            if rule_set.is_published:
                continue
            try:
                services.publish_rule_set(rule_set, valid_from=timezone.localdate(), by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{rule_set}：{'；'.join(error.messages)}", messages.ERROR)
                continue
            published += 1
        self.message_user(request, _("已发布%(n)d个申报条件版本。") % {"n": published}, messages.SUCCESS)
