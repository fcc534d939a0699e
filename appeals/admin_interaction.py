"""The interaction area's moderation and answers in the admin (政策抒见互动区).

- 审核队列: operators of an operations centre see every question, 待审核 first; the personal data found in a
  question is shown highlighted in the original text (decrypted for them only); 审核公开 / 不予公开 through the
  workflow (`appeals.interaction_workflow.QUESTION`), and before publishing they may edit the public text; the
  personal-data warning is theirs while the question waits, and the 审核意见 of 审核公开 is kept whole
  (`Question.review_note`) and shown on the page.
- 答复: the reviewers and approvers of the related matter's or policy's department see their questions once public
  and answer through the workflow's confirmation page (答复内容); another department is refused with a message.
- 转为常见问题: a button on an answered question (and a list action), for those who may promote it
  (`interaction.may_promote`; the others get the 403 page with the reason), copies it into the related matter's or
  policy's FAQ, choosing which when it has both.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import escape, format_html, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from appeals import interaction
from appeals.models_interaction import Question, QuestionState
from portal.core.workflow_admin import WorkflowAdmin, confirmed_action, refusal_text
from portal.org.admin_mixins import ViewOnlyHistoryAdmin
from portal.org.permissions import can


def _highlighted(text: str):
    """The text, escaped, with each piece of personal data in <mark> and its kind in a title."""
    labels = dict(interaction.PersonalDataKind.choices)
    out, last = [], 0
    for item in interaction.find_personal_data(text):
        out.append(escape(text[last : item.start]))
        out.append(
            format_html('<mark title="{}">{}</mark>', labels.get(item.kind, item.kind), text[item.start : item.end])
        )
        last = item.end
    out.append(escape(text[last:]))
    return mark_safe("".join(str(p) for p in out).replace("\n", "<br>"))  # noqa: S308 - every piece is escaped


class QuestionForm(forms.ModelForm):
    """The public title and content, editable by the moderators while the question waits (更多个人信息须隐去)."""

    class Meta:
        model = Question
        fields = ["title", "content"]

    def clean(self):
        data = super().clean()
        if "title" in data and "content" in data:
            try:
                data["title"], data["content"] = interaction.check_text(data["title"], data["content"])
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    self.add_error(field, errors)
            else:
                for field in ("title", "content"):
                    if interaction.find_personal_data(data[field]):
                        self.add_error(field, _("公开内容仍含有个人信息，请隐去后再保存。"))
        return data


class StatusOrder(admin.SimpleListFilter):
    title = gettext_lazy("是否含个人信息")
    parameter_name = "personal"

    def lookups(self, request, model_admin):
        return [("1", _("含个人信息")), ("0", _("不含"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.exclude(personal_data=[])
        if self.value() == "0":
            return queryset.filter(personal_data=[])
        return queryset


def _promote(question, user, reason):
    interaction.promote(question, by=user)


@admin.register(Question)
class QuestionAdmin(WorkflowAdmin, ViewOnlyHistoryAdmin, SimpleHistoryAdmin):
    empty_value_display = "—"
    form = QuestionForm
    list_display = ["title", "status_tag", "personal_data_tag", "policy", "matter", "answer_department", "submitted_at"]
    list_filter = ["status", StatusOrder, ("answer_department", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "content"]
    list_select_related = ["policy", "matter", "answer_department"]
    readonly_fields = [
        "status",
        "original_text",
        "asker_shown",
        "enterprise",
        "policy",
        "matter",
        "submitted_at",
        "moderated_by",
        "moderated_at",
        "reject_reason",
        "review_note",
        "published_at",
        "answer",
        "answer_department",
        "answered_by",
        "answered_at",
        "faq_shown",
    ]
    fieldsets = [
        (gettext_lazy("公开内容"), {"fields": ["title", "content"]}),
        (gettext_lazy("原文（仅审核人员可见）"), {"fields": ["original_text"]}),
        (gettext_lazy("提问"), {"fields": ["status", "asker_shown", "enterprise", "policy", "matter", "submitted_at"]}),
        (
            gettext_lazy("审核"),
            {"fields": ["moderated_by", "moderated_at", "review_note", "reject_reason", "published_at"]},
        ),
        (
            gettext_lazy("答复"),
            {"fields": ["answer", "answer_department", "answered_by", "answered_at", "faq_shown"]},
        ),
    ]
    actions = [
        confirmed_action("promote", gettext_lazy("转为常见问题"), _promote, allowed_permissions=("answer",)),
    ]

    # --- who sees and changes what -----------------------------------------------------------------

    def get_queryset(self, request):
        pending_first = Case(
            When(status=QuestionState.SUBMITTED, then=Value(0)),
            When(status=QuestionState.PUBLISHED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return (
            interaction.visible_to(request.user)
            .select_related("policy", "matter", "answer_department")
            .annotate(queue=pending_first)
            .order_by("queue", "-submitted_at", "-pk")
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("提问不存在，或不涉及您所在部门的政策或事项"))
        return obj

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if not (can(request.user, "appeals.change_question") and interaction.is_moderator(request.user)):
            return False
        return obj is None or obj.status == QuestionState.SUBMITTED

    def has_answer_permission(self, request):
        return can(request.user, "appeals.answer_question") and interaction.may_answer(request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not interaction.is_moderator(request.user):
            fieldsets = [f for f in fieldsets if f[1]["fields"] != ["original_text"]]
        return fieldsets

    # --- shown ----------------------------------------------------------------------------------------

    @admin.display(description=gettext_lazy("状态"), ordering="status")
    def status_tag(self, obj):
        return obj.get_status_display()

    @admin.display(description=gettext_lazy("个人信息"))
    def personal_data_tag(self, obj):
        return interaction.kinds_label(obj.personal_data) or "—"

    @admin.display(description=gettext_lazy("提问人"))
    def asker_shown(self, obj):
        return obj.asker.display_name if obj.asker_id else "—"

    @admin.display(description=gettext_lazy("原文及检出的个人信息"))
    def original_text(self, obj):
        if not obj.personal_data:
            return _("未检出个人信息，公开内容即原文。")
        return format_html(
            "<p><strong>{}</strong></p><p>{}</p><p>{}</p>",
            _highlighted(obj.original_title),
            _highlighted(obj.original_content),
            _("检出：%(kinds)s（公开时已隐去）") % {"kinds": interaction.kinds_label(obj.personal_data)},
        )

    @admin.display(description=gettext_lazy("常见问题"))
    def faq_shown(self, obj):
        if obj.matter_faq_id:
            return _("已转为事项“%(name)s”的常见问题") % {"name": obj.matter.name if obj.matter_id else ""}
        if obj.policy_faq_id:
            return _("已转为政策“%(title)s”的常见问题") % {"title": obj.policy.title if obj.policy_id else ""}
        return "—"

    def transition_details(self, request, obj, transition):
        related = []
        if obj.matter_id:
            related.append(_("事项：%(name)s") % {"name": obj.matter.name})
        if obj.policy_id:
            related.append(_("政策：%(name)s") % {"name": obj.policy.title})
        return [
            (_("提问标题"), obj.title),
            (_("提问内容"), obj.content),
            (_("相关事项或政策"), "；".join(related) or "—"),
        ]

    def transition_submit_label(self, transition):
        if transition.name == "answer":
            return _("提交答复")
        return _("确认%(action)s") % {"action": transition.label}

    def workflow_notes(self, request, obj):
        notes = []
        if obj.personal_data and obj.status == QuestionState.SUBMITTED and interaction.is_moderator(request.user):
            notes.append(
                _("本提问含有个人信息（%(kinds)s），公开内容中已隐去；请核对后再公开。")
                % {"kinds": interaction.kinds_label(obj.personal_data)}
            )
        if obj.status == QuestionState.PUBLISHED and not interaction.may_answer(request.user, obj):
            notes.append(_("该提问不涉及您所在部门的政策或事项，由相关部门或城运中心答复。"))
        return notes

    def workflow_tools(self, request, obj):
        if (
            obj.status == QuestionState.ANSWERED
            and not obj.promoted
            and interaction.promotion_targets(obj)
            and self.may_promote(request, obj)
        ):
            return [
                {
                    "url": reverse("admin:appeals_question_promote", args=[obj.pk]),
                    "label": _("转为常见问题"),
                    "name": "promote",
                }
            ]
        return []

    # --- 转为常见问题 --------------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/promote/",
                self.admin_site.admin_view(self.promote_view),
                name="appeals_question_promote",
            ),
            *super().get_urls(),
        ]

    def may_promote(self, request, obj) -> bool:
        return self.has_answer_permission(request) and interaction.may_promote(request.user, obj)

    def promote_view(self, request, object_id):
        """转为常见问题: the form for those who may promote (`interaction.may_promote`); the others get the 403 page
        with the reason."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        change_url = reverse("admin:appeals_question_change", args=[obj.pk])
        if not self.may_promote(request, obj):
            context = {
                **self.admin_site.each_context(request),
                "title": _("不能转为常见问题"),
                "opts": self.model._meta,
                "original": obj,
                "message": interaction.NOT_PROMOTER,
                "change_url": change_url,
            }
            return TemplateResponse(request, "appeals/interaction/admin_refused.html", context, status=403)
        targets = interaction.promotion_targets(obj)
        form = PromoteForm(request.POST or None, question=obj, targets=targets)
        if request.method == "POST" and form.is_valid():
            try:
                interaction.promote(
                    obj,
                    by=request.user,
                    target=form.cleaned_data.get("target") or None,
                    faq_question=form.cleaned_data["question"],
                    faq_answer=form.cleaned_data["answer"],
                )
            except (ValidationError, PermissionDenied) as error:
                if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    self.message_user(request, refusal_text(error), messages.ERROR)
                    return HttpResponseRedirect(change_url)
            else:
                self.message_user(request, _("已转为常见问题。"), messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("转为常见问题"),
            "opts": self.model._meta,
            "original": obj,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "appeals/interaction/admin_promote.html", context)


