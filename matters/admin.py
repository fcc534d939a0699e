"""Back office for eligibility rules: a rule version with its criteria edited as rows (linted on save)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from matters.models import Criterion, RuleSet


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["position", "fact", "operator", "value", "group", "message", "legal_reference", "manual"]


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "version", "status", "valid_from", "valid_to"]
    list_filter = ["status"]
    search_fields = ["code", "name"]
    readonly_fields = ["status", "published_at"]
    inlines = [CriterionInline]
