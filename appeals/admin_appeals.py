"""诉求工单 in the back office: the operations centre's and the departments' queues, and the one page per ticket.

- The list (`AppealAdmin`): the tickets the user may see (`services.visible_to`); 我的待办 per role
  (`selectors.queue`): operators 待受理 / 待派单 / 已退单待改派 / 延期待审 / 超期·督办, departments 待签收 /
  办理中 / 待补充信息 / 即将到期 / 已超期; the current due date in green (on time), amber (due today or on the
  next working day) or red (overdue), always with its words; 重办 and 超时限三倍 marks. 统计口径 (`?stat=`)
  lists the tickets behind a figure of the statistics page.
- The page (read-only): the ticket, the contact masked (the centre's operators may reveal it, stating why; every
  reveal is in the sensitive access log), attachments (downloaded through a checked view), dispatches, replies,
  extension requests, call-backs, the clocks with their derivation (`clocks.explain`), the history.
- What is done is the workflow's (`WorkflowAdmin`, `appeals.workflow.APPEAL`): 派单 asks for the department
  (the suggestion preselected, with its basis, the department that has just returned it left out, its reason
  shown) and a note; 答复 / 直接答复 for the reply, with the appeal's content, its related matter or policy and
  what the submitter supplied above the text (`appeal_details`); each button says what it does (提交答复, 确认派单).
  A member of staff whose department the ticket is not dispatched to gets 403 with the kernel's message; a
  transition the state does not allow is an error message on the page.
- 办理记录 (`record`): the ticket's history with the extension requests and their decisions, in time order.
- Every page of one ticket (the page, its history, 申请延期, 回访, 联系电话, attachments, transitions) applies the
  list's visibility (`services.visible_to`): a ticket that exists but is out of the user's sight is the back
  office's 403 page, "本工单未派给您所在的部门，不能查看。" (`NOT_VISIBLE`), never the public not-found page; an id
  that does not exist is a 404.
- Beside the transitions: 申请延期 (the handling department while 办理中 or 待补充信息, before the due date, no
  request pending — with a pending one the page says so), 添加回访记录 (the centre's operators, once answered),
  显示完整联系电话 (the centre's operators).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from appeals import selectors, services, statistics
from appeals.models import Appeal, AppealState, CallbackRecord, ExtensionRequest, ExtensionState
from appeals.workflow import APPEAL, is_centre_operator, is_handler
from portal import workdays
from portal.core import normalize
from portal.core.workflow import TransitionNotAllowed
from portal.core.workflow_admin import WorkflowAdmin, refusal_text
from portal.org.admin_mixins import ReadOnlyAdmin, ViewOnlyHistoryAdmin
from portal.org.permissions import can
from portal.workcalendar import clocks

S = AppealState
# Done by the submitter (online, by SMS link or relayed by 12345): not offered here.
SUBMITTER_TRANSITIONS = {"evaluate", "reopen", "withdraw"}
FORM_TEMPLATE = "admin/appeals/appeal/form.html"
REFUSED_TEMPLATE = "admin/appeals/appeal/refused.html"
# 申请延期 is offered in these states only (signed, not yet answered).
EXTENSION_STATES = (AppealState.HANDLING, AppealState.WAITING)
TEXTAREA = {"rows": 5, "class": "vLargeTextField"}
NOT_VISIBLE = gettext_lazy("本工单未派给您所在的部门，不能查看。")


# --- the due date --------------------------------------------------------------------------------------------


def due_badge(due_on, *, today=None) -> str:
    """A due date in colour and in words: green 剩N个工作日, amber 今日到期 / 明日到期 (the next working day),
    red 已超期N个工作日."""
    if due_on is None:
        return "—"
    today = today or timezone.localdate()
    if today > due_on:
        late = max(workdays.workdays_between(due_on, today), 1)
        return format_html(
            '<span class="deadline-overdue" data-due="overdue">{}（{}）</span>',
            due_on,
            _("已超期%(n)d个工作日") % {"n": late},
        )
    left = workdays.workdays_between(today, due_on)
    if left <= 1:
        note = _("今日到期") if due_on == today else _("下一个工作日到期")
        return format_html('<span class="deadline-soon" data-due="soon">{}（{}）</span>', due_on, note)
    note = _("剩%(n)d个工作日") % {"n": left}
    return format_html('<span class="deadline-ok" data-due="ok">{}（{}）</span>', due_on, note)


# --- the page ------------------------------------------------------------------------------------------------


def _when(value) -> str:
    """A moment as YYYY-MM-DD HH:MM (local), a day as YYYY-MM-DD; "" for none (the template shows "—")."""
    if not value:
        return ""
    if hasattr(value, "hour"):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    return value.isoformat()


def _who(user) -> str:
    if user is None:
        return str(_("平台"))
    return getattr(user, "display_name", "") or getattr(user, "name", "") or user.get_username()


def sheet(appeal) -> dict:
    """Everything on the ticket's page below its fields."""
    return {
        "attachments": [
            {
                "name": a.name,
                "size": a.size,
                "sha256": a.sha256[:12],
                "at": _when(a.uploaded_at),
                "url": reverse("admin:appeals_appeal_attachment", args=[appeal.pk, a.pk]),
            }
            for a in appeal.attachments.order_by("id")
        ],
        "dispatches": [
            {
                "department": d.department.name,
                "round": d.round,
                "note": d.note,
                "by": _who(d.dispatched_by) if d.dispatched_by_id else "",
                "at": _when(d.dispatched_at),
                "signed": _when(d.signed_at),
                "returned": _when(d.returned_at),
                "return_reason": d.return_reason,
                "replied": _when(d.replied_at),
            }
            for d in appeal.dispatches.select_related("department", "dispatched_by").order_by("dispatched_at", "id")
        ],
        "replies": [
            {
                "department": r.department.name,
                "round": r.round,
                "content": r.content,
                "by": _who(r.replied_by) if r.replied_by_id else "",
                "at": _when(r.replied_at),
            }
            for r in appeal.replies.select_related("department", "replied_by").order_by("replied_at", "id")
        ],
        "extensions": [
            {
                "url": reverse("admin:appeals_extensionrequest_change", args=[e.pk]),
                "department": e.department.name,
                "days": e.days,
                "reason": e.reason,
                "status": e.get_status_display(),
                "due_before": _when(e.due_before),
                "at": _when(e.requested_at),
                "decided": _when(e.decided_at),
                "note": e.decision_note,
            }
            for e in appeal.extension_requests.select_related("department").order_by("requested_at", "id")
        ],
        "information": [
            {
                "department": i.department.name,
                "question": i.question,
                "by": _who(i.asked_by) if i.asked_by_id else "",
                "at": _when(i.asked_at),
                "answer": i.answer,
                "answered": _when(i.answered_at),
            }
            for i in appeal.information_requests.select_related("department", "asked_by").order_by("asked_at", "id")
        ],
        "callbacks": [
            {
                "at": _when(c.called_at),
                "reached": c.reached,
                "satisfaction": c.get_heard_satisfaction_display(),
                "note": c.note,
                "by": _who(c.operator) if c.operator_id else "",
            }
            for c in appeal.callbacks.select_related("operator").order_by("called_at", "id")
        ],
        "clocks": [
            {
                "label": clock.kind_label,
                "state": clock.get_state_display(),
                "started_on": _when(clock.started_on),
                "limit_days": clock.limit_days,
                "due": due_badge(clock.due_on) if clock.state == "running" else (_when(clock.due_on) or "—"),
                "stopped_late": clock.stopped_late,
                "lines": clocks.explain(clock).lines(),
            }
            for clock in clocks.of(appeal).order_by("started_on", "id")
        ],
        "history": record(appeal),
    }


