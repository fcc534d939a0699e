"""兑付统计 in the back office (宜昌 §39, 常州 §32): `/admin/payouts/statistics/`.

Per policy and per matter: the money paid through the platform, the enterprises reached (by industry section, size
and region below), the average working days from application to payment and from approval to payment, the share of
免申即享 payouts, and the money departments paid outside the platform (奖补汇聚) beside it; filtered by payment
year, department, policy or matter; the tables shown exported to Excel. The figures are `payouts.results`'s SQL
aggregates.

Who sees what: finance officers, the departments' approvers (their departments' matters), supervisors and platform
admins — whoever holds `payouts.view_payout` — each over the payouts `payouts.services.visible_to` shows them.

The page has no model of its own: it is added to the admin site's URLs and to the 资金兑付 section of its index
(`install`), behind the site's own login and second factor (`admin_view`).
"""

from __future__ import annotations

import io

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models.functions import Coalesce, ExtractYear
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from payouts import results
from portal.org.permissions import can

PERMISSION = "payouts.view_payout"
URL_NAME = "payouts_statistics"
TEMPLATE = "payouts/results/admin_statistics.html"
LABEL = gettext_lazy("兑付统计")


def may_view(user) -> bool:
    return bool(user.is_active and user.is_staff and can(user, PERMISSION))


