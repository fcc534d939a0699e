"""延期申请 and 诉求办理时限 in the back office.

- 延期申请 (`ExtensionRequestAdmin`): the requests on the tickets the user may see; 待审核 first. The operators
  of the ticket's operations centre decide them with the workflow's buttons (`appeals.workflow.EXTENSION`:
  同意延期 extends the 办理 clock, 不同意延期 with a reason); anyone else is refused with the kernel's message.
  A request is made on the ticket's page (申请延期), never typed in here.
- 诉求办理时限 (`AppealTimeLimitAdmin`): platform admins keep the working days per kind and stage (1–60);
  everyone who handles appeals reads them. The documented defaults (`DEFAULT_LIMITS`, `DEFAULT_PAUSABLE`) are shown
  beside the rows, which override them for clocks started afterwards.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Case, Value, When
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from appeals import services
from appeals.models import (
    DEFAULT_LIMITS,
    DEFAULT_PAUSABLE,
    Appeal,
    AppealKind,
    AppealTimeLimit,
    ExtensionRequest,
    ExtensionState,
    Stage,
)
from portal.core.workflow_admin import WorkflowAdmin
from portal.org.admin_mixins import ReadOnlyAdmin, ViewOnlyHistoryAdmin
from portal.org.permissions import can, is_platform_admin
from portal.workcalendar import clocks


class PendingFilter(admin.SimpleListFilter):
    title = gettext_lazy("审核")
    parameter_name = "pending"

    def lookups(self, request, model_admin):
        return [("1", _("待审核"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(status=ExtensionState.PENDING)
        return queryset


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(WorkflowAdmin, ReadOnlyAdmin, ViewOnlyHistoryAdmin, SimpleHistoryAdmin):
    empty_value_display = "—"
    view_permission = "appeals.view_extensionrequest"
    list_display = ["appeal_link", "department", "days", "reason", "status", "due_before", "requested_at", "decided_at"]
    list_filter = [PendingFilter, "status", ("department", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["appeal__number", "appeal__title"]
    list_select_related = ["appeal", "department"]
    fields = [
        "appeal_link",
        "department",
        "days",
        "reason",
        "status",
        "due_before",
        "requested_by_name",
        "requested_at",
        "decided_by_name",
        "decided_at",
        "decision_note",
    ]
    readonly_fields = ["appeal_link", "department", "requested_by_name", "decided_by_name"]

    def get_queryset(self, request):
        visible = services.visible_to(request.user).values("pk")
        pending_first = Case(When(status=ExtensionState.PENDING, then=Value(0)), default=Value(1))
        rows = self.model._default_manager.filter(appeal__in=visible).annotate(pending_first=pending_first)
        return rows.order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        # 待审核 first, then the newest.
        return ["pending_first", "-requested_at", "-id"]

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("延期申请不存在，或您无权查看"))
        return obj

    def hidden(self, request, object_id):
        """The back office's 403 page for a request on a ticket the user may not see; None when visible or absent."""
        from appeals.admin_appeals import NOT_VISIBLE, REFUSED_TEMPLATE

        pk = unquote(str(object_id))
        row = ExtensionRequest.objects.select_related("appeal").filter(pk=pk).first() if pk.isdigit() else None
        if row is None or self.get_queryset(request).filter(pk=row.pk).exists():
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("不能查看"),
            "opts": Appeal._meta,
            "original": row.appeal,
            "message": NOT_VISIBLE,
            "visible": False,
        }
        return TemplateResponse(request, REFUSED_TEMPLATE, context, status=403)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self.hidden(request, object_id) or super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        return self.hidden(request, object_id) or super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return self.hidden(request, object_id) or super().history_form_view(
            request, object_id, version_id, extra_context
        )

    def transition_view(self, request, object_id, name):
        return self.hidden(request, object_id) or super().transition_view(request, object_id, name)

    @admin.display(description=gettext_lazy("诉求工单"), ordering="appeal__number")
    def appeal_link(self, obj):
        url = reverse("admin:appeals_appeal_change", args=[obj.appeal_id])
        return format_html('<a href="{}">{}</a> {}', url, obj.appeal.number, obj.appeal.title)

    @admin.display(description=gettext_lazy("申请人"))
    def requested_by_name(self, obj):
        return str(obj.requested_by) if obj.requested_by_id else "—"

    @admin.display(description=gettext_lazy("审核人"))
    def decided_by_name(self, obj):
        return str(obj.decided_by) if obj.decided_by_id else "—"

    def transition_details(self, request, obj, transition):
        lines = [
            (_("诉求工单"), f"{obj.appeal.number} {obj.appeal.title}"),
            (_("申请部门"), obj.department.name),
            (_("延长工作日数"), str(obj.days)),
            (_("延期理由"), obj.reason),
        ]
        if transition.name == "approve":
            current, extended = due_dates(obj)
            lines.append((_("当前办理截止日期"), current.isoformat() if current else "—"))
            lines.append(
                (
                    _("同意后的截止日期"),
                    extended.isoformat() if extended else _("暂停计时中，恢复计时后确定"),
                )
            )
        return lines

    def transition_submit_label(self, transition):
        return _("确认%(action)s") % {"action": transition.label}

    def workflow_notes(self, request, obj):
        if obj.status == ExtensionState.PENDING and obj.due_before:
            return [
                _("申请时办理时限截止于%(day)s；同意后顺延%(days)d个工作日。")
                % {"day": obj.due_before, "days": obj.days}
            ]
        return []


