"""督查报告 in the back office: the archived monthly reports and quarterly joint-meeting packs, read-only.

Supervisors and platform admins (`supervision.view_report`) list them, filter by kind and download the PDF;
holders of `supervision.generate_report` (platform admins) generate one for a finished month or quarter, which
replaces the archived file of that period. A report holds aggregate figures only, no personal data, so like the
signed documents its download is not written to the sensitive-access log.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from portal.org.admin_mixins import ReadOnlyAdmin, ViewOnlyHistoryAdmin
from portal.org.permissions import can

from . import (
    admin_views,  # noqa: F401 - installs the dashboard pages (总览、部门排名、部门督查、明细) into the admin site
    reports,
)
from .forms import GenerateReportForm
from .models import Report
from .periods import Period


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin, ViewOnlyHistoryAdmin, SimpleHistoryAdmin):
    view_permission = "supervision.view_report"
    generate_permission = "supervision.generate_report"
    list_display = ["period_label", "kind", "generated_at", "generator", "file_size", "download"]
    list_display_links = ["period_label"]
    list_filter = ["kind"]
    date_hierarchy = "period_start"
    list_select_related = ["generated_by"]
    fields = ["kind", "period_start", "period_end", "generated_at", "generator", "file_size", "sha256", "download"]
    readonly_fields = fields
    actions = None

    @admin.display(description=gettext_lazy("统计期间"), ordering="period_start")
    def period_label(self, report):
        return reports.period_label(Period(report.period_start, report.period_end))

    @admin.display(description=gettext_lazy("生成人"), ordering="generated_by")
    def generator(self, report):
        if report.generated_by is None:
            return _("系统定时生成")
        return report.generated_by.name or report.generated_by.username

    @admin.display(description=gettext_lazy("大小"), ordering="size")
    def file_size(self, report):
        return filesizeformat(report.size)

    @admin.display(description=gettext_lazy("下载"))
    def download(self, report):
        if not report.file:
            return "—"
        return format_html(
            '<a href="{}" download>{}</a>',
            reverse("admin:supervision_report_download", args=[report.pk]),
            _("下载PDF"),
        )

    def may_generate(self, request) -> bool:
        return can(request.user, self.generate_permission)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("generate/", wrap(self.generate_view), name="supervision_report_generate"),
            path("<int:object_id>/download/", wrap(self.download_view), name="supervision_report_download"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if self.may_generate(request):
            extra_context["generate_url"] = reverse("admin:supervision_report_generate")
        return super().changelist_view(request, extra_context)

    def download_view(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = Report.objects.filter(pk=object_id).first()
        if report is None or not report.file or not report.file.storage.exists(report.file.name):
            raise Http404(_("报告文件不存在"))
        response = FileResponse(
            report.file.open("rb"),
            as_attachment=True,
            filename=reports.download_name(report),
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    def generate_view(self, request):
        if not self.may_generate(request):
            raise PermissionDenied
        form = GenerateReportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            period = form.cleaned_data["period"]
            report = reports.generate(form.cleaned_data["kind"], period, by=request.user)
            messages.success(
                request,
                _("已生成%(kind)s（%(period)s）。")
                % {"kind": report.get_kind_display(), "period": reports.period_label(period)},
            )
            return redirect("admin:supervision_report_change", report.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("生成督查报告"),
        }
        return TemplateResponse(request, "admin/supervision/report/generate.html", context)
