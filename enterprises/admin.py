"""The archive's back office (企业档案管理): search at provincial scale, masked contacts, answers to corrections.

With a million enterprises the change list must never count the whole
table or sort on an unindexed column: the paginator estimates the unfiltered
count from the planner's statistics, `show_full_result_count` is off, search
is an exact USCC match or a name prefix (both on btree indexes), and the
industry filter is a range on the indexed code.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from enterprises import services
from enterprises.models import (
    AnnualFigure,
    ChangeEvent,
    CorrectionRequest,
    Enterprise,
    EnterpriseMember,
    EnterpriseTag,
    Qualification,
    QualificationType,
    Tag,
    TagCategory,
)
from portal.core.crypto import mask_name, mask_phone
from portal.org.admin_mixins import HistoryDisplayAdmin, PortalHistoryContextHelper, ViewOnlyHistoryAdmin
from portal.org.permissions import can

CONTACT_FIELDS = ["registered_phone", "contact_name", "contact_phone"]


class EstimatedCountPaginator(Paginator):
    """Uses PostgreSQL's row estimate for an unfiltered list of a big table instead of count(*)."""

    exact_below = 100_000

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [self.object_list.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] >= self.exact_below:
                return row[0]
        return super().count


class TagFilter(admin.SimpleListFilter):
    title = gettext_lazy("标签")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        return [
            (tag.pk, f"{tag.category.name}·{tag.name}")
            for tag in Tag.objects.filter(is_active=True).select_related("category")
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__tag_id=self.value())
        return queryset


class IndustrySectionFilter(admin.SimpleListFilter):
    title = gettext_lazy("行业门类")
    parameter_name = "section"

    def lookups(self, request, model_admin):
        from enterprises.industries import industry_name

        return [(letter, f"{letter} {industry_name(letter)}") for letter in "ABCDEFGHIJKLMNOPQRST"]

    def queryset(self, request, queryset):
        letter = (self.value() or "").upper()
        if len(letter) == 1 and "A" <= letter <= "T":
            # A range, not LIKE 'C%': it uses the plain btree index whatever the collation.
            return queryset.filter(industry_code__gte=letter, industry_code__lt=chr(ord(letter) + 1))
        return queryset


class RegionFilter(admin.SimpleListFilter):
    title = gettext_lazy("区划")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        from portal.org.models import Region

        regions = Region.objects.filter(level__in=[Region.Level.CITY, Region.Level.COUNTY]).order_by("code")
        return [(r.code, f"{r.code} {r.name}") for r in regions]

    def queryset(self, request, queryset):
        from portal.org.models import Region

        if not self.value():
            return queryset
        ids = list(Region.objects.filter(code=self.value()).values_list("pk", flat=True))
        ids += list(Region.objects.filter(parent_id__in=ids).values_list("pk", flat=True))
        return queryset.filter(region_id__in=ids)


class EnterpriseForm(forms.ModelForm):
    """Contacts are never put into an input in clear; staff type a new number to replace one."""

    new_registered_phone = forms.CharField(
        label=gettext_lazy("新的登记联系电话"), required=False, help_text=gettext_lazy("留空则不修改")
    )
    new_contact_name = forms.CharField(
        label=gettext_lazy("新的联系人姓名"), required=False, max_length=64, help_text=gettext_lazy("留空则不修改")
    )
    new_contact_phone = forms.CharField(
        label=gettext_lazy("新的联系人电话"), required=False, help_text=gettext_lazy("留空则不修改")
    )

    class Meta:
        model = Enterprise
        fields = [
            "uscc",
            "name",
            "legal_rep_name",
            "registration_date",
            "region",
            "address",
            "industry_code",
            "ownership_type",
            "operating_status",
            "source",
            "source_updated_at",
            "credit_status",
            "credit_listed_on",
            "credit_updated_at",
            "contact_source",
            "contact_updated_at",
        ]

    def _phone(self, name):
        from portal.accounts.phones import normalize_phone

        value = self.cleaned_data.get(name, "").strip()
        return normalize_phone(value) if value else ""

    def clean_new_registered_phone(self):
        return self._phone("new_registered_phone")

    def clean_new_contact_phone(self):
        return self._phone("new_contact_phone")

    def clean_new_contact_name(self):
        return self.cleaned_data.get("new_contact_name", "").strip()

    def save(self, commit=True):
        if self.cleaned_data.get("new_contact_name"):
            self.instance.contact_name = self.cleaned_data["new_contact_name"]
        if self.cleaned_data.get("new_registered_phone"):
            self.instance.registered_phone = self.cleaned_data["new_registered_phone"]
        if self.cleaned_data.get("new_contact_phone"):
            self.instance.contact_phone = self.cleaned_data["new_contact_phone"]
        return super().save(commit)


