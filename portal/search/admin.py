from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import SearchDocument, Synonym


@admin.register(Synonym)
class SynonymAdmin(SimpleHistoryAdmin):
    list_display = ["word", "canonical"]
    search_fields = ["word", "canonical"]


@admin.register(SearchDocument)
class SearchDocumentAdmin(admin.ModelAdmin):
    """Read-only: the index is written by the publishing services and `reindex_search`."""

    list_display = ["title", "kind", "published", "updated_at"]
    list_filter = ["kind", "published"]
    search_fields = ["title"]
    readonly_fields = [f.name for f in SearchDocument._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
