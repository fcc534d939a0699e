from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portal.org.admin_mixins import ReadOnlyAdmin, ViewOnlyHistoryAdmin
from portal.org.permissions import can

from . import services
from .models import IssuedDocument, normalise_code
from .registry import document_kinds
from .views import document_download_response


class KindFilter(admin.SimpleListFilter):
    title = _("文书种类")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return document_kinds.choices()

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("作废原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin, ViewOnlyHistoryAdmin, SimpleHistoryAdmin):
    """签章文书: read-only; found by its code; 作废 with a reason by those who may revoke."""

    view_permission = "documents.view_issueddocument"
    list_display = ["grouped_code", "kind_label", "title", "department", "issued_at", "status"]
    list_filter = [KindFilter, "status", "department", ("issued_at", admin.DateFieldListFilter)]
    search_fields = ["code", "title", "sha256", "object_id"]
    list_select_related = ["department"]
    date_hierarchy = "issued_at"
    fields = [
        "grouped_code",
        "kind_label",
        "title",
        "department",
        "issued_at",
        "issued_by",
        "content_type",
        "object_id",
        "sha256",
        "status",
        "status_reason",
        "status_changed_at",
        "superseded_by",
    ]
    readonly_fields = fields
    actions = None

    def get_search_results(self, request, queryset, search_term):
        # A code is typed as printed, ABCD-EFGH-JKLM: its stored form is searched too.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        code = normalise_code(search_term)
        if code and code != search_term:
            queryset |= self.model.objects.filter(code=code)
        return queryset, may_have_duplicates

    @admin.display(description=_("核验码"), ordering="code")
    def grouped_code(self, document):
        return document.grouped_code

    @admin.display(description=_("文书种类"), ordering="kind")
    def kind_label(self, document):
        return document.kind_label

    def may_revoke(self, request) -> bool:
        return can(request.user, "documents.revoke_issueddocument")

    def get_urls(self):
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        return [
            path("<path:object_id>/revoke/", self.admin_site.admin_view(self.revoke_view), name=f"{prefix}_revoke"),
            path(
                "<path:object_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name=f"{prefix}_download",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        document = self.get_object(request, object_id)
        extra = {
            "may_revoke": document is not None and document.is_valid and self.may_revoke(request),
            "revoke_url": reverse("admin:documents_issueddocument_revoke", args=[object_id]),
            "download_url": reverse("admin:documents_issueddocument_download", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def download_view(self, request, object_id):
        document = self.get_object(request, object_id)
        if document is None or not self.has_view_permission(request, document):
            raise PermissionDenied
        return document_download_response(request, document)

    def revoke_view(self, request, object_id):
        document = self.get_object(request, object_id)
        if document is None or not self.may_revoke(request):
            raise PermissionDenied
        form = RevokeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.revoke(document, reason=form.cleaned_data["reason"], by=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("文书“%(title)s”已作废。") % {"title": document.title})
                return redirect("admin:documents_issueddocument_change", document.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": document,
            "form": form,
            "title": _("作废文书"),
        }
        return TemplateResponse(request, "admin/documents/issueddocument/revoke.html", context)
