"""拨付批次 in the back office: the maker's 新建拨付批次, the checker's 复核, the payment file, the bank's 回单.

- 新建拨付批次 (`create/`): a finance officer chooses a funding source of the department (only those), narrows by
  matter, the matter's department and the approval dates, sees how many payouts and how much would go into the
  batch (and how many wait without a payee account or are held), then makes it (`services.create_batch`).
- the batch's page: its payouts (paginated, the account masked), count, total and checksum, and the buttons the
  user may press now — 复核通过 only for another finance officer of the department (四眼原则: the maker never
  sees it, and a forced request is refused with the reason), 撤销批次 (draft, with a reason), 导出支付文件
  (Excel or CSV; the first export reports the batch to the bank, so it asks first; every export is recorded in the
  sensitive-access log), 导入银行回单 (the report: paid, failed and unchanged, or every bad line and nothing
  imported; the same file twice is recognised and changes nothing).
- 银行回单 (`BankResultImportAdmin`): the imports of the batches the user sees, read-only.
Every refusal is a Chinese message on the page, never an error page.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from simple_history.admin import SimpleHistoryAdmin

from payouts import services
from payouts.models import (
    BankResultImport,
    BatchState,
    FundingSource,
    LineOutcome,
    Payout,
    PayoutBatch,
    PayoutState,
)
from payouts.workflow import BATCHABLE, perform
from portal.core import normalize
from portal.core.workflow_admin import WorkflowAdmin, refusal_text
from portal.org.admin_mixins import ReadOnlyAdmin, ViewOnlyHistoryAdmin
from portal.org.models import Department, Role
from portal.org.permissions import can, is_platform_admin, is_supervisor

PAGE_SIZE = 50
DOWNLOAD_KEY = "payouts:batch-download"
EXPORT_FORMATS = {"xlsx": gettext_lazy("Excel"), "csv": gettext_lazy("CSV")}


# --- who ---------------------------------------------------------------------------------------------------------


def sees_all(user) -> bool:
    """Platform admins and supervisors see every department's funding sources and batches."""
    return is_platform_admin(user) or is_supervisor(user)


def finance_departments(user):
    """The finance departments in which `user` is a finance officer (财政部门经办人)."""
    if not getattr(user, "is_authenticated", False):
        return Department.objects.none()
    return Department.objects.filter(
        kind=Department.Kind.FINANCE, memberships__user=user, memberships__role=Role.FINANCE
    ).distinct()


def visible_batches(user):
    rows = PayoutBatch.objects.all()
    if sees_all(user):
        return rows
    return rows.filter(department__in=finance_departments(user))


def may_make_batches(user) -> bool:
    return can(user, services.PERM_BATCH) and finance_departments(user).exists()


def yuan(amount) -> str:
    """An amount in 元 as finance writes it: 1,250,000.00."""
    return f"{Decimal(amount or 0):,.2f}"


def outcome_text(batch) -> str:
    """The batch's lines counted by outcome, in the outcomes' order: 待银行回单2笔；支付成功3笔；支付失败1笔."""
    counts = dict(batch.lines.values_list("outcome").annotate(n=Count("pk")).values_list("outcome", "n"))
    text = pgettext("list separator", "；").join(
        _("%(outcome)s%(n)d笔") % {"outcome": label, "n": counts[value]}
        for value, label in LineOutcome.choices
        if counts.get(value)
    )
    return text or "—"


# --- 新建拨付批次 ---------------------------------------------------------------------------------------------------