def _int(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def _filters(request) -> results.Filters:
    return results.Filters(
        year=_int(request.GET.get("year")),
        department=_int(request.GET.get("department")),
        policy=_int(request.GET.get("policy")),
        matter=_int(request.GET.get("matter")),
    )


def _choices(user) -> dict:
    """The years and departments the user's figures have, for the filter."""
    from portal.org.models import Department

    payouts, records = results.scoped_payouts(user), results.scoped_records(user)
    years = set(payouts.annotate(y=ExtractYear("paid_on")).values_list("y", flat=True).distinct())
    years |= set(records.annotate(y=ExtractYear("paid_on")).values_list("y", flat=True).distinct())
    # A record counts for its matter's department, else for the department that reported it (`Filters.records`).
    record_departments = records.annotate(key=Coalesce("matter__department_id", "department_id")).values("key")
    departments = Department.objects.filter(pk__in=payouts.values("matter__department_id")) | Department.objects.filter(
        pk__in=record_departments
    )
    return {
        "years": sorted(years, reverse=True),
        "departments": list(departments.distinct().order_by("region__code", "name").values("pk", "name")),
    }


COLUMNS = [
    ("label", gettext_lazy("名称")),
    ("department", gettext_lazy("部门")),
    ("total", gettext_lazy("平台兑付金额（元）")),
    ("payouts", gettext_lazy("平台兑付笔数")),
    ("enterprises", gettext_lazy("惠及企业（家）")),
    ("days_application", gettext_lazy("申报至支付平均工作日")),
    ("days_approval", gettext_lazy("核准至支付平均工作日")),
    ("exempt", gettext_lazy("免申即享笔数")),
    ("exempt_share", gettext_lazy("免申即享占比（%）")),
    ("outside_total", gettext_lazy("平台外发放金额（元）")),
    ("outside_records", gettext_lazy("平台外发放笔数")),
    ("outside_enterprises", gettext_lazy("平台外发放企业（家）")),
    ("combined_total", gettext_lazy("合计金额（元）")),
]
BREAKDOWN_COLUMNS = [
    ("label", gettext_lazy("分组")),
    ("enterprises", gettext_lazy("平台兑付惠及企业（家）")),
    ("total", gettext_lazy("平台兑付金额（元）")),
    ("outside_enterprises", gettext_lazy("平台外发放企业（家，已匹配档案）")),
    ("outside_total", gettext_lazy("平台外发放金额（元，已匹配档案）")),
]


def _tables(statistics: results.Statistics) -> dict:
    return {
        "policies": statistics.by_policy(),
        "matters": statistics.by_matter(),
        "total": statistics.total(),
        "breakdowns": [
            (_("按行业门类"), statistics.by_section()),
            (_("按企业规模"), statistics.by_size()),
            (_("按地区"), statistics.by_region()),
        ],
    }


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # never a formula in an exported sheet
    return value


def workbook(tables: dict, *, title: str) -> bytes:
    """The tables shown, one sheet each: per policy, per matter, then the breakdowns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    first = True

    def sheet_of(name: str, columns, rows, total=None):
        nonlocal first
        sheet = book.active if first else book.create_sheet()
        first = False
        sheet.title = name[:31]
        sheet.append([title])
        sheet.append([str(label) for _key, label in columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in [*rows, *([total] if total is not None else [])]:
            get = row.get if isinstance(row, dict) else lambda key, row=row: getattr(row, key)
            sheet.append([_cell(get(key)) for key, _label in columns])
        for column in sheet.iter_cols(min_row=3):
            for cell in column:
                if hasattr(cell.value, "quantize"):
                    cell.number_format = "#,##0.00" if cell.value.as_tuple().exponent == -2 else "0.0"
        sheet.freeze_panes = "A3"

    sheet_of(_("按政策"), COLUMNS, tables["policies"], tables["total"])
    sheet_of(_("按事项"), COLUMNS, tables["matters"], tables["total"])
    for name, rows in tables["breakdowns"]:
        sheet_of(name, BREAKDOWN_COLUMNS, rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _title(filters: results.Filters, choices: dict) -> str:
    parts = [_("兑付统计")]
    if filters.year:
        parts.append(_("%(year)s年") % {"year": filters.year})
    names = {d["pk"]: d["name"] for d in choices["departments"]}
    if filters.department:
        parts.append(names.get(filters.department, ""))
    return " · ".join(p for p in parts if p)


def statistics_view(request):
    """兑付统计: the tables for the user's scope and the filters in the query string; `?export=xlsx` downloads them."""
    if not may_view(request.user):
        raise PermissionDenied
    filters = _filters(request)
    choices = _choices(request.user)
    statistics = results.Statistics(request.user, filters)
    tables = _tables(statistics)
    title = _title(filters, choices)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(
            workbook(tables, title=title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"payout-statistics-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    base = {k: v for k, v in request.GET.items() if k in ("year", "department") and v}
    focus = None
    if filters.matter:
        focus = next((row.label for row in tables["matters"] if row.key == filters.matter), None)
    elif filters.policy:
        focus = next((row.label for row in tables["policies"] if row.key == filters.policy), None)
    context = {
        **admin.site.each_context(request),
        "title": title,
        "filters": filters,
        "choices": choices,
        "focus": focus,
        "focused": bool(filters.matter or filters.policy),
        "base_query": urlencode(base),
        "export_query": urlencode({**{k: v for k, v in request.GET.items() if k != "page"}, "export": "xlsx"}),
        "columns": COLUMNS,
        "breakdown_columns": BREAKDOWN_COLUMNS,
        **tables,
    }
    return TemplateResponse(request, TEMPLATE, context)


def install(site) -> None:
    """Adds the page to `site`: its URL (before the site's own) and an entry in the 资金兑付 section of the index and
    the side bar, for those who may see it."""
    if getattr(site, "_payout_statistics_installed", False):
        return
    site._payout_statistics_installed = True
    get_urls, get_app_list = site.get_urls, site.get_app_list

    def urls():
        return [path("payouts/statistics/", site.admin_view(statistics_view), name=URL_NAME), *get_urls()]

    def app_list(request, app_label=None):
        apps = get_app_list(request, app_label)
        if not may_view(request.user) or app_label not in (None, "payouts"):
            return apps
        entry = {
            "name": str(LABEL),
            "object_name": "PayoutStatistics",
            "perms": {"add": False, "change": False, "delete": False, "view": True},
            "admin_url": reverse(f"{site.name}:{URL_NAME}"),
            "add_url": None,
            "view_only": True,
            "model": None,
        }
        section = next((app for app in apps if app["app_label"] == "payouts"), None)
        if section is None:
            from django.apps import apps as registry

            config = registry.get_app_config("payouts")
            section = {
                "name": str(config.verbose_name),
                "app_label": "payouts",
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
