"""免申即享 in the back office: build a list for a matter, accept it, follow its notification and answers, and
export the 扶持清单 (the confirmed enterprises) for the payouts.

- `build/` (生成名单): the reviewers and approvers of the matter's department choose a published 免申即享 matter,
  the period and the confirmation period; `confirmations.build_list` freezes the rule version, facts and amounts.
- the change form offers 受理名单 (the approver) through the workflow kernel, shows the push clock, the counts per
  state and how many enterprises were told, and links to the confirmations and the export.
- `<pk>/export/` (导出扶持清单): an Excel workbook of the confirmed enterprises with their accounts; each export is
  recorded in the sensitive-access log.
Confirmations are read-only here, the bank account masked.
"""

from __future__ import annotations

import io

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from applications import confirmations
from applications.models import Confirmation, ConfirmationList
from portal.core.crypto import mask_bank_account
from portal.core.workflow_admin import WorkflowAdmin, refusal_text
from portal.org.admin_mixins import ReadOnlyAdmin
from portal.org.permissions import can, is_platform_admin, is_supervisor
from portal.org.roles import Role
from portal.org.selectors import departments_of
from portal.workcalendar import clocks

BUILD_TEMPLATE = "admin/applications/confirmationlist/build.html"
C = Confirmation.State


def visible_lists(user):
    """The lists `user` may see: its departments' matters; every list for finance, supervisors and platform admins."""
    rows = ConfirmationList.objects.all()
    if is_platform_admin(user) or is_supervisor(user) or user.memberships.filter(role=Role.FINANCE).exists():
        return rows
    return rows.filter(matter__department__in=departments_of(user))


def _buildable_matters(user):
    from matters.models import DeliveryKind, Matter, MatterStatus

    matters = Matter.objects.filter(delivery_kind=DeliveryKind.AUTOMATIC, status=MatterStatus.PUBLISHED)
    if not is_platform_admin(user):
        matters = matters.filter(
            department__in=user.memberships.filter(role__in=[Role.REVIEWER, Role.APPROVER]).values("department")
        )
    return matters.select_related("department").order_by("code")


