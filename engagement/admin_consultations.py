"""征求意见 (consultation on draft policies): the back office.

A department's staff see only their department's consultations (another department's is a 404, as elsewhere in
the admin). The editor writes the draft and its questions and opens it (发起征求意见); the editor, reviewer and
approver reply to each comment in the comments' table (采纳情况 and reason); the editor or approver writes and
publishes the summary (公布意见采纳情况), then links the final policy; the approver may withdraw it. The
征求期限's end date is shown with its derivation over the working-day calendar.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from engagement import consultations as service
from engagement.models import Consultation, ConsultationComment, ConsultationQuestion
from engagement.models.consultations import MAX_PERIOD_DAYS, MIN_PERIOD_DAYS
from policies.models import Policy
from policies.sanitize import clean_html
from portal.core import uploads
from portal.core.workflow_admin import WorkflowAdmin
from portal.org.admin_mixins import DepartmentScopedAdmin, ViewOnlyHistoryAdmin
from portal.org.permissions import can, is_platform_admin
from portal.org.selectors import departments_of
from portal.workcalendar import clocks

S = Consultation.Status
DRAFT_FIELDS = ["title", "department", "introduction", "draft_text", "document", "period_days"]


class QuestionForm(forms.ModelForm):
    class Meta:
        model = ConsultationQuestion
        fields = ["position", "text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
        self.fields["position"].help_text = _("不填的，排在已有问题之后。")
        self.fields["position"].initial = None


class QuestionFormSet(forms.BaseInlineFormSet):
    """A new question without a number is numbered after the others, in the order the rows were added."""

    def clean(self):
        super().clean()
        rows = [f for f in self.forms if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")]
        taken = [f.cleaned_data["position"] for f in rows if f.cleaned_data.get("position")]
        following = max(taken, default=0)
        for form in rows:
            if not form.cleaned_data.get("position"):
                following += 1
                form.cleaned_data["position"] = following
                form.instance.position = following
        if len({f.cleaned_data["position"] for f in rows}) != len(rows):
            raise ValidationError(_("问题序号不能重复。"))


class QuestionInline(admin.TabularInline):
    """The questions asked, in order; fixed once the consultation is open."""

    model = ConsultationQuestion
    form = QuestionForm
    formset = QuestionFormSet
    extra = 0
    fields = ["position", "text"]

    def _draft(self, obj) -> bool:
        return obj is None or obj.pk is None or obj.status == S.DRAFT

    def has_view_permission(self, request, obj=None):
        return obj is None or can(request.user, "engagement.view_consultation", obj)

    def has_add_permission(self, request, obj=None):
        return self._draft(obj) and can(request.user, "engagement.add_consultationquestion") and self._own(request, obj)

    def has_change_permission(self, request, obj=None):
        return (
            self._draft(obj) and can(request.user, "engagement.change_consultationquestion") and self._own(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return (
            self._draft(obj) and can(request.user, "engagement.delete_consultationquestion") and self._own(request, obj)
        )

    @staticmethod
    def _own(request, obj) -> bool:
        return obj is None or obj.pk is None or can(request.user, "engagement.change_consultation", obj)


class CommentForm(forms.ModelForm):
    class Meta:
        model = ConsultationComment
        fields = ["outcome", "reply"]
        widgets = {"reply": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def clean(self):
        # a reply without its reason is the model's rule (ConsultationComment.clean), said there once
        data = super().clean()
        if (data.get("reply") or "").strip() and not data.get("outcome"):
            self.add_error("outcome", _("请选择采纳情况。"))
        return data


class CommentInline(admin.TabularInline):
    """The comments received, each with its reply (采纳情况); replies are entered here until the summary is out."""

    model = ConsultationComment
    form = CommentForm
    extra = 0
    can_delete = False
    fields = ["question", "commenter", "content", "created_at", "outcome", "reply", "replied_at"]
    readonly_fields = ["question", "commenter", "content", "created_at", "replied_at"]
    verbose_name_plural = _("收到的意见及采纳情况")

    @admin.display(description=_("提出人"))
    def commenter(self, comment):
        if comment.enterprise_id:
            agreed = _("同意公开名称") if comment.show_identity else _("不公开名称")
            return f"{comment.enterprise.name}（{agreed}）"
        return f"{comment.name or _('社会公众')}（{comment.contact[:3]}****{comment.contact[-4:]}）"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question", "enterprise")

    def has_view_permission(self, request, obj=None):
        return obj is None or can(request.user, "engagement.view_consultation", obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is not None and obj.pk is not None and service.may_reply(request.user, obj)


class ConsultationForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = [*DRAFT_FIELDS, "summary", "policy"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        period = self.fields.get("period_days")
        if period is not None:
            # one range, said once: not "≥ 0" from the column type first and "≥ 5" from the rule after it
            period.min_value, period.max_value = MIN_PERIOD_DAYS, MAX_PERIOD_DAYS
            period.validators = [MinValueValidator(MIN_PERIOD_DAYS), MaxValueValidator(MAX_PERIOD_DAYS)]
            period.widget.attrs.update(min=MIN_PERIOD_DAYS, max=MAX_PERIOD_DAYS)
            period.help_text = _("%(min)d–%(max)d个工作日，自发起征求之日的次日起计算，法定节假日不计入。") % {
                "min": MIN_PERIOD_DAYS,
                "max": MAX_PERIOD_DAYS,
            }

    def clean(self):
        data = super().clean()
        if "policy" in self.fields and data.get("policy") is not None:
            try:
                service.check_link(self.instance, data["policy"])
            except ValidationError as error:
                for message in error.message_dict.get("policy", error.messages):
                    self.add_error("policy", message)
        return data


@admin.register(Consultation)
class ConsultationAdmin(WorkflowAdmin, ViewOnlyHistoryAdmin, DepartmentScopedAdmin, SimpleHistoryAdmin):
    form = ConsultationForm
    list_display = ["title", "department", "status", "opened_on", "ends_on", "comment_count", "replied_count"]
    list_filter = ["status", "department"]
    search_fields = ["title"]
    list_select_related = ["department"]
    inlines = [QuestionInline, CommentInline]
    fieldsets = [
        (_("征求意见稿"), {"fields": DRAFT_FIELDS}),
        (_("征求期限"), {"fields": ["status", "opened_on", "ends_on", "derivation"]}),
        (_("意见采纳情况"), {"fields": ["summary", "summary_published_at", "policy"]}),
    ]

    @admin.display(description=_("意见数"))
    def comment_count(self, obj):
        return obj.comments.count()

    @admin.display(description=_("已答复"))
    def replied_count(self, obj):
        return obj.comments.exclude(outcome="").count()

    @admin.display(description=_("截止日期的推算"))
    def derivation(self, obj):
        clock = service.period_clock(obj) if obj and obj.pk else None
        if clock is None:
            return _("发起征求意见后，按工作日历计算截止日期。")
        return format_html(
            "<div>{}</div>", format_html_join("", "{}<br>", ((line,) for line in clocks.explain(clock).lines()))
        )

    def has_change_permission(self, request, obj=None):
        # The reviewer replies to the comments on the form without changing the consultation itself.
        return super().has_change_permission(request, obj) or (obj is not None and service.may_reply(request.user, obj))

    @admin.display(description=_("征求意见稿正文"))
    def draft_text_shown(self, obj):
        """The draft as readers see it once it can no longer be edited, not its HTML source."""
        if not obj.draft_text:
            return "—"
        return mark_safe(f'<div class="article-body-preview">{clean_html(obj.draft_text)}</div>')  # noqa: S308

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if "draft_text" not in self.get_readonly_fields(request, obj):
            return fieldsets
        swap = ["draft_text_shown" if name == "draft_text" else name for name in fieldsets[0][1]["fields"]]
        return [(fieldsets[0][0], {**fieldsets[0][1], "fields": swap}), *fieldsets[1:]]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["status", "opened_on", "ends_on", "derivation", "summary_published_at", "draft_text_shown"]
        if obj is None:
            return [*fixed, "policy", "summary"]
        if not can(request.user, "engagement.change_consultation", obj):
            return [*fixed, *DRAFT_FIELDS, "summary", "policy"]
        if obj.status != S.DRAFT:
            fixed += DRAFT_FIELDS
        else:
            fixed.append("department")
        if obj.status not in (S.OPEN, S.CLOSED):
            fixed.append("summary")
        if obj.status != S.PUBLISHED:
            fixed.append("policy")
        return fixed

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department" and not is_platform_admin(request.user):
            kwargs["queryset"] = departments_of(request.user)
        if db_field.name == "policy":
            obj = getattr(request, "_consultation", None)
            queryset = Policy.objects.all()
            if obj is not None:
                queryset = queryset.filter(lead_department=obj.department)
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        request._consultation = obj
        return super().get_form(request, obj, change=change, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        own = departments_of(request.user)
        if "department" not in initial and own.count() == 1:
            initial["department"] = own.get().pk
        return initial

    # The owner is the consultation's department, chosen among the user's own.
    def _needs_owner_choice(self, request, obj) -> bool:
        return False

    def owner_department(self, request, obj, form):
        return obj.department

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            if (
                not is_platform_admin(request.user)
                and not departments_of(request.user).filter(pk=obj.department_id).exists()
            ):
                raise PermissionDenied(_("只能为本部门发起征求意见。"))
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
        if not change:
            service.assign_ownership(obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ConsultationComment:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        replied = []
        for comment, changed_fields in formset.changed_objects:
            service.reply(comment, by=request.user, outcome=comment.outcome, text=comment.reply)
            replied.append((comment, changed_fields))
        formset.changed_objects = replied
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with uploads.discard_stored_on_failure():
            return super().changeform_view(request, object_id, form_url, extra_context)
