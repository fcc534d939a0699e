"""The monthly supervision report (月度督查报告) and the quarterly joint-meeting pack (联席会议材料, 宜昌 §42).

`build(kind, period)` gathers what a report says, from whatever figures the domains have registered: per section
a table of every figure for the whole platform and one per department, each with 环比 against `period.previous()`
(the month or quarter before); the warnings active when it is made; the definitions (统计口径) in an annex; and
charts drawn on the server by matplotlib (Agg, in the CJK font the PDFs use), embedded as PNG data URIs — a
monthly trend line per trend figure over the last twelve months and a bar chart of each ranking figure per
department. Numbers come from the stored facts (snapshot figures are counted live: they are "now").

`generate(...)` renders it to PDF (`portal.core.pdf`, WeasyPrint) and archives it in `Report`, one row per kind and
period: generating again replaces the file. `generate_due(today)` is what beat runs every morning: on the first
working day of a month (official calendar) last month's report, and in January, April, July and October also last
quarter's pack — the quarterly joint meeting of the data bureau, the finance bureau, the city operations centre and
the policy departments (宜昌 §42).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import io
import logging
import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import workdays
from portal.core.pdf import render_pdf

from . import compute, warnings
from .measures import SECTIONS, Figure, figures_of, measures, section_label
from .models import Report
from .periods import Period

logger = logging.getLogger(__name__)

TEMPLATE = "supervision/report.html"
# The trend charts end with the report's last month and go this many months back.
TREND_MONTHS = 12
# Figures side by side in one department table: more do not fit the width of an A4 page.
DEPARTMENT_COLUMNS = 4
# The fonts of the PDF templates (templates/pdf/base.html), in the same order: fonts-wqy-microhei, fonts-noto-cjk.
CHART_FONTS = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC"]
CHART_DPI = 150
BAR_COLOUR, MISSED_COLOUR, TARGET_COLOUR = "#1f5fa8", "#c0392b", "#c0392b"
QUARTER_NAMES = {
    1: gettext_lazy("第一季度"),
    2: gettext_lazy("第二季度"),
    3: gettext_lazy("第三季度"),
    4: gettext_lazy("第四季度"),
}
CHINESE_NUMERALS = "一二三四五六七八九十"
ONE_PLACE = Decimal("0.1")


# ------------------------------------------------------------------------------------------- periods and names


def quarter_of(period: Period) -> int | None:
    """The quarter (1–4) when the period is exactly one calendar quarter, else None."""
    quarter = (period.start.month - 1) // 3 + 1
    return quarter if Period.quarter(period.start.year, quarter) == period else None


def is_month(period: Period) -> bool:
    return Period.month(period.start.year, period.start.month) == period


def period_label(period: Period) -> str:
    """2026年9月, 2026年第三季度, or the dates for any other period."""
    if is_month(period):
        return _("%(year)d年%(month)d月") % {"year": period.start.year, "month": period.start.month}
    quarter = quarter_of(period)
    if quarter:
        return _("%(year)d年%(quarter)s") % {"year": period.start.year, "quarter": QUARTER_NAMES[quarter]}
    return str(period)


def title(kind: str) -> str:
    portal = settings.PORTAL_NAME
    if kind == Report.Kind.QUARTERLY:
        return _("%(portal)s督查季度报告") % {"portal": portal}
    return _("%(portal)s督查月度报告") % {"portal": portal}


def download_name(report: Report) -> str:
    """The file name a download is saved under: 惠企服务平台督查月度报告（2026年9月）.pdf."""
    period = Period(report.period_start, report.period_end)
    return f"{title(report.kind)}（{period_label(period)}）.pdf"


def _numbered(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二 (section numbers)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (CHINESE_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


# ------------------------------------------------------------------------------------------------ numbers


def display(value) -> str:
    """A figure's value as printed: thousands separated, decimals as computed, — when undefined."""
    if value is None:
        return "—"
    return f"{value:,}"