class BuildForm(forms.Form):
    matter = forms.ModelChoiceField(label=gettext_lazy("免申即享事项"), queryset=None)
    period = forms.CharField(
        label=gettext_lazy("兑现批次"),
        max_length=16,
        help_text=gettext_lazy("一般为年度，如 2026；同一批次只能生成一次"),
    )
    confirm_days = forms.IntegerField(
        label=gettext_lazy("确认期限（工作日）"),
        min_value=1,
        max_value=60,
        initial=10,
        help_text=gettext_lazy("企业收到通知后在此期限内确认，逾期视为放弃"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].queryset = _buildable_matters(user)
        self.fields["period"].initial = str(timezone.localdate().year)


class ConfirmationListForm(forms.ModelForm):
    class Meta:
        model = ConfirmationList
        fields = ["confirm_days"]


@admin.register(ConfirmationList)
class ConfirmationListAdmin(WorkflowAdmin, SimpleHistoryAdmin):
    form = ConfirmationListForm
    list_display = ["matter", "period", "status", "total", "told", "confirmed", "pending", "declined", "waived"]
    list_filter = ["status"]
    search_fields = ["matter__name", "matter__code", "period"]
    list_select_related = ["matter"]
    change_list_template = "admin/applications/confirmationlist/change_list.html"
    readonly_fields = [
        "matter",
        "period",
        "rule_set",
        "status",
        "created_by",
        "created_at",
        "accepted_at",
        "notified_at",
        "push_clock",
        "progress",
        "state_counts",
        "confirmations_link",
    ]
    fieldsets = [
        (None, {"fields": ["matter", "period", "rule_set", "status", "confirm_days"]}),
        (
            gettext_lazy("办理"),
            {"fields": ["created_by", "created_at", "accepted_at", "push_clock", "notified_at", "progress"]},
        ),
        (gettext_lazy("确认情况"), {"fields": ["state_counts", "confirmations_link"]}),
    ]

    # --- who ---------------------------------------------------------------------------------------------------

    def get_queryset(self, request):
        counted = {
            "n_total": Count("confirmations"),
            "n_told": Count("confirmations", filter=Q(confirmations__notified_at__isnull=False)),
        }
        for state in C.values:
            counted[f"n_{state}"] = Count("confirmations", filter=Q(confirmations__state=state))
        return super().get_queryset(request).filter(pk__in=visible_lists(request.user).values("pk")).annotate(**counted)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("对象不存在，或不属于您的部门"))
        return obj

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return can(request.user, "applications.view_confirmationlist")

    def has_add_permission(self, request):
        # A list is built from the match results (`build/`), never typed in.
        return False

    def may_build(self, request) -> bool:
        return can(request.user, confirmations.PERM_BUILD) and _buildable_matters(request.user).exists()

    def has_change_permission(self, request, obj=None):
        if not can(request.user, "applications.change_confirmationlist"):
            return False
        if obj is None:
            return True
        return obj.status == ConfirmationList.State.DRAFT and confirmations.may_build(request.user, obj.matter)

    def has_delete_permission(self, request, obj=None):
        return False

    # --- columns -------------------------------------------------------------------------------------------------

    @admin.display(description=gettext_lazy("企业数"), ordering="n_total")
    def total(self, obj):
        return obj.n_total

    @admin.display(description=gettext_lazy("已通知"))
    def told(self, obj):
        return obj.n_told

    @admin.display(description=gettext_lazy("已确认"))
    def confirmed(self, obj):
        return obj.n_confirmed

    @admin.display(description=gettext_lazy("待确认"))
    def pending(self, obj):
        return obj.n_pending

    @admin.display(description=gettext_lazy("已放弃"))
    def declined(self, obj):
        return obj.n_declined

    @admin.display(description=gettext_lazy("逾期视为放弃"))
    def waived(self, obj):
        return obj.n_waived

    @admin.display(description=gettext_lazy("推送时限"))
    def push_clock(self, obj):
        clock = clocks.of(obj, confirmations.NOTIFY_CLOCK).last() if obj.pk else None
        if clock is None:
            return _("受理后开始计时（10个工作日内推送企业）")
        if clock.stopped_at:
            return _("%(start)s开始，截止%(due)s，已于%(stop)s完成推送") % {
                "start": clock.started_on.isoformat(),
                "due": clock.due_on.isoformat(),
                "stop": timezone.localdate(clock.stopped_at).isoformat(),
            }
        return _("%(start)s开始，截止%(due)s") % {
            "start": clock.started_on.isoformat(),
            "due": clock.due_on.isoformat(),
        }

    @admin.display(description=gettext_lazy("通知进度"))
    def progress(self, obj):
        found = confirmations.counts(obj)
        return _("已通知%(told)d家，共%(total)d家") % {"told": found["notified"], "total": found["total"]}

    @admin.display(description=gettext_lazy("各状态企业数"))
    def state_counts(self, obj):
        found = confirmations.counts(obj)
        return "；".join(f"{label}{found[value]}" for value, label in C.choices)

    @admin.display(description=gettext_lazy("名单企业"))
    def confirmations_link(self, obj):
        url = reverse("admin:applications_confirmation_changelist") + f"?confirmation_list__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("查看名单中的企业及确认情况"))

    # --- pages ---------------------------------------------------------------------------------------------------

    def workflow_tools(self, request, obj):
        if obj.status == ConfirmationList.State.DRAFT:
            return []
        url = reverse("admin:applications_confirmationlist_export", args=[obj.pk])
        return [{"url": url, "label": _("导出扶持清单（Excel）"), "name": "export"}]

    def get_urls(self):
        return [
            path("build/", self.admin_site.admin_view(self.build_view), name="applications_confirmationlist_build"),
            path(
                "<path:object_id>/export/",
                self.admin_site.admin_view(self.export_view),
                name="applications_confirmationlist_export",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_build": self.may_build(request)}
        return super().changelist_view(request, extra_context=extra_context)

    def build_view(self, request):
        """生成名单: a published 免申即享 matter of the user's department, the period, the confirmation period."""
        if not can(request.user, confirmations.PERM_BUILD):
            raise PermissionDenied
        form = BuildForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                built = confirmations.build_list(
                    data["matter"], by=request.user, period=data["period"], confirm_days=data["confirm_days"]
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, refusal_text(error))
            else:
                self.log_addition(request, built, [{"added": {}}])
                self.message_user(
                    request,
                    _("已生成名单：%(n)d家企业，待审批人受理。") % {"n": built.confirmations.count()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:applications_confirmationlist_change", args=[built.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("生成免申即享确认名单"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, BUILD_TEMPLATE, context)

    def export_view(self, request, object_id):
        """导出扶持清单: the confirmed enterprises with amounts and accounts (recorded as a sensitive access)."""
        from openpyxl import Workbook
        from openpyxl.styles import Font

        from portal.audit.services import log_sensitive_access

        obj = self.get_object(request, unquote(object_id))
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        book = Workbook()
        sheet = book.active
        sheet.title = _("扶持清单")
        header = [
            _("序号"),
            _("企业名称"),
            _("统一社会信用代码"),
            _("法定代表人"),
            _("兑现金额（元）"),
            _("金额说明"),
            _("开户银行"),
            _("银行账号"),
            _("确认时间"),
        ]
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for n, row in enumerate(confirmations.confirmed_for_payout(obj), start=1):
            sheet.append(
                [
                    n,
                    row.enterprise.name,
                    row.enterprise.uscc,
                    row.enterprise.legal_rep_name,
                    row.amount,
                    row.amount_text,
                    row.bank_name,
                    row.bank_account,
                    timezone.localtime(row.answered_at).strftime("%Y-%m-%d %H:%M") if row.answered_at else "",
                ]
            )
            # Accounts are text: a number cell would lose digits beyond the 15th.
            sheet.cell(row=n + 1, column=8).number_format = "@"
            sheet.cell(row=n + 1, column=5).number_format = "0.00"
        log_sensitive_access(request, obj, ["bank_account"], purpose=str(_("导出扶持清单")))
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        name = f"fuchi-{obj.matter.code}-{obj.period}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


@admin.register(Confirmation)
class ConfirmationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    view_permission = "applications.view_confirmation"
    """免申即享确认, read-only: the answers are the enterprise's; the account is shown masked."""

    list_display = ["enterprise", "confirmation_list", "state", "amount", "due_on", "notified_at", "answered_at"]
    # Only the lists the user sees: a plain related filter would name every department's lists.
    list_filter = ["state", ("confirmation_list", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["enterprise__name", "enterprise__uscc", "code"]
    list_select_related = ["enterprise", "confirmation_list__matter"]
    fields = [
        "confirmation_list",
        "enterprise",
        "code",
        "state",
        "amount",
        "amount_text",
        "bank_name",
        "masked_account",
        "decline_reason",
        "due_on",
        "notified_at",
        "answered_at",
        "answered_by",
        "facts_table",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        lists = visible_lists(request.user).values("pk")
        return super().get_queryset(request).filter(confirmation_list__in=lists)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("对象不存在，或不属于您的部门"))
        return obj

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    @admin.display(description=gettext_lazy("银行账号"))
    def masked_account(self, obj):
        return mask_bank_account(obj.bank_account) or "—"

    @admin.display(description=gettext_lazy("认定所用数据"))
    def facts_table(self, obj):
        criteria = (obj.facts or {}).get("criteria", [])
        if not criteria:
            return "—"
        items = format_html_join(
            "",
            "<li>{}：{}（{}，{}）</li>",
            (
                (
                    c.get("message", ""),
                    "—" if c.get("value") in (None, "") else f"{c['value']}{c.get('unit', '')}",
                    c.get("source") or "—",
                    c.get("as_of") or "—",
                )
                for c in criteria
            ),
        )
        rule = obj.facts.get("rule_set", {})
        head = _("申报条件第%(version)s版，%(on)s认定") % {
            "version": rule.get("version", "?"),
            "on": obj.facts.get("on"),
        }
        return format_html("<p>{}</p><ul>{}</ul>", head, items)