class BatchForm(forms.Form):
    """制单: the funding source and what narrows the payouts put into the batch."""

    funding_source = forms.ModelChoiceField(
        label=gettext_lazy("资金来源"),
        queryset=FundingSource.objects.none(),
        empty_label=gettext_lazy("请选择资金来源"),
        error_messages={"required": gettext_lazy("请选择资金来源。")},
    )
    matter = forms.ModelChoiceField(
        label=gettext_lazy("事项"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("全部事项"),
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("事项主管部门"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("全部部门"),
    )
    approved_from = forms.DateField(
        label=gettext_lazy("核准日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    approved_to = forms.DateField(
        label=gettext_lazy("核准日期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=gettext_lazy("备注"), max_length=255, required=False)

    def __init__(self, *args, user, **kwargs):
        from matters.models import Matter

        super().__init__(*args, **kwargs)
        sources = FundingSource.objects.filter(active=True, department__in=finance_departments(user))
        self.fields["funding_source"].queryset = sources.select_related("department").order_by("name")
        waiting = Payout.objects.filter(funding_source__in=sources, state__in=[*BATCHABLE, PayoutState.HELD])
        self.fields["matter"].queryset = Matter.objects.filter(pk__in=waiting.values("matter")).order_by("code")
        self.fields["department"].queryset = Department.objects.filter(
            pk__in=waiting.values("matter__department")
        ).order_by("code")

    def clean_note(self):
        return normalize.text(self.cleaned_data.get("note") or "")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("approved_from"), cleaned.get("approved_to")
        if start and end and start > end:
            self.add_error("approved_to", _("截止日期不能早于起始日期。"))
        return cleaned

    def filters(self) -> dict:
        data = self.cleaned_data
        return {key: data.get(key) for key in ("matter", "department", "approved_from", "approved_to")}


PREVIEW_ROWS = 50


def preview(source: FundingSource, **filters) -> dict:
    """What a batch of `source` with `filters` would take now — the count, the total and the first
    `PREVIEW_ROWS` payouts in the order the batch takes them — and what waits outside it."""
    ready = services.narrowed(services.batchable(source), **filters)
    sums = ready.aggregate(n=Count("pk"), total=Sum("amount"))
    waiting = services.narrowed(Payout.objects.filter(funding_source=source), **filters)
    first = list(
        ready.order_by("pk").values(
            "pk", "number", "enterprise__name", "matter__name", "amount", "approved_on", "state"
        )[:PREVIEW_ROWS]
    )
    for row in first:
        row["amount_text"] = yuan(row["amount"])
        row["corrected"] = row["state"] == PayoutState.CORRECTED
    return {
        "count": sums["n"],
        "total": yuan(sums["total"]),
        "without_account": waiting.filter(state__in=BATCHABLE, account_number="").count(),
        "held": waiting.filter(state=PayoutState.HELD).count(),
        "rows": first,
        "more": max(sums["n"] - len(first), 0),
    }


# --- 导入银行回单 ---------------------------------------------------------------------------------------------------


class ResultUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("银行回单文件"),
        help_text=gettext_lazy(
            "Excel（.xlsx）或 CSV；列：兑付编号、金额（元）、支付结果、银行流水号、支付日期、失败原因"
        ),
        error_messages={"required": gettext_lazy("请选择银行回单文件。"), "empty": gettext_lazy("文件是空的。")},
    )


RESULT_WORDS_PAID = ["成功", "已支付", "支付成功", "S", "1"]
RESULT_WORDS_FAILED = ["失败", "支付失败", "退票", "F", "0"]
RESULT_DATE_FORMATS = ["2026-11-30", "2026/11/30", "2026年11月30日", gettext_lazy("Excel日期")]


def results_form(batch) -> tuple[str, bytes]:
    """下载回单模板（本批次）: an Excel workbook the bank's answer is typed into — one row per line still waiting
    for the bank (every line but the withdrawn ones once none waits), 兑付编号 and 金额（元） filled (the amount as
    text with two decimals, so Excel never rounds it), 支付结果/银行流水号/支付日期/失败原因 empty; a second
    sheet 填表说明 says what each column takes. `payouts.bankfiles.read_results` reads it back."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from payouts import bankfiles

    lines = batch.lines.select_related("payout").order_by("position")
    waiting = lines.filter(outcome=LineOutcome.PENDING)
    rows = waiting if waiting.exists() else lines.exclude(outcome=LineOutcome.WITHDRAWN)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("回单")
    sheet.append([_("银行回单（批次%(number)s）") % {"number": batch.number}])
    sheet["A1"].font = Font(bold=True)
    header = list(bankfiles.RESULT_COLUMNS.values())
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for line in rows.iterator():
        sheet.append([line.payout.number, f"{line.amount:.2f}", None, None, None, None])
    for row in sheet.iter_rows(min_row=3, max_col=6):
        for cell in (row[0], row[1], row[3]):  # numbers typed as text: a long 流水号 keeps every digit
            cell.number_format = "@"
    for column, width in zip("ABCDEF", (20, 16, 12, 26, 16, 30), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    notes = workbook.create_sheet(_("填表说明"))
    for row in (
        [_("填表说明")],
        [_("列"), _("填写要求")],
        [_("兑付编号、金额（元）"), _("已按本批次拨付明细填好，请勿修改；金额须与拨付金额一致到分。")],
        [
            _("支付结果"),
            _("成功：%(paid)s；失败：%(failed)s。每一行都须填写。")
            % {"paid": "、".join(RESULT_WORDS_PAID), "failed": "、".join(RESULT_WORDS_FAILED)},
        ],
        [_("银行流水号"), _("支付成功的行必填。")],
        [
            _("支付日期"),
            _("支付成功的行必填，不能晚于今天；格式：%(formats)s。")
            % {"formats": "、".join(str(f) for f in RESULT_DATE_FORMATS)},
        ],
        [_("失败原因"), _("支付失败的行必填，如“账户已销户”“户名与账号不符”。")],
        [_("导入"), _("任何一行有误则整个文件不导入；同一文件重复导入不会重复处理。")],
    ):
        notes.append(row)
    notes["A1"].font = Font(bold=True)
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 80
    out = io.BytesIO()
    workbook.save(out)
    return _("回单模板_%(number)s.xlsx") % {"number": batch.number}, out.getvalue()


# --- the admins --------------------------------------------------------------------------------------------------


def _person(field: str, label):
    """A read-only column of the person in `field`, by name and without a link: finance officers do not open
    staff accounts (the user admin would refuse them)."""

    def show(obj):
        user = getattr(obj, field)
        return (user.name or user.get_username()) if user else "—"

    show.short_description = label
    return staticmethod(show)


class BankResultImportInline(ReadOnlyAdmin, admin.TabularInline):
    """The batch's 回单 imports, read-only."""

    model = BankResultImport
    extra = 0
    can_delete = False
    fields = ["file_name", "lines", "paid", "failed", "unchanged", "imported_at", "importer"]
    readonly_fields = fields
    ordering = ["-imported_at", "-id"]
    importer = _person("imported_by", gettext_lazy("导入人"))
    view_permission = "payouts.view_bankresultimport"


@admin.register(PayoutBatch)
class PayoutBatchAdmin(WorkflowAdmin, ReadOnlyAdmin, ViewOnlyHistoryAdmin, SimpleHistoryAdmin):
    # A batch is made from the waiting payouts on 新建拨付批次 (`create/`), never typed in, and changes only
    # through the workflow's buttons.
    view_permission = "payouts.view_payoutbatch"
    list_display = [
        "number",
        "funding_source",
        "department",
        "state",
        "count",
        "total_yuan",
        "maker",
        "created_at",
        "checker",
        "approved_at",
        "sent_at",
    ]
    maker = _person("created_by", gettext_lazy("制单人"))
    checker = _person("approved_by", gettext_lazy("复核人"))
    sender = _person("sent_by", gettext_lazy("报送人"))
    list_filter = [
        "state",
        ("funding_source", admin.RelatedOnlyFieldListFilter),
        ("department", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["number", "note"]
    list_select_related = ["funding_source", "department", "created_by", "approved_by"]
    change_list_template = "admin/payouts/payoutbatch/change_list.html"
    change_form_template = "admin/payouts/payoutbatch/change_form.html"
    inlines = [BankResultImportInline]

    class Media:
        css = {"all": ["applications/admin.css", "payouts/admin.css"]}

    # Batches are made on 新建拨付批次 and moved by their buttons, never by a bulk action without looking.
    actions = None
    fieldsets = [
        (None, {"fields": ["number", "funding_source", "department", "state", "note"]}),
        (gettext_lazy("金额"), {"fields": ["count", "total_yuan", "outcome_counts", "checksum"]}),
        (
            gettext_lazy("办理"),
            {
                "fields": [
                    "maker",
                    "created_at",
                    "checker",
                    "approved_at",
                    "sender",
                    "sent_at",
                    "settled_at",
                ]
            },
        ),
    ]

    # --- who may do what ---

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=visible_batches(request.user).values("pk"))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("拨付批次不存在，或不属于您的部门"))
        return obj

    # --- columns ---

    @admin.display(description=gettext_lazy("合计金额（元）"), ordering="total")
    def total_yuan(self, obj):
        return yuan(obj.total)

    @admin.display(description=gettext_lazy("明细结果"))
    def outcome_counts(self, obj):
        return outcome_text(obj)

    # --- the page ---

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            rows = obj.lines.select_related("payout").order_by("position")
            page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("p"))
            page.object_list = list(page.object_list)
            for line in page.object_list:
                line.amount_text = yuan(line.amount)
            context["batch_lines"] = page
            context["batch_pages"] = page.paginator.num_pages > 1
            context["batch_cancelled"] = obj.state == BatchState.CANCELLED
            pending = request.session.get(DOWNLOAD_KEY)
            if pending and pending.get("batch") == obj.pk:
                # once, right after 确认导出: the page starts the file's download
                context["download_url"] = request.session.pop(DOWNLOAD_KEY)["url"]
        response = super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
        transitions = response.context_data.get("workflow_transitions")
        if transitions is not None:
            # 报送银行 happens by exporting the payment file (导出支付文件), not by a button of its own.
            response.context_data["workflow_transitions"] = [t for t in transitions if t.name != "send"]
        return response

    def workflow_notes(self, request, obj):
        notes = []
        user = request.user
        if obj.state == BatchState.DRAFT:
            if obj.created_by_id == user.pk:
                notes.append(_("本批次由您制单，须由本财政部门的其他人员复核（四眼原则）。"))
            else:
                notes.append(_("待复核：请核对批次明细、笔数和合计金额后复核。"))
        elif obj.state == BatchState.APPROVED:
            notes.append(_("已复核，请导出支付文件报送银行；导出后批次即为“已报送银行”。"))
        if obj.state in (BatchState.DRAFT, BatchState.APPROVED):
            try:
                services.check_payer(obj.funding_source)
            except ValidationError as error:
                notes.append(error.messages[0])
        elif obj.state == BatchState.SENT:
            notes.append(_("已报送银行，请在收到银行回单后导入。"))
        return notes

    def workflow_tools(self, request, obj):
        tools = []
        payer = can(request.user, services.PERM_BATCH) and services.is_payer(request.user, obj.department)
        if payer and obj.state in (BatchState.APPROVED, BatchState.SENT, BatchState.SETTLED):
            for fmt, label in EXPORT_FORMATS.items():
                tools.append(
                    {
                        "url": reverse("admin:payouts_payoutbatch_export", args=[obj.pk, fmt]),
                        "label": _("导出支付文件（%(format)s）") % {"format": label},
                        "name": f"export-{fmt}",
                    }
                )
        importer = can(request.user, services.PERM_IMPORT) and services.is_payer(request.user, obj.department)
        if importer and obj.state == BatchState.SENT:  # a settled batch has every line's answer
            tools.append(
                {
                    "url": reverse("admin:payouts_payoutbatch_import", args=[obj.pk]),
                    "label": _("导入银行回单"),
                    "name": "import",
                }
            )
        return tools

    def transition_view(self, request, object_id, name):
        if name == "send":
            obj = self.get_object(request, unquote(object_id))
            self.message_user(request, _("报送银行请使用“导出支付文件”。"), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:payouts_payoutbatch_change", args=[obj.pk]))
        return super().transition_view(request, object_id, name)

    def get_urls(self):
        return [
            path("create/", self.admin_site.admin_view(self.create_view), name="payouts_payoutbatch_create"),
            path(
                "<path:object_id>/payment-file/<str:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name="payouts_payoutbatch_export",
            ),
            path(
                "<path:object_id>/import/template/",
                self.admin_site.admin_view(self.results_template_view),
                name="payouts_payoutbatch_results_template",
            ),
            path(
                "<path:object_id>/import/",
                self.admin_site.admin_view(self.import_view),
                name="payouts_payoutbatch_import",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_create": may_make_batches(request.user),
            "may_open": may_open(request.user),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def _page(self, request, template, title, **context):
        return TemplateResponse(
            request,
            f"admin/payouts/payoutbatch/{template}.html",
            {**self.admin_site.each_context(request), "title": title, "opts": self.model._meta, **context},
        )

    def create_view(self, request):
        """新建拨付批次: the preview of what would be batched, then the batch (制单)."""
        if not may_make_batches(request.user):
            raise PermissionDenied
        posted = request.method == "POST"
        form = BatchForm(request.POST if posted else None, user=request.user)
        sources = form.fields["funding_source"].queryset
        if not posted and sources.count() == 1:
            form = BatchForm({"funding_source": sources.get().pk}, user=request.user)
        summary = None
        if form.is_bound and form.is_valid():
            source = form.cleaned_data["funding_source"]
            if posted and "_create" in request.POST:
                try:
                    batch = services.create_batch(
                        by=request.user, funding_source=source, note=form.cleaned_data["note"], **form.filters()
                    )
                except (ValidationError, PermissionDenied) as error:
                    form.add_error(None, refusal_text(error))
                else:
                    self.log_addition(request, batch, [{"added": {}}])
                    self.message_user(
                        request,
                        _("已生成拨付批次%(number)s：%(count)d笔，合计%(total)s元，请由本部门其他人员复核。")
                        % {"number": batch.number, "count": batch.count, "total": yuan(batch.total)},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:payouts_payoutbatch_change", args=[batch.pk]))
            summary = preview(source, **form.filters())
        return self._page(
            request,
            "create",
            _("新建拨付批次"),
            form=form,
            summary=summary,
            may_open=may_open(request.user),
        )

    def export_view(self, request, object_id, fmt):
        """导出支付文件: an approved batch asks first (the export reports it to the bank); a sent one downloads."""
        obj = self.get_object(request, unquote(object_id))
        change_url = reverse("admin:payouts_payoutbatch_change", args=[obj.pk])
        if fmt not in EXPORT_FORMATS:
            raise Http404(_("没有这种文件格式"))
        if obj.state == BatchState.APPROVED:
            if not services.is_payer(request.user, obj.department):
                self.message_user(request, _("只有拨付该资金的财政部门人员可以办理。"), messages.ERROR)
                return HttpResponseRedirect(change_url)
            if request.method == "POST" and "confirm" in request.POST:
                return self._send(request, obj, fmt)
            return self._page(
                request,
                "export",
                _("导出支付文件：%(number)s") % {"number": obj.number},
                original=obj,
                format_label=EXPORT_FORMATS[fmt],
                total=yuan(obj.total),
                change_url=change_url,
            )
        try:
            name, content_type, content = services.export_batch(obj, by=request.user, fmt=fmt, request=request)
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            return HttpResponseRedirect(change_url)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def _send(self, request, obj, fmt):
        """The confirmed first export: the batch is reported to the bank (报送银行), then its page opens and starts
        the download of the file (a sent batch's file downloads at once), so the officer sees the batch now sent
        rather than the confirmation page left behind a download."""
        change_url = reverse("admin:payouts_payoutbatch_change", args=[obj.pk])
        try:
            perform(obj, "send", by=request.user)
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            return HttpResponseRedirect(change_url)
        download = reverse("admin:payouts_payoutbatch_export", args=[obj.pk, fmt])
        request.session[DOWNLOAD_KEY] = {"batch": obj.pk, "url": download}
        self.message_user(
            request,
            format_html(
                _('批次已报送银行，支付文件（{}）开始下载。如未开始下载，请<a href="{}">点此下载</a>。'),
                EXPORT_FORMATS[fmt],
                download,
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(change_url)

    def results_template_view(self, request, object_id):
        """下载回单模板（本批次）: the batch's lines with 兑付编号 and 金额 filled, for the bank's answer."""
        obj = self.get_object(request, unquote(object_id))
        if not (can(request.user, services.PERM_IMPORT) and services.is_payer(request.user, obj.department)):
            self.message_user(request, _("只有拨付该资金的财政部门人员可以导入银行回单。"), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:payouts_payoutbatch_change", args=[obj.pk]))
        name, content = results_form(obj)
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response

    def import_view(self, request, object_id):
        """导入银行回单: the report of what the file did, or of every bad line (then nothing is imported)."""
        obj = self.get_object(request, unquote(object_id))
        change_url = reverse("admin:payouts_payoutbatch_change", args=[obj.pk])
        if not (can(request.user, services.PERM_IMPORT) and services.is_payer(request.user, obj.department)):
            self.message_user(request, _("只有拨付该资金的财政部门人员可以导入银行回单。"), messages.ERROR)
            return HttpResponseRedirect(change_url)
        form = ResultUploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = services.import_results(obj, upload.read(), file_name=upload.name, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, refusal_text(error))
            else:
                obj.refresh_from_db()
                if report.errors:
                    self.message_user(request, _("回单有误，未导入任何记录。"), messages.ERROR)
                elif report.already:
                    self.message_user(request, _("该回单文件此前已导入，本次未作任何更改。"), messages.WARNING)
                else:
                    self.message_user(
                        request,
                        _("回单已导入：支付成功%(paid)d笔，支付失败%(failed)d笔，此前已处理%(unchanged)d笔。")
                        % {"paid": report.paid, "failed": report.failed, "unchanged": report.unchanged},
                        messages.SUCCESS,
                    )
        return self._page(
            request,
            "import",
            _("导入银行回单：%(number)s") % {"number": obj.number},
            original=obj,
            form=form,
            report=report,
            change_url=change_url,
            template_url=reverse("admin:payouts_payoutbatch_results_template", args=[obj.pk]),
            paid_words=RESULT_WORDS_PAID,
            failed_words=RESULT_WORDS_FAILED,
            date_formats=RESULT_DATE_FORMATS,
            failed=obj.lines.filter(outcome=LineOutcome.FAILED).select_related("payout").order_by("position")
            if report and not report.errors
            else [],
        )


def may_open(user) -> bool:
    """生成待拨付记录: platform admins and finance officers."""
    return is_platform_admin(user) or services.is_payer(user, None)


@admin.register(BankResultImport)
class BankResultImportAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """银行回单: every imported result file of the batches the user sees (refused files leave no row)."""

    view_permission = "payouts.view_bankresultimport"
    list_display = ["batch_link", "file_name", "lines", "paid", "failed", "unchanged", "imported_at", "importer"]
    list_filter = [("batch__department", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["batch__number", "file_name"]
    list_select_related = ["batch", "imported_by"]
    fields = ["batch", "file_name", "sha256", "lines", "paid", "failed", "unchanged", "imported_at", "importer"]
    readonly_fields = fields
    importer = _person("imported_by", gettext_lazy("导入人"))

    def get_queryset(self, request):
        return super().get_queryset(request).filter(batch__in=visible_batches(request.user).values("pk"))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("回单不存在，或不属于您的部门"))
        return obj

    @admin.display(description=gettext_lazy("批次"), ordering="batch__number")
    def batch_link(self, obj):
        url = reverse("admin:payouts_payoutbatch_change", args=[obj.batch_id])
        return format_html('<a href="{}">{}</a>', url, obj.batch.number)
