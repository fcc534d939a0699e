"""Back office for the impact preview (影响预览): computed on a draft's page, kept for reviewers and supervisors.

* `ImpactPreviewAdminMixin`, for `RuleSetAdmin`: the page
  /admin/matters/ruleset/<pk>/impact/ shows the latest preview of a version,
  old rule beside new with the breakdown by region, industry section and size;
  on a draft, staff who may (`matters.add_impactpreview`) compute and store a
  new one (POST). The rule set's own page lists its previews.
* `ImpactPreviewAdmin`: every stored preview, read-only, so reviewers and
  supervisors see what was known when a version was approved.

Both follow the rule set's department ownership: another department's rule
set, and its previews, are a 404.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matters import impact
from matters.amounts import money_text
from matters.models import ImpactPreview, RuleSet
from portal.org.admin_mixins import ReadOnlyAdmin
from portal.org.permissions import can, scope

PERM_COMPUTE = "matters.add_impactpreview"
PERM_VIEW = "matters.view_impactpreview"
LIST_FIELD = "impact_previews"


def _number(n: int) -> str:
    return f"{n:,}"


def _signed(n: int) -> str:
    return f"{n:+,}" if n else "0"


def _signed_money(amount) -> str:
    if not amount:
        return "0"
    return ("+" if amount > 0 else "−") + money_text(abs(amount))


def _amount(value: str, estimated: bool) -> str:
    return money_text(value) if estimated else "—"


def _breakdown(rows: list[dict], estimated: bool) -> list[dict]:
    return [
        {
            "label": row["label"],
            "before": _number(row["before"]),
            "after": _number(row["after"]),
            "gained": _number(row["gained"]),
            "lost": _number(row["lost"]),
            "amount_before": _amount(row["amount_before"], estimated),
            "amount_after": _amount(row["amount_after"], estimated),
        }
        for row in rows
    ]


def figures_context(preview: ImpactPreview) -> dict:
    """What the figures template shows of `preview`: the side-by-side totals and the three breakdowns."""
    figures = preview.figures
    totals = figures["totals"]
    estimated = figures.get("amounts_estimated", False)
    before_amount, after_amount = preview.amount_before, preview.amount_after
    return {
        "preview": preview,
        "register": _number(figures.get("register", 0)),
        "estimated": estimated,
        "totals": [
            (
                _("符合条件（可申报）"),
                _number(totals["before"]),
                _number(totals["after"]),
                _signed(totals["after"] - totals["before"]),
            ),
            (_("新增符合"), "", _number(totals["gained"]), ""),
            (_("不再符合"), _number(totals["lost"]), "", ""),
            (
                _("可能符合（缺少数据，不计入）"),
                _number(totals["unknown_before"]),
                _number(totals["unknown_after"]),
                _signed(totals["unknown_after"] - totals["unknown_before"]),
            ),
            (
                _("预计金额合计"),
                _amount(before_amount, estimated),
                _amount(after_amount, estimated),
                _signed_money(after_amount - before_amount) if estimated else "—",
            ),
            (
                _("符合但缺少测算基数（未计入金额）"),
                _number(totals["unestimated_before"]),
                _number(totals["unestimated_after"]),
                "",
            ),
        ],
        "breakdowns": [
            (_("按地区"), _breakdown(figures["by_region"], estimated)),
            (_("按行业门类"), _breakdown(figures["by_section"], estimated)),
            (_("按企业规模"), _breakdown(figures["by_size"], estimated)),
        ],
        "criteria_before": figures.get("criteria_before", []),
        "criteria_after": figures.get("criteria_after", []),
    }


def render_figures(preview: ImpactPreview) -> str:
    return render_to_string("admin/matters/ruleset_impact_figures.html", figures_context(preview))


class ImpactPreviewAdminMixin:
    """Mixin for `RuleSetAdmin` (before its other bases): the 影响预览 page and the previews on the rule set's page."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/impact/",
                self.admin_site.admin_view(self.impact_view),
                name="matters_ruleset_impact",
            ),
            *super().get_urls(),
        ]

    def has_impact_permission(self, request, obj) -> bool:
        """May compute a preview of `obj`: a draft the user's department owns, with the role's permission."""
        return (
            not obj.is_published
            and can(request.user, PERM_COMPUTE)
            and self.has_view_or_change_permission(request, obj)
        )

    def impact_view(self, request, object_id):
        """影响预览: GET shows the latest stored preview; POST computes and stores a new one (drafts only)."""
        rule_set = self.get_object(request, unquote(object_id))
        if rule_set is None:
            raise Http404(_("对象不存在，或不属于您的部门"))
        if not self.has_view_or_change_permission(request, rule_set):
            raise PermissionDenied
        url = reverse("admin:matters_ruleset_impact", args=[rule_set.pk])
        if request.method == "POST":
            if not self.has_impact_permission(request, rule_set):
                self.message_user(
                    request,
                    _("只有归属部门的编辑或审批人可以对草稿版本测算影响；已发布的版本不能再测算。"),
                    messages.ERROR,
                )
                return HttpResponseRedirect(url)
            preview = impact.compute_preview(rule_set, by=request.user)
            self.message_user(
                request,
                _("已完成影响预览：新规则符合%(after)s家，新增%(gained)s家，不再符合%(lost)s家。")
                % {
                    "after": _number(preview.eligible_after),
                    "gained": _number(preview.gained),
                    "lost": _number(preview.lost),
                },
                messages.SUCCESS,
            )
            return HttpResponseRedirect(url)
        preview = rule_set.impact_previews.select_related("baseline", "computed_by").first()
        stale = []
        if preview is not None:
            if preview.figures.get("criteria_after") != impact.criteria_snapshot(rule_set):
                stale.append(_("测算后申报条件已修改，以下数据不反映当前条件，请重新测算。"))
            if not rule_set.is_published and impact.baseline_for(rule_set, preview.computed_on) != preview.baseline:
                stale.append(_("测算后对比版本已变化，请重新测算。"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("影响预览：%(rule_set)s") % {"rule_set": rule_set},
            "opts": self.model._meta,
            "rule_set": rule_set,
            "may_compute": self.has_impact_permission(request, rule_set),
            "baseline": preview.baseline if preview else impact.baseline_for(rule_set, timezone.localdate()),
            "figures": render_figures(preview) if preview is not None else "",
            "preview": preview,
            "stale": stale,
            "history": rule_set.impact_previews.select_related("computed_by")[:20],
        }
        return TemplateResponse(request, "admin/matters/ruleset_impact.html", context)

    # The previews on the rule set's own page.

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and LIST_FIELD not in fields:
            fields.append(LIST_FIELD)
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and LIST_FIELD not in flatten_fieldsets(fieldsets):
            fieldsets = [*fieldsets, (gettext_lazy("影响预览"), {"fields": [LIST_FIELD]})]
        return fieldsets

    @admin.display(description=gettext_lazy("影响预览"))
    def impact_previews(self, obj):
        return render_to_string(
            "admin/matters/ruleset_impact_list.html",
            {
                "rule_set": obj,
                "previews": obj.impact_previews.select_related("computed_by")[:10],
                "impact_url": reverse("admin:matters_ruleset_impact", args=[obj.pk]),
            },
        )


@admin.register(ImpactPreview)
class ImpactPreviewAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """影响预览 as stored: read-only for everyone; a department sees the previews of its own rule sets."""

    view_permission = PERM_VIEW
    list_display = [
        "rule_set",
        "baseline",
        "computed_on",
        "computed_at",
        "computed_by",
        "eligible_before",
        "eligible_after",
        "gained",
        "lost",
        "amount_before",
        "amount_after",
    ]
    list_filter = ["computed_on"]
    search_fields = ["rule_set__code", "rule_set__name"]
    fields = [*list_display, "breakdown"]
    readonly_fields = fields

    def get_queryset(self, request):
        visible = scope(request.user, RuleSet.objects.all(), "view").values("pk")
        return (
            super()
            .get_queryset(request)
            .filter(rule_set__in=visible)
            .select_related("rule_set", "baseline", "computed_by")
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("对象不存在，或不属于您的部门"))
        return obj

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or can(request.user, "matters.view_ruleset", obj.rule_set)

    @admin.display(description=gettext_lazy("测算结果"))
    def breakdown(self, obj):
        return render_figures(obj)