def record(appeal) -> list[dict]:
    """办理记录, newest first: the ticket's history with its extension requests and their decisions, in time order
    (each row: at, by, status, department, reason)."""
    rows = [
        {
            "when": row.history_date,
            "by": _who(row.history_user) if row.history_user_id else _("平台"),
            "status": S(row.status).label if row.status in S.values else row.status,
            "department": row.department.name if row.department_id and row.department else "",
            "reason": row.history_change_reason or "",
        }
        for row in appeal.history.select_related("history_user", "department")
    ]
    requests = appeal.extension_requests.select_related("department", "requested_by", "decided_by")
    for e in requests:
        rows.append(
            {
                "when": e.requested_at,
                "by": _who(e.requested_by) if e.requested_by_id else _("平台"),
                "status": _("申请延期"),
                "department": e.department.name,
                "reason": _("延长%(days)d个工作日：%(reason)s") % {"days": e.days, "reason": e.reason},
            }
        )
        if e.decided_at:
            rows.append(
                {
                    "when": e.decided_at,
                    "by": _who(e.decided_by) if e.decided_by_id else _("平台"),
                    "status": _("同意延期") if e.status == ExtensionState.APPROVED else _("不同意延期"),
                    "department": e.department.name,
                    "reason": e.decision_note,
                }
            )
    rows.sort(key=lambda row: row["when"], reverse=True)
    for row in rows:
        row["at"] = _when(row.pop("when"))
    return rows