def change(figure: Figure, current, previous) -> str:
    """环比: the relative change in per cent, one decimal; a ratio's change in percentage points (个百分点)."""
    if current is None or previous is None:
        return "—"
    current, previous = Decimal(current), Decimal(previous)
    if figure.kind == Figure.RATIO:
        points = (current - previous).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
        if not points:
            return _("持平")
        return _("%(sign)s%(points)s个百分点") % {"sign": "+" if points > 0 else "-", "points": abs(points)}
    if not previous:
        return _("持平") if not current else _("上期为0")
    percent = ((current - previous) * 100 / previous).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
    if not percent:
        return _("持平")
    return f"{'+' if percent > 0 else '-'}{abs(percent)}%"


def value_of(figure: Figure, values: dict, group):
    """The figure's value for a group, and for a group without records what no records give (0 for a count or a
    sum, undefined for a ratio, mean or percentile)."""
    return values[group] if group in values else compute.value(figure, {})


def unit(figure: Figure) -> str:
    return str(figure.display_unit())


def formula(figure: Figure) -> str:
    """How the figure is computed from its measures, in words (计算方法)."""
    own = measures.get(figure.measure).label
    if figure.kind == Figure.RATIO:
        return _("%(measure)s ÷ %(base)s × 100%%") % {"measure": own, "base": measures.get(figure.base).label}
    return {
        Figure.COUNT: _("%(measure)s的件数"),
        Figure.SUM: _("%(measure)s的合计"),
        Figure.MEAN: _("%(measure)s的平均值"),
        Figure.P90: _("%(measure)s的第90百分位数（最近秩法）"),
    }[figure.kind] % {"measure": own}


# ------------------------------------------------------------------------------------------------ contents


@dataclass
class Row:
    """A figure's line for the whole platform: this period, the previous one and 环比."""

    figure: Figure
    current: str
    previous: str
    change: str
    snapshot: bool


@dataclass
class Cell:
    value: str
    change: str


@dataclass
class DepartmentTable:
    """Up to `DEPARTMENT_COLUMNS` figures side by side, one row per department (name, cells)."""

    figures: list[Figure]
    rows: list[tuple[str, list[Cell]]]


@dataclass
class Chart:
    """A chart as a PNG data URI with its alternative text; a trend chart has its numbers as a table too."""

    figure: Figure
    uri: str
    alt: str
    months: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)


@dataclass
class Section:
    number: str
    key: str
    label: str
    rows: list[Row]
    department_tables: list[DepartmentTable]
    trend_charts: list[Chart]
    ranking_charts: list[Chart]


@dataclass
class Definition:
    number: int
    figure: Figure
    section: str
    formula: str
    description: str
    base_description: str
    article: str


