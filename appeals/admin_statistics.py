"""诉求统计 in the back office: `/admin/appeals/statistics/` (`appeals.statistics`).

Per department and per kind over a chosen period (提交日期, default this year): the figures of
`appeals.statistics.Statistics`, each count linking to the appeal list behind it (the list's 统计口径 filter with
the same period and department or kind), and `?export=xlsx` for the same tables in Excel.

Who: holders of `appeals.view_appeal_statistics` (the operators, supervisors, platform admins) over the appeals
they may see; a department's handlers their own department's row. The page has no model: it is added to the
admin site's URLs and to the 诉求服务 section of its index (`install`), behind the site's login and second factor.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appeals import statistics

URL_NAME = "appeals_statistics"
TEMPLATE = "admin/appeals/statistics.html"
LABEL = gettext_lazy("诉求统计")


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def period_of(request) -> tuple[statistics.Period, list[str]]:
    """The period in `?from=&to=` (local dates), this year by default; the problems with what was typed."""
    default = statistics.Period.this_year()
    problems = []
    raw_from, raw_to = request.GET.get("from", ""), request.GET.get("to", "")
    start, end = _date(raw_from), _date(raw_to)
    if raw_from and start is None:
        problems.append(_("起始日期“%(value)s”不是有效日期（格式：2026-01-01）。") % {"value": raw_from[:20]})
    if raw_to and end is None:
        problems.append(_("截止日期“%(value)s”不是有效日期（格式：2026-12-31）。") % {"value": raw_to[:20]})
    start, end = start or default.start, end or default.end
    if end < start:
        problems.append(_("截止日期早于起始日期，已按本年度统计。"))
        return default, problems
    return statistics.Period(start, end), problems


def _links(rows, period, key_param: str | None):
    """The list URL of each linked figure of each row: {row.key: {figure: url}}."""
    base = reverse("admin:appeals_appeal_changelist")
    links = {}
    for row in rows:
        query = period.query()
        if key_param == "department":
            if row.key is None:
                query["department__isnull"] = "True"
            else:
                query["department__id__exact"] = str(row.key)
        elif key_param == "kind":
            query["kind__exact"] = str(row.key)
        links[row.key] = {
            name: f"{base}?{urlencode({**query, **({'stat': name} if name != 'received' else {})})}"
            for name in statistics.LINKED
        }
    return links


def _table(rows, links):
    """Rows as cells for the template: (value, url or "")."""
    table = []
    for row in rows:
        cells = []
        for key, _label in statistics.STATISTIC_COLUMNS:
            value = row[key]
            cells.append({"key": key, "value": value, "url": links.get(row.key, {}).get(key, "") if links else ""})
        table.append({"label": row.label, "cells": cells})
    return table


def statistics_view(request):
    if not statistics.may_view(request.user):
        raise PermissionDenied
    period, problems = period_of(request)
    for problem in problems:
        messages.error(request, problem)
    figures = statistics.Statistics(request.user, period)
    title = _("诉求统计 %(start)s 至 %(end)s") % {"start": period.start, "end": period.end}
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(
            statistics.workbook(figures, title=title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"appeal-statistics-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    departments, kinds, total = figures.by_department(), figures.by_kind(), figures.total()
    context = {
        **admin.site.each_context(request),
        "title": title,
        "period": period,
        "own_only": figures.own_only,
        "columns": statistics.STATISTIC_COLUMNS,
        "departments": _table(departments, _links(departments, period, "department")),
        "kinds": _table(kinds, _links(kinds, period, "kind")),
        "total": _table([total], _links([total], period, None))[0],
        "export_query": urlencode({"from": period.start.isoformat(), "to": period.end.isoformat(), "export": "xlsx"}),
    }
    return TemplateResponse(request, TEMPLATE, context)


def install(site) -> None:
    """Adds the page to `site`: its URL and an entry in the 诉求服务 section of the index, for those who may see it."""
    if getattr(site, "_appeal_statistics_installed", False):
        return
    site._appeal_statistics_installed = True
    get_urls, get_app_list = site.get_urls, site.get_app_list

    def urls():
        return [path("appeals/statistics/", site.admin_view(statistics_view), name=URL_NAME), *get_urls()]

    def app_list(request, app_label=None):
        apps = get_app_list(request, app_label)
        if not statistics.may_view(request.user) or app_label not in (None, "appeals"):
            return apps
        entry = {
            "name": str(LABEL),
            "object_name": "AppealStatistics",
            "perms": {"add": False, "change": False, "delete": False, "view": True},
            "admin_url": reverse(f"{site.name}:{URL_NAME}"),
            "add_url": None,
            "view_only": True,
            "model": None,
        }
        section = next((app for app in apps if app["app_label"] == "appeals"), None)
        if section is None:
            from django.apps import apps as registry

            config = registry.get_app_config("appeals")
            section = {
                "name": str(config.verbose_name),
                "app_label": "appeals",
                "app_url": reverse(f"{site.name}:{URL_NAME}"),
                "has_module_perms": True,
                "models": [],
            }
            apps = sorted([*apps, section], key=lambda app: app["name"].lower())
        section["models"] = [entry, *section["models"]]
        return apps

    site.get_urls = urls
    site.get_app_list = app_list


install(admin.site)
