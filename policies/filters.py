"""Filters of the public policy list (政策筛选), shown as facets."""

import django_filters
from django.utils.translation import gettext_lazy as _

from policies import selectors
from policies.models import Policy, PolicyCategory
from portal.org.models import Region


class PolicyFilter(django_filters.FilterSet):
    """Level, category, lead department, region, in force or not, year of issue, and any registered facet.

    Values are codes (level=municipal, category=kjcx, department=<code>, region=420500)
    so filtered URLs are readable and stable. A value that does not exist is reported
    and ignored.
    """

    level = django_filters.ChoiceFilter(label=_("政策层级"), choices=Policy.Level.choices)
    category = django_filters.ModelChoiceFilter(
        label=_("政策分类"), field_name="categories", to_field_name="code", queryset=PolicyCategory.objects.all()
    )
    department = django_filters.ModelChoiceFilter(
        label=_("牵头部门"),
        field_name="lead_department",
        to_field_name="code",
        queryset=selectors.issuing_departments(),
    )
    region = django_filters.ModelChoiceFilter(
        label=_("所属区划"), field_name="region", to_field_name="code", queryset=Region.objects.all()
    )
    status = django_filters.ChoiceFilter(label=_("效力状态"), choices=selectors.STATUS_CHOICES, method="filter_status")
    year = django_filters.NumberFilter(label=_("印发年度"), field_name="issue_date", lookup_expr="year")

    class Meta:
        model = Policy
        fields = ["level", "category", "department", "region", "status", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Facets other apps registered (selectors.policy_list_facets) filter by their own rule.
        for entry in selectors.policy_list_facets.entries():
            self.filters[entry.key] = django_filters.CharFilter(label=entry.label, method=self._registered(entry.obj))

    @staticmethod
    def _registered(facet):
        return lambda queryset, name, value: facet.filter(queryset, value)

    def filter_status(self, queryset, name, value):
        return queryset.filter(selectors.status_q(value))
