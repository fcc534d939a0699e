"""线上政策咨询会 (online consultation sessions: 云直播、云综窗): the back office.

- 线上政策咨询会: the department's sessions (DepartmentScopedAdmin: another department's is a 404); editors add and
  change drafts, the workflow's buttons (WorkflowAdmin) offer exactly the transitions the user may perform; once
  submitted, the schedule is fixed (退回修改 makes it editable again) and only the description and the recording
  link can still be changed. The bookings and the questions are listed on the session, read-only.
- 咨询会提问: the reviewers and approvers of the session's department answer the questions after the session and
  may tick 转为政策常见问题 to promote the answer (once).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from engagement import sessions as services
from engagement.models import ConsultationSession, SessionBooking, SessionQuestion, SessionState
from matters.models import Matter
from policies.models import Policy
from portal.core.workflow_admin import WorkflowAdmin, refusal_text
from portal.org.admin_mixins import DepartmentScopedAdmin, ViewOnlyHistoryAdmin
from portal.org.permissions import can, scope

S = SessionState
SCHEDULE = [
    "topic",
    "host",
    "policy",
    "matter",
    "starts_at",
    "ends_at",
    "capacity",
    "booking_deadline",
    "conference_url",
]


def _https_urls(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class SessionForm(forms.ModelForm):
    class Meta:
        model = ConsultationSession
        formfield_callback = _https_urls
        fields = ["topic", "description", "host", "policy", "matter", "starts_at", "ends_at", "capacity"]
        fields += ["booking_deadline", "conference_url", "recording_url"]

    def _post_clean(self):
        super()._post_clean()
        try:
            services.check_schedule(self.instance)
        except ValidationError as error:
            # The table's check constraints say the same rules above the form; each is said once, by its field.
            said = {str(message) for messages in error.message_dict.values() for message in messages}
            if NON_FIELD_ERRORS in self._errors:
                kept = [message for message in self._errors[NON_FIELD_ERRORS] if str(message) not in said]
                if kept:
                    self._errors[NON_FIELD_ERRORS] = self.error_class(kept, error_class="nonfield")
                else:
                    del self._errors[NON_FIELD_ERRORS]
            for field, errors in error.message_dict.items():
                if field in self.fields and field not in self._errors:
                    self.add_error(field, errors)
                elif field not in self.fields:
                    self.add_error(None, errors)


class BookingInline(admin.TabularInline):
    model = SessionBooking
    extra = 0
    can_delete = False
    fields = ["enterprise", "status", "booked_at", "reminded_at"]
    readonly_fields = fields
    verbose_name_plural = _("预约企业")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class QuestionInline(admin.TabularInline):
    model = SessionQuestion
    extra = 0
    can_delete = False
    fields = ["content", "enterprise", "answered_at", "policy_faq"]
    readonly_fields = fields
    verbose_name_plural = _("企业提前提交的问题")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ConsultationSession)
class ConsultationSessionAdmin(WorkflowAdmin, ViewOnlyHistoryAdmin, DepartmentScopedAdmin, SimpleHistoryAdmin):
    form = SessionForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["topic", "department", "starts_at", "capacity", "status"]
    list_filter = ["status"]
    search_fields = ["topic", "host"]
    inlines = [BookingInline, QuestionInline]

    def get_fields(self, request, obj=None):
        if obj is None:
            return [name for name in SessionForm.Meta.fields if name != "recording_url"]
        return [*SessionForm.Meta.fields, "status", "cancel_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fixed = ["status", "cancel_reason"]
        if obj.status != S.DRAFT:
            fixed += SCHEDULE
        if obj.status in (S.REPLAYED, S.CANCELLED):
            fixed += ["description"]
        if obj.status != S.HELD:
            fixed += ["recording_url"]  # recorded after the session, before 公布回放
        return fixed

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.status in services.PUBLIC_STATES else None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "policy" in form.base_fields:
            form.base_fields["policy"].queryset = scope(request.user, Policy.objects.all(), "view")
        if "matter" in form.base_fields:
            form.base_fields["matter"].queryset = scope(request.user, Matter.objects.all(), "view")
        return form

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        # DepartmentScopedAdmin grants the default actions; the workflow's permissions are granted too.
        super().save_model(request, obj, form, change)
        if not change:
            services.assign_ownership(obj)

    def save_form(self, request, form, change):
        obj = super().save_form(request, form, change)
        if not change:
            obj.department = self.owner_department(request, obj, form)
        return obj


class AnswerForm(forms.ModelForm):
    promote = forms.BooleanField(
        label=_("转为政策常见问题"),
        required=False,
        help_text=_("勾选后，本问题和答复将加入相关政策的常见问题（只能转入一次）。"),
    )

    class Meta:
        model = SessionQuestion
        fields = ["answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 6})}

    def clean_answer(self):
        try:
            return services.check_answer(self.cleaned_data.get("answer", ""))
        except ValidationError as error:
            raise ValidationError(error.message_dict["answer"]) from None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("promote") and self.instance.session.policy_id is None:
            self.add_error("promote", _("该咨询会没有关联政策，无法转为政策常见问题。"))
        return cleaned

    def _post_clean(self):
        # the answer is written by the service (answer_question), not by the form
        pass


@admin.register(SessionQuestion)
class SessionQuestionAdmin(ViewOnlyHistoryAdmin, SimpleHistoryAdmin):
    form = AnswerForm
    list_display = ["__str__", "session", "enterprise", "answered_at", "policy_faq"]
    list_filter = ["session__status"]
    readonly_fields = ["session", "enterprise", "content", "personal_data_label", "submitted_at", "answered_by"]
    readonly_fields += ["answered_at", "policy_faq", "original_shown"]

    @admin.display(description=_("个人信息"))
    def personal_data_label(self, obj):
        from appeals.interaction import kinds_label

        return _("已隐去：%(kinds)s") % {"kinds": kinds_label(obj.personal_data)} if obj.personal_data else "—"

    @admin.display(description=_("原文（仅答复人员可见）"))
    def original_shown(self, obj):
        """What the enterprise typed, personal data included, so the department can call back; the public and
        the page of the session show only the redacted text."""
        return obj.original_content or _("未检出个人信息，公开内容即原文。")

    def get_fields(self, request, obj=None):
        fields = ["session", "enterprise", "content", "personal_data_label", "submitted_at"]
        if obj is not None and self.has_change_permission(request, obj):
            if obj.personal_data:
                fields.append("original_shown")
            fields += ["answer"] + ([] if obj.promoted else ["promote"])
        else:
            fields += ["answer"]
        return [*fields, "answered_by", "answered_at", "policy_faq"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and self.has_change_permission(request, obj):
            return self.readonly_fields
        return [*self.readonly_fields, "answer"]

    def get_queryset(self, request):
        sessions = scope(request.user, ConsultationSession.objects.all(), "view")
        return super().get_queryset(request).filter(session__in=sessions).select_related("session", "enterprise")

    def get_object(self, request, object_id, from_field=None):
        from django.http import Http404

        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("对象不存在，或不属于您的部门"))
        return obj

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        if not can(request.user, "engagement.view_sessionquestion"):
            return False
        return obj is None or can(request.user, "engagement.view_consultationsession", obj.session)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return can(request.user, "engagement.answer_sessionquestion")
        return (
            services.may_answer(request.user, obj.session)
            and obj.session.status in (S.HELD, S.REPLAYED)
            and not obj.promoted
        )

    def save_model(self, request, obj, form, change):
        # ModelAdmin's save_model, replaced by the services; refusals surface in save_form below instead
        pass

    def save_related(self, request, form, formsets, change):
        pass

    def save_form(self, request, form, change):
        obj = form.instance
        try:
            services.answer_question(obj, by=request.user, text=form.cleaned_data["answer"])
            if form.cleaned_data.get("promote"):
                services.promote(obj, by=request.user)
                self.message_user(request, _("已转为政策常见问题。"), messages.SUCCESS)
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
        obj.refresh_from_db()
        return obj
