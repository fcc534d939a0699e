"""The back office for policy publishing (政策发布后台).

Staff see only the policies their department owns (a department B editor gets
a 404 for department A's draft); the workflow offers each user exactly the
transitions available (buttons on the form, actions in the list), each behind
a confirmation page; the publish deadline is coloured by the
working days left.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from policies import selectors, services, tagging
from policies.models import (
    Interpretation,
    Policy,
    PolicyAttachment,
    PolicyCategory,
    PolicyFAQ,
    PolicyOfflineRequest,
    PolicyRelation,
    PolicySubscription,
    PolicyTagSuggestion,
)
from policies.workflow import POLICY as POLICY_WORKFLOW
from policies.workflow import PUBLISH_CLOCK
from portal import workdays
from portal.core import uploads
from portal.core.workflow_admin import WorkflowAdmin, confirmed_action, refusal_text
from portal.org.admin_mixins import DepartmentScopedAdmin, ViewOnlyHistoryAdmin
from portal.org.permissions import can, is_platform_admin
from portal.org.selectors import departments_of


@admin.register(PolicyCategory)
class PolicyCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "order"]
    list_editable = ["order"]
    search_fields = ["name", "code"]


class KeyPointsField(forms.CharField):
    """政策干货 typed one point per line; stored as the list of non-empty lines."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class DraftOnlyInline:
    """A policy's interpretations and attachments change only while it is a draft (草稿).

    What the approver approved and the public reads is the text as submitted (同步审签、同步发布, 宜昌 §17):
    from 待审核 on they are shown read-only, without add or delete, to everyone. A change goes through the
    workflow: 退回修改 back to a draft before publication; after it, 申请提前下线 or 失效/废止, then 重新修订.
    """

    @staticmethod
    def _frozen(obj) -> bool:
        return obj is not None and obj.pk is not None and obj.status != Policy.Status.DRAFT

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class InterpretationForm(forms.ModelForm):
    """An interpretation signed off (已审签) is the approved text: shown, never edited or deleted in the form."""

    key_points = KeyPointsField(label=_("政策干货"), required=False, help_text=_("每行一条要点，一句话。"))

    class Meta:
        model = Interpretation
        fields = ["title", "kind", "body", "key_points", "media", "order"]

    @property
    def signed_off(self) -> bool:
        return self.instance.pk is not None and self.instance.status == Interpretation.Status.APPROVED

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.signed_off:
            for field in self.fields.values():
                field.disabled = True


class InterpretationFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields and getattr(form, "signed_off", False):
            form.fields["DELETE"].disabled = True


class InterpretationInline(DraftOnlyInline, admin.StackedInline):
    model = Interpretation
    form = InterpretationForm
    formset = InterpretationFormSet
    extra = 0
    fields = ["title", "kind", "body", "key_points", "media", "order", "status", "approved_by", "approved_at"]
    readonly_fields = ["status", "approved_by", "approved_at"]


class AttachmentFormSet(forms.BaseInlineFormSet):
    """The same file twice in one save is refused on the second row (the database would refuse it with a 500)."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not getattr(form, "cleaned_data", None) or form.cleaned_data.get("DELETE"):
                continue
            digest = form.instance.sha256
            if digest and digest in seen:
                form.add_error("file", _("该附件已上传。"))
            seen.add(digest)


class AttachmentInline(DraftOnlyInline, admin.TabularInline):
    model = PolicyAttachment
    formset = AttachmentFormSet
    extra = 0
    fields = ["title", "file", "order", "kind", "size"]
    readonly_fields = ["kind", "size"]


class RelationInline(admin.TabularInline):
    model = PolicyRelation
    fk_name = "policy"
    extra = 0
    autocomplete_fields = ["target"]
    verbose_name = _("本政策对其他政策的修订、废止、替代")
    verbose_name_plural = verbose_name


class TagSuggestionInline(admin.TabularInline):
    model = PolicyTagSuggestion
    extra = 0
    can_delete = False
    fields = ["tag", "keyword", "score", "status"]
    readonly_fields = ["tag", "keyword", "score"]
    verbose_name = _("标签建议（将状态改为“已确认”即成为政策标签）")
    verbose_name_plural = verbose_name

    def has_add_permission(self, request, obj=None):
        return False


class PolicyFAQInline(admin.StackedInline):
    """常见问题: kept by the lead department at any time (not part of the approved text), shown on the policy's page."""

    model = PolicyFAQ
    extra = 0
    fields = ["position", "question", "answer"]