def trend_period(period: Period) -> Period:
    """The `TREND_MONTHS` whole months ending with the period's last month."""
    index = period.end.year * 12 + period.end.month - TREND_MONTHS
    first = dt.date(index // 12, index % 12 + 1, 1)
    return Period(first, Period.month(period.end.year, period.end.month).end)


def _department_names(ids) -> list[tuple[int, str, str]]:
    from portal.org.models import Department

    return [
        (pk, name, short or name)
        for pk, name, short in Department.objects.filter(pk__in=ids).values_list("pk", "name", "short_name")
    ]


def _definition(number: int, figure: Figure) -> Definition:
    own = measures.get(figure.measure)
    base = measures.get(figure.base) if figure.base else None
    description = str(figure.description or own.description)
    base_description = str(base.description) if base and base.description and not figure.description else ""
    return Definition(
        number=number,
        figure=figure,
        section=str(section_label(figure.section)),
        formula=formula(figure),
        description=description,
        base_description=base_description,
        article=figure.article or own.article,
    )


def build(kind: str, period: Period, *, by=None) -> dict:
    """The template context of a report over `period` (see the module's docstring)."""
    previous = period.previous()
    every = figures_of()
    platform_now = compute.figure_values(every, period)
    platform_before = compute.figure_values(every, previous)
    departmental = [f for f in every if f.departmental]
    by_department_now = compute.figure_values(departmental, period, by="department")
    by_department_before = compute.figure_values(departmental, previous, by="department")
    ids = {
        group
        for values in (*by_department_now.values(), *by_department_before.values())
        for group in values
        if group is not None
    }
    departments = _department_names(ids)
    charted = [f for f in every if f.trend and not f.snapshot]
    months_period = trend_period(period)
    monthly = compute.figure_values(charted, months_period, by="month")
    months = [month.start for month in months_period.months()]

    def row(figure):
        snapshot = figure.snapshot
        now, before = platform_now[figure.key][None], platform_before[figure.key][None]
        return Row(
            figure=figure,
            current=display(now),
            previous="—" if snapshot else display(before),
            change="—" if snapshot else change(figure, now, before),
            snapshot=snapshot,
        )

    sections = []
    for key, label in SECTIONS:
        own = [f for f in every if f.section == key]
        split = [f for f in own if f in departmental]
        present = {group for f in split for group in (*by_department_now[f.key], *by_department_before[f.key])}
        listed = [(pk, name, short) for pk, name, short in departments if pk in present]
        tables = []
        for start in range(0, len(split), DEPARTMENT_COLUMNS):
            chunk = split[start : start + DEPARTMENT_COLUMNS]
            rows = []
            for pk, name, _short in listed:
                cells = []
                for f in chunk:
                    now = value_of(f, by_department_now[f.key], pk)
                    before = value_of(f, by_department_before[f.key], pk)
                    cells.append(Cell(display(now), "—" if f.snapshot else change(f, now, before)))
                rows.append((name, cells))
            if rows:
                tables.append(DepartmentTable(chunk, rows))
        trend_charts = [trend_chart(f, months, monthly[f.key]) for f in own if f in charted]
        ranking_charts = []
        for f in split:
            if not f.ranking:
                continue
            values = [(short, value_of(f, by_department_now[f.key], pk)) for pk, _name, short in listed]
            values = [(short, value) for short, value in values if value is not None]
            if values:
                ranking_charts.append(ranking_chart(f, values))
        sections.append(
            Section(
                number=_numbered(len(sections) + 3),
                key=key,
                label=str(label),
                rows=[row(f) for f in own],
                department_tables=tables,
                trend_charts=trend_charts,
                ranking_charts=ranking_charts,
            )
        )

    refreshed = compute.freshness()
    return {
        "kind": kind,
        "quarterly": kind == Report.Kind.QUARTERLY,
        "title": title(kind),
        "period": period,
        "period_label": period_label(period),
        "previous": previous,
        "previous_label": period_label(previous),
        "generated_at": timezone.localtime(),
        "generated_by": by,
        "refreshed_at": timezone.localtime(refreshed) if refreshed else None,
        "headlines": [row(f) for f in every if f.headline],
        "warnings": warnings.active(for_report=True),
        "sections": sections,
        "definitions": [_definition(n, f) for n, f in enumerate(every, start=1)],
        "trend_months": TREND_MONTHS,
        "PORTAL_NAME": settings.PORTAL_NAME,
    }


# ------------------------------------------------------------------------------------------------- charts


@functools.cache
def chart_font() -> str | None:
    """The first of `CHART_FONTS` matplotlib finds; None (and a warning: the charts' Chinese would be boxes)."""
    from matplotlib import font_manager

    for family in CHART_FONTS:
        try:
            font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        return family
    logger.warning("no CJK font for the report charts; install fonts-wqy-microhei (tried %s)", ", ".join(CHART_FONTS))
    return None


@contextmanager
def _chart_style():
    import matplotlib

    font = chart_font()
    style = {
        "font.family": "sans-serif",
        "font.sans-serif": [*([font] if font else []), "DejaVu Sans"],
        "font.size": 8,
        # The CJK font has no U+2212 minus sign; negative numbers are written with a hyphen-minus.
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with matplotlib.rc_context(style):
        yield


def _png(drawing) -> str:
    """The matplotlib figure as a PNG data URI (drawn by the Agg canvas, no GUI backend, no global pyplot state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(drawing)
    buffer = io.BytesIO()
    drawing.savefig(buffer, format="png", dpi=CHART_DPI, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _whole_ticks(axis, figure: Figure) -> None:
    """Counts (and sums of counts) are ticked at whole numbers: no 0.5 of an application."""
    from matplotlib.ticker import MaxNLocator

    if figure.kind in (Figure.COUNT, Figure.P90) or (figure.kind == Figure.SUM and unit(figure) != "元"):
        axis.set_major_locator(MaxNLocator(integer=True))


def _number(value) -> float:
    # Plotting only: the printed numbers stay Decimal.
    return math.nan if value is None else float(value)


def trend_chart(figure: Figure, months: list[dt.date], values: dict) -> Chart:
    """A line of the figure's monthly values, with its numbers as a table beside it."""
    from matplotlib.figure import Figure as Drawing

    labels = [f"{month:%Y-%m}" for month in months]
    series = [value_of(figure, values, month) for month in months]
    with _chart_style():
        drawing = Drawing(figsize=(6.6, 2.3))
        axes = drawing.add_subplot()
        axes.plot(range(len(months)), [_number(v) for v in series], marker="o", color=BAR_COLOUR, linewidth=1.5)
        axes.set_xticks(range(len(months)), labels, fontsize=7)
        _whole_ticks(axes.yaxis, figure)
        axes.set_title(f"{figure.label}（{unit(figure)}）", fontsize=9)
        axes.grid(axis="y", alpha=0.3)
        if all(v is None or v >= 0 for v in series):
            axes.set_ylim(bottom=0)
        if not any(v for v in series if v is not None):
            # Nothing but zeros or no data: a plain 0–1 axis (0–100 for a rate), never ±0.06.
            axes.set_ylim(0, 100 if figure.kind == Figure.RATIO else 1)
        if figure.target is not None:
            axes.axhline(figure.target, linestyle="--", color=TARGET_COLOUR, linewidth=1, label=_("目标值"))
            axes.legend(loc="lower right", fontsize=7, frameon=False)
        uri = _png(drawing)
    alt = _("%(label)s近%(n)d个月的趋势折线图，各月数值见图下表格。") % {"label": figure.label, "n": len(months)}
    return Chart(figure=figure, uri=uri, alt=alt, months=labels, values=[display(v) for v in series])


def ranking_chart(figure: Figure, values: list[tuple[str, object]]) -> Chart:
    """Horizontal bars of the figure per department, the best first; bars missing the target in red."""
    from matplotlib.figure import Figure as Drawing

    ordered = sorted(values, key=lambda item: item[1], reverse=figure.better != Figure.LOWER)
    ordered.reverse()  # barh draws the first bar at the bottom: the best goes on top

    def missed(value) -> bool:
        if figure.target is None or figure.better is None:
            return False
        return value < figure.target if figure.better == Figure.HIGHER else value > figure.target

    with _chart_style():
        drawing = Drawing(figsize=(6.6, 0.9 + 0.26 * len(ordered)))
        axes = drawing.add_subplot()
        bars = axes.barh(
            range(len(ordered)),
            [_number(v) for _name, v in ordered],
            color=[MISSED_COLOUR if missed(v) else BAR_COLOUR for _name, v in ordered],
            height=0.6,
        )
        axes.set_yticks(range(len(ordered)), [name for name, _v in ordered])
        _whole_ticks(axes.xaxis, figure)
        axes.bar_label(bars, labels=[display(v) for _name, v in ordered], padding=2, fontsize=7)
        axes.set_title(f"{figure.label}（{unit(figure)}）", fontsize=9)
        axes.grid(axis="x", alpha=0.3)
        axes.margins(x=0.12)
        if figure.target is not None:
            axes.axvline(figure.target, linestyle="--", color=TARGET_COLOUR, linewidth=1, label=_("目标值"))
            axes.legend(loc="lower right", fontsize=7, frameon=False)
        uri = _png(drawing)
    alt = _("各部门%(label)s条形图，由好到差排列，数值见上方分部门表格。") % {"label": figure.label}
    return Chart(figure=figure, uri=uri, alt=alt)


# -------------------------------------------------------------------------------------- rendering, archiving


def render(kind: str, period: Period, *, by=None) -> bytes:
    """The report as PDF bytes."""
    context = build(kind, period, by=by)
    return render_pdf(TEMPLATE, context, title=f"{context['title']}（{context['period_label']}）")


def file_name(kind: str, period: Period) -> str:
    return f"{kind}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.pdf"


def generate(kind: str, period: Period, *, by=None) -> Report:
    """Renders the report and archives it: one `Report` per kind and period, whose file a new run replaces.

    The new file is stored under a name of its own before the row points to it, and the old one is deleted only
    after the commit, so a failed run leaves the archived report as it was. by: the user, None for beat.
    """
    content = render(kind, period, by=by)
    storage = Report._meta.get_field("file").storage
    stored = ""
    try:
        with transaction.atomic():
            report = Report.objects.select_for_update().filter(
                kind=kind, period_start=period.start, period_end=period.end
            ).first() or Report(kind=kind, period_start=period.start, period_end=period.end)
            stale = report.file.name
            report.file.save(file_name(kind, period), ContentFile(content), save=False)
            stored = report.file.name
            report.sha256 = hashlib.sha256(content).hexdigest()
            report.size = len(content)
            report.generated_at = timezone.now()
            report.generated_by = by
            report.save()
            if stale and stale != stored:
                transaction.on_commit(lambda: storage.delete(stale))
    except Exception:
        if stored:
            storage.delete(stored)
        raise
    logger.info(
        "supervision report generated",
        extra={"kind": kind, "start": period.start.isoformat(), "end": period.end.isoformat(), "bytes": len(content)},
    )
    return report


# ---------------------------------------------------------------------------------------------------- beat


def first_workday(year: int, month: int) -> dt.date:
    """The month's first working day on the official calendar (2026-10: the 8th, after 国庆)."""
    return workdays.add_workdays(dt.date(year, month, 1) - dt.timedelta(days=1), 1)


def due(today: dt.date) -> list[tuple[str, Period]]:
    """The reports due by `today`: last month's from the first working day of this month, and last quarter's
    from the first working day of this quarter — also on a later day, should beat have missed that one."""
    out = []
    if today >= first_workday(today.year, today.month):
        last = dt.date(today.year, today.month, 1) - dt.timedelta(days=1)
        out.append((Report.Kind.MONTHLY, Period.month(last.year, last.month)))
    quarter = (today.month - 1) // 3 + 1
    if today >= first_workday(today.year, 3 * quarter - 2):
        last = Period.quarter(today.year, quarter).start - dt.timedelta(days=1)
        out.append((Report.Kind.QUARTERLY, Period.quarter(last.year, (last.month - 1) // 3 + 1)))
    return out


def generate_due(today: dt.date | None = None) -> list[Report]:
    """Generates the reports due by `today` that are not archived yet, after refreshing the facts they read (the
    previous period's too: its numbers are printed for 环比). A second run the same day finds them and does nothing."""
    today = today or timezone.localdate()
    missing = [
        (kind, period)
        for kind, period in due(today)
        if not Report.objects.filter(kind=kind, period_start=period.start, period_end=period.end)
        .exclude(file="")
        .exists()
    ]
    if not missing:
        return []
    compute.refresh(since=min(period.previous().start for _kind, period in missing))
    return [generate(kind, period) for kind, period in missing]
