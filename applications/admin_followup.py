"""The back office of the follow-up (办件跟踪): 公示异议, 好差评 and 差评整改.

Scoped per department: staff see the objections and ratings of their departments' matters and the
rectifications their departments owe; supervisors (督查) and platform admins see all. A reviewer of
another department sees none (the list is empty, a change page is 404).

- 公示异议 is read here; the decision itself is the application's transition (异议不成立 / 异议成立),
  linked from each objection. The objector's phone is shown masked.
- 好差评 is read-only for everyone.
- 差评整改 is answered by the department: the answer text, then the state is 已整改 with who and when.
  Overdue open rectifications are marked.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from applications.models import Objection, Rating, Rectification
from portal.core.crypto import mask_phone
from portal.org.admin_mixins import ViewOnlyHistoryAdmin
from portal.org.models import Department
from portal.org.permissions import can, is_platform_admin, is_supervisor


class FollowupScopedAdmin(ViewOnlyHistoryAdmin, SimpleHistoryAdmin):
    """Rows of the user's departments (through `department_path`); all of them for supervisors and platform admins."""

    department_path = ""

    def _perm(self, action: str) -> str:
        opts = self.model._meta
        return f"{opts.app_label}.{action}_{opts.model_name}"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = request.user
        if is_platform_admin(user) or is_supervisor(user):
            return queryset
        if not can(user, self._perm("view")):
            return queryset.none()
        departments = Department.objects.filter(memberships__user=user)
        return queryset.filter(**{f"{self.department_path}__in": departments})

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("对象不存在，或不属于您的部门"))
        return obj

    def _visible(self, request, obj) -> bool:
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return can(request.user, self._perm("view"))

    def has_view_permission(self, request, obj=None):
        return can(request.user, self._perm("view")) and self._visible(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _application_link(application, label=None):
    try:
        url = reverse("admin:applications_application_change", args=[application.pk])
    except NoReverseMatch:
        return label or application.number
    return format_html('<a href="{}">{}</a>', url, label or application.number)


@admin.register(Objection)
class ObjectionAdmin(FollowupScopedAdmin):
    department_path = "application__matter__department"
    list_display = ["application_number", "matter", "state", "created_at", "answered_at", "decision"]
    list_filter = ["state"]
    search_fields = ["application__number", "application__enterprise__name"]
    list_select_related = ["application", "application__matter"]
    fields = [
        "application_number",
        "matter",
        "application_status",
        "name",
        "masked_phone",
        "content",
        "state",
        "answer",
        "created_at",
        "answered_at",
        "decision",
    ]
    readonly_fields = fields

    @admin.display(description=_("申报件"), ordering="application__number")
    def application_number(self, obj):
        return _application_link(obj.application)

    @admin.display(description=_("事项"))
    def matter(self, obj):
        return obj.application.matter.name

    @admin.display(description=_("办件状态"))
    def application_status(self, obj):
        return obj.application.get_status_display()

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    @admin.display(description=_("处理"))
    def decision(self, obj):
        """The application's own transitions: 异议不成立 / 异议成立 (for the matter's approvers)."""
        application = obj.application
        if obj.state != Objection.State.OPEN or application.status != application.Status.OBJECTION:
            return "—"
        links = []
        for name, label in (
            ("dismiss_objection", gettext("异议不成立")),
            ("uphold_objection", gettext("异议成立，撤销核准")),
        ):
            try:
                url = reverse("admin:applications_application_transition", args=[application.pk, name])
            except NoReverseMatch:
                return _application_link(application, gettext("到申报件处理"))
            links.append(format_html('<a class="button" href="{}">{}</a>', url, label))
        return format_html("{} {}", links[0], links[1])


@admin.register(Rating)
class RatingAdmin(FollowupScopedAdmin):
    department_path = "application__matter__department"
    list_display = ["application_number", "matter", "level", "channel", "created_at", "rectification_state"]
    list_filter = ["level", "channel"]
    search_fields = ["application__number", "application__enterprise__name"]
    list_select_related = ["application", "application__matter"]
    fields = ["application_number", "matter", "level", "comment", "channel", "created_at", "rectification_state"]
    readonly_fields = fields

    @admin.display(description=_("申报件"), ordering="application__number")
    def application_number(self, obj):
        return _application_link(obj.application)

    @admin.display(description=_("事项"))
    def matter(self, obj):
        return obj.application.matter.name

    @admin.display(description=_("整改"))
    def rectification_state(self, obj):
        row = Rectification.objects.filter(rating=obj).first()
        return row.get_state_display() if row is not None else "—"


class OverdueFilter(admin.SimpleListFilter):
    title = _("是否超期")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("已超期")), ("no", _("未超期"))]

    def queryset(self, request, queryset):
        overdue = {"state": Rectification.State.OPEN, "due_on__lt": timezone.localdate()}
        if self.value() == "yes":
            return queryset.filter(**overdue)
        if self.value() == "no":
            return queryset.exclude(**overdue)
        return queryset


