"""The import back office: upload, follow the progress, read or download the error report, get blank templates."""

import csv

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from simple_history.admin import SimpleHistoryAdmin

from .columns import COLUMNS
from .forms import ImportUploadForm
from .models import ImportJob, ImportKind
from .services import UploadRejectedError, max_import_bytes, submit_import, too_large_message
from .uploads import ImportSizeLimitHandler

# Multipart framing around the file: a request this much over the limit is still a file within it.
MULTIPART_SLACK = 64 * 1024


def csv_response(filename: str, rows) -> HttpResponse:
    """A CSV with a byte-order mark, so Excel on Windows opens the Chinese correctly."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in rows:
        writer.writerow(row)
    return response


@admin.register(ImportJob)
class ImportJobAdmin(SimpleHistoryAdmin):
    # Few, narrow columns: the list fits a 1366 px screen (the three counts share one column).
    list_display = [
        "id",
        "kind",
        "short_name",
        "status",
        "progress_display",
        "total_rows",
        "counts",
        "error_count",
        "uploaded_by",
        "created_at",
    ]
    list_filter = ["kind", "status", "source"]
    search_fields = ["original_name"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(description=gettext_lazy("原文件名"), ordering="original_name")
    def short_name(self, job):
        name = job.original_name
        return name if len(name) <= 24 else f"{name[:12]}…{name[-10:]}"

    @admin.display(description=gettext_lazy("进度"))
    def progress_display(self, job):
        """A refused or finished job shows its state, not where its progress bar stopped (a refusal stops at 60%)."""
        if job.status == ImportJob.Status.FAILED:
            return job.get_status_display()
        if job.status == ImportJob.Status.DONE:
            return job.get_status_display()
        return f"{job.progress}%"

    @admin.display(description=gettext_lazy("新增 / 更新 / 未变化"))
    def counts(self, job):
        if job.status != ImportJob.Status.DONE:
            return "—"
        return f"{job.created_count} / {job.updated_count} / {job.unchanged_count}"

    def has_change_permission(self, request, obj=None):
        # A job is a record of what happened; it is never edited.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="enterprise_imports_importjob_upload"),
            path("<int:pk>/status/", wrap(self.status_view), name="enterprise_imports_importjob_status"),
            path("<int:pk>/errors.csv", wrap(self.errors_csv_view), name="enterprise_imports_importjob_errors"),
            path("template/<str:kind>.csv", wrap(self.template_view), name="enterprise_imports_importjob_template"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:enterprise_imports_importjob_upload")

    def has_add_permission(self, request):
        return request.user.has_perm("enterprise_imports.add_importjob")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = get_object_or_404(ImportJob, pk=object_id)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "job": job,
            "title": _("导入任务 %(id)d") % {"id": job.pk},
            "status_url": reverse("admin:enterprise_imports_importjob_status", args=[job.pk]),
            "errors_url": reverse("admin:enterprise_imports_importjob_errors", args=[job.pk]),
            "stored_errors": len(job.errors),
        }
        return TemplateResponse(request, "admin/enterprise_imports/importjob/detail.html", context)

    @method_decorator(csrf_exempt)
    def upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
            if declared > max_import_bytes() + MULTIPART_SLACK:
                # Refused on the declared length alone: the body is never read.
                return self._render_upload(request, ImportUploadForm(), error=too_large_message(), status=413)
            limiter = ImportSizeLimitHandler(request)
            request.upload_handlers.insert(0, limiter)
        return self._upload(request, limiter if request.method == "POST" else None)

    @method_decorator(csrf_protect)
    def _upload(self, request, limiter):
        if request.method != "POST":
            return self._render_upload(request, ImportUploadForm())
        form = ImportUploadForm(request.POST, request.FILES)
        if limiter is not None and limiter.exceeded:
            return self._render_upload(request, ImportUploadForm(), error=too_large_message(), status=413)
        if not form.is_valid():
            return self._render_upload(request, form)
        try:
            job = submit_import(
                uploaded_file=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                source=form.cleaned_data["source"],
                source_updated_at=form.cleaned_data["source_updated_at"],
                user=request.user,
            )
        except UploadRejectedError as exc:
            form.add_error("file", str(exc))
            return self._render_upload(request, form)
        messages.success(request, _("文件已上传，正在排队校验"))
        return redirect("admin:enterprise_imports_importjob_change", job.pk)

    def _render_upload(self, request, form, *, error="", status=200):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("上传数据共享交换文件"),
            "form": form,
            "error": error,
            "kinds": [
                (
                    kind,
                    label,
                    COLUMNS[kind],
                    reverse("admin:enterprise_imports_importjob_template", args=[kind]),
                )
                for kind, label in ImportKind.choices
            ],
        }
        return TemplateResponse(request, "admin/enterprise_imports/importjob/upload.html", context, status=status)

    def status_view(self, request, pk):
        job = get_object_or_404(ImportJob, pk=pk)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        return JsonResponse(
            {
                "status": job.status,
                "status_display": job.get_status_display(),
                "progress": job.progress,
                "total_rows": job.total_rows,
                "message": job.message,
                "finished": job.finished,
            }
        )

    def errors_csv_view(self, request, pk):
        job = get_object_or_404(ImportJob, pk=pk)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        rows = [[_("行号"), _("列"), _("内容"), _("错误说明")]]
        rows += [[e["line"], e["header"], e["value"], e["message"]] for e in job.errors]
        return csv_response(f"import-{job.pk}-errors.csv", rows)

    def template_view(self, request, kind):
        if kind not in COLUMNS or not self.has_view_permission(request):
            raise Http404
        return csv_response(f"template-{kind}.csv", [[column.header for column in COLUMNS[kind]]])
