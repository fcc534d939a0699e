"""Review in the back office (后台审核, issue §8): the departments' reviewers and approvers at work.

- 申报件 (`ApplicationAdmin`): the cases the user may see (`selectors.visible_to`, drafts left out — a draft
  is the enterprise's until it is submitted). The change page is the one screen a decision is made on: the
  form with each prefill's source and date and the applicant's edits marked, the materials, the eligibility
  result per criterion, the estimated amount and how it was computed, the steps, the clocks with their
  derivation, the one-time notices and the history. Nothing the enterprise submitted is editable here and no
  case is added here (cases start from the enterprise or the window).
- Decisions are the workflow's transitions (`WorkflowAdmin`), with opinions; 核准 asks for the 核定金额
  (prefilled with the estimate) and 一次性告知补正 for every missing or defective item at once (one row per
  guide material, plus free rows). Every refusal is a Chinese message, never an error page.
- 我的待办 (`ReviewQueueAdmin`, the ReviewStep list): the active steps waiting for the user's department and
  role, by due date, with working days left in green (more than 2), amber (2 or fewer) or red (overdue).
  Cases waiting for pre-review are the 申报件 list's filter “待预审受理”.
- Bulk handling where the law allows it: 批量受理 for cases whose required materials are complete, and
  批量核准（按测算金额） at the last step of fixed-amount matters (定额奖补: the amount is the standard's, not
  a judgement). Each case goes through `perform`, so state and permission are checked one by one and each
  refusal is reported. Refusing (不予受理、不予通过) and passing a step need an opinion on each case and are
  not offered in bulk.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from applications import selectors, services
from applications.models import (
    IN_REVIEW_STATES,
    Application,
    Channel,
    ReviewStep,
    Status,
    StepStatus,
    SupplementItem,
)
from applications.workflow import APPLICATION
from matters.models import DeliveryKind, SupportKind
from portal import workdays
from portal.core.workflow_admin import WorkflowAdmin, confirmed_action, refusal_text
from portal.org.admin_mixins import ReadOnlyAdmin, ViewOnlyHistoryAdmin
from portal.org.models import Role
from portal.org.permissions import can
from portal.workcalendar import clocks
from portal.workcalendar.models import Clock

# Transitions the applicant performs (online, or the clerk at the window workbench): not offered here.
APPLICANT_TRANSITIONS = {"submit", "resubmit", "resubmit_to_step", "withdraw"}
# Transitions that need more than an opinion: their own pages.
FORM_TRANSITIONS = {"approve", "request_supplement"}
# Transitions offered as list actions as they are (the rest need a decision on each case).
BULK_TRANSITIONS = {"start_pre_review"}
# Working days left at or below which a deadline shows amber.
SOON_DAYS = 2

OUTCOME_LABELS = {
    "pass": gettext_lazy("符合"),
    "fail": gettext_lazy("不符合"),
    "unknown": gettext_lazy("待核实"),
}
ELIGIBILITY_LABELS = {
    "eligible": gettext_lazy("符合申报条件"),
    "ineligible": gettext_lazy("不符合申报条件"),
    "unknown": gettext_lazy("部分条件待核实"),
    "none": gettext_lazy("未设置申报条件"),
}


# --- deadlines -------------------------------------------------------------------------------------------------


def deadline_badge(due_on, *, today=None) -> str:
    """A due date with the working days left (`portal.workdays`): green with more than 2, amber with 2 or fewer
    (today included: 今日到期), red once it has passed (with the working days overdue)."""
    if due_on is None:
        return "—"
    today = today or timezone.localdate()
    if today > due_on:
        late = max(workdays.workdays_between(due_on, today), 1)
        return format_html(
            '<span class="deadline-overdue" data-days-left="-{}">{}（{}）</span>',
            late,
            due_on,
            _("已超期%(n)d个工作日") % {"n": late},
        )
    left = workdays.workdays_between(today, due_on)
    css = "deadline-ok" if left > SOON_DAYS else "deadline-soon"
    note = _("今日到期") if left == 0 else _("剩%(n)d个工作日") % {"n": left}
    return format_html('<span class="{}" data-days-left="{}">{}（{}）</span>', css, left, due_on, note)


def case_due_on(application):
    """The date the department must act by now: the current step's due date under review, the 预审 clock's
    before acceptance; None otherwise (decided, or waiting for the enterprise)."""
    if application.status not in IN_REVIEW_STATES:
        return None
    step = application.current_step
    if step is not None and step.status == StepStatus.ACTIVE:
        return step.due_on
    if hasattr(application, "pre_review_due"):
        return application.pre_review_due
    clock = clocks.of(application, services.PRE_REVIEW_CLOCK).filter(state="running").last()
    return clock.due_on if clock else None


def with_pre_review_due(queryset):
    """Annotates `pre_review_due`, the running 预审 clock's due date, so the list reads it in the same query."""
    running = Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=OuterRef("pk"),
        kind=services.PRE_REVIEW_CLOCK,
        state="running",
    ).order_by("-started_on", "-id")
    return queryset.annotate(pre_review_due=Subquery(running.values("due_on")[:1]))


