"""奖补汇聚 in the back office: a department uploads the subsidies it paid outside the platform (Excel/CSV in the
one data standard, `payouts.subsidies`), reads the report of bad rows or the result, downloads the template;
staff read the submissions and the records (filters: department, late, funding level, duplicate — a later
copy or an original with copies —, name other than the archive's, payment date; search by USCC, name or
记录编号). Records are never edited here: a correction is a new submission marked 是否更正.

A department's staff see their department's submissions and records, finance staff, supervisors and platform
admins all of them (`subsidies.visible_records`); another department's record is a 404.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.filters import DateFieldListFilter, RelatedOnlyFieldListFilter
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from enterprises.importing.services import max_import_bytes, too_large_message
from portal.org.admin_mixins import ReadOnlyAdmin, ViewOnlyHistoryAdmin
from portal.org.permissions import can

from . import subsidies
from .models import SubsidyRecord, SubsidySubmission

# Multipart framing around the file: a request this much over the limit is still a file within it.
MULTIPART_SLACK = 64 * 1024


class SubsidyUploadForm(forms.Form):
    """上传奖补数据."""

    department = forms.ModelChoiceField(
        label=gettext_lazy("发放部门"),
        queryset=None,
        empty_label=None,
        help_text=gettext_lazy("报送本部门在平台外发放的奖补"),
    )
    file = forms.FileField(
        label=gettext_lazy("文件"),
        help_text=gettext_lazy("Excel（.xlsx）或CSV（UTF-8或GB18030编码），按模板填写"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        if departments.count() == 1:
            self.fields["department"].initial = departments.get()


class _Scoped(ReadOnlyAdmin):
    """Object scope by department membership (see `subsidies.sees_all`); records are never written here."""

    def _visible(self, request, queryset):
        raise NotImplementedError

    def get_queryset(self, request):
        return self._visible(request, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("对象不存在，或不属于您的部门"))
        return obj

    def history_view(self, request, object_id, extra_context=None):
        # Another department's object is a 404 in its history as on its page: neither says that it exists.
        self.get_object(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.get_object(request, unquote(object_id))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request):
            return False
        return obj is None or self._visible(request, type(obj).objects.filter(pk=obj.pk)).exists()

    def may_upload(self, request) -> bool:
        return (
            can(request.user, "payouts.add_subsidysubmission")
            and subsidies.submitting_departments(request.user).exists()
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if self.may_upload(request):
            extra_context["upload_url"] = reverse("admin:payouts_subsidysubmission_upload")
        return super().changelist_view(request, extra_context)


@admin.register(SubsidySubmission)
class SubsidySubmissionAdmin(_Scoped, ViewOnlyHistoryAdmin, SimpleHistoryAdmin):
    view_permission = "payouts.view_subsidysubmission"

    class Media:
        css = {"all": ["payouts/subsidies.css"]}

    list_display = [
        "__str__",
        "channel",
        "file_name",
        "records",
        "duplicates",
        "late",
        "submitted_by",
        "submitted_at",
    ]
    list_filter = [("department", RelatedOnlyFieldListFilter), "channel"]
    date_hierarchy = "submitted_at"
    search_fields = ["file_name"]
    list_select_related = ["department", "submitted_by"]
    fields = [
        "department",
        "channel",
        "file_name",
        "sha256",
        "records",
        "duplicates",
        "late",
        "submitted_at",
        "submitted_by",
        "record_list",
    ]
    readonly_fields = fields

    def _visible(self, request, queryset):
        return subsidies.visible_submissions(request.user, queryset)

    @admin.display(description=gettext_lazy("本次报送的记录"))
    def record_list(self, submission):
        url = reverse("admin:payouts_subsidyrecord_changelist") + f"?submission__id__exact={submission.pk}"
        return format_html('<a href="{}">{}</a>', url, _("查看%(n)d条记录") % {"n": submission.records})

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="payouts_subsidysubmission_upload"),
            path("template.<str:fmt>", wrap(self.template_view), name="payouts_subsidysubmission_template"),
            *super().get_urls(),
        ]

    # Upload ------------------------------------------------------------------------------------------------

    def upload_view(self, request):
        if not self.may_upload(request):
            raise PermissionDenied
        departments = subsidies.submitting_departments(request.user)
        if request.method != "POST":
            return self._render_upload(request, SubsidyUploadForm(departments=departments))
        if int(request.META.get("CONTENT_LENGTH") or 0) > max_import_bytes() + MULTIPART_SLACK:
            # Refused on the declared length alone: the body is never read.
            form = SubsidyUploadForm(departments=departments)
            return self._render_upload(request, form, error=too_large_message(), status=413)
        form = SubsidyUploadForm(request.POST, request.FILES, departments=departments)
        if not form.is_valid():
            return self._render_upload(request, form)
        try:
            outcome = subsidies.submit_file(
                form.cleaned_data["file"], department=form.cleaned_data["department"], user=request.user
            )
        except subsidies.SubsidyFileError as exc:
            form.add_error("file", str(exc))
            return self._render_upload(request, form)
        if outcome.refused:
            return self._render_upload(request, form, outcome=outcome)
        if outcome.submission is None:
            messages.info(
                request, _("文件中的%(n)d条记录此前均已报送，内容相同，未作任何改动") % {"n": outcome.unchanged}
            )
        else:
            messages.success(
                request,
                _("已导入：新增%(created)d条，更正%(corrected)d条，此前已报送未变化%(unchanged)d条")
                % {"created": outcome.created, "corrected": outcome.corrected, "unchanged": outcome.unchanged},
            )
        return self._render_upload(request, SubsidyUploadForm(departments=departments), outcome=outcome)

    def _render_upload(self, request, form, *, outcome=None, error="", status=200):
        records_url = reverse("admin:payouts_subsidyrecord_changelist")
        if outcome is not None and outcome.submission is not None:
            records_url += f"?submission__id__exact={outcome.submission.pk}"
        elif outcome is not None and outcome.rows:
            # Nothing new: the submissions that hold the file's records (usually the one it was first sent in).
            held = sorted({row["record"].submission_id for row in outcome.rows})
            records_url += "?submission__id__in=" + ",".join(str(pk) for pk in held)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("上传奖补数据"),
            "form": form,
            "error": error,
            "outcome": outcome,
            "errors": outcome.report.sorted_errors() if outcome is not None and outcome.refused else [],
            "notices": outcome.report.notices if outcome is not None else [],
            "records_url": records_url,
            "columns": subsidies.COLUMNS,
            "late_days": subsidies.LATE_AFTER_WORKDAYS,
            "template_xlsx": reverse("admin:payouts_subsidysubmission_template", args=["xlsx"]),
            "template_csv": reverse("admin:payouts_subsidysubmission_template", args=["csv"]),
        }
        return TemplateResponse(request, "admin/payouts/subsidysubmission/upload.html", context, status=status)

    # Template ----------------------------------------------------------------------------------------------

    def template_view(self, request, fmt):
        if fmt not in ("xlsx", "csv") or not self.may_upload(request):
            raise Http404
        if fmt == "csv":
            return _csv_template()
        return _xlsx_template()


def _example_values() -> list:
    return [subsidies.EXAMPLE_ROW[column.key] for column in subsidies.COLUMNS]


def _csv_template() -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="subsidy-template.csv"'
    response.write("\ufeff")  # Excel on Windows reads the Chinese correctly with a byte-order mark.
    writer = csv.writer(response)
    writer.writerow([column.header for column in subsidies.COLUMNS])
    writer.writerow([v.isoformat() if isinstance(v, dt.date) else v for v in _example_values()])
    return response


TEXT_COLUMNS = {"record_id", "uscc"}


def _xlsx_template() -> HttpResponse:
    """The data sheet (header, one example row, code columns formatted as text, a date cell) and a sheet of
    instructions after it (the reader reads the first sheet that has the header)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("奖补数据")
    sheet.append([column.header for column in subsidies.COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(_example_values())
    for index, column in enumerate(subsidies.COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 22 if column.key != "uscc" else 24
        for row in range(2, 1002):
            cell = sheet[f"{letter}{row}"]
            if column.key in TEXT_COLUMNS:
                cell.number_format = "@"
            elif column.key == "paid_on":
                cell.number_format = "yyyy-mm-dd"
            elif column.key == "amount":
                cell.number_format = "0.00"
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(_("填表说明"))
    notes.append([_("列名"), _("英文键名"), _("必填"), _("说明")])
    for column in subsidies.COLUMNS:
        notes.append([column.header, column.key, _("是") if column.required else _("否"), str(column.help)])
    notes.append([])
    notes.append([_("第2行为示例，请删除后填写；发放部门为报送部门，无需填写。")])
    for letter, width in zip("ABCD", (18, 18, 8, 60), strict=True):
        notes.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="subsidy-template.xlsx"'
    return response


SUBMISSION_LOOKUPS = ("submission__id__exact", "submission__id__in")
# The later records flagged as duplicates of one record, linked from that record.
DUPLICATES_LOOKUP = "duplicate_of__id__exact"


class DuplicateFilter(admin.SimpleListFilter):
    title = gettext_lazy("疑似重复")
    parameter_name = "duplicate"

    def lookups(self, request, model_admin):
        return [("yes", _("是（后报的记录）")), ("original", _("有后报的疑似重复（原记录）")), ("no", _("否"))]

    def queryset(self, request, queryset):
        from django.db.models import Q

        duplicate = Q(duplicate_of__isnull=False) | Q(payout_duplicate=True)
        if self.value() == "yes":
            return queryset.filter(duplicate)
        if self.value() == "original":
            return queryset.filter(later_duplicates__gt=0)
        if self.value() == "no":
            return queryset.exclude(duplicate).filter(later_duplicates=0)
        return queryset


class NameMismatchFilter(admin.SimpleListFilter):
    title = gettext_lazy("企业名称与档案")
    parameter_name = "name_mismatch"

    def lookups(self, request, model_admin):
        return [("yes", _("不一致")), ("no", _("一致")), ("none", _("档案中无此企业"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(name_mismatch=True)
        if self.value() == "no":
            return queryset.filter(enterprise__isnull=False, name_mismatch=False)
        if self.value() == "none":
            return queryset.filter(enterprise__isnull=True)
        return queryset


@admin.register(SubsidyRecord)
class SubsidyRecordAdmin(_Scoped, ViewOnlyHistoryAdmin, SimpleHistoryAdmin):
    view_permission = "payouts.view_subsidyrecord"
    # Few, narrow columns: the list fits a 1280 px screen beside the navigation and its filters (the code under
    # the name, the department under the record's id, every flag in one column); styles in subsidies.css.
    list_display = [
        "record_display",
        "enterprise_display",
        "item",
        "amount_display",
        "paid_display",
        "flags_display",
    ]
    list_filter = [
        ("department", RelatedOnlyFieldListFilter),
        "late",
        "funding_level",
        DuplicateFilter,
        NameMismatchFilter,
        ("paid_on", DateFieldListFilter),
    ]
    search_fields = ["=uscc", "enterprise_name", "=record_id"]
    list_select_related = ["department", "duplicate_of__department"]
    show_full_result_count = False
    fields = [
        "record_id",
        "department",
        "submission",
        "uscc",
        "enterprise_name",
        "enterprise",
        "name_check_display",
        "policy_title",
        "policy",
        "item",
        "matter",
        "amount_display",
        "paid_on",
        "funding_source",
        "funding_level",
        "submitted_at",
        "late_display",
        "duplicate_display",
    ]
    readonly_fields = fields

    def _visible(self, request, queryset):
        return subsidies.with_flags(subsidies.visible_records(request.user, queryset))

    class Media:
        css = {"all": ["payouts/subsidies.css"]}

    def get_list_display(self, request):
        # A department's staff see only their own department's records: its name in every row says nothing.
        if subsidies.sees_all(request.user):
            return ["record_with_department", *self.list_display[1:]]
        return self.list_display

    def lookup_allowed(self, lookup, value, request=None):
        # The records of one submission (or of the few a re-sent file's records are in), linked from the
        # submission and the upload's result.
        allowed = (*SUBMISSION_LOOKUPS, DUPLICATES_LOOKUP)
        return lookup in allowed or super().lookup_allowed(lookup, value, request)

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        shown = [request.GET[key] for key in SUBMISSION_LOOKUPS if request.GET.get(key)]
        if shown:
            # Said above the list: the records of these submissions only, and the way back to all of them.
            extra_context["submission_filter"] = "、".join(shown[0].split(","))
            extra_context["all_records_url"] = reverse("admin:payouts_subsidyrecord_changelist")
        original = request.GET.get(DUPLICATES_LOOKUP, "")
        if original.isdigit():
            found = self.get_queryset(request).filter(pk=int(original)).values_list("record_id", flat=True).first()
            extra_context["duplicates_of"] = found or original
            extra_context["all_records_url"] = reverse("admin:payouts_subsidyrecord_changelist")
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        from portal.core import normalize

        # A USCC or 记录编号 typed in full-width or lower case finds the record as well.
        folded = normalize.compact(search_term).upper()
        if folded and folded != search_term:
            found, dup = super().get_search_results(request, queryset, folded)
            more, dup2 = super().get_search_results(request, queryset, search_term)
            return found | more, dup or dup2
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=gettext_lazy("企业"), ordering="enterprise_name")
    def enterprise_display(self, record):
        if getattr(record, "name_mismatch", False):
            return format_html(
                '{}<br><small>{}</small><br><small class="subsidy-flag subsidy-name-mismatch">{}</small>',
                record.enterprise_name,
                record.uscc,
                self.name_check_display(record),
            )
        return format_html("{}<br><small>{}</small>", record.enterprise_name, record.uscc)

    @admin.display(description=gettext_lazy("企业名称核对"))
    def name_check_display(self, record):
        if record.enterprise_id is None:
            return _("档案中无此统一社会信用代码的企业")
        if getattr(record, "name_mismatch", False):
            return _("企业名称与档案不一致：档案为%(name)s") % {"name": record.archive_name}
        return _("与档案一致")

    @admin.display(description=gettext_lazy("金额（元）"), ordering="amount")
    def amount_display(self, record):
        # 100,000.00: thousands separated, always two places, as on a payment voucher.
        return f"{record.amount:,.2f}"

    @admin.display(description=gettext_lazy("发放日期"), ordering="paid_on")
    def paid_display(self, record):
        return record.paid_on.isoformat()

    @admin.display(description=gettext_lazy("记录编号"), ordering="record_id")
    def record_display(self, record):
        return record.record_id

    @admin.display(description=gettext_lazy("记录编号"), ordering="record_id")
    def record_with_department(self, record):
        return format_html("{}<br><small>{}</small>", record.record_id, self.department_display(record))

    @admin.display(description=gettext_lazy("发放部门"), ordering="department__name")
    def department_display(self, record):
        return record.department.short_name or record.department.name

    @admin.display(description=gettext_lazy("核对标记"))
    def flags_display(self, record):
        parts = []
        if record.late:
            parts.append(format_html('<span class="subsidy-flag">{}</span>', _("逾期报送")))
        duplicate = self.duplicate_display(record)
        if duplicate != "—":
            parts.append(duplicate)
        if not parts:
            return "—"
        return format_html_join(mark_safe("<br>"), "{}", ((part,) for part in parts))

    @admin.display(description=gettext_lazy("逾期报送"), ordering="late")
    def late_display(self, record):
        # Words, not the admin's green tick: a tick would read as "all right" for a late report.
        return _("逾期") if record.late else "—"

    @admin.display(description=gettext_lazy("疑似重复"))
    def duplicate_display(self, record):
        parts = []
        if record.duplicate_of_id:
            other = record.duplicate_of
            department = other.department.short_name or other.department.name
            parts.append(_("与%(department)s记录%(id)s重复") % {"department": department, "id": other.record_id})
        if getattr(record, "payout_duplicate", False):
            parts.append(_("与平台兑付重复"))
        later = getattr(record, "later_duplicates", 0)
        if later:
            # The original: its later copies, whichever department sent them, as they name it.
            url = reverse("admin:payouts_subsidyrecord_changelist") + f"?{DUPLICATES_LOOKUP}={record.pk}"
            parts.append(
                format_html(
                    '<a href="{}" class="subsidy-later-duplicates">{}</a>',
                    url,
                    _("后报%(n)d条疑似重复") % {"n": later},
                )
            )
        if not parts:
            return "—"
        return format_html_join("；", "{}", ((part,) for part in parts))
