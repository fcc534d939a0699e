"""部门批量推送 (常州 §17) in the back office, and the read-only records of matching (匹配结果, 推送记录).

`MatterPushAdminMixin` goes before `ModelAdmin` in the matter's admin:

    class MatterAdmin(MatterPushAdminMixin, WorkflowAdmin, DepartmentScopedAdmin, SimpleHistoryAdmin): ...

It adds `<pk>/push/` (`push_page`): an editor holding matters.push_matter on
a published matter picks the recipients — the enterprises stored as eligible,
near misses (差一条) or unknown (缺少数据) for it, optionally within a region,
or a pasted list of 统一社会信用代码 (each line folded by the kernel
normaliser; every bad line is reported with its number and reason) — sees how
many that is, confirms, and the pushes go out through the outbox
(`matching.batch_push`): once per enterprise per matter, however often it is
confirmed.
"""

from __future__ import annotations

import hashlib
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matters import matching
from matters.eligibility.operators import region_prefix
from matters.models import MatchResult, MatchStatus, Matter, MatterStatus, PushRecord
from portal.core import normalize
from portal.org.admin_mixins import ReadOnlyAdmin
from portal.org.models import Region
from portal.org.permissions import can, scope

PERM_PUSH = "matters.push_matter"
PUSH_TEMPLATE = "admin/matters/push.html"
# A pasted list longer than this is refused: a bigger outreach is an import, not a paste.
MAX_LINES = 20_000
# The first cell of a line copied from a spreadsheet row: what follows a tab or comma (a name) is ignored.
_CELL_END = re.compile("[\t,，;；]")


class Audience:
    ELIGIBLE = "eligible"
    NEAR_MISS = "near_miss"
    UNKNOWN = "unknown"
    LIST = "list"

    CHOICES = [
        (ELIGIBLE, gettext_lazy("符合条件（可申报）的企业")),
        (NEAR_MISS, gettext_lazy("差一条的企业")),
        (UNKNOWN, gettext_lazy("可能符合（缺少数据）的企业")),
        (LIST, gettext_lazy("粘贴的统一社会信用代码清单")),
    ]


class PushForm(forms.Form):
    audience = forms.ChoiceField(
        label=gettext_lazy("推送对象"), choices=Audience.CHOICES, initial=Audience.ELIGIBLE, widget=forms.RadioSelect
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("限定区划"),
        queryset=Region.objects.order_by("code"),
        required=False,
        help_text=gettext_lazy("只推送登记地在该区划（含下级）的企业；不限定的留空"),
    )
    usccs = forms.CharField(
        label=gettext_lazy("统一社会信用代码清单"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 40}),
        help_text=gettext_lazy("每行一个；可从表格整列复制，逗号或制表符之后的内容（如企业名称）不计"),
    )
    fingerprint = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("audience") == Audience.LIST:
            text = cleaned.get("usccs") or ""
            if not normalize.fold(text):
                self.add_error("usccs", _("请粘贴统一社会信用代码，每行一个。"))
            elif len(text.splitlines()) > MAX_LINES:
                self.add_error("usccs", _("清单最多%(n)d行，请分批推送。") % {"n": MAX_LINES})
        return cleaned


def parse_codes(text: str) -> tuple[dict[str, int], list[tuple[int, str, str]]]:
    """The pasted lines → ({code: its line number}, in order, each once; bad lines as (line number, the line,
    the reason)).

    Each line's first cell is folded by `portal.core.normalize.identifier`
    (full-width, spaces, hyphens, lower case; a spreadsheet's rounded number
    refused with its own message), then checked as a USCC (GB 32100). Blank
    lines are skipped; a repeated code is reported once as a repeat.
    """
    from enterprises.uscc import uscc_error

    bad, seen = [], {}
    for number, line in enumerate(text.splitlines(), start=1):
        cell = _CELL_END.split(line, maxsplit=1)[0]
        if not normalize.fold(cell):
            continue
        try:
            code = normalize.identifier(cell)
        except normalize.NormalizeError as error:
            bad.append((number, line.strip(), str(error)))
            continue
        problem = uscc_error(code)
        if problem:
            bad.append((number, line.strip(), problem))
        elif code in seen:
            bad.append((number, line.strip(), _("与第%(n)d行重复") % {"n": seen[code]}))
        else:
            seen[code] = number
    return seen, bad


def recipients(matter: Matter, audience: str, *, region=None, codes=()):
    """The enterprises chosen: from the matter's stored results by status, or by code; within `region` if given."""
    from enterprises.models import Enterprise

    if audience == Audience.LIST:
        chosen = Enterprise.objects.filter(uscc__in=list(codes))
    else:
        results = MatchResult.objects.filter(matter=matter)
        if audience == Audience.NEAR_MISS:
            results = results.filter(near_miss=True)
        else:
            results = results.filter(
                status=MatchStatus.ELIGIBLE if audience == Audience.ELIGIBLE else MatchStatus.UNKNOWN
            )
        chosen = Enterprise.objects.filter(pk__in=results.values("enterprise_id"))
    if region is not None:
        chosen = chosen.filter(region__code__startswith=region_prefix(region.code))
    return chosen