class YearFilter(admin.SimpleListFilter):
    title = _("印发年度")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates("issue_date", "year", order="DESC")
        return [(str(d.year), f"{d.year}年") for d in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(issue_date__year=int(self.value()))
        return queryset


def _approve_interpretations(policy, user, _reason):
    drafts = policy.interpretations.filter(status=Interpretation.Status.DRAFT)
    if not drafts.exists():
        raise ValidationError(_("没有待审签的政策解读。"))
    for interpretation in drafts:
        services.approve_interpretation(interpretation, by=user)


WORKFLOW_FIELDS = [
    "slug",
    "status",
    "deadline",
    "published_at",
    "published_late",
    "ended_on",
    "offline_deadline",
    "offline_at",
    "offline_reason",
]


@admin.register(Policy)
class PolicyAdmin(WorkflowAdmin, ViewOnlyHistoryAdmin, DepartmentScopedAdmin, SimpleHistoryAdmin):
    list_display = ["title", "document_number", "level", "status_tag", "lead_department", "issue_date", "deadline"]
    list_filter = ["status", "level", "categories", "lead_department", YearFilter]
    search_fields = ["title", "document_number"]
    list_select_related = ["lead_department"]
    date_hierarchy = "issue_date"
    filter_horizontal = ["co_departments", "categories", "tags"]
    # Set only by the workflow's transitions, never typed in.
    readonly_fields = WORKFLOW_FIELDS
    fieldsets = [
        (
            _("基本信息"),
            {
                "fields": [
                    "title",
                    "document_number",
                    "issuing_authority",
                    "level",
                    "region",
                    "lead_department",
                    "co_departments",
                    "categories",
                ]
            },
        ),
        (_("日期"), {"fields": ["issue_date", "outside_publication_date", "effective_date", "expiry_date"]}),
        (_("内容"), {"fields": ["summary", "original_text", "tags"]}),
        (_("发布状态"), {"fields": WORKFLOW_FIELDS}),
    ]
    inlines = [InterpretationInline, AttachmentInline, RelationInline, TagSuggestionInline, PolicyFAQInline]
    # The workflow's transitions (policies.workflow) come from WorkflowAdmin: buttons on the change form for what
    # this user may do now, actions in the list for what the user may ever do.
    actions = [
        confirmed_action(
            "approve_interpretations", _("审签政策解读"), _approve_interpretations, allowed_permissions=("approve",)
        )
    ]

    class Media:
        css = {"all": ["policies/admin.css"]}

    @admin.display(description=_("状态"), ordering="status")
    def status_tag(self, obj):
        return format_html(
            '<span class="policy-status policy-status-{}">{}</span>', obj.status, obj.get_status_display()
        )

    def get_queryset(self, request):
        return selectors.with_publish_clock(super().get_queryset(request))

    @admin.display(description=_("发布期限"), ordering="publish_due")
    def deadline(self, obj):
        """The 发布时限 clock (§17): green with more than one working day left, amber on the last one, red when overdue.

        Before the first submission no clock runs yet; the date shown is the one it will have, counted from the
        same day (the issue date, or the outside publication for national and provincial policies).
        """
        if hasattr(obj, "publish_due"):
            due, provisional = obj.publish_due, obj.publish_provisional
        else:
            clock = services.publish_clock(obj) if obj.pk else None
            due, provisional = (clock.due_on, clock.provisional) if clock else (None, False)
        if due is None and obj.publishing_clock_start is not None:
            start = obj.publishing_clock_start
            due = workdays.add_workdays(start, PUBLISH_CLOCK.limit_for(obj))
            provisional = not workdays.years_covered(start, due)
        if due is None:
            return "—"
        if obj.published_at is not None:
            css, note = ("deadline-overdue", _("逾期发布")) if obj.published_late else ("deadline-done", _("按期发布"))
            return format_html('<span class="{}">{}（{}）</span>', css, due, note)
        today = timezone.localdate()
        if today > due:
            css, note = "deadline-overdue", _("已逾期")
        else:
            left = workdays.workdays_between(today, due)
            css = "deadline-ok" if left > 1 else "deadline-soon"
            note = _("剩%(n)d个工作日") % {"n": left}
        provisional = _("，暂定") if provisional else ""
        return format_html('<span class="{}">{}（{}{}）</span>', css, due, note, provisional)

    @admin.display(description=_("下线期限"))
    def offline_deadline(self, obj):
        """The 下线时限 clock (§18) of an expired or repealed policy."""
        clock = services.offline_clock(obj) if obj.pk else None
        if clock is None or clock.due_on is None:
            return "—"
        return _("%(due)s（暂定）") % {"due": clock.due_on} if clock.provisional else str(clock.due_on)

    # 审签 from the policy's page: one button per unsigned interpretation, opening a page with the text to sign.
    SIGNING_STATES = (Policy.Status.SUBMITTED, Policy.Status.APPROVED)

    def workflow_tools(self, request, obj):
        if obj.status not in self.SIGNING_STATES or not self.has_approve_permission(request, obj):
            return []
        return [
            {
                "url": reverse("admin:policies_policy_sign", args=[obj.pk, interpretation.pk]),
                "label": _("审签解读：%(title)s") % {"title": interpretation.title},
                "name": "sign_interpretation",
            }
            for interpretation in obj.interpretations.filter(status=Interpretation.Status.DRAFT)
        ]

    def get_urls(self):
        return [
            path(
                "<path:object_id>/sign/<int:interpretation_id>/",
                self.admin_site.admin_view(self.sign_interpretation_view),
                name="policies_policy_sign",
            ),
            *super().get_urls(),
        ]

    def sign_interpretation_view(self, request, object_id, interpretation_id):
        """审签政策解读: GET shows the title, body and 政策干货 being signed; POST (confirmed) signs it."""
        policy = self.get_object(request, unquote(object_id))
        change_url = reverse("admin:policies_policy_change", args=[policy.pk])
        interpretation = get_object_or_404(policy.interpretations, pk=interpretation_id)
        if not self.has_approve_permission(request, policy) or policy.status not in self.SIGNING_STATES:
            self.message_user(
                request, _("只有牵头部门的审批人可以在政策待审核或已审核时审签政策解读。"), messages.ERROR
            )
            return HttpResponseRedirect(change_url)
        if interpretation.status == Interpretation.Status.APPROVED:
            self.message_user(request, _("该政策解读已审签。"), messages.WARNING)
            return HttpResponseRedirect(change_url)
        if request.method == "POST" and "confirm" in request.POST:
            try:
                services.approve_interpretation(interpretation, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, refusal_text(error), messages.ERROR)
            else:
                self.message_user(
                    request, _("已审签政策解读：%(title)s") % {"title": interpretation.title}, messages.SUCCESS
                )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("审签政策解读"),
            "opts": self.model._meta,
            "policy": policy,
            "interpretation": interpretation,
        }
        return TemplateResponse(request, "admin/policies/sign_interpretation.html", context)

    def has_delete_permission(self, request, obj=None):
        """Only a draft never published may be deleted; a published policy goes offline through the workflow."""
        if obj is not None and not services.is_deletable(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # “删除所选”: a published policy among the selection blocks the deletion on the confirmation page.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for policy in objs:
            if not services.is_deletable(policy):
                perms_needed.add(_("已发布过的政策（只能下线，不能删除）：%(title)s") % {"title": policy.title})
        return deleted, counts, perms_needed, protected

    def has_approve_permission(self, request, obj=None):
        return can(request.user, services.PERM_APPROVE, obj)

    def get_search_results(self, request, queryset, search_term):
        # Relation targets are chosen by autocomplete: any public policy may be amended or replaced.
        if request.GET.get("model_name") == "policyrelation":
            queryset = Policy.objects.filter(status__in=Policy.PUBLIC_STATUSES) | queryset
        return super().get_search_results(request, queryset, search_term)

    def get_readonly_fields(self, request, obj=None):
        # Once submitted the text is what was approved; it changes again only as a draft.
        if obj is not None and obj.status != Policy.Status.DRAFT:
            fields = [f.name for f in Policy._meta.fields if f.name != "id"] + ["co_departments", "categories", "tags"]
            return [*fields, "deadline", "offline_deadline"]
        return self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lead_department" and not is_platform_admin(request.user):
            kwargs["queryset"] = departments_of(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        previous_lead = None
        if change:
            previous_lead = Policy.objects.get(pk=obj.pk).lead_department
        else:
            obj.created_by = request.user
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
        self._previous_lead = previous_lead

    def workflow_notes(self, request, obj):
        """A returned draft says why, by whom and when, so the editor knows what to change (退回修改, §17)."""
        returned = selectors.latest_return(obj)
        if returned is None:
            return []
        label = str(POLICY_WORKFLOW["reject"].label)
        reason = (returned.history_change_reason or "").removeprefix(label).lstrip("：")
        user = returned.history_user
        by = (user.name or user.username) if user else _("平台")
        return [
            _("该政策已被退回修改（%(by)s，%(at)s）。退回理由：%(reason)s")
            % {
                "by": by,
                "at": formats.date_format(timezone.localtime(returned.history_date), "Y-m-d H:i"),
                "reason": reason,
            }
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # An attachment or media file written before the save fails would outlive the rolled-back row.
        with uploads.discard_stored_on_failure():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        policy = form.instance
        services.assign_ownership(policy, previous_lead=getattr(self, "_previous_lead", None))
        if policy.status == Policy.Status.DRAFT:
            tagging.suggest_tags(policy)

    def save_formset(self, request, form, formset, change):
        if formset.model is not PolicyTagSuggestion:
            return super().save_formset(request, form, formset, change)
        # save(commit=False) saves nothing but records new/changed/deleted objects on the formset,
        # which the admin's change message (LogEntry) reads; the decision itself goes through tagging.
        formset.save(commit=False)
        decided = []
        for suggestion, changed_fields in formset.changed_objects:
            if "status" not in changed_fields:
                continue
            if suggestion.status == PolicyTagSuggestion.Status.CONFIRMED:
                tagging.confirm(suggestion, by=request.user)
            elif suggestion.status == PolicyTagSuggestion.Status.REJECTED:
                tagging.reject(suggestion, by=request.user)
            else:
                continue  # back to 待确认: nothing to decide, nothing to log
            decided.append((suggestion, ["status"]))
        formset.changed_objects = decided
        return None


@admin.register(PolicyOfflineRequest)
class PolicyOfflineRequestAdmin(SimpleHistoryAdmin):
    """Early offline requests; the data bureau decides them through the policy actions."""

    list_display = ["policy", "requested_by", "requested_at", "decision", "decided_by", "decided_at"]
    list_filter = ["decision"]
    search_fields = ["policy__title", "policy__document_number"]
    readonly_fields = [f.name for f in PolicyOfflineRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PolicySubscription)
class PolicySubscriptionAdmin(SimpleHistoryAdmin):
    list_display = ["user", "sms_enabled", "updated_at"]
    readonly_fields = ["user", "categories", "departments", "regions", "keywords", "sms_enabled"]

    def has_add_permission(self, request):
        return False
