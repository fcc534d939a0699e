"""专题文章 (feature articles attached to policies): the back office.

Editors write a department's articles and submit them; reviewers and approvers of the same department publish,
return or withdraw them from the change form's buttons (the workflow's transitions, `WorkflowAdmin`). Another
department's article is not listed and opens as a 404 (`DepartmentScopedAdmin`). An article is edited only as a
draft: once submitted it is read-only until it is returned, or withdrawn and 重新编辑.
"""

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from engagement import articles
from engagement.models import Article, ArticleState
from policies.models import Policy
from policies.sanitize import clean_html
from portal.core.workflow_admin import WorkflowAdmin
from portal.org.admin_mixins import DepartmentScopedAdmin, ViewOnlyHistoryAdmin
from portal.org.permissions import can, is_platform_admin

WORKFLOW_FIELDS = [
    "status",
    "department",
    "created_by",
    "reviewed_by",
    "published_at",
    "return_reason",
    "withdrawn_at",
    "withdraw_reason",
]


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "summary", "body", "cover", "policies", "matters"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}
        error_messages = {"policies": {"required": _("请至少选择一项本文解读的政策。")}}


@admin.register(Article)
class ArticleAdmin(WorkflowAdmin, ViewOnlyHistoryAdmin, DepartmentScopedAdmin, SimpleHistoryAdmin):
    form = ArticleForm
    list_display = ["title", "status_tag", "department", "published_at", "updated_at"]
    list_filter = ["status", "department"]
    search_fields = ["title", "summary"]
    list_select_related = ["department"]
    filter_horizontal = ["policies", "matters"]
    readonly_fields = [*WORKFLOW_FIELDS, "body_preview"]
    fieldsets = [
        (_("文章"), {"fields": ["title", "summary", "body", "cover"]}),
        (_("解读的政策与事项"), {"fields": ["policies", "matters"]}),
        (_("发布状态"), {"fields": WORKFLOW_FIELDS}),
    ]

    @admin.display(description=_("状态"), ordering="status")
    def status_tag(self, obj):
        return format_html(
            '<span class="article-status article-status-{}">{}</span>', obj.status, obj.get_status_display()
        )

    @admin.display(description=_("正文"))
    def body_preview(self, obj):
        # The reviewer reads the article as the public will, not its HTML source (sanitised again on the way out).
        return mark_safe(f'<div class="article-body-preview">{clean_html(obj.body)}</div>')  # noqa: S308

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_public else None

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            # Nothing to show of a workflow that has not started.
            fieldsets = [f for f in fieldsets if f[0] != _("发布状态")]
        elif not self.has_change_permission(request, obj):
            fieldsets = [
                (name, {**options, "fields": ["body_preview" if f == "body" else f for f in options["fields"]]})
                for name, options in fieldsets
            ]
        return fieldsets

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status != ArticleState.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Once published, an article is withdrawn (撤下, with a reason), never erased.
        if obj is not None and obj.published_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # The policies an article may explain: public ones (drafts have nothing to explain yet).
        if db_field.name == "policies":
            kwargs["queryset"] = Policy.objects.filter(status__in=Policy.PUBLIC_STATUSES).order_by("-issue_date")
        if db_field.name == "matters":
            from matters.models import Matter

            kwargs["queryset"] = Matter.objects.select_related("policy").order_by("code")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.department = self.owner_department(request, obj, form)
            obj.created_by = request.user
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    def owner_department(self, request, obj, form):
        if obj.department_id:
            return obj.department
        return super().owner_department(request, obj, form)

    def _needs_owner_choice(self, request, obj) -> bool:
        if obj is None and is_platform_admin(request.user):
            return True
        return super()._needs_owner_choice(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            articles.assign_ownership(form.instance)

    def workflow_notes(self, request, obj):
        notes = []
        if obj.status == ArticleState.DRAFT and obj.return_reason:
            notes.append(_("退回理由：%(reason)s") % {"reason": obj.return_reason})
        if obj.status == ArticleState.WITHDRAWN:
            notes.append(_("撤下理由：%(reason)s") % {"reason": obj.withdraw_reason})
        if obj.status == ArticleState.PENDING and obj.created_by_id == request.user.pk:
            # said to those who could publish were it not their own; an editor is told it awaits review
            if can(request.user, "engagement.publish_article", obj):
                notes.append(articles.NOT_OWN_ARTICLE)
            else:
                notes.append(_("已提交审核，待本部门审核人员发布。"))
        return notes

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "policy" in request.GET:
            initial["policies"] = [p for p in request.GET.getlist("policy") if p.isdigit()]
        return initial