def appeal_details(appeal) -> list[tuple[str, str]]:
    """What a reply or a decision is about, above its form: the appeal's title and content, the related matter,
    policy or application, and the information the submitter supplied."""
    lines = [
        (_("诉求标题"), appeal.title),
        (_("诉求内容"), appeal.content),
        (_("相关事项、政策或申报"), related_text(appeal)),
    ]
    for item in appeal.information_requests.exclude(answer="").order_by("asked_at", "id"):
        lines.append(
            (
                _("补充信息（%(at)s）") % {"at": _when(item.answered_at) or "—"},
                _("问：%(question)s\n答：%(answer)s") % {"question": item.question, "answer": item.answer},
            )
        )
    return lines


def related_text(appeal) -> str:
    parts = []
    if appeal.matter_id:
        parts.append(_("事项：%(name)s") % {"name": appeal.matter.name})
    if appeal.policy_id:
        parts.append(_("政策：%(name)s") % {"name": appeal.policy.title})
    if appeal.application_id:
        parts.append(_("申报：%(number)s") % {"number": appeal.application.number})
    return "；".join(parts) or "—"


# --- forms ---------------------------------------------------------------------------------------------------


class DispatchForm(forms.Form):
    """派单: the department (those the centre may dispatch to; the suggestion preselected) and a note."""

    department = forms.ModelChoiceField(
        label=gettext_lazy("承办部门"),
        queryset=None,
        error_messages={
            "required": gettext_lazy("请选择承办部门。"),
            "invalid_choice": gettext_lazy("请选择列出的承办部门。"),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("派单意见"), required=False, max_length=500, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args, appeal, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        departments = services.dispatchable_departments(appeal)
        self.returned = last_return(appeal) if appeal.status == S.RETURNED else None
        if self.returned is not None:
            # the department that has just returned it is not offered again
            departments = departments.exclude(pk=self.returned.department_id)
        field.queryset = departments.order_by("region__code", "code")
        suggested, basis = selectors.suggestion(appeal)
        self.suggested = suggested
        if suggested is not None:
            field.initial = suggested.pk
            field.help_text = _("建议派往：%(name)s（依据：%(basis)s）") % {"name": suggested.name, "basis": basis}
        else:
            field.help_text = _("没有相关事项或政策可供建议，请根据诉求内容选择承办部门。")


def last_return(appeal):
    """The latest 退单 of the appeal (a `DispatchRecord` with its reason), or None."""
    return (
        appeal.dispatches.filter(returned_at__isnull=False)
        .select_related("department")
        .order_by("-returned_at", "-id")
        .first()
    )


def return_notice(record) -> str:
    """ "科技局退单理由：…" — the department by its short name when it has one."""
    name = record.department.short_name or record.department.name
    return _("%(department)s退单理由：%(reason)s") % {"department": name, "reason": record.return_reason}


class ExtensionForm(forms.Form):
    """延期申请: 1–30 working days and why."""

    days = forms.IntegerField(
        label=gettext_lazy("延长工作日数"),
        min_value=1,
        max_value=30,
        error_messages={
            "required": gettext_lazy("请填写延长的工作日数。"),
            "invalid": gettext_lazy("请填写整数。"),
            "min_value": gettext_lazy("延长天数应为1至30个工作日。"),
            "max_value": gettext_lazy("延长天数应为1至30个工作日。"),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("延期理由"),
        max_length=500,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": gettext_lazy("请写明延期理由（不少于5个字）。")},
    )


class CallbackForm(forms.ModelForm):
    """回访记录: reached or not, the satisfaction heard, what was said."""

    class Meta:
        model = CallbackRecord
        fields = ["reached", "heard_satisfaction", "note"]
        widgets = {"note": forms.Textarea(attrs=TEXTAREA)}
        error_messages = {"note": {"required": gettext_lazy("请填写回访记录。")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reached"].required = False
        self.fields["heard_satisfaction"].help_text = _("诉求人在回访中表达的满意度；未联系上时不填。")

    def clean_note(self):
        note = normalize.prose(self.cleaned_data.get("note") or "")
        if len(note) < 2:
            raise ValidationError(_("请填写回访记录。"))
        return note

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("reached") and cleaned.get("heard_satisfaction"):
            self.add_error("heard_satisfaction", _("未联系上诉求人，不能记录回访满意度。"))
        return cleaned


class RevealForm(forms.Form):
    purpose = forms.CharField(
        label=gettext_lazy("查看事由"),
        max_length=200,
        error_messages={"required": gettext_lazy("请填写查看事由，查看记录将被留存备查。")},
    )


# --- filters -------------------------------------------------------------------------------------------------


class QueueFilter(admin.SimpleListFilter):
    """我的待办: the queues of the user's role (`selectors.queues_for`)."""

    title = gettext_lazy("我的待办")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return selectors.queues_for(request.user)

    def queryset(self, request, queryset):
        if self.value():
            return selectors.queue(queryset, self.value(), request.user)
        return queryset


class StatisticFilter(admin.SimpleListFilter):
    """统计口径: the appeals behind one figure of the statistics page (`statistics.conditions`)."""

    title = gettext_lazy("统计口径")
    parameter_name = "stat"

    def lookups(self, request, model_admin):
        return [(key, label) for key, label in statistics.CONDITION_LABELS.items() if key != "received"]

    def queryset(self, request, queryset):
        condition = statistics.conditions().get(self.value() or "")
        if condition:
            return queryset.filter(condition)
        return queryset


# --- the admin -----------------------------------------------------------------------------------------------


@admin.register(Appeal)
class AppealAdmin(WorkflowAdmin, ReadOnlyAdmin, ViewOnlyHistoryAdmin, SimpleHistoryAdmin):
    empty_value_display = "—"
    view_permission = "appeals.view_appeal"
    list_display = ["number", "kind", "channel", "title", "status", "department", "due", "marks"]
    list_filter = [
        QueueFilter,
        "status",
        "kind",
        "channel",
        ("department", admin.RelatedOnlyFieldListFilter),
        StatisticFilter,
    ]
    search_fields = ["number", "hotline_number", "title", "enterprise__name", "enterprise__uscc"]
    list_select_related = ["department"]
    change_form_template = "admin/appeals/appeal/change_form.html"
    view_on_site = False
    fieldsets = [
        (
            gettext_lazy("诉求"),
            {
                "fields": [
                    "number",
                    "hotline_number",
                    "kind",
                    "channel",
                    "urgency",
                    "status",
                    "title",
                    "content_text",
                    "enterprise_name",
                    "contact_name",
                    "contact",
                    "region",
                    "related",
                ]
            },
        ),
        (
            gettext_lazy("办理"),
            {
                "fields": [
                    "operations_centre",
                    "department",
                    "submitted_at",
                    "accepted_at",
                    "dispatched_at",
                    "signed_at",
                    "replied_at",
                    "closed_at",
                    "reject_reason",
                    "escalated_on",
                    "triple_overdue_on",
                ]
            },
        ),
        (
            gettext_lazy("评价"),
            {"fields": ["satisfaction", "evaluation_comment", "evaluation_source", "evaluated_at", "reopen_count"]},
        ),
    ]
    readonly_fields = [
        "content_text",
        "enterprise_name",
        "contact",
        "related",
        "operations_centre",
        "department",
        "region",
    ]

    class Media:
        css = {"all": ["applications/admin.css", "appeals/admin.css"]}

    # --- who may do what ---

    def get_queryset(self, request):
        visible = services.visible_to(request.user).values("pk")
        pending = ExtensionRequest.objects.filter(appeal=OuterRef("pk"), status=ExtensionState.PENDING)
        rows = super().get_queryset(request).filter(pk__in=visible).annotate(extension_pending=Exists(pending))
        return selectors.with_current_due(rows)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("诉求工单不存在，或您无权查看"))
        return obj

    def hidden(self, request, object_id):
        """The back office's 403 page for a ticket that exists but is not visible to the user (`services.visible_to`,
        as the list); None when it is visible or does not exist (a 404 then)."""
        pk = unquote(str(object_id))
        if not pk.isdigit():
            return None
        obj = Appeal.objects.filter(pk=pk).first()
        if obj is None or self.get_queryset(request).filter(pk=obj.pk).exists():
            return None
        return self._refused(request, obj, NOT_VISIBLE, title=_("不能查看"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self.hidden(request, object_id) or super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        return self.hidden(request, object_id) or super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return self.hidden(request, object_id) or super().history_form_view(
            request, object_id, version_id, extra_context
        )

    def delete_view(self, request, object_id, extra_context=None):
        return self.hidden(request, object_id) or super().delete_view(request, object_id, extra_context)

    def get_actions(self, request):
        # Each ticket is handled on its own page: a dispatch needs its department, a reply its content.
        actions = super().get_actions(request)
        for name in list(actions):
            if name in APPEAL.transitions:
                del actions[name]
        return actions

    # --- columns ---

    @admin.display(description=gettext_lazy("当前时限"), ordering="current_due")
    def due(self, obj):
        if not obj.is_open or obj.status == S.WAITING:
            if obj.status == S.WAITING:
                return format_html('<span class="deadline-paused">{}</span>', _("待补充信息"))
            return "—"
        return due_badge(getattr(obj, "current_due", None))

    @admin.display(description=gettext_lazy("标记"))
    def marks(self, obj):
        marks = []
        if obj.reopen_count:
            marks.append(("appeal-mark-reopened", _("重办")))
        if obj.triple_overdue_on:
            marks.append(("deadline-overdue appeal-mark-triple", _("超时限三倍")))
        elif obj.escalated_on and obj.is_open:
            marks.append(("deadline-soon appeal-mark-escalated", _("督办")))
        if getattr(obj, "extension_pending", False):
            marks.append(("deadline-soon appeal-mark-extension", _("延期待审")))
        if not marks:
            return "—"
        return format_html_join(" ", '<span class="{}">{}</span>', marks)

    @admin.display(description=gettext_lazy("诉求内容"))
    def content_text(self, obj):
        return format_html("<div>{}</div>", obj.content)

    @admin.display(description=gettext_lazy("诉求企业"))
    def enterprise_name(self, obj):
        return obj.enterprise.name if obj.enterprise_id else "—"

    @admin.display(description=gettext_lazy("联系电话"))
    def contact(self, obj):
        return obj.masked_phone or "—"

    @admin.display(description=gettext_lazy("相关事项、政策或申报"))
    def related(self, obj):
        return related_text(obj)

    # --- the confirmation pages ---

    def transition_details(self, request, obj, transition):
        return appeal_details(obj)

    def transition_submit_label(self, transition):
        if transition.name in ("reply", "answer"):
            return _("提交答复")
        return _("确认%(action)s") % {"action": transition.label}

    # --- the page ---

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["sheet"] = sheet(obj)
        response = super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
        transitions = response.context_data.get("workflow_transitions")
        if transitions is not None:
            response.context_data["workflow_transitions"] = [
                t for t in transitions if t.name not in SUBMITTER_TRANSITIONS
            ]
        return response

    def workflow_notes(self, request, obj):
        notes = []
        if obj.status == S.RETURNED:
            record = last_return(obj)
            if record is not None:
                notes.append(
                    _("%(department)s已退单：%(reason)s。请改派其他部门。")
                    % {"department": record.department.name, "reason": record.return_reason}
                )
        pending = obj.extension_requests.filter(status="pending").first()
        if pending is not None:
            notes.append(
                _("%(department)s申请延期%(days)d个工作日，待城运中心审核。")
                % {"department": pending.department.name, "days": pending.days}
            )
            if may_ask_extension(request.user, obj, ignore_pending=True):
                # why 申请延期 is not offered to the department
                notes.append(_("延期申请待城运中心审核，审核前不能再次申请延期。"))
        if obj.triple_overdue_on:
            notes.append(_("本工单已超过办理时限三倍（%(day)s），计入督查统计。") % {"day": obj.triple_overdue_on})
        elif obj.escalated_on and obj.is_open:
            notes.append(_("本工单已超期，于%(day)s督办。") % {"day": obj.escalated_on})
        return notes

    def workflow_tools(self, request, obj):
        tools = []
        user = request.user
        if may_ask_extension(user, obj):
            tools.append({"url": self._url("extension", obj), "label": _("申请延期"), "name": "extension"})
        if may_call_back(user, obj):
            tools.append({"url": self._url("callback", obj), "label": _("添加回访记录"), "name": "callback"})
        if obj.contact_phone and is_centre_operator(user, obj):
            tools.append({"url": self._url("contact", obj), "label": _("显示完整联系电话"), "name": "contact"})
        return tools

    @staticmethod
    def _url(view, obj):
        return reverse(f"admin:appeals_appeal_{view}", args=[obj.pk])

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/extension/",
                self.admin_site.admin_view(self.extension_view),
                name="appeals_appeal_extension",
            ),
            path(
                "<path:object_id>/callback/",
                self.admin_site.admin_view(self.callback_view),
                name="appeals_appeal_callback",
            ),
            path(
                "<path:object_id>/contact/",
                self.admin_site.admin_view(self.contact_view),
                name="appeals_appeal_contact",
            ),
            path(
                "<path:object_id>/attachments/<int:attachment_id>/",
                self.admin_site.admin_view(self.attachment_view),
                name="appeals_appeal_attachment",
            ),
        ]
        return [*own, *super().get_urls()]

    def _refused(self, request, obj, message, *, status=403, title=None):
        context = {
            **self.admin_site.each_context(request),
            "title": title or _("不能办理"),
            "opts": self.model._meta,
            "original": obj,
            "message": message,
            "visible": self.get_queryset(request).filter(pk=obj.pk).exists(),
        }
        return TemplateResponse(request, REFUSED_TEMPLATE, context, status=status)

    def _form_page(self, request, obj, *, title, form, intro="", submit=None, notice=""):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "notice": notice,
            "opts": self.model._meta,
            "original": obj,
            "form": form,
            "intro": intro,
            "submit_label": submit or _("确认"),
            "change_url": reverse("admin:appeals_appeal_change", args=[obj.pk]),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, FORM_TEMPLATE, context)

    def transition_view(self, request, object_id, name):
        """Before the kernel's confirmation page: a ticket not dispatched to the user's department is 403 with the
        kernel's message (even one the user cannot see); a state that does not allow it is a message on the page;
        派单 has its own form."""
        obj = Appeal.objects.filter(pk=unquote(object_id)).first() if str(object_id).isdigit() else None
        if obj is None:
            raise Http404(_("诉求工单不存在，或您无权查看"))
        change_url = reverse("admin:appeals_appeal_change", args=[obj.pk])
        if name in SUBMITTER_TRANSITIONS:
            self.message_user(request, _("该操作由诉求人在门户或通过12345办理。"), messages.ERROR)
            return HttpResponseRedirect(change_url)
        try:
            transition = APPEAL[name]
            if not transition.permits(request.user, obj):
                # whatever the state: the actor is told first that the ticket is not theirs
                raise PermissionDenied(
                    transition.permission_message or _("您无权执行“%(action)s”。") % {"action": transition.label}
                )
            APPEAL.verify_actor(obj, transition, by=request.user)
        except PermissionDenied as error:
            return self._refused(request, obj, refusal_text(error))
        except ValidationError as error:
            refusal = self.hidden(request, object_id)
            if refusal is not None:
                return refusal
            self.message_user(request, refusal_text(error), messages.ERROR)
            return HttpResponseRedirect(change_url)
        if name == "dispatch":
            return self.dispatch_view(request, object_id)
        return super().transition_view(request, object_id, name)

    def dispatch_view(self, request, object_id):
        """派单: the department and a note; performs `dispatch` with department=<Department>."""
        obj = self.get_object(request, unquote(object_id))
        change_url = reverse("admin:appeals_appeal_change", args=[obj.pk])
        try:
            APPEAL.verify_actor(obj, APPEAL["dispatch"], by=request.user)
        except PermissionDenied as error:
            return self._refused(request, obj, refusal_text(error))
        except ValidationError as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            return HttpResponseRedirect(change_url)
        confirmed = request.method == "POST" and "confirm" in request.POST
        form = DispatchForm(request.POST if confirmed else None, appeal=obj)
        if confirmed and form.is_valid():
            department = form.cleaned_data["department"]
            try:
                APPEAL.perform(
                    obj, "dispatch", by=request.user, reason=form.cleaned_data["reason"], department=department
                )
            except PermissionDenied as error:
                return self._refused(request, obj, refusal_text(error))
            except TransitionNotAllowed as error:
                self.message_user(request, refusal_text(error), messages.ERROR)
                return HttpResponseRedirect(change_url)
            except ValidationError as error:
                for field, problems in getattr(error, "message_dict", {None: error.messages}).items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                self.message_user(
                    request, _("已派单：%(department)s。") % {"department": department.name}, messages.SUCCESS
                )
                return HttpResponseRedirect(change_url)
        return self._form_page(
            request,
            obj,
            title=_("派单：%(number)s") % {"number": obj.number},
            form=form,
            submit=_("确认派单"),
            notice=return_notice(form.returned) if form.returned else "",
        )

    def extension_view(self, request, object_id):
        """申请延期 (the handling department): `services.request_extension`; refusals on the form or as a message."""
        if refusal := self.hidden(request, object_id):
            return refusal
        obj = self.get_object(request, unquote(object_id))
        change_url = reverse("admin:appeals_appeal_change", args=[obj.pk])
        if not is_handler(request.user, obj) or not can(request.user, "appeals.add_extensionrequest"):
            return self._refused(request, obj, _("本工单未派给您所在的部门，不能申请延期。"))
        if obj.status not in EXTENSION_STATES:
            self.message_user(request, _("工单签收后、答复前才能申请延期。"), messages.ERROR)
            return HttpResponseRedirect(change_url)
        if obj.extension_requests.filter(status=ExtensionState.PENDING).exists():
            self.message_user(request, _("延期申请待城运中心审核，审核前不能再次申请延期。"), messages.ERROR)
            return HttpResponseRedirect(change_url)
        confirmed = request.method == "POST" and "confirm" in request.POST
        form = ExtensionForm(request.POST if confirmed else None)
        if confirmed and form.is_valid():
            try:
                services.request_extension(
                    obj, days=form.cleaned_data["days"], reason=form.cleaned_data["reason"], by=request.user
                )
            except PermissionDenied as error:
                return self._refused(request, obj, refusal_text(error))
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, problems in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, problems)
                else:
                    self.message_user(request, refusal_text(error), messages.ERROR)
                    return HttpResponseRedirect(change_url)
            else:
                self.message_user(request, _("延期申请已提交，待城运中心审核。"), messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        clock = clocks.of(obj, "appeal_handle").exclude(state="stopped").order_by("-id").first()
        intro = ""
        if clock is not None and clock.due_on:
            intro = _("当前办理时限截止于%(day)s；延期须在截止日期前申请，由城运中心审核。") % {"day": clock.due_on}
        return self._form_page(
            request, obj, title=_("申请延期：%(number)s") % {"number": obj.number}, form=form, intro=intro
        )

    def callback_view(self, request, object_id):
        """添加回访记录: the operators of the ticket's centre, once it is answered."""
        if refusal := self.hidden(request, object_id):
            return refusal
        obj = self.get_object(request, unquote(object_id))
        change_url = reverse("admin:appeals_appeal_change", args=[obj.pk])
        if not (can(request.user, "appeals.callback_appeal") and is_centre_operator(request.user, obj)):
            return self._refused(request, obj, _("只有本工单受理中心（城运中心）的话务员可以回访。"))
        if obj.status not in (S.REPLIED, S.CLOSED):
            self.message_user(request, _("工单答复后才能回访。"), messages.ERROR)
            return HttpResponseRedirect(change_url)
        confirmed = request.method == "POST" and "confirm" in request.POST
        form = CallbackForm(request.POST if confirmed else None, initial={"reached": True})
        if confirmed and form.is_valid():
            record = form.save(commit=False)
            record.appeal = obj
            record.operator = request.user
            record.called_at = timezone.now()
            record._history_user = request.user
            record.save()
            self.message_user(request, _("回访记录已保存。"), messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        return self._form_page(request, obj, title=_("添加回访记录：%(number)s") % {"number": obj.number}, form=form)

    def contact_view(self, request, object_id):
        """显示完整联系电话: the centre's operators, after stating why; each reveal is logged."""
        from portal.audit.services import log_sensitive_access

        if refusal := self.hidden(request, object_id):
            return refusal
        obj = self.get_object(request, unquote(object_id))
        if not is_centre_operator(request.user, obj):
            return self._refused(request, obj, _("只有本工单受理中心（城运中心）的话务员可以查看完整联系电话。"))
        form = RevealForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                log_sensitive_access(request, obj, ["contact_phone"], purpose=form.cleaned_data["purpose"])
            context = {
                **self.admin_site.each_context(request),
                "title": _("完整联系电话：%(number)s") % {"number": obj.number},
                "opts": self.model._meta,
                "original": obj,
                "revealed": obj.contact_phone,
                "purpose": form.cleaned_data["purpose"],
                "change_url": reverse("admin:appeals_appeal_change", args=[obj.pk]),
            }
            return TemplateResponse(request, "admin/appeals/appeal/contact.html", context)
        return self._form_page(
            request,
            obj,
            title=_("完整联系电话：%(number)s") % {"number": obj.number},
            form=form,
            intro=_("联系电话属于个人信息。查看完整号码须填写事由，查看人、时间、IP和事由将被记录备查。"),
            submit=_("显示完整联系电话"),
        )

    def attachment_view(self, request, object_id, attachment_id):
        """An attachment of a ticket the user may see, as a download."""
        if refusal := self.hidden(request, object_id):
            return refusal
        obj = self.get_object(request, unquote(object_id))
        attachment = obj.attachments.filter(pk=attachment_id).first()
        if attachment is None or not attachment.file:
            raise Http404(_("没有这个附件"))
        response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
        response["X-Content-Type-Options"] = "nosniff"
        return response


def may_ask_extension(user, appeal, *, ignore_pending=False) -> bool:
    """申请延期 is offered while the ticket is 办理中 or 待补充信息, to a handler of its department, when no request
    of it waits for the centre (`ignore_pending`: whatever the requests)."""
    return (
        appeal.status in EXTENSION_STATES
        and is_handler(user, appeal)
        and can(user, "appeals.add_extensionrequest")
        and (ignore_pending or not appeal.extension_requests.filter(status=ExtensionState.PENDING).exists())
    )


def may_call_back(user, appeal) -> bool:
    return (
        appeal.status in (S.REPLIED, S.CLOSED)
        and can(user, "appeals.callback_appeal")
        and is_centre_operator(user, appeal)
    )
