"""Back office for matters (政策资金事项) and their eligibility rules, as department staff use it.

Matters belong to their implementing department ("谁梳理、谁发布"): its editors
(录入员) add matters, write their guides (materials, process steps, FAQs, tiers)
and submit them; its approvers review them and put them on the catalogue (上架),
return, close or withdraw them; reviewers and supervisors read. Another
department's matter is not in the list and its page is a 404.

Only a draft is edited. A submitted matter is what the approver reviews, a
published, closed or withdrawn one is what the public read: their pages are
read-only, and a change goes through the workflow (退回修改, or 下架 → 修订).
One exception, 期限待定 (无锡 §11): on a published matter whose window is still
to be decided, the editor enters the decision day and the window; the 3-working-
day clock runs from the decision day until an approver performs 公布申报期限.

Saving refuses, with the reason on the field: a support standard `lint_support`
rejects (a cap below the fixed amount, overlapping or unreachable tiers, a rate
without a money base), a window opening fewer than 5 working days after today
(宜昌 §20), and a new name close to an existing matter's unless the editor ticks
确认不是同一事项 (one matter, one name: 宜昌 §22, 常州 §13).

A rule version (申报条件版本) is edited as criteria rows; its page shows how many
enterprises of the register are eligible, unknown (missing data) or one
criterion short, recounted as the rows are typed (`ruleset_count.js`, no inline
script) and after each save. A published version is frozen (open-zaak's
ConceptMixin): a change is a new version (`services.new_rule_version`).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from matters import services
from matters.admin_impact import ImpactPreviewAdminMixin
from matters.admin_push import MatterPushAdminMixin
from matters.amounts import lint_support
from matters.catalogue import catalogue_workbook
from matters.eligibility import near_misses, status_annotation
from matters.eligibility.compiler import STATUS_FIELD
from matters.models import (
    Criterion,
    Material,
    Matter,
    MatterFAQ,
    MatterStatus,
    ProcessStep,
    RuleSet,
    SupportKind,
    SupportTier,
    WindowKind,
)
from matters.workflow import MATTER
from policies.models import Policy
from portal.core import normalize, uploads
from portal.core.workflow_admin import WorkflowAdmin, refusal_text
from portal.org.admin_mixins import DepartmentScopedAdmin, ViewOnlyHistoryAdmin
from portal.org.models import Department
from portal.org.permissions import can, is_platform_admin, revoke_from_department, scope
from portal.org.selectors import departments_of

PERM_PUBLISH = "matters.publish_ruleset"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- rule versions (申报条件版本) ---


def _editable(request, rule_set) -> bool:
    """A draft the user may change (a new one, on the add page, if they may add)."""
    if rule_set is None:
        return can(request.user, "matters.add_ruleset")
    return not rule_set.is_published and can(request.user, "matters.change_ruleset", rule_set)


class ValueField(forms.JSONField):
    """取值 typed as JSON (2000, [1000, 5000], ["C39"]); an empty value shows an empty box, not "null"."""

    def prepare_value(self, value):
        if value is None:
            return ""
        return super().prepare_value(value)


class CriterionForm(forms.ModelForm):
    value = ValueField(
        label=gettext_lazy("取值"),
        required=False,
        help_text=gettext_lazy('数值填数字，如2000；介于填[下限, 上限]；编码列表填["C39"]；“是/否”类留空'),
    )

    class Meta:
        model = Criterion
        fields = ["position", "fact", "operator", "value", "group", "message", "legal_reference", "manual"]


class CriterionInline(admin.TabularInline):
    model = Criterion
    form = CriterionForm
    extra = 0
    fields = ["position", "fact", "operator", "value", "group", "message", "legal_reference", "manual"]

    def has_view_permission(self, request, obj=None):
        return can(request.user, "matters.view_ruleset", obj) or _editable(request, obj)

    def has_add_permission(self, request, obj=None):
        return _editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return _editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _editable(request, obj)


class RuleRows:
    """Criteria rows not yet saved, shaped as the compilers read a rule set (`rule_set.criteria.all()`)."""

    def __init__(self, criteria: list[Criterion]):
        self._criteria = criteria

    @property
    def criteria(self):
        return self

    def all(self) -> list[Criterion]:
        return list(self._criteria)


def match_counts(rule_set, *, on) -> dict[str, int]:
    """How many enterprises of the register the rule set finds, on `on`: {"eligible", "unknown", "ineligible",
    "near_miss", "total"} — 可申报, 可能符合（缺少数据）, 暂不符合, 差一条. Two set-based queries (one grouped
    count over `status_annotation`, one count of `near_misses`), never a loop over enterprises."""
    rows = status_annotation(rule_set, on=on).order_by().values(STATUS_FIELD).annotate(n=Count("pk"))
    counts = {"eligible": 0, "unknown": 0, "ineligible": 0}
    for row in rows:
        counts[row[STATUS_FIELD]] = row["n"]
    counts["near_miss"] = near_misses(rule_set, on=on).count()
    counts["total"] = counts["eligible"] + counts["unknown"] + counts["ineligible"]
    return counts


# Rows read from a posted page, at most: a rule of more is not typed by a person.
MAX_POSTED_ROWS = 200


def posted_rows(data, prefix: str = "criteria") -> tuple[list[Criterion], list[str]]:
    """The criteria rows of a posted rule-set page (the inline formset's fields, deleted and empty rows left out),
    each validated by `CriterionForm` (the linter included); returns (rows, Chinese errors by row number)."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), MAX_POSTED_ROWS)
    except ValueError:
        return [], [_("表单数据不完整，请刷新页面后重试。")]
    rows, errors = [], []
    for index in range(total):
        form = CriterionForm(data, prefix=f"{prefix}-{index}", empty_permitted=True, use_required_attribute=False)
        if data.get(f"{prefix}-{index}-DELETE"):
            continue
        if not form.has_changed() and not data.get(f"{prefix}-{index}-id"):
            continue
        if not form.is_valid():
            messages_ = [message for field_errors in form.errors.values() for message in field_errors]
            errors.append(_("第%(n)d行：%(errors)s") % {"n": index + 1, "errors": "；".join(messages_)})
            continue
        rows.append(form.instance)
    return rows, errors


@admin.register(RuleSet)
class RuleSetAdmin(ImpactPreviewAdminMixin, ViewOnlyHistoryAdmin, DepartmentScopedAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "matter", "version", "status", "valid_from", "valid_to"]
    list_filter = ["status"]
    search_fields = ["code", "name", "matter__code", "matter__name"]
    list_select_related = ["matter"]
    readonly_fields = ["version", "status", "published_at", "match_count"]
    fields = ["matter", "code", "name", "version", "status", "valid_from", "valid_to", "published_at", "match_count"]
    inlines = [CriterionInline]
    actions = ["publish_rule_sets"]

    class Media:
        js = ["matters/ruleset_count.js"]
        css = {"all": ["matters/admin.css"]}

    def has_change_permission(self, request, obj=None):
        # A published version is frozen: nobody changes it, a change is a new version.
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def has_publish_permission(self, request, obj=None):
        return can(request.user, PERM_PUBLISH, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A rule version belongs to a matter of the user's department (the one they may change).
        if db_field.name == "matter":
            kwargs["queryset"] = scope(request.user, Matter.objects.all(), "change")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("符合条件的企业"))
    def match_count(self, obj):
        """The count for the saved rows, and where `ruleset_count.js` recounts the rows being typed."""
        if obj is None or obj.pk is None:
            return _("保存后显示符合条件的企业数。")
        counts = match_counts(obj, on=timezone.localdate())
        url = reverse("admin:matters_ruleset_count", args=[obj.pk])
        return format_html(
            '<span id="ruleset-count" class="ruleset-count" data-count-url="{}" data-msg-counting="{}" '
            'data-msg-unsaved="{}" data-msg-failed="{}">{}<span class="ruleset-count-note" data-count="note"></span>'
            '</span> <button type="button" class="button" id="ruleset-recount">{}</button>',
            url,
            _("统计中…"),
            _("（按当前填写的条件统计，尚未保存）"),
            _("统计失败，请稍后重试。"),
            format_html(
                _(
                    '可申报 <strong data-count="eligible">{}</strong> 家 · '
                    '可能符合（缺少数据） <strong data-count="unknown">{}</strong> 家 · '
                    '暂不符合 <strong data-count="ineligible">{}</strong> 家'
                    '（其中差一条 <strong data-count="near_miss">{}</strong> 家）'
                ),
                f"{counts['eligible']:,}",
                f"{counts['unknown']:,}",
                f"{counts['ineligible']:,}",
                f"{counts['near_miss']:,}",
            ),
            _("按当前条件重新统计"),
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/count/",
                self.admin_site.admin_view(self.count_view),
                name="matters_ruleset_count",
            ),
            *super().get_urls(),
        ]

    def count_view(self, request, object_id):
        """JSON counts (`match_counts`): GET for the saved rows, POST for the rows of the page as typed.

        An invalid row gives {"errors": ["第2行：…"]} and no counts: a partial rule would mislead.
        """
        rule_set = self.get_object(request, unquote(object_id))
        if not self.has_view_or_change_permission(request, rule_set):
            raise PermissionDenied
        target = rule_set
        if request.method == "POST":
            rows, errors = posted_rows(request.POST)
            if errors:
                return JsonResponse({"errors": errors}, status=400)
            target = RuleRows(rows)
        counts = match_counts(target, on=timezone.localdate())
        return JsonResponse({**counts, "errors": [], "on": timezone.localdate().isoformat()})

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super(DepartmentScopedAdmin, self).save_model(request, obj, form, change)
        if not change:
            services.assign_ownership(obj, self.owner_department(request, obj, form))

    def save_formset(self, request, form, formset, change):
        for row in formset.forms:
            row.instance._history_user = request.user
        super().save_formset(request, form, formset, change)

    @admin.action(description=gettext_lazy("发布所选申报条件版本（自今日起生效）"), permissions=["publish"])
    def publish_rule_sets(self, request, queryset):
        """发布: each selected draft the user's department owns, valid from today; the others are left as they are."""
        published = 0
        for rule_set in scope(request.user, queryset, PERM_PUBLISH):
            if rule_set.is_published:
                continue
            try:
                services.publish_rule_set(rule_set, valid_from=timezone.localdate(), by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{rule_set}：{'；'.join(error.messages)}", messages.ERROR)
                continue
            published += 1
        self.message_user(request, _("已发布%(n)d个申报条件版本。") % {"n": published}, messages.SUCCESS)


# --- matters (政策资金事项) and their guides (申报指南) ---


def matter_editable(request, matter) -> bool:
    """Whether the guide rows of `matter` may be changed: a draft of the user's department (or a new matter)."""
    if matter is None or matter.pk is None:
        return can(request.user, "matters.add_matter")
    return matter.status == MatterStatus.DRAFT and can(request.user, "matters.change_matter", matter)


def window_fields_open(matter) -> list[str]:
    """The window fields an editor may still fill on a published 期限待定 matter (无锡 §11): all three until the window
    is decided; the opening and closing days while the decision waits to be announced; none once it is announced."""
    if matter is None or matter.status != MatterStatus.PUBLISHED or matter.window_kind != WindowKind.TBD:
        return []
    if services.window_announcement_pending(matter):
        return ["window_opens", "window_closes"]
    if matter.window_decided_on is None:
        return ["window_opens", "window_closes", "window_decided_on"]
    return []


class MatterForm(forms.ModelForm):
    confirm_not_duplicate = forms.BooleanField(
        label=gettext_lazy("确认不是同一事项"),
        required=False,
        help_text=gettext_lazy("系统提示名称与已有事项相近时，核对无误后勾选此项再保存。"),
    )

    class Meta:
        model = Matter
        fields = [
            "code",
            "name",
            "name_en",
            "policy",
            "clause",
            "department",
            "region",
            "target",
            "delivery_kind",
            "channel",
            "window_kind",
            "window_opens",
            "window_closes",
            "window_decided_on",
            "time_limit_days",
            "support_kind",
            "support_amount",
            "support_rate",
            "support_base_fact",
            "support_cap",
            "support_text",
            "exclusive_group",
            "notes",
            "consult_phone",
            "supervise_phone",
        ]

    def clean_code(self):
        return normalize.compact(self.cleaned_data.get("code")).upper()

    def clean_name(self):
        # Spaces trimmed and collapsed; the full-width brackets of a Chinese name are kept as written
        # (the comparison with other names folds them: `services.name_key`).
        return " ".join((self.cleaned_data.get("name") or "").split())

    def clean(self):
        cleaned = super().clean()
        self._check_name(cleaned)
        self._check_window(cleaned)
        return cleaned

    def _check_name(self, cleaned):
        """One matter, one name (宜昌 §22, 常州 §13): a new name close to another matter's needs the editor's word."""
        name = cleaned.get("name")
        if not name or (self.instance.pk is not None and "name" not in self.changed_data):
            return
        close = services.near_duplicates(name, exclude_pk=self.instance.pk)
        self.near_duplicates = close
        if close and not cleaned.get("confirm_not_duplicate"):
            others = "、".join(
                _("“%(name)s”（%(code)s，%(department)s，相似度%(score)s%%）")
                % {"name": d.matter.name, "code": d.matter.code, "department": d.matter.department, "score": d.score}
                for d in close
            )
            self.add_error(
                "name",
                _(
                    "事项名称与已有事项%(others)s相近。同一事项只能有一个名称（宜昌 §22、常州 §13）：是同一事项的，"
                    "请修改已有事项，不要重复录入；确属不同事项的，请勾选“确认不是同一事项”后再保存。"
                )
                % {"others": others},
            )

    def _check_window(self, cleaned):
        """期限待定 (无锡 §11): the decision day belongs to a TBD window, is not in the future and comes with the
        opening day."""
        if "window_decided_on" not in self.fields:
            return
        decided = cleaned.get("window_decided_on")
        kind = cleaned.get("window_kind", self.instance.window_kind)
        if decided is None:
            return
        if kind != WindowKind.TBD:
            self.add_error("window_decided_on", _("只有“期限待定”的事项填写申报期限确定日期。"))
        elif decided > timezone.localdate():
            self.add_error("window_decided_on", _("申报期限确定日期不能晚于今天。"))
        elif not cleaned.get("window_opens", self.instance.window_opens):
            self.add_error("window_opens", _("申报期限已确定，请填写申报起始日。"))

    def _post_clean(self):
        super()._post_clean()
        if self.instance.support_kind == SupportKind.TIERS:
            # The tiers are the inline rows being saved: the tier formset lints them (`TierFormSet.clean`);
            # the model's check saw only the rows saved before.
            self._errors.pop("support_kind", None)
        if self.instance.status == MatterStatus.PUBLISHED and "window_opens" in self.changed_data:
            # A window announced now still leaves the guide its 5 working days (宜昌 §20).
            try:
                services.check_guide_lead_time(self.instance, timezone.localdate())
            except ValidationError as error:
                self._update_errors(error)

    def _update_errors(self, errors):
        # A model check may name a field this form does not show (read-only on a published matter): the message
        # is kept, above the form, instead of failing.
        if hasattr(errors, "error_dict"):
            shown, hidden = {}, []
            for field, messages_ in errors.error_dict.items():
                if field == NON_FIELD_ERRORS or field in self.fields:
                    shown[field] = messages_
                else:
                    label = Matter._meta.get_field(field).verbose_name
                    hidden.extend(f"{label}：{m}" for error in messages_ for m in error.messages)
            if hidden:
                shown.setdefault(NON_FIELD_ERRORS, []).extend(ValidationError(m) for m in hidden)
            errors = ValidationError(shown)
        super()._update_errors(errors)


class GuideInline:
    """A guide's rows change with their draft: on the add page and on a draft of the user's department."""

    def _perm(self, action: str) -> str:
        return f"matters.{action}_{self.model._meta.model_name}"

    def has_view_permission(self, request, obj=None):
        return can(request.user, self._perm("view")) or self.has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return matter_editable(request, obj) and can(request.user, self._perm("add"))

    def has_change_permission(self, request, obj=None):
        return matter_editable(request, obj) and can(request.user, self._perm("change"))

    def has_delete_permission(self, request, obj=None):
        return matter_editable(request, obj) and can(request.user, self._perm("delete"))


class TierFormSet(forms.BaseInlineFormSet):
    """分档奖补: the tiers being saved are linted with the matter as posted (`lint_support(matter, tiers=…)`):
    overlapping tiers, a tier no eligible enterprise can reach, no tier at all — refused with the reason."""

    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.support_kind != SupportKind.TIERS:
            return
        tiers = [
            form.instance
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
            and (form.instance.pk is not None or form.has_changed())
        ]
        problems = lint_support(self.instance, tiers=tiers).get("support_kind", [])
        if problems:
            raise ValidationError(problems)


class SupportTierInline(GuideInline, admin.TabularInline):
    model = SupportTier
    formset = TierFormSet
    extra = 0
    fields = ["position", "lower", "upper", "amount"]
    verbose_name_plural = gettext_lazy("奖补档次（分档奖补时填写；下限、上限为计算基数的取值，单位同计算基数）")


class MaterialForm(forms.ModelForm):
    """空白范本 and 示范范本 are judged by content (`portal.core.uploads`) and stored under the detected extension."""

    class Meta:
        model = Material
        fields = ["position", "name", "form", "required", "shared", "source", "requirements", "template", "sample"]

    def _checked_upload(self, name):
        upload = self.cleaned_data.get(name)
        if isinstance(upload, UploadedFile):
            uploads.validate_document(upload)
            upload.name = uploads.stored_name(upload.name, uploads.detect(upload))
        return upload

    def clean_template(self):
        return self._checked_upload("template")

    def clean_sample(self):
        return self._checked_upload("sample")


class MaterialInline(GuideInline, admin.StackedInline):
    model = Material
    form = MaterialForm
    extra = 0
    fields = [
        ("position", "name"),
        ("form", "required", "shared"),
        "source",
        "requirements",
        ("template", "sample"),
    ]


class ProcessStepInline(GuideInline, admin.TabularInline):
    model = ProcessStep
    extra = 0
    fields = ["position", "name", "department", "role", "kind", "days", "description"]


class MatterFAQInline(GuideInline, admin.StackedInline):
    model = MatterFAQ
    extra = 0
    fields = ["position", "question", "answer"]


class WindowKindFilter(admin.SimpleListFilter):
    title = gettext_lazy("申报时间")
    parameter_name = "window"

    def lookups(self, request, model_admin):
        return [*WindowKind.choices, ("pending", _("期限已确定、待公布"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "pending":
            return queryset.filter(window_kind=WindowKind.TBD).filter(services.window_clock_running())
        if value in WindowKind.values:
            return queryset.filter(window_kind=value)
        return queryset


COMPUTED_FIELDS = ["status", "published_at", "guide_due_on", "guide_published_late", "created_by"]
DISPLAY_FIELDS = ["window_clock"]


@admin.register(Matter)
class MatterAdmin(MatterPushAdminMixin, WorkflowAdmin, ViewOnlyHistoryAdmin, DepartmentScopedAdmin, SimpleHistoryAdmin):
    form = MatterForm
    list_display = [
        "code",
        "name",
        "department",
        "delivery_kind",
        "window_text",
        "status_tag",
        "published_at",
        "guide_published_late",
    ]
    list_filter = [
        "status",
        ("department", admin.RelatedOnlyFieldListFilter),
        "delivery_kind",
        WindowKindFilter,
        "support_kind",
    ]
    search_fields = ["code", "name", "policy__document_number", "policy__title"]
    list_select_related = ["department", "policy"]
    readonly_fields = [*COMPUTED_FIELDS, *DISPLAY_FIELDS]
    inlines = [SupportTierInline, MaterialInline, ProcessStepInline, MatterFAQInline]
    change_list_template = "admin/matters/matter/change_list.html"
    change_form_template = "admin/matters/matter/change_form.html"
    fieldsets = [
        (
            gettext_lazy("基本信息"),
            {
                "fields": [
                    "code",
                    "name",
                    "confirm_not_duplicate",
                    "name_en",
                    "policy",
                    "clause",
                    "department",
                    "region",
                    "target",
                    "delivery_kind",
                    "channel",
                    "exclusive_group",
                ]
            },
        ),
        (
            gettext_lazy("申报时间"),
            {
                "fields": ["window_kind", "window_opens", "window_closes", "window_decided_on", "window_clock"],
                "description": gettext_lazy(
                    "申报指南须最迟于申报起始日前5个工作日公开（宜昌 §20）。期限待定的事项确定申报期后，"
                    "填写申报期限确定日期，须在3个工作日内公布（无锡 §11）。"
                ),
            },
        ),
        (
            gettext_lazy("扶持标准"),
            {
                "fields": [
                    "support_kind",
                    "support_amount",
                    "support_rate",
                    "support_base_fact",
                    "support_cap",
                    "support_text",
                ]
            },
        ),
        (
            gettext_lazy("指南"),
            {"fields": ["time_limit_days", "publicity_days", "confidential", "confirm_days", "notes", "guide_due_on"]},
        ),
        (gettext_lazy("联系方式"), {"fields": ["consult_phone", "supervise_phone"]}),
        (gettext_lazy("上架状态"), {"fields": ["status", "published_at", "guide_published_late", "created_by"]}),
    ]

    class Media:
        css = {"all": ["matters/admin.css"]}

    # --- the list ---

    @admin.display(description=gettext_lazy("状态"), ordering="status")
    def status_tag(self, obj):
        return format_html(
            '<span class="matter-status matter-status-{}">{}</span>', obj.status, obj.get_status_display()
        )

    @admin.display(description=gettext_lazy("申报时间"), ordering="window_opens")
    def window_text(self, obj):
        if obj.window_kind == WindowKind.YEAR_ROUND or obj.window_opens is None:
            return obj.get_window_kind_display()
        closes = obj.window_closes.isoformat() if obj.window_closes else _("另行通知")
        return f"{obj.get_window_kind_display()}（{obj.window_opens.isoformat()}至{closes}）"

    # --- who may do what ---

    def _needs_owner_choice(self, request, obj) -> bool:
        # The owner is the matter's implementing department (实施部门), chosen on the form itself.
        return False

    def has_change_permission(self, request, obj=None):
        """Only a draft is changed, and a published TBD matter's window until it is announced (无锡 §11)."""
        if obj is not None and obj.status != MatterStatus.DRAFT and not window_fields_open(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        """A matter that was ever listed stays on record (下架, not deleted)."""
        if obj is not None and (obj.status != MatterStatus.DRAFT or obj.published_at is not None):
            return False
        return super().has_delete_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and (obj.status != MatterStatus.DRAFT or not self.has_change_permission(request, obj)):
            # Nothing to confirm where the name is not edited.
            fieldsets = [
                (title, {**opts, "fields": [f for f in opts["fields"] if f != "confirm_not_duplicate"]})
                for title, opts in fieldsets
            ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = [*COMPUTED_FIELDS, *DISPLAY_FIELDS]
        if obj is not None and obj.status != MatterStatus.DRAFT:
            editable = window_fields_open(obj)
            readonly += [f.name for f in Matter._meta.fields if f.editable and f.name not in editable]
        elif obj is not None and services.window_clock(obj) is not None:
            # The running clock counts from the decision day: it is not moved by retyping it.
            readonly.append("window_decided_on")
        return readonly

    def get_changeform_initial_data(self, request):
        """A new matter starts in the editor's department and its region (one department: nothing to choose)."""
        initial = super().get_changeform_initial_data(request)
        mine = list(departments_of(request.user)[:2])
        if len(mine) == 1:
            initial.setdefault("department", mine[0].pk)
            initial.setdefault("region", mine[0].region_id)
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department" and not is_platform_admin(request.user):
            kwargs["queryset"] = departments_of(request.user)
        if db_field.name == "policy":
            # 政策依据: a published policy, or one of the user's department still in the making.
            public = Policy.objects.filter(status__in=Policy.PUBLIC_STATUSES)
            kwargs["queryset"] = (public | scope(request.user, Policy.objects.all(), "view")).distinct()
        if db_field.name == "department" and is_platform_admin(request.user):
            kwargs["queryset"] = Department.objects.all()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "window_opens" and field is not None:
            field.help_text = _("须晚于申报指南公开日5个工作日以上（宜昌 §20）；今天录入的，最早可设为%(day)s。") % {
                "day": services.earliest_window_opening(timezone.localdate()).isoformat()
            }
        return field

    # --- the change page ---

    @admin.display(description=gettext_lazy("申报期公布时限"))
    def window_clock(self, obj):
        """The 无锡 §11 clock: running (due day, working days left), or how the last one ended."""
        if obj is None or obj.pk is None:
            return "—"
        clock = services.window_clock(obj)
        if clock is not None:
            due = clock.due_on
            note = _("，暂定") if clock.provisional else ""
            if timezone.localdate() > due:
                return format_html(
                    '<span class="deadline-overdue">{}</span>',
                    _("已逾期：应于%(due)s前公布%(note)s") % {"due": due, "note": note},
                )
            return format_html(
                '<span class="deadline-ok">{}</span>',
                _("计时中：应于%(due)s前公布%(note)s") % {"due": due, "note": note},
            )
        from portal.workcalendar import clocks

        last = clocks.of(obj, services.WINDOW_CLOCK).last()
        if last is None:
            return (
                _("未开始（期限待定的事项填写申报期限确定日期后开始计时）")
                if obj.window_kind == WindowKind.TBD
                else "—"
            )
        state = _("逾期公布") if last.stopped_late else _("按期公布")
        at = timezone.localtime(last.stopped_at).strftime("%Y-%m-%d %H:%M")
        return _("已于%(at)s公布（%(state)s，时限至%(due)s）") % {"at": at, "state": state, "due": last.due_on}

    def rule_versions(self, request, obj) -> dict:
        """The matter's rule versions (申报条件版本), newest first, and the one link to write or edit them."""
        rows = list(obj.rule_sets.order_by("-version"))
        draft = next((r for r in rows if not r.is_published), None)
        link = None
        if draft is not None and can(request.user, "matters.change_ruleset", draft):
            link = {"url": reverse("admin:matters_ruleset_change", args=[draft.pk]), "label": _("编辑申报条件草稿")}
        elif not rows and can(request.user, "matters.add_ruleset") and self.has_change_permission(request, obj):
            query = urlencode(
                {"matter": obj.pk, "code": obj.code.lower(), "name": _("%(name)s申报条件") % {"name": obj.name}}
            )
            link = {"url": f"{reverse('admin:matters_ruleset_add')}?{query}", "label": _("编写申报条件")}
        versions = [
            {
                "url": reverse("admin:matters_ruleset_change", args=[r.pk]),
                "label": str(r),
                "status": r.get_status_display(),
                "valid_from": r.valid_from,
                "criteria": r.criteria.count(),
            }
            for r in rows
        ]
        return {"versions": versions, "link": link}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["rule_versions"] = self.rule_versions(request, obj)
        # 公布申报期限 is offered only where a decided window waits for it (the transition's `offered`).
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def workflow_notes(self, request, obj):
        notes = []
        if obj.status == MatterStatus.DRAFT:
            returned = (
                obj.history.filter(history_change_reason__startswith=str(MATTER["reject"].label))
                .order_by("-history_date")
                .first()
            )
            if (
                returned is not None
                and not obj.history.filter(
                    status=MatterStatus.SUBMITTED, history_date__gt=returned.history_date
                ).exists()
            ):
                user = returned.history_user
                notes.append(
                    _("该事项已被退回修改（%(by)s，%(at)s）。%(reason)s")
                    % {
                        "by": (user.name or user.username) if user else _("平台"),
                        "at": timezone.localtime(returned.history_date).strftime("%Y-%m-%d %H:%M"),
                        "reason": returned.history_change_reason,
                    }
                )
        if services.window_announcement_pending(obj):
            clock = services.window_clock(obj)
            notes.append(
                _("申报期限已于%(decided)s确定（%(opens)s起），须于%(due)s前由审批人“公布申报期限”（无锡 §11）。")
                % {"decided": obj.window_decided_on, "opens": obj.window_opens or "—", "due": clock.due_on}
            )
        if (
            obj.status == MatterStatus.PUBLISHED
            and obj.window_kind == WindowKind.TBD
            and window_fields_open(obj)
            == [
                "window_opens",
                "window_closes",
                "window_decided_on",
            ]
        ):
            notes.append(_("申报期限待定：确定后请填写申报期限确定日期、起止日期并保存，再由审批人公布。"))
        return notes

    def workflow_tools(self, request, obj):
        tools = list(super().workflow_tools(request, obj))
        if (
            obj.status in (MatterStatus.DRAFT, MatterStatus.PUBLISHED)
            and obj.rule_sets.exists()
            and not obj.rule_sets.filter(status="draft").exists()
            and can(request.user, "matters.add_ruleset")
            and can(request.user, "matters.change_matter", obj)
        ):
            tools.append(
                {
                    "url": reverse("admin:matters_matter_new_rule_version", args=[obj.pk]),
                    "label": _("新建申报条件版本"),
                    "name": "new_rule_version",
                }
            )
        return tools

    def get_urls(self):
        return [
            path("catalogue.xlsx", self.admin_site.admin_view(self.catalogue_view), name="matters_matter_catalogue"),
            path(
                "<path:object_id>/new-rule-version/",
                self.admin_site.admin_view(self.new_rule_version_view),
                name="matters_matter_new_rule_version",
            ),
            *super().get_urls(),
        ]

    def catalogue_view(self, request):
        """政策资金上架目录清单: the matters of the list as filtered (the user's departments'), as an .xlsx file.

        Without a status filter the list is the catalogue proper: listed (已上架) and closed (已截止) matters.
        """
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            queryset = self.get_queryset(request)
        if not any(key.startswith("status") for key in request.GET):
            queryset = queryset.filter(status__in=Matter.PUBLIC_STATUSES)
        filename = _("政策资金上架目录清单-%(day)s.xlsx") % {"day": timezone.localdate().isoformat()}
        return HttpResponse(
            catalogue_workbook(queryset.order_by("code")),
            content_type=XLSX,
            headers={"Content-Disposition": content_disposition_header(True, filename)},
        )

    def new_rule_version_view(self, request, object_id):
        """新建申报条件版本: a draft copy of the latest published version, to edit (GET asks, POST makes it)."""
        matter = self.get_object(request, unquote(object_id))
        change_url = reverse("admin:matters_matter_change", args=[matter.pk])
        if not any(tool["name"] == "new_rule_version" for tool in self.workflow_tools(request, matter)):
            self.message_user(
                request,
                _("只有草稿或已上架、已有已发布申报条件且尚无草稿版本的事项可以新建版本。"),
                messages.ERROR,
            )
            return HttpResponseRedirect(change_url)
        latest = services.current_rule_set(matter)
        if request.method == "POST" and "confirm" in request.POST:
            draft = services.new_rule_version(latest)
            draft.matter = matter
            draft.save(update_fields=["matter"])
            self.message_user(request, _("已新建%(rule)s。") % {"rule": draft}, messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:matters_ruleset_change", args=[draft.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("新建申报条件版本"),
            "opts": self.model._meta,
            "matter": matter,
            "latest": latest,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/matters/matter/new_rule_version.html", context)

    # --- saving ---

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A template or sample written before the save fails would outlive the rolled-back row.
        with uploads.discard_stored_on_failure():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        previous = Matter.objects.filter(pk=obj.pk).values_list("department", flat=True).first() if change else None
        if not change:
            obj.created_by = request.user
        obj._history_user = request.user
        # Not DepartmentScopedAdmin's grant to the creator's department: the 实施部门 owns the matter.
        super(DepartmentScopedAdmin, self).save_model(request, obj, form, change)
        if previous != obj.department_id:
            services.assign_matter_ownership(obj, obj.department)
            if previous is not None:
                revoke_from_department(obj, Department.objects.get(pk=previous), services.MATTER_OWNER_PERMS)

    def save_formset(self, request, form, formset, change):
        for row in formset.forms:
            row.instance._history_user = request.user
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects + [o for o, _fields in formset.changed_objects]:
            if isinstance(obj, Material):
                for fieldfile in (obj.template, obj.sample):
                    uploads.stored(fieldfile)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        try:
            services.record_window_decision(form.instance, by=request.user)
        except ValidationError as error:
            self.message_user(request, refusal_text(error), messages.WARNING)