# --- the one screen --------------------------------------------------------------------------------------------


def _day(value) -> str:
    if not value:
        return ""
    if hasattr(value, "hour"):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    return str(value)[:10]


def _user(user) -> str:
    if user is None:
        return str(_("平台"))
    return getattr(user, "name", "") or user.get_username()


def form_rows(application) -> list[dict]:
    """申报表: each field with its value, where a prefill came from and as of when, and the applicant's edits."""
    data = application.form_data or {}
    edited = set(services.edited_fields(application)) | set(application.edited_fields or [])
    rows = []
    for field in services.form_fields(application):
        entry = data.get(field.key) or {}
        rows.append(
            {
                "key": field.key,
                "label": str(field.label),
                "value": entry.get("value", ""),
                "prefilled": bool(entry.get("prefilled")),
                "source": entry.get("source", ""),
                "as_of": entry.get("as_of") or "",
                "original": entry.get("original", ""),
                "missing": entry.get("missing", ""),
                "edited": field.key in edited,
            }
        )
    return rows


def _media_url(row) -> str:
    try:
        return reverse("media", args=[row.file.name])
    except NoReverseMatch:
        return ""


def material_rows(application) -> list[dict]:
    """申报材料 by guide material: each file (private link, size, SHA-256, source, paper original), and the
    required ones with nothing on file."""
    current = list(
        application.materials.filter(superseded=False).select_related("material", "uploaded_by").order_by("id")
    )
    missing = {m.pk for m in services.missing_materials(application)}
    rows = []
    for material in application.matter.materials.order_by("position", "id"):
        files = [row for row in current if row.material_id == material.pk]
        rows.append(
            {
                "name": material.name,
                "required": material.required,
                "missing": material.pk in missing,
                "files": [_file(row) for row in files],
            }
        )
    others = [row for row in current if row.material_id is None]
    if others:
        rows.append({"name": _("其他材料"), "required": False, "missing": False, "files": [_file(r) for r in others]})
    return rows


def _file(row) -> dict:
    return {
        "name": row.original_name or row.name,
        "url": _media_url(row) if row.file else "",
        "size": row.size,
        "sha256": row.sha256[:12],
        "sha256_full": row.sha256,
        "source": row.get_source_display(),
        "shared_reference": row.shared_reference,
        "paper_received": row.paper_received,
        "uploaded_at": _day(row.uploaded_at),
        "uploaded_by": _user(row.uploaded_by) if row.uploaded_by_id else "",
    }


def eligibility_rows(application) -> dict:
    """The self-test frozen at submission: each criterion's outcome with its reason, value, source and as-of."""
    snapshot = application.eligibility or {}
    rows = [
        {
            "outcome": row.get("outcome", ""),
            "outcome_label": OUTCOME_LABELS.get(row.get("outcome"), row.get("outcome", "")),
            "message": row.get("message", ""),
            "value": row.get("value") if row.get("value") is not None else "",
            "source": row.get("source", ""),
            "as_of": row.get("as_of") or "",
            "legal_reference": row.get("legal_reference", ""),
            "manual": row.get("manual", False),
            "self_declared": row.get("self_declared", False),
        }
        for row in snapshot.get("criteria", [])
    ]
    return {
        "status": ELIGIBILITY_LABELS.get(snapshot.get("status"), snapshot.get("status", "")),
        "version": snapshot.get("version"),
        "on": snapshot.get("on", ""),
        "rows": rows,
        "amount": snapshot.get("amount"),
        "amount_text": snapshot.get("amount_text", ""),
    }


