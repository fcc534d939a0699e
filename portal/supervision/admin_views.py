"""The supervision pages in the back office (督查看板), under `/admin/supervision/`, behind the site's login and
second factor:

- `supervision/` 总览: headline figures with 环比, monthly trend charts (ECharts) each with its data table, every
  figure per section, the warnings, and how fresh the figures are;
- `supervision/departments/` 部门排名: the ranking table, sortable by any column;
- `supervision/departments/<id>/` 部门督查: one department's figures, trends and breakdowns;
- `supervision/records/<measure>/` 明细: the records behind a number.

Every page takes `?from=&to=` (the period; this year by default) and `?region=<code>`, and `?export=xlsx` for
the same tables in Excel. Readers of all departments (supervisors, platform admins, `view_all_departments`) see
everything; other staff are sent to their own department's page and see only its records (another department's
page or records: 404); enterprise users never reach the back office.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.org.models import Department, Region

from . import dashboard, exports, warnings
from .compute import _field
from .measures import SECTIONS, figures_of, measures, section_label
from .periods import parse, presets

LABEL = gettext_lazy("督查看板")
PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


def _scope_or_deny(request) -> dashboard.Scope:
    scope = dashboard.scope_of(request.user)
    if scope.empty:
        raise PermissionDenied
    return scope


def _common(request, scope):
    period, problems = parse(request.GET)
    for problem in problems:
        messages.error(request, problem)
    region = None
    code = (request.GET.get("region") or "").strip()
    if code:
        region = Region.objects.filter(code=code).first()
        if region is None:
            messages.error(request, _("区划代码“%(code)s”不存在，已按全部区划统计。") % {"code": code[:12]})
    base_query = {**period.query(), **({"region": region.code} if region else {})}
    return {
        **admin.site.each_context(request),
        "period": period,
        "region": region,
        "regions": (
            Region.objects.exclude(level=Region.Level.PROVINCE).order_by("code") if scope.all_departments else []
        ),
        "presets": [(label, p.query()) for label, p in presets()],
        "scope": scope,
        "base_query": urlencode(base_query),
        "export_query": urlencode({**dict(request.GET.items()), **base_query, "export": "xlsx"}),
        "refreshed_at": dashboard.refreshed_at(),
        "reports_url": _reports_url(request.user),
    }


def _titled(title: str, region) -> str:
    return f"{title} {region.name}" if region is not None else str(title)


def _reports_url(user) -> str:
    if not user.has_perm("supervision.view_report"):
        return ""
    try:
        return reverse("admin:supervision_report_changelist")
    except NoReverseMatch:
        return ""


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


def _own_department_redirect(scope):
    if len(scope.departments) == 1:
        return redirect(reverse("admin:supervision_department", args=[next(iter(scope.departments))]))
    return None


def overview_view(request):
    scope = _scope_or_deny(request)
    if not scope.all_departments:
        response = _own_department_redirect(scope)
        if response is not None:
            return response
    context = _common(request, scope)
    period, region = context["period"], context["region"]
    if not scope.all_departments:
        # Staff of several departments: a list of their departments' pages.
        context.update(
            title=_("督查看板"),
            departments=[
                (d, dashboard.department_link(d.pk, period))
                for d in Department.objects.filter(pk__in=scope.departments).order_by("name")
            ],
        )
        return TemplateResponse(request, "admin/supervision/choose_department.html", context)
    # Counted once for the sections and the headlines (the snapshots are live counts).
    tallies = dashboard.section_tallies(period, scope, region=region)
    sections = dashboard.sections(period, scope, region=region, tallies=tallies)
    if request.GET.get("export") == "xlsx":
        title = _("督查总览 %(period)s") % {"period": period}
        return _xlsx(exports.sections_workbook(sections, title=_titled(title, region)), "overview")
    trends = dashboard.trends(period, scope, region=region)
    context.update(
        title=_("督查总览"),
        headlines=dashboard.headlines(period, scope, region=region, tallies=tallies),
        sections=sections,
        trends=trends,
        charts=[t.as_chart() for t in trends],
        warnings=warnings.active(),
    )
    return TemplateResponse(request, "admin/supervision/overview.html", context)


def ranking_view(request):
    scope = _scope_or_deny(request)
    if not scope.all_departments:
        response = _own_department_redirect(scope)
        if response is not None:
            return response
        raise PermissionDenied
    context = _common(request, scope)
    period, region = context["period"], context["region"]
    sort = request.GET.get("sort") or "rank"
    descending = request.GET.get("dir") == "desc"
    columns, rows = dashboard.ranking(period, scope, region=region, sort=sort, descending=descending)
    if request.GET.get("export") == "xlsx":
        title = _("部门排名 %(period)s") % {"period": period}
        return _xlsx(exports.ranking_workbook(columns, rows, title=_titled(title, region)), "ranking")

    def sort_link(key):
        direction = "desc" if sort == key and not descending else "asc"
        return "?" + urlencode({**dict(request.GET.items()), "sort": key, "dir": direction})

    # The composite rank counts every ranking figure; the table may show one section's columns at a time.
    section = request.GET.get("section") or ""
    shown = [i for i, f in enumerate(columns) if not section or f.section == section]
    if not shown:
        section, shown = "", list(range(len(columns)))
    for row in rows:
        row.shown_cells = [row.cells[i] for i in shown]
    present = [key for key, _label in SECTIONS if any(f.section == key for f in columns)]
    context.update(
        title=_("部门排名"),
        section=section,
        sections=[
            (key, str(section_label(key)), "?" + urlencode({**dict(request.GET.items()), "section": key}))
            for key in ["", *present]
        ],
        column_count=len(columns),
        columns=[(columns[i], sort_link(columns[i].key), sort == columns[i].key) for i in shown],
        rank_link=sort_link("rank"),
        department_sort_link=sort_link("department"),
        sort=sort,
        descending=descending,
        rows=rows,
    )
    return TemplateResponse(request, "admin/supervision/ranking.html", context)


def department_view(request, pk: int):
    scope = _scope_or_deny(request)
    if not scope.may_see(pk):
        raise PermissionDenied
    department = get_object_or_404(Department.objects.select_related("region"), pk=pk)
    context = _common(request, scope)
    period = context["period"]
    sections = dashboard.sections(period, scope, department=pk)
    title = _("%(department)s督查情况") % {"department": department.name}
    if request.GET.get("export") == "xlsx":
        return _xlsx(exports.sections_workbook(sections, title=f"{title} {period}"), f"department-{department.code}")
    trends = dashboard.trends(period, scope, department=pk)
    context.update(
        title=title,
        department=department,
        sections=sections,
        trends=trends,
        charts=[t.as_chart() for t in trends],
        breakdowns=dashboard.breakdowns(period, pk),
    )
    return TemplateResponse(request, "admin/supervision/department.html", context)


def _display(model, path: str, value):
    if value is None or value == "":
        return ""
    try:
        field = _field(model, path)
    except Exception:  # an annotation or property path: shown as it is
        field = None
    if field is not None and getattr(field, "flatchoices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def _change_url(model, pk) -> str:
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
    except NoReverseMatch:
        return ""


def records_view(request, measure: str):
    scope = _scope_or_deny(request)
    if measure not in measures:
        raise Http404
    item = measures.get(measure)
    context = _common(request, scope)
    period, region = context["period"], context["region"]
    department = None
    raw = (request.GET.get("department") or "").strip()
    if raw:
        if not raw.isdigit():
            raise Http404
        if not scope.may_see(int(raw)):
            raise PermissionDenied
        department = get_object_or_404(Department, pk=int(raw))
    if not scope.all_departments and not item.department:
        raise PermissionDenied
    departments = [department.pk] if department else scope.department_filter
    category = request.GET.get("category")
    queryset = dashboard.compute.records(
        measure,
        period,
        departments=departments,
        region_ids=dashboard.region_ids_under(region),
        category=category,
    )
    model = queryset.model
    paths = [p for p, _label in item.columns] or ["pk"]
    headers = [str(label) for _p, label in item.columns] or [str(model._meta.verbose_name)]
    title = str(item.label)
    if request.GET.get("export") == "xlsx":
        rows = (
            [_display(model, p, v) for p, v in zip(paths, values, strict=True)]
            for values in queryset.values_list(*paths)[:EXPORT_LIMIT]
        )
        note = " · ".join(
            str(part)
            for part in (
                period if not item.snapshot else _("当前数据"),
                department.name if department else "",
                _("区划：%(name)s") % {"name": region.name} if region else "",
                _("分类：%(category)s") % {"category": category} if category else "",
            )
            if part
        )
        return _xlsx(exports.table_workbook(title, headers, rows, note=note), f"records-{measure}")
    link_model = _field(model, item.link).related_model if item.link else model
    link_path = f"{item.link}__pk" if item.link else "pk"
    page = Paginator(queryset.values_list(link_path, *paths), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "url": _change_url(link_model, values[0]) if values[0] is not None else "",
            "cells": [_display(model, p, v) for p, v in zip(paths, values[1:], strict=True)],
        }
        for values in page.object_list
    ]
    query = {k: v for k, v in request.GET.items() if k != "page"}
    context.update(
        title=title,
        subtitle=_("明细"),
        measure=item,
        section=section_label(next((f.section for f in figures_of() if measure in f.measures()), "")),
        department=department,
        category=category,
        headers=headers,
        rows=rows,
        page=page,
        total=page.paginator.count,
        page_query=urlencode(query),
        export_query=urlencode({**query, "export": "xlsx"}),
        snapshot=item.snapshot,
    )
    return TemplateResponse(request, "admin/supervision/records.html", context)


def may_view(user) -> bool:
    return not dashboard.scope_of(user).empty


def install(site) -> None:
    """Adds the pages to `site`: their URLs, and a 督查与评估 section on the index for those who may see them."""
    if getattr(site, "_supervision_installed", False):
        return
    site._supervision_installed = True
    get_urls, get_app_list = site.get_urls, site.get_app_list

    def urls():
        view = site.admin_view
        return [
            path("supervision/", view(overview_view), name="supervision_overview"),
            path("supervision/departments/", view(ranking_view), name="supervision_ranking"),
            path("supervision/departments/<int:pk>/", view(department_view), name="supervision_department"),
            path("supervision/records/<str:measure>/", view(records_view), name="supervision_records"),
            *get_urls(),
        ]

    def app_list(request, app_label=None):
        apps = get_app_list(request, app_label)
        if app_label not in (None, "supervision"):
            return apps
        scope = dashboard.scope_of(request.user)
        if scope.empty:
            return apps
        overview = _("督查总览") if scope.all_departments else _("本部门督查情况")
        entries = [("Overview", overview, reverse(f"{site.name}:supervision_overview"))]
        if scope.all_departments:
            entries.append(("Ranking", _("部门排名"), reverse(f"{site.name}:supervision_ranking")))
        pages = [
            {
                "name": str(label),
                "object_name": object_name,
                "perms": {"add": False, "change": False, "delete": False, "view": True},
                "admin_url": url,
                "add_url": None,
                "view_only": True,
                "model": None,
            }
            for object_name, label, url in entries
        ]
        section = next((app for app in apps if app["app_label"] == "supervision"), None)
        if section is None:
            section = {
                "name": str(gettext_lazy("督查与评估")),
                "app_label": "supervision",
                "app_url": reverse(f"{site.name}:supervision_overview"),
                "has_module_perms": True,
                "models": [],
            }
            apps = [*apps, section]
        section["models"] = [*pages, *section["models"]]
        return apps

    site.get_urls = urls
    site.get_app_list = app_list


install(admin.site)