class AnnualFigureInline(admin.TabularInline):
    model = AnnualFigure
    extra = 0
    fields = [
        "year",
        "revenue_wan",
        "profit_wan",
        "tax_paid_wan",
        "rd_expense_wan",
        "employees",
        "total_assets_wan",
        "export_value_wan",
        "source",
        "source_updated_at",
    ]
    readonly_fields = ["source_updated_at"]


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0
    fields = ["type", "issuer", "certificate_number", "valid_from", "valid_to", "source", "source_updated_at"]
    readonly_fields = ["source_updated_at"]


class RuleTagInline(admin.TabularInline):
    """Rule tags follow the profile; they are shown, never edited."""

    model = EnterpriseTag
    verbose_name = gettext_lazy("规则标签")
    verbose_name_plural = gettext_lazy("规则标签（随档案自动更新）")
    fields = ["tag", "rule_code", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(origin=EnterpriseTag.Origin.RULE).select_related("tag")

    def has_add_permission(self, request, obj=None):
        return False


class ManualTagForm(forms.ModelForm):
    class Meta:
        model = EnterpriseTag
        fields = ["tag", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = Tag.objects.filter(rule_key__isnull=True, is_active=True)
        self.fields["reason"].required = True


class ManualTagInline(admin.TabularInline):
    model = EnterpriseTag
    form = ManualTagForm
    verbose_name = gettext_lazy("人工标签")
    verbose_name_plural = gettext_lazy("人工标签（须填写理由）")
    fields = ["tag", "reason", "added_by", "created_at"]
    readonly_fields = ["added_by", "created_at"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).filter(origin=EnterpriseTag.Origin.MANUAL).select_related("tag")


class MemberInline(admin.TabularInline):
    model = EnterpriseMember
    fk_name = "enterprise"
    fields = ["user", "role", "added_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class MaskedContactsHistory(PortalHistoryContextHelper):
    """The history's 变更内容 column shows contacts masked, as the change form does."""

    MASKS = {"registered_phone": mask_phone, "contact_phone": mask_phone, "contact_name": mask_name}

    def prepare_delta_change_value(self, change, value):
        if change.field in self.MASKS:
            return self.MASKS[change.field](value) or "—"
        return super().prepare_delta_change_value(change, value)


@admin.register(Enterprise)
class EnterpriseAdmin(ViewOnlyHistoryAdmin, SimpleHistoryAdmin):
    form = EnterpriseForm
    change_form_template = "enterprises/admin/enterprise_change_form.html"
    list_display = [
        "uscc",
        "name",
        "region",
        "industry_code",
        "size",
        "operating_status",
        "uscc_check",
        "masked_registered_phone",
    ]
    list_select_related = ["region"]
    # Short filters first: the tag filter lists every tag (dozens) and would push the others out of sight.
    list_filter = [
        "uscc_check",
        "operating_status",
        "credit_status",
        "size",
        RegionFilter,
        IndustrySectionFilter,
        TagFilter,
    ]
    search_fields = ["uscc", "name"]
    search_help_text = gettext_lazy("输入完整的统一社会信用代码，或企业名称的开头部分")
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50
    ordering = ["-id"]
    readonly_fields = [
        "uscc_check",
        "masked_registered_phone",
        "masked_contact",
        "size",
        "size_year",
        "size_reason",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            gettext_lazy("登记信息"),
            {
                "fields": [
                    "uscc",
                    "uscc_check",
                    "name",
                    "legal_rep_name",
                    "registration_date",
                    "region",
                    "address",
                    "industry_code",
                    "ownership_type",
                    "operating_status",
                    "source",
                    "source_updated_at",
                ]
            },
        ),
        (gettext_lazy("规模"), {"fields": ["size", "size_year", "size_reason"]}),
        (gettext_lazy("信用"), {"fields": ["credit_status", "credit_listed_on", "credit_updated_at"]}),
        (
            gettext_lazy("联系方式（已脱敏）"),
            {
                "fields": [
                    "masked_registered_phone",
                    "new_registered_phone",
                    "masked_contact",
                    "new_contact_name",
                    "new_contact_phone",
                    "contact_source",
                    "contact_updated_at",
                ]
            },
        ),
        (gettext_lazy("记录"), {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [AnnualFigureInline, QualificationInline, RuleTagInline, ManualTagInline, MemberInline]
    actions = ["show_full_contacts", "confirm_legacy_uscc"]

    @admin.display(description=gettext_lazy("登记联系电话"))
    def masked_registered_phone(self, obj):
        return mask_phone(obj.registered_phone)

    @admin.display(description=gettext_lazy("联系人"))
    def masked_contact(self, obj):
        return " ".join(part for part in (mask_name(obj.contact_name), mask_phone(obj.contact_phone)) if part)

    def get_search_results(self, request, queryset, search_term):
        """An 18-character term is a USCC (exact match); anything else is the start of a name."""
        from enterprises.uscc import normalize_uscc

        term = search_term.strip()
        if not term:
            return queryset, False
        code = normalize_uscc(term)
        if len(code) == 18 and code.isalnum():
            return queryset.filter(uscc=code), False
        return queryset.filter(name__startswith=term), False

    REPLACEMENT_FIELDS = ("new_registered_phone", "new_contact_name", "new_contact_phone")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # The 新的… inputs only replace a contact; shown read-only they would have no value and no label of
            # their own (the form field's English name and None). A viewer sees the masked values alone.
            return [
                (name, {**options, "fields": [f for f in options["fields"] if f not in self.REPLACEMENT_FIELDS]})
                for name, options in fieldsets
            ]
        if obj is None:
            return [fs for fs in fieldsets if "masked_registered_phone" not in fs[1]["fields"]] + [
                (
                    gettext_lazy("联系方式"),
                    {"fields": ["new_registered_phone", "new_contact_name", "new_contact_phone"]},
                )
            ]
        return fieldsets

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedContactsHistory(self.model, historical_record)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/contacts/",
                self.admin_site.admin_view(self.contacts_view),
                name="enterprises_enterprise_contacts",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=gettext_lazy("显示完整联系方式"), permissions=["view_contacts"])
    def show_full_contacts(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("请只选择一家企业查看完整联系方式。"), messages.WARNING)
            return None
        return redirect("admin:enterprises_enterprise_contacts", object_id=queryset.get().pk)

    @admin.action(
        description=gettext_lazy("确认存量赋码（校验位不符但确为登记机关核发）"), permissions=["confirm_legacy_uscc"]
    )
    def confirm_legacy_uscc(self, request, queryset):
        from enterprises.services import confirm_legacy_uscc

        confirmed = confirm_legacy_uscc(queryset, user=request.user)
        self.message_user(request, _("已确认%(n)d个存量赋码。") % {"n": confirmed}, messages.SUCCESS)

    def has_confirm_legacy_uscc_permission(self, request, obj=None):
        # Vouching for a register's code is the data staff's job, not every editor's who may change an enterprise.
        return can(request.user, "enterprises.confirm_legacy_uscc")

    def has_view_contacts_permission(self, request, obj=None):
        return request.user.has_perm("enterprises.view_enterprise_contacts")

    def contacts_view(self, request, object_id):
        """Shows the contacts in clear after the member of staff states why; every view is logged."""
        from portal.audit.services import log_sensitive_access

        enterprise = get_object_or_404(Enterprise, pk=object_id)
        if not self.has_view_permission(request, enterprise) or not self.has_view_contacts_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": enterprise,
            "title": _("完整联系方式：%(name)s") % {"name": enterprise.name},
            "purpose": "",
            "revealed": False,
            "error": "",
        }
        if request.method == "POST":
            purpose = request.POST.get("purpose", "").strip()
            if not purpose:
                context["error"] = _("请填写查看事由，查看记录将被留存备查。")
            else:
                with transaction.atomic():
                    log_sensitive_access(request, enterprise, CONTACT_FIELDS, purpose=purpose)
                context.update(revealed=True, purpose=purpose)
        return TemplateResponse(request, "enterprises/admin/contacts.html", context)

    def save_formset(self, request, form, formset, change):
        if formset.model in (AnnualFigure, Qualification):
            # A fact typed in by staff is dated now; its source is what the staff member chose.
            instances = formset.save(commit=False)
            for deleted in formset.deleted_objects:
                deleted.delete()
            for instance in instances:
                instance.source_updated_at = timezone.now()
                instance.save()
            return None
        if formset.model is not EnterpriseTag:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            services.remove_manual_tag(deleted, user=request.user, reason=_("工作人员在管理后台删除"))
        for instance in instances:
            if instance.pk is None:
                try:
                    services.add_manual_tag(form.instance, instance.tag, user=request.user, reason=instance.reason)
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                instance._history_user = request.user
                instance.save()
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed = list(form.changed_data)
        for formset in formsets:
            if formset.model in (AnnualFigure, Qualification) and formset.has_changed():
                changed.append(formset.model._meta.model_name)
        if changed:
            services.after_staff_edit(form.instance, changed=changed)


class CorrectionAnswerForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("处理结果"),
        required=False,
        choices=[
            ("", "—"),
            (CorrectionRequest.Status.ANSWERED, gettext_lazy("已核实并答复（已更正或说明）")),
            (CorrectionRequest.Status.REJECTED, gettext_lazy("不予更正（说明理由）")),
        ],
    )

    class Meta:
        model = CorrectionRequest
        fields = ["answer"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") and not (cleaned.get("answer") or "").strip():
            self.add_error("answer", _("请填写答复内容"))
        return cleaned


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(HistoryDisplayAdmin, SimpleHistoryAdmin):
    """纠错 answered by staff; the answer reaches the requester as a site message."""

    form = CorrectionAnswerForm
    list_display = ["enterprise", "field_label", "status", "created_at", "answered_at"]
    list_filter = ["status"]
    list_select_related = ["enterprise"]
    search_fields = ["enterprise__uscc"]
    search_help_text = gettext_lazy("输入完整的统一社会信用代码")
    show_full_result_count = False
    readonly_fields = [
        "enterprise",
        "masked_user",
        "field_label",
        "current_value",
        "proposed_value",
        "reason",
        "status",
        "answered_by",
        "answered_at",
        "created_at",
    ]
    fields = [*readonly_fields, "decision", "answer"]

    @admin.display(description=gettext_lazy("提交人"))
    def masked_user(self, obj):
        return mask_name(obj.user.get_full_name()) or obj.user.get_username()

    def get_search_results(self, request, queryset, search_term):
        from enterprises.uscc import normalize_uscc

        term = normalize_uscc(search_term)
        return (queryset.filter(enterprise__uscc=term), False) if term else (queryset, False)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != CorrectionRequest.Status.SUBMITTED:
            return [*self.readonly_fields, "answer"]
        return self.readonly_fields

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        if decision:
            services.answer_correction(
                obj,
                by=request.user,
                answer=form.cleaned_data["answer"],
                accepted=decision == CorrectionRequest.Status.ANSWERED,
            )

    def response_change(self, request, obj):
        if request.POST.get("decision"):
            self.message_user(request, _("已答复，并已通过站内信通知提交人。"))
            return redirect(reverse("admin:enterprises_correctionrequest_changelist"))
        return super().response_change(request, obj)


@admin.register(QualificationType)
class QualificationTypeAdmin(HistoryDisplayAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "kind", "default_issuer", "sort_order"]
    list_filter = ["kind"]


@admin.register(TagCategory)
class TagCategoryAdmin(HistoryDisplayAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "sort_order"]


@admin.register(Tag)
class TagAdmin(HistoryDisplayAdmin, SimpleHistoryAdmin):
    list_display = ["name", "name_en", "category", "code", "rule_key", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request, obj=None):
        # A rule tag's key ties it to the rule that maintains it.
        return ["rule_key"] if obj is not None and obj.rule_key else []


@admin.register(ChangeEvent)
class ChangeEventAdmin(admin.ModelAdmin):
    list_display = ["id", "enterprise", "kind", "created_at", "consumed_at"]
    list_filter = ["kind"]
    list_select_related = ["enterprise"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    raw_id_fields = ["enterprise"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EnterpriseMember)
class EnterpriseMemberAdmin(HistoryDisplayAdmin, SimpleHistoryAdmin):
    list_display = ["enterprise", "user", "role", "created_at"]
    list_filter = ["role"]
    list_select_related = ["enterprise", "user"]
    raw_id_fields = ["enterprise", "user", "added_by"]
    search_fields = ["enterprise__uscc"]
    show_full_result_count = False