def step_rows(application) -> list[dict]:
    rows = []
    for step in application.steps.select_related("department", "decided_by").order_by("position", "id"):
        rows.append(
            {
                "position": step.position,
                "name": step.name,
                "kind": step.get_kind_display(),
                "department": step.department.name,
                "role": Role(step.role).label if step.role in Role.values else step.role,
                "days": step.days,
                "status": step.get_status_display(),
                "active": step.status == StepStatus.ACTIVE,
                "due": deadline_badge(step.due_on) if step.status == StepStatus.ACTIVE else _day(step.due_on),
                "opened_at": _day(step.opened_at),
                "decided_at": _day(step.decided_at),
                "decided_by": _user(step.decided_by) if step.decided_by_id else "",
                "opinion": step.opinion,
                "current": step.pk == application.current_step_id,
            }
        )
    return rows


def clock_rows(application) -> list[dict]:
    """The case's clocks and its steps', each with how its due date was computed (`clocks.explain`)."""
    objects = [(application, ""), *((step, step.name) for step in application.steps.order_by("position", "id"))]
    rows = []
    for obj, owner in objects:
        for clock in clocks.of(obj).order_by("started_on", "id"):
            rows.append(
                {
                    "label": clock.kind_label,
                    "owner": owner,
                    "state": clock.get_state_display(),
                    "started_on": _day(clock.started_on),
                    "limit_days": clock.limit_days,
                    "due": deadline_badge(clock.due_on) if clock.state == "running" else _day(clock.due_on),
                    "provisional": clock.provisional,
                    "stopped_late": clock.stopped_late,
                    "lines": clocks.explain(clock).lines(),
                }
            )
    return rows


def notice_rows(application) -> list[dict]:
    rows = []
    for notice in application.notices.select_related("requested_by", "step").prefetch_related("items"):
        rows.append(
            {
                "created_at": _day(notice.created_at),
                "by": _user(notice.requested_by),
                "step": notice.step.name if notice.step_id else "",
                "summary": notice.summary,
                "due_on": notice.due_on or "",
                "answered_at": _day(notice.answered_at),
                "items": [
                    {
                        "subject": item.subject,
                        "problem": item.get_problem_display(),
                        "detail": item.detail,
                        "resolved": item.resolved,
                    }
                    for item in notice.items.all()
                ],
            }
        )
    return rows


def history_rows(application) -> list[dict]:
    rows = []
    for record in application.history.select_related("history_user").order_by("-history_date", "-history_id"):
        rows.append(
            {
                "at": _day(record.history_date),
                "by": _user(record.history_user) if record.history_user_id else _("平台"),
                "status": Status(record.status).label if record.status in Status.values else record.status,
                "reason": record.history_change_reason or "",
            }
        )
    return rows


def review_sheet(application) -> dict:
    """Everything the reviewer decides on, for one screen."""
    blockers = []
    if application.matter.delivery_kind == DeliveryKind.INSTANT and not application.auto_approved:
        blockers = services.instant_blockers(application) if application.status != Status.DRAFT else []
    return {
        "form": form_rows(application),
        "edited": bool(services.edited_fields(application) or application.edited_fields),
        "materials": material_rows(application),
        "eligibility": eligibility_rows(application),
        "estimated_amount": application.estimated_amount,
        "approved_amount": application.approved_amount,
        "instant_blockers": blockers,
        "steps": step_rows(application),
        "clocks": clock_rows(application),
        "notices": notice_rows(application),
        "history": history_rows(application),
    }


# --- decision forms --------------------------------------------------------------------------------------------