def _fingerprint(matter: Matter, data: dict, codes: list[str]) -> str:
    """What was previewed: confirming anything else shows the preview again instead of pushing."""
    region = data.get("region")
    text = "|".join([str(matter.pk), data.get("audience", ""), str(region.pk if region else ""), *codes])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def push_page(request, matter: Matter, *, modeladmin):
    """GET: the choice of recipients; POST: the preview (count, bad lines); POST confirmed: the push.

    403 without matters.push_matter on the matter; a matter not published is
    sent back to its page with the reason. Bad input is shown on the page,
    never a 500; nothing is written until the confirmed preview.
    """
    site = modeladmin.admin_site
    request.current_app = site.name
    opts = modeladmin.model._meta
    change_url = reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_change", args=[matter.pk])
    if not can(request.user, PERM_PUSH, matter):
        raise PermissionDenied(_("只有实施部门有推送权限的工作人员可以批量推送该事项。"))
    if matter.status != MatterStatus.PUBLISHED:
        modeladmin.message_user(request, _("只有已上架的事项可以批量推送。"), messages.ERROR)
        return HttpResponseRedirect(change_url)

    form = PushForm(request.POST if request.method == "POST" else None)
    preview = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        lines, bad = parse_codes(data["usccs"]) if data["audience"] == Audience.LIST else ({}, [])
        codes = []
        if lines:
            from enterprises.models import Enterprise

            known = set(Enterprise.objects.filter(uscc__in=list(lines)).values_list("uscc", flat=True))
            codes = [code for code in lines if code in known]
            bad += [
                (n, code, _("平台企业库中没有该统一社会信用代码")) for code, n in lines.items() if code not in known
            ]
            bad.sort()
        chosen = recipients(matter, data["audience"], region=data["region"], codes=codes)
        fingerprint = _fingerprint(matter, data, codes)
        count = chosen.count()
        already = (
            PushRecord.objects.filter(matter=matter, enterprise__in=chosen.values("pk"))
            .values("enterprise")
            .distinct()
            .count()
        )
        if "confirm" in request.POST and data.get("fingerprint") == fingerprint and count:
            done = matching.batch_push(matter, chosen, by=request.user)
            modeladmin.message_user(
                request,
                _("已向%(n)d家企业推送该事项（其余%(m)d家此前已推送，不再重复）。")
                % {"n": done.recorded, "m": done.selected - done.recorded},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(change_url)
        # shown as previewed, so the confirmation posts exactly what was counted
        form = PushForm(initial={**data, "fingerprint": fingerprint})
        preview = {
            "count": count,
            "already": already,
            "new": count - already,
            "bad": bad,
            "sample": list(chosen.order_by("name").values_list("name", "uscc")[:20]),
            "fingerprint": fingerprint,
        }
    context = {
        **site.each_context(request),
        "title": _("批量推送：%(matter)s") % {"matter": matter.name},
        "matter": matter,
        "opts": opts,
        "form": form,
        "preview": preview,
        "change_url": change_url,
    }
    return TemplateResponse(request, PUSH_TEMPLATE, context)


class MatterPushAdminMixin:
    """Adds the batch-push page (部门批量推送) to the matter's admin, and its button on the change form."""

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/push/",
                self.admin_site.admin_view(self.push_view),
                name=f"{opts.app_label}_{opts.model_name}_push",
            ),
            *super().get_urls(),
        ]

    def push_view(self, request, object_id):
        matter = self.get_object(request, unquote(object_id))
        if matter is None:
            raise Http404(_("对象不存在，或不属于您的部门"))
        return push_page(request, matter, modeladmin=self)

    def workflow_tools(self, request, obj) -> list[dict]:
        tools = list(super().workflow_tools(request, obj)) if hasattr(super(), "workflow_tools") else []
        if obj.status == MatterStatus.PUBLISHED and can(request.user, PERM_PUSH, obj):
            opts = self.model._meta
            url = reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_push", args=[obj.pk])
            tools.append({"url": url, "label": _("批量推送"), "name": "push"})
        return tools


class _ByMatterAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Rows of matters the user's departments own (all for supervisors and platform admins)."""

    list_select_related = ["matter", "enterprise"]
    search_fields = ["enterprise__name", "enterprise__uscc", "matter__code", "matter__name"]
    list_per_page = 50

    def get_queryset(self, request):
        matters = scope(request.user, Matter.objects.all(), "view")
        return super().get_queryset(request).filter(matter__in=matters.values("pk"))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("对象不存在，或不属于您的部门"))
        return obj


@admin.register(MatchResult)
class MatchResultAdmin(_ByMatterAdmin):
    view_permission = "matters.view_matchresult"
    list_display = ["matter", "enterprise", "status", "near_miss", "gap", "first_eligible_at", "notified_at"]
    list_filter = ["status", "near_miss"]
    fields = [
        "matter",
        "enterprise",
        "rule_set",
        "status",
        "near_miss",
        "gap",
        "first_matched_at",
        "matched_at",
        "first_eligible_at",
        "notified_at",
    ]
    date_hierarchy = "matched_at"


@admin.register(PushRecord)
class PushRecordAdmin(_ByMatterAdmin):
    view_permission = "matters.view_pushrecord"
    list_display = ["matter", "enterprise", "kind", "by", "created_at"]
    list_filter = ["kind"]
    fields = ["matter", "enterprise", "kind", "by", "created_at"]
    list_select_related = ["matter", "enterprise", "by"]