def due_dates(request) -> tuple:
    """(the 办理 clock's due date now, the due date approving `request` gives): the running (or paused) clock's
    working days plus its extensions plus the requested days from its start, pauses honoured
    (`clocks.compute_due`); (None, None) without such a clock, a None new date while a pause is open."""
    from appeals.workflow import HANDLE_CLOCK

    clock = clocks.of(request.appeal, HANDLE_CLOCK).exclude(state="stopped").order_by("-id").first()
    if clock is None:
        return None, None
    pauses = [(p.paused_on, p.resumed_on) for p in clock.pauses.all()]
    extended = sum(e.days for e in clock.extensions.all())
    return clock.due_on, clocks.compute_due(clock.started_on, clock.limit_days + extended + request.days, pauses)


class TimeLimitForm(forms.ModelForm):
    class Meta:
        model = AppealTimeLimit
        fields = ["kind", "stage", "days", "pausable", "basis"]
        error_messages = {
            "days": {"required": gettext_lazy("请填写时限（工作日）。"), "invalid": gettext_lazy("请填写整数。")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "days" in self.fields:  # absent on the read-only page
            self.fields["days"].help_text = _("1至60个工作日。默认时限见列表页。")

    def clean_days(self):
        days = self.cleaned_data.get("days")
        if days is None or not 1 <= days <= 60:
            raise ValidationError(_("时限应为1至60个工作日。"))
        return days

    def clean_basis(self):
        return " ".join((self.cleaned_data.get("basis") or "").split())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("pausable") and cleaned.get("stage") and cleaned["stage"] != Stage.HANDLE:
            self.add_error("pausable", _("只有“办理答复”环节可以在等待补充信息时暂停计时。"))
        kind, stage = cleaned.get("kind"), cleaned.get("stage")
        if kind and stage:
            others = AppealTimeLimit.objects.filter(kind=kind, stage=stage)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error(
                    "stage",
                    _("%(kind)s的“%(stage)s”环节已设置时限，请修改已有的那一条。")
                    % {"kind": AppealKind(kind).label, "stage": Stage(stage).label},
                )
        return cleaned

    def validate_unique(self):
        # Checked in clean() with a message that says what to do.
        pass


def default_rows() -> list[dict]:
    """The documented defaults beside the rows in force: per kind, each stage's default and current days."""
    rows = {(r.kind, r.stage): r for r in AppealTimeLimit.objects.all()}
    table = []
    for kind in AppealKind:
        cells = []
        for stage in Stage:
            row = rows.get((kind.value, stage.value))
            cells.append(
                {
                    "stage": stage.label,
                    "default": DEFAULT_LIMITS[stage][kind],
                    "current": row.days if row else None,
                }
            )
        table.append({"kind": kind.label, "cells": cells, "pausable": DEFAULT_PAUSABLE[kind]})
    return table


@admin.register(AppealTimeLimit)
class AppealTimeLimitAdmin(ViewOnlyHistoryAdmin, SimpleHistoryAdmin):
    empty_value_display = "—"
    form = TimeLimitForm
    list_display = ["kind", "stage", "days", "default_days", "pausable", "basis"]
    list_filter = ["kind", "stage"]
    change_list_template = "admin/appeals/appealtimelimit/change_list.html"

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return can(request.user, "appeals.view_appealtimelimit")

    def has_add_permission(self, request):
        # One row per kind and stage (seeded with the defaults): a row is added only where one was deleted.
        complete = AppealTimeLimit.objects.count() >= len(AppealKind) * len(Stage)
        return is_platform_admin(request.user) and not complete

    def has_change_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    @admin.display(description=gettext_lazy("默认时限（工作日）"))
    def default_days(self, obj):
        return DEFAULT_LIMITS[Stage(obj.stage)][AppealKind(obj.kind)]

    def changelist_view(self, request, extra_context=None):
        extra = {"defaults": default_rows(), "stages": [s.label for s in Stage]}
        return super().changelist_view(request, extra_context={**extra, **(extra_context or {})})
