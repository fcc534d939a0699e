"""办事服务、增值服务 (the service directory): the back office.

Curators (platform admins everywhere; data bureau staff for their region and the regions below it, see
`engagement.directory`) list, add, change and delete links; a link of a region they do not curate is not
listed and opens as a 404. Supervisors read everything and change nothing; other staff do not see the
directory. The list shows each link's health, with a 失效链接 filter.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from engagement import directory
from engagement.models.directory import ServiceLink
from portal.org.admin_mixins import ViewOnlyHistoryAdmin
from portal.org.models import Region


class ServiceLinkForm(forms.ModelForm):
    # The form field takes what curators type; the model's `clean` folds and checks it (http/https only).
    url = forms.CharField(label=_("网址"), max_length=500, help_text=ServiceLink._meta.get_field("url").help_text)

    class Meta:
        model = ServiceLink
        fields = ["region", "category", "title", "url", "description", "provider", "keywords", "order", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        regions = directory.curated_region_ids(user) if user is not None else set()
        if regions is not None and "region" in self.fields:
            self.fields["region"].queryset = Region.objects.filter(pk__in=regions)

    def clean_url(self):
        return directory.clean_service_url(self.cleaned_data["url"])

    def clean_region(self):
        region = self.cleaned_data["region"]
        if self.user is not None and not directory.may_curate(self.user, region.pk):
            raise ValidationError(_("您无权维护该地区的服务链接"))
        return region


class HealthFilter(admin.SimpleListFilter):
    title = _("链接状态")
    parameter_name = "health"

    def lookups(self, request, model_admin):
        return [("failing", _("失效链接")), ("ok", _("正常")), ("unchecked", _("尚未检查"))]

    def queryset(self, request, queryset):
        if self.value() == "failing":
            return queryset.filter(consecutive_failures__gt=0)
        if self.value() == "ok":
            return queryset.filter(consecutive_failures=0, last_checked_at__isnull=False)
        if self.value() == "unchecked":
            return queryset.filter(last_checked_at__isnull=True)
        return queryset


@admin.register(ServiceLink)
class ServiceLinkAdmin(ViewOnlyHistoryAdmin, SimpleHistoryAdmin):
    form = ServiceLinkForm
    list_display = ["title", "region", "category", "section_label", "order", "active", "health", "last_checked_at"]
    list_filter = [HealthFilter, "active", "category", ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "url", "provider", "keywords"]
    list_select_related = ["region"]
    ordering = ["region__code", "category", "order", "pk"]
    readonly_fields = ["health_detail", "last_checked_at", "failing_since", "consecutive_failures"]
    fieldsets = [
        (None, {"fields": ["region", "category", "title", "url", "description", "provider", "keywords"]}),
        (_("显示"), {"fields": ["order", "active"]}),
        (_("链接检查"), {"fields": ["health_detail", "last_checked_at", "failing_since", "consecutive_failures"]}),
    ]

    @admin.display(description=_("所属栏目"))
    def section_label(self, obj):
        return obj.get_section_display()

    @admin.display(description=_("链接状态"))
    def health(self, obj):
        if obj.last_checked_at is None:
            return _("尚未检查")
        if obj.is_failing:
            return format_html('<strong class="status-overdue">{}</strong>', _("失效"))
        return _("正常")

    @admin.display(description=_("检查结果"))
    def health_detail(self, obj):
        if obj is None or obj.pk is None or obj.last_checked_at is None:
            return _("尚未检查")
        found = directory.Probe(obj.last_status, obj.last_error).describe()
        if obj.is_failing:
            return format_html('<strong class="status-overdue">{}</strong>（{}）', _("失效"), found)
        return format_html("{}（{}）", _("正常"), found)

    # Who may do what: see engagement.directory.

    def get_queryset(self, request):
        links = super().get_queryset(request)
        if directory.is_curator(request.user):
            regions = directory.curated_region_ids(request.user)
            return links if regions is None else links.filter(region__in=regions)
        if directory.may_view_back_office(request.user):
            return links
        return links.none()

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("对象不存在，或不在您维护的地区"))
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        user = request.user

        class BoundForm(base):
            def __init__(self, *args, **kw):
                kw.setdefault("user", user)
                super().__init__(*args, **kw)

        return BoundForm

    def save_model(self, request, obj, form, change):
        if change and "url" in form.changed_data:
            # A new address has not been checked: the old one's failures say nothing about it.
            obj.last_checked_at = obj.last_status = obj.failing_since = None
            obj.last_error, obj.consecutive_failures = "", 0
        super().save_model(request, obj, form, change)

    def has_module_permission(self, request):
        return directory.may_view_back_office(request.user)

    def has_view_permission(self, request, obj=None):
        return directory.may_view_back_office(request.user)

    def has_add_permission(self, request):
        return directory.is_curator(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return directory.is_curator(request.user)
        return directory.may_curate(request.user, obj.region_id)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def delete_queryset(self, request, queryset):
        # The bulk action checks only the model-wide permission; each link must be curated by the user too.
        if any(not directory.may_curate(request.user, region) for region in queryset.values_list("region", flat=True)):
            raise PermissionDenied(_("所选链接中有不在您维护地区的链接，无权删除"))
        super().delete_queryset(request, queryset)