class PromoteForm(forms.Form):
    target = forms.ChoiceField(
        label=gettext_lazy("转入"),
        widget=forms.RadioSelect,
        required=False,
        error_messages={
            "required": gettext_lazy("请选择转入事项还是政策的常见问题。"),
            "invalid_choice": gettext_lazy("请选择转入事项还是政策的常见问题。"),
        },
    )
    question = forms.CharField(
        label=gettext_lazy("问题"),
        max_length=300,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        error_messages={"required": gettext_lazy("请填写常见问题的“问题”。")},
    )
    answer = forms.CharField(
        label=gettext_lazy("解答"),
        widget=forms.Textarea(attrs={"rows": 8, "class": "vLargeTextField"}),
        error_messages={"required": gettext_lazy("请填写常见问题的“解答”。")},
    )

    def __init__(self, *args, question, targets, **kwargs):
        super().__init__(*args, initial={"question": question.title, "answer": question.answer}, **kwargs)
        choices = []
        if interaction.TARGET_MATTER in targets:
            choices.append((interaction.TARGET_MATTER, _("事项“%(name)s”的常见问题") % {"name": question.matter.name}))
        if interaction.TARGET_POLICY in targets:
            choices.append(
                (interaction.TARGET_POLICY, _("政策“%(title)s”的常见问题") % {"title": question.policy.title})
            )
        self.fields["target"].choices = choices
        if len(choices) > 1:
            self.fields["target"].required = True
        else:
            self.fields["target"].widget = forms.HiddenInput()
            self.initial["target"] = choices[0][0] if choices else ""