class ApproveForm(forms.Form):
    """核准: the 核定金额 (元, prefilled with the estimate) and the opinion."""

    approved_amount = forms.CharField(
        label=gettext_lazy("核定金额（元）"),
        max_length=32,
        error_messages={"required": gettext_lazy("请填写核定金额（元）。")},
    )
    reason = forms.CharField(label=gettext_lazy("核准意见"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, application, transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        if application.estimated_amount is not None:
            self.fields["approved_amount"].initial = application.estimated_amount
        text = (application.eligibility or {}).get("amount_text")
        if text:
            self.fields["approved_amount"].help_text = _("测算：%(text)s") % {"text": text}
        if transition.reason_label:
            self.fields["reason"].label = transition.reason_label

    def clean_approved_amount(self):
        try:
            return services.parse_amount(self.cleaned_data["approved_amount"])
        except ValidationError as error:
            raise ValidationError(error.messages) from None

    def options(self) -> dict:
        return {"approved_amount": self.cleaned_data["approved_amount"]}


class SupplementForm(forms.Form):
    """一次性告知 (无锡 §19): one row per guide material (ticked, what is wrong, what to do) plus free rows for
    anything else (the form, a signature), so everything missing is told at once. Materials still missing are
    ticked already."""

    FREE_ROWS = 3

    reason = forms.CharField(label=gettext_lazy("告知说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, application, transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.materials = list(application.matter.materials.order_by("position", "id"))
        missing = {m.pk for m in services.missing_materials(application)}
        have = set(application.materials.filter(superseded=False).values_list("material_id", flat=True))
        problems = SupplementItem.Problem
        self.material_states = {}
        for material in self.materials:
            absent = material.pk in missing
            self.fields[f"m{material.pk}"] = forms.BooleanField(label=material.name, required=False, initial=absent)
            self.fields[f"m{material.pk}_problem"] = forms.ChoiceField(
                label=_("问题"),
                choices=problems.choices,
                initial=problems.MISSING if absent else problems.DEFECTIVE,
                required=False,
            )
            self.fields[f"m{material.pk}_detail"] = forms.CharField(
                label=_("具体要求"),
                max_length=500,
                required=False,
                initial=_("未提交该材料，请补充提交。") if absent else "",
            )
            if absent:
                self.material_states[material.pk] = _("未提交")
            elif material.pk in have:
                self.material_states[material.pk] = _("已提交")
            else:
                self.material_states[material.pk] = _("未提交（非必要）")
        for n in range(self.FREE_ROWS):
            self.fields[f"f{n}_subject"] = forms.CharField(label=_("事项"), max_length=200, required=False)
            self.fields[f"f{n}_problem"] = forms.ChoiceField(
                label=_("问题"), choices=problems.choices, initial=problems.DEFECTIVE, required=False
            )
            self.fields[f"f{n}_detail"] = forms.CharField(label=_("具体要求"), max_length=500, required=False)
        if transition.reason_label:
            self.fields["reason"].label = transition.reason_label
        self.items: list[dict] = []

    def material_rows(self):
        for material in self.materials:
            yield {
                "material": material,
                "state": self.material_states[material.pk],
                "on": self[f"m{material.pk}"],
                "problem": self[f"m{material.pk}_problem"],
                "detail": self[f"m{material.pk}_detail"],
            }

    def free_rows(self):
        for n in range(self.FREE_ROWS):
            yield {"subject": self[f"f{n}_subject"], "problem": self[f"f{n}_problem"], "detail": self[f"f{n}_detail"]}

    def clean(self):
        cleaned = super().clean()
        items = []
        for material in self.materials:
            if not cleaned.get(f"m{material.pk}"):
                continue
            detail = (cleaned.get(f"m{material.pk}_detail") or "").strip()
            if not detail:
                self.add_error(
                    f"m{material.pk}_detail",
                    _("请写明“%(subject)s”需要补正的具体要求。") % {"subject": material.name},
                )
                continue
            items.append(
                {
                    "material": material.pk,
                    "subject": material.name,
                    "problem": cleaned.get(f"m{material.pk}_problem") or SupplementItem.Problem.MISSING,
                    "detail": detail,
                }
            )
        for n in range(self.FREE_ROWS):
            subject = (cleaned.get(f"f{n}_subject") or "").strip()
            detail = (cleaned.get(f"f{n}_detail") or "").strip()
            if not subject and not detail:
                continue
            if not subject:
                self.add_error(f"f{n}_subject", _("请写明需要补正的事项，如“申报表”。"))
                continue
            if not detail:
                self.add_error(f"f{n}_detail", _("请写明“%(subject)s”需要补正的具体要求。") % {"subject": subject})
                continue
            items.append(
                {
                    "material": None,
                    "subject": subject,
                    "problem": cleaned.get(f"f{n}_problem") or SupplementItem.Problem.DEFECTIVE,
                    "detail": detail,
                }
            )
        if not items and not self.errors:
            raise ValidationError(
                _("请至少勾选或填写一项需要补正的材料或内容：一次性告知须列明全部需要补正的内容。"), code="no_items"
            )
        self.items = items
        return cleaned

    def options(self) -> dict:
        return {"items": self.items}


DECISION_FORMS = {"approve": ApproveForm, "request_supplement": SupplementForm}


# --- bulk handling ---------------------------------------------------------------------------------------------


def _accept_complete(application, user, reason):
    """批量受理: only a case whose required materials are all on file; the rest stays for a one-time notice."""
    if application.status not in (Status.SUBMITTED, Status.PRE_REVIEW):
        raise ValidationError(_("当前状态为“%(status)s”，不能受理。") % {"status": application.get_status_display()})
    missing = services.missing_materials(application)
    if missing:
        raise ValidationError(
            _("缺少必要材料（%(names)s），请逐件审查并一次性告知补正。") % {"names": "、".join(m.name for m in missing)}
        )
    APPLICATION.perform(application, "accept", by=user, reason=reason)


def _approve_at_estimate(application, user, reason):
    """批量核准（按测算金额）: only at the last step of a 定额奖补 matter, where the amount is the standard's."""
    if application.matter.support_kind != SupportKind.FIXED:
        raise ValidationError(_("该事项不是定额奖补，核定金额须逐件审核。"))
    if application.estimated_amount is None:
        raise ValidationError(_("该申报件没有测算金额，须逐件核定。"))
    if application.status in (Status.ACCEPTED, Status.REVIEWING) and not services.is_last_step(application):
        raise ValidationError(_("尚未到最后一个审核环节，不能核准。"))
    APPLICATION.perform(
        application,
        "approve",
        by=user,
        reason=reason or _("按测算金额核准"),
        approved_amount=application.estimated_amount,
    )


bulk_accept = confirmed_action(
    "bulk_accept",
    gettext_lazy("批量受理（材料齐全的）"),
    _accept_complete,
    allowed_permissions=("review",),
)
bulk_approve = confirmed_action(
    "bulk_approve",
    gettext_lazy("批量核准（按测算金额）"),
    _approve_at_estimate,
    reason_label=gettext_lazy("核准意见"),
    allowed_permissions=("decide",),
)


# --- the admins ------------------------------------------------------------------------------------------------


class QueueFilter(admin.SimpleListFilter):
    """待办: cases waiting for the user's pre-review, or at a step the user decides."""

    title = gettext_lazy("待办")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("pre_review", _("待预审受理")), ("steps", _("待我审核的环节"))]

    def queryset(self, request, queryset):
        if self.value() == "pre_review":
            return queryset.filter(pk__in=selectors.awaiting_pre_review(request.user).values("pk"))
        if self.value() == "steps":
            return queryset.filter(current_step__in=selectors.steps_waiting_for(request.user))
        return queryset


@admin.register(Application)
class ApplicationAdmin(WorkflowAdmin, ViewOnlyHistoryAdmin, SimpleHistoryAdmin):
    list_display = ["number", "enterprise", "matter", "channel", "status", "current_step_name", "time_left"]
    list_filter = [QueueFilter, "status", ("matter", admin.RelatedOnlyFieldListFilter), "channel"]
    search_fields = ["number", "code", "enterprise__name", "enterprise__uscc"]
    list_select_related = ["enterprise", "matter", "current_step"]
    change_form_template = "admin/applications/application/change_form.html"
    # The case's public page is the enterprise's (查询码 progress page), not a view of this record.
    view_on_site = False
    actions = [bulk_accept, bulk_approve]
    fieldsets = [
        (
            gettext_lazy("申报信息"),
            {
                "fields": [
                    "number",
                    "grouped_code",
                    "enterprise",
                    "matter",
                    "period",
                    "channel",
                    "status",
                    "applicant_name",
                    "clerk_name",
                    "contact_name",
                    "requested_amount",
                    "submitted_at",
                    "accepted_at",
                    "decided_at",
                ]
            },
        ),
        (
            gettext_lazy("决定"),
            {"fields": ["estimated_amount", "approved_amount", "auto_approved", "decision_reason", "documents"]},
        ),
    ]

    class Media:
        css = {"all": ["applications/admin.css"]}

    # --- who may do what ---

    def get_queryset(self, request):
        visible = selectors.visible_to(request.user).exclude(status=Status.DRAFT).values("pk")
        return with_pre_review_due(super().get_queryset(request).filter(pk__in=visible))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("申报件不存在，或您无权查看"))
        return obj

    def has_view_permission(self, request, obj=None):
        if not can(request.user, "applications.view_application"):
            return False
        return obj is None or services.may_view(request.user, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request):
        return can(request.user, services.PERM_REVIEW)

    def has_decide_permission(self, request):
        return can(request.user, services.PERM_DECIDE)

    def get_actions(self, request):
        actions = super().get_actions(request)
        for name in list(actions):
            if name in APPLICATION.transitions and name not in BULK_TRANSITIONS:
                del actions[name]
        return actions

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and obj.channel == Channel.EXTERNAL:
            external = ["external_department", "external_id", "external_status"]
            fieldsets.append((gettext_lazy("部门业务系统"), {"fields": external}))
        if obj is not None and obj.publicity_from:
            fieldsets.append((gettext_lazy("结果公示"), {"fields": ["publicity_from", "publicity_to"]}))
        return fieldsets

    # --- the list ---

    def get_urls(self):
        from django.urls import path

        urls = super().get_urls()
        download = path(
            "<path:object_id>/documents/<str:code>/",
            self.admin_site.admin_view(self.document_view),
            name="applications_application_document",
        )
        return [download, *urls]

    def document_view(self, request, object_id, code):
        """Downloads one of the case's signed documents, for those who may see the case."""
        from applications import documents
        from portal.documents.views import document_download_response

        application = self.get_object(request, unquote(object_id))
        if not self.has_view_permission(request, application):
            raise PermissionDenied
        issued = documents.documents_of(application).filter(code=code.upper()).first()
        if issued is None:
            raise Http404(_("没有这份文书"))
        return document_download_response(request, issued)

    @admin.display(description=gettext_lazy("办理文书"))
    def documents(self, obj):
        from django.utils.html import format_html_join

        from applications import documents

        rows = [
            (
                reverse("admin:applications_application_document", args=[obj.pk, document.code]),
                document.kind_label,
                document.grouped_code,
                date_format(timezone.localtime(document.issued_at), "Y-m-d H:i"),
                document.get_status_display(),
            )
            for document in documents.documents_of(obj)
        ]
        if not rows:
            return _("尚未出具（受理、一次性告知和办结时出具签章文书）")
        return format_html_join("", '<div><a href="{}">{}</a> · {} · {} · {}</div>', rows)

    @admin.display(description=gettext_lazy("申报人"))
    def applicant_name(self, obj):
        """The applicant's display name, not a link: reviewers have no access to the accounts admin."""
        return str(obj.applicant) if obj.applicant_id else "—"

    @admin.display(description=gettext_lazy("受理窗口人员"))
    def clerk_name(self, obj):
        return str(obj.clerk) if obj.clerk_id else "—"

    @admin.display(description=gettext_lazy("查询码"))
    def grouped_code(self, obj):
        return obj.grouped_code

    @admin.display(description=gettext_lazy("当前环节"), ordering="current_step__position")
    def current_step_name(self, obj):
        step = obj.current_step
        if step is None or obj.status not in (*IN_REVIEW_STATES, Status.SUPPLEMENT):
            return "—"
        return f"{step.name}（{step.department}）" if step.department_id else step.name

    @admin.display(description=gettext_lazy("剩余办理时间"))
    def time_left(self, obj):
        if obj.status == Status.SUPPLEMENT:
            return format_html('<span class="deadline-paused">{}</span>', _("待补正，暂停计时"))
        return deadline_badge(case_due_on(obj))

    # --- the change page ---

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["sheet"] = review_sheet(obj)
        response = super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
        transitions = response.context_data.get("workflow_transitions")
        if transitions is not None:
            response.context_data["workflow_transitions"] = [
                t for t in transitions if t.name not in APPLICANT_TRANSITIONS
            ]
        return response

    def workflow_notes(self, request, obj):
        notes = []
        notice = services.open_notice(obj)
        if obj.status == Status.SUPPLEMENT and notice is not None:
            notes.append(
                _("已于%(at)s一次性告知补正%(n)d项，等待申报人补正（补正期限%(due)s），办理时限暂停计时。")
                % {"at": _day(notice.created_at), "n": notice.items.count(), "due": notice.due_on or "—"}
            )
        step = obj.current_step
        deciding = obj.status in (Status.ACCEPTED, Status.REVIEWING) and step is not None
        if deciding and not services.current_step_holder(request.user, obj):
            notes.append(services.step_refusal(obj))
        if obj.status in IN_REVIEW_STATES and services.edited_fields(obj):
            notes.append(_("申报人修改了预填数据，请核对标注的字段。"))
        return notes

    def transition_view(self, request, object_id, name):
        if name in APPLICANT_TRANSITIONS:
            obj = self.get_object(request, unquote(object_id))
            self.message_user(request, _("该操作由申报企业或受理窗口在申报页面办理。"), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:applications_application_change", args=[obj.pk]))
        if name in DECISION_FORMS:
            return self.decision_view(request, object_id, name)
        return super().transition_view(request, object_id, name)

    def decision_view(self, request, object_id, name):
        """核准 (with the 核定金额) and 一次性告知补正 (with every item): GET shows the form, POST performs it.

        Invalid input is shown again on the form; a refusal of the workflow (another department's step, a
        state that has moved on) is an error message on the case's page."""
        obj = self.get_object(request, unquote(object_id))
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        change_url = reverse("admin:applications_application_change", args=[obj.pk])
        workflow = self.get_workflow()
        transition = workflow[name]
        try:
            workflow.verify_actor(obj, transition, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            return HttpResponseRedirect(change_url)
        confirmed = request.method == "POST" and "confirm" in request.POST
        form = DECISION_FORMS[name](request.POST if confirmed else None, application=obj, transition=transition)
        if confirmed and form.is_valid():
            try:
                workflow.perform(obj, name, by=request.user, reason=form.cleaned_data["reason"], **form.options())
            except PermissionDenied as error:
                self.message_user(request, refusal_text(error), messages.ERROR)
                return HttpResponseRedirect(change_url)
            except ValidationError as error:
                fields = getattr(error, "error_dict", {})
                if fields and set(fields) <= set(form.fields):
                    form.add_error(None, error)
                else:
                    self.message_user(request, refusal_text(error), messages.ERROR)
                    return HttpResponseRedirect(change_url)
            else:
                self.message_user(request, _("%(action)s：已完成。") % {"action": transition.label}, messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(action)s：%(number)s") % {"action": transition.label, "number": obj.number},
            "opts": self.model._meta,
            "original": obj,
            "transition": transition,
            "form": form,
            "change_url": change_url,
            "eligibility": eligibility_rows(obj),
            "media": self.media,
        }
        return TemplateResponse(request, f"admin/applications/application/{name}.html", context)


@admin.register(ReviewStep)
class ReviewQueueAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    view_permission = "applications.view_reviewstep"
    """我的待办: the active steps the user decides, soonest due first."""

    list_display = [
        "application_link",
        "enterprise",
        "matter",
        "name",
        "kind",
        "department",
        "role_label",
        "time_left",
    ]
    list_display_links = None
    list_filter = [("department", admin.RelatedOnlyFieldListFilter), "kind"]
    search_fields = ["application__number", "application__enterprise__name", "application__enterprise__uscc"]
    list_select_related = ["application__enterprise", "application__matter", "department"]
    ordering = ["due_on", "id"]
    fields = [
        "application",
        "name",
        "kind",
        "department",
        "role",
        "days",
        "status",
        "opened_at",
        "due_on",
        "opinion",
    ]

    class Media:
        css = {"all": ["applications/admin.css"]}

    def get_queryset(self, request):
        waiting = selectors.steps_waiting_for(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=waiting)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("该环节不在您的待办中"))
        return obj

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": _("我的待办"), **(extra_context or {})})

    @admin.display(description=gettext_lazy("申报编号"), ordering="application__number")
    def application_link(self, obj):
        url = reverse("admin:applications_application_change", args=[obj.application_id])
        return format_html('<a href="{}">{}</a>', url, obj.application.number)

    @admin.display(description=gettext_lazy("申报企业"), ordering="application__enterprise__name")
    def enterprise(self, obj):
        return obj.application.enterprise.name

    @admin.display(description=gettext_lazy("申报事项"))
    def matter(self, obj):
        return obj.application.matter.name

    @admin.display(description=gettext_lazy("办理岗位"), ordering="role")
    def role_label(self, obj):
        return Role(obj.role).label if obj.role in Role.values else obj.role

    @admin.display(description=gettext_lazy("办理期限"), ordering="due_on")
    def time_left(self, obj):
        return deadline_badge(obj.due_on)