class RectificationAnswerForm(forms.ModelForm):
    """整改答复: what the department did about the bad rating (at least 10 characters)."""

    class Meta:
        model = Rectification
        fields = ["answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("answer")
        if field is None:  # answered, or read by someone who may not answer: the field is read-only
            return
        field.required = True
        field.error_messages["required"] = gettext("请填写整改情况。")
        field.help_text = _("写明核实的情况、整改措施和对企业的回复（至少10个字）；保存后状态为“已整改”。")

    def clean_answer(self):
        # Prose keeps its Chinese punctuation: stripped, never NFKC-folded (，would become ,).
        answer = (self.cleaned_data.get("answer") or "").strip()
        if len(answer) < 10:
            raise forms.ValidationError(gettext("整改情况至少10个字，请写明整改措施和回复。"), code="answer_short")
        return answer


@admin.register(Rectification)
class RectificationAdmin(FollowupScopedAdmin):
    """差评整改: the department owing it answers; supervisors see all, with overdue marks."""

    department_path = "department"
    form = RectificationAnswerForm
    list_display = ["application_number", "department", "level", "state", "due_on", "overdue", "answered_at"]
    list_filter = ["state", OverdueFilter, "department"]
    search_fields = ["rating__application__number", "rating__application__enterprise__name"]
    list_select_related = ["rating", "rating__application", "department"]
    readonly_fields = [
        "application_number",
        "department",
        "level",
        "comment",
        "state",
        "due_on",
        "overdue",
        "answered_at",
        "answered_by",
        "escalated_at",
    ]

    def get_fields(self, request, obj=None):
        fields = ["application_number", "department", "level", "comment", "state", "due_on", "overdue"]
        if obj is not None and obj.state == Rectification.State.OPEN and self.has_change_permission(request, obj):
            return [*fields, "answer"]
        return [*fields, "answer", "answered_at", "answered_by", "escalated_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.state == Rectification.State.OPEN and self.has_change_permission(request, obj):
            return self.readonly_fields
        return [*self.readonly_fields, "answer"]

    def has_change_permission(self, request, obj=None):
        if not can(request.user, self._perm("change")):
            return False
        if obj is None:
            return True
        return obj.state == Rectification.State.OPEN and self._visible(request, obj)

    def save_model(self, request, obj, form, change):
        obj.state = Rectification.State.ANSWERED
        obj.answered_at = timezone.now()
        obj.answered_by = request.user
        obj._change_reason = gettext("部门答复整改情况")
        super().save_model(request, obj, form, change)

    @admin.display(description=_("申报件"), ordering="rating__application__number")
    def application_number(self, obj):
        return _application_link(obj.rating.application)

    @admin.display(description=_("评价等级"))
    def level(self, obj):
        return obj.rating.get_level_display()

    @admin.display(description=_("评价内容"))
    def comment(self, obj):
        return obj.rating.comment or "—"

    @admin.display(description=_("超期"), ordering="due_on")
    def overdue(self, obj):
        if obj.state == Rectification.State.OPEN and obj.due_on and obj.due_on < timezone.localdate():
            return format_html('<span class="status-overdue">{}</span>', gettext("已超期"))
        return "—"
