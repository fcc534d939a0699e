"""What the supervision pages show (督查看板), built from the registered figures; the views only render it.

- `Scope`: who sees what. Supervisors, platform admins and holders of `supervision.view_all_departments` see
  every department and the platform-wide figures; other staff see the departments they belong to, and only
  their pages; nobody else sees anything.
- `overview`: headline cards (with the previous period, 环比), every figure per section, monthly trends, warnings.
- `ranking`: one row per department with the ranking figures, a composite rank (综合排名: the mean of the
  department's rank in each figure that has a better direction), sortable by any column.
- `department_page`: one department's figures, trends and breakdowns (per matter, step, template …).
- `records_link`: the URL of the records behind a number (the drill-down page), with the same period and scope.

Every number carries the link to its records; values come from `compute.figure_values` over the stored facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils.http import urlencode

from portal.org.models import Department, Region
from portal.org.permissions import can, is_platform_admin, is_supervisor

from . import compute
from .measures import SECTIONS, Figure, figures_of, measures
from .periods import Period

VIEW_ALL = "supervision.view_all_departments"
# A department is given an overall rank only with values in at least this many ranked figures (or in all of them,
# when fewer are registered): one or two figures say too little to place it above departments measured on many.
MIN_RANKED_FIGURES = 3


@dataclass(frozen=True)
class Scope:
    """The departments a reader may see: `all_departments` (and the platform-wide figures), or `departments`."""

    all_departments: bool
    departments: frozenset[int] = frozenset()

    @property
    def department_filter(self):
        """None (no restriction) or the ids to restrict to."""
        return None if self.all_departments else self.departments

    def may_see(self, department_id: int | None) -> bool:
        if self.all_departments:
            return True
        return department_id is not None and department_id in self.departments

    @property
    def empty(self) -> bool:
        return not self.all_departments and not self.departments


def scope_of(user) -> Scope:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return Scope(False)
    if is_platform_admin(user) or is_supervisor(user) or can(user, VIEW_ALL):
        return Scope(True)
    return Scope(False, frozenset(user.memberships.values_list("department_id", flat=True)))


def region_ids_under(region: Region | None) -> list[int] | None:
    """The ids of the region and every region below it; None for no region."""
    if region is None:
        return None
    return sorted(region.subtree_ids())


def records_link(
    measure: str,
    period: Period,
    *,
    department: int | None = None,
    region: Region | None = None,
    category: str | None = None,
) -> str:
    query = period.query()
    if department is not None:
        query["department"] = str(department)
    if region is not None:
        query["region"] = region.code
    if category is not None:
        query["category"] = category
    return f"{reverse('admin:supervision_records', args=[measure])}?{urlencode(query)}"


@dataclass
class Cell:
    """A figure's value as shown: the value, its unit, the link to the records (and, for a ratio, the numerator
    and the base with their links), the previous period's value and whether a target is missed."""

    figure: Figure
    value: object
    link: str = ""
    numerator: int | None = None
    base: int | None = None
    base_link: str = ""
    previous: object = None
    missed: bool = False

    @property
    def unit(self):
        return self.figure.display_unit()

    @property
    def change(self):
        """The change from the previous period (same unit; percentage points for a ratio), or None."""
        if self.previous is None or self.value is None:
            return None
        return Decimal(str(self.value)) - Decimal(str(self.previous))

    @property
    def change_is_good(self):
        change = self.change
        if change is None or not change or self.figure.better is None:
            return None
        return (change > 0) == (self.figure.better == Figure.HIGHER)


def _cell(figure, values, tallies, group, period, *, department=None, region=None, previous=None) -> Cell:
    value = values.get(group)
    cell = Cell(figure=figure, value=value, previous=previous)
    cell.link = records_link(figure.measure, period, department=department, region=region)
    own = tallies.get(figure.measure, {}).get(group)
    cell.numerator = own.n if own else 0
    if figure.base:
        base = tallies.get(figure.base, {}).get(group)
        cell.base = base.n if base else 0
        cell.base_link = records_link(figure.base, period, department=department, region=region)
    if figure.target is not None and value is not None:
        target = Decimal(str(figure.target))
        cell.missed = value < target if figure.better == Figure.HIGHER else value > target
    return cell


def _tallies(figure_list, period, *, by, scope: Scope, region_ids):
    keys = sorted({key for figure in figure_list for key in figure.measures()})
    return compute.tally(keys, period, by=by, departments=scope.department_filter, region_ids=region_ids)


def _values(figure_list, tallies, groups):
    return {figure.key: compute.group_values(figure, tallies, groups) for figure in figure_list}


@dataclass
class Section:
    key: str
    label: str
    cells: list[Cell] = field(default_factory=list)


def _visible(figure_list, scope: Scope, region: Region | None = None):
    """Platform-wide figures (measures without a department) only for readers of all departments, and figures
    placed in no region (visits, users) not when one region is chosen."""
    if region is not None:
        figure_list = [f for f in figure_list if f.regional]
    if scope.all_departments:
        return figure_list
    return [f for f in figure_list if f.departmental]


def sections(
    period: Period,
    scope: Scope,
    *,
    region: Region | None = None,
    department: int | None = None,
    tallies: dict | None = None,
):
    """Every visible figure, per section, over the period (one department's when `department` is given).
    `tallies`: those of `section_tallies` with the same arguments, when the caller already has them."""
    chosen = _visible(figures_of(), scope, region)
    if tallies is None:
        tallies = section_tallies(period, scope, region=region, department=department)
    values = _values(chosen, tallies, [None])
    out = []
    for key, label in SECTIONS:
        cells = [
            _cell(f, values[f.key], tallies, None, period, department=department, region=region)
            for f in chosen
            if f.section == key
        ]
        if cells:
            out.append(Section(key, str(label), cells))
    return out


def section_tallies(period: Period, scope: Scope, *, region: Region | None = None, department: int | None = None):
    """The tallies of every visible figure's measures over the period, as `sections` and `headlines` read them."""
    chosen = _visible(figures_of(), scope, region)
    narrowed = Scope(False, frozenset([department])) if department is not None else scope
    return _tallies(chosen, period, by=None, scope=narrowed, region_ids=region_ids_under(region))


def headlines(period: Period, scope: Scope, *, region: Region | None = None, tallies: dict | None = None) -> list[Cell]:
    """The headline figures with the previous period's values (环比). `tallies`: those of `section_tallies` for
    the same period, scope and region, when the caller already has them (the overview)."""
    region_ids = region_ids_under(region)
    chosen = _visible(figures_of(headline=True), scope, region)
    now = tallies if tallies is not None else _tallies(chosen, period, by=None, scope=scope, region_ids=region_ids)
    # A snapshot ("now") is counted live whatever the period: the previous period's is the same count.
    keys = {key for figure in chosen for key in figure.measures()}
    snapshots = {key for key in keys if measures.get(key).snapshot}
    stored = sorted(keys - snapshots)
    before_period = period.previous()
    before = compute.tally(stored, before_period, departments=scope.department_filter, region_ids=region_ids)
    before.update({key: now[key] for key in snapshots})
    now_values, before_values = _values(chosen, now, [None]), _values(chosen, before, [None])
    return [
        _cell(f, now_values[f.key], now, None, period, region=region, previous=before_values[f.key][None])
        for f in chosen
    ]


@dataclass
class Trend:
    """One figure per month: labels (YYYY-MM), values (None where undefined) and their links."""

    figure: Figure
    months: list[str]
    values: list
    links: list[str]

    def as_chart(self) -> dict:
        return {
            "key": self.figure.key,
            "label": str(self.figure.label),
            "unit": str(self.figure.display_unit()),
            "months": self.months,
            "values": [None if v is None else float(v) for v in self.values],
        }


def trends(period: Period, scope: Scope, *, region: Region | None = None, department: int | None = None):
    region_ids = region_ids_under(region)
    chosen = _visible(figures_of(trend=True), scope)
    if department is not None or region is not None:
        # A department's or a region's page: the platform-wide figures (visits, users) are nobody's there.
        chosen = [f for f in chosen if f.regional]
    narrowed = Scope(False, frozenset([department])) if department is not None else scope
    tallies = _tallies(chosen, period, by="month", scope=narrowed, region_ids=region_ids)
    months = [m.start.replace(day=1) for m in period.months()]
    values = _values(chosen, tallies, months)
    out = []
    for figure in chosen:
        links = []
        for month in period.months():
            links.append(records_link(figure.measure, month, department=department, region=region))
        out.append(
            Trend(
                figure=figure,
                months=[m.strftime("%Y-%m") for m in months],
                values=[values[figure.key][m] for m in months],
                links=links,
            )
        )
    return out


@dataclass
class RankingRow:
    department: Department
    cells: list[Cell]
    rank: Decimal | None = None
    position: int | None = None
    link: str = ""
    shown_cells: list[Cell] = field(default_factory=list)
    ranked: int = 0


def _ranks(rows: list[RankingRow], index: int, better: str) -> dict[int, int]:
    """Competition ranks (1, 2, 2, 4) of the departments with a value in column `index`, best first."""
    valued = [(row.cells[index].value, row.department.pk) for row in rows if row.cells[index].value is not None]
    valued.sort(key=lambda pair: pair[0], reverse=better == Figure.HIGHER)
    ranks, previous, rank = {}, None, 0
    for position, (value, pk) in enumerate(valued, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[pk] = rank
    return ranks


def ranking(
    period: Period,
    scope: Scope,
    *,
    region: Region | None = None,
    sort: str = "rank",
    descending: bool = False,
):
    """(columns, rows) of the department ranking; rows sorted by `sort` ("rank", "department" or a figure key).

    Departments are those owning records of a ranking figure in the period (and in the region), within the
    reader's scope. The composite rank is the mean of the department's ranks in the figures with a better
    direction (two decimals), for departments with values in at least `MIN_RANKED_FIGURES` of them; 综合排名
    orders by it, lowest (best) first, equal means sharing a position (1, 2, 2, 4); the others come last.
    """
    region_ids = region_ids_under(region)
    columns = [f for f in figures_of(ranking=True) if f.departmental]
    tallies = _tallies(columns, period, by="department", scope=scope, region_ids=region_ids)
    ids = {group for by_group in tallies.values() for group in by_group if group is not None}
    ids = {pk for pk in ids if scope.may_see(pk)}
    departments = {d.pk: d for d in Department.objects.filter(pk__in=ids).select_related("region")}
    values = _values(columns, tallies, list(departments))
    rows = [
        RankingRow(
            department=department,
            cells=[_cell(f, values[f.key], tallies, pk, period, department=pk, region=region) for f in columns],
            link=department_link(pk, period),
        )
        for pk, department in departments.items()
    ]
    rank_columns = [(i, f.better) for i, f in enumerate(columns) if f.better]
    ranks = [_ranks(rows, i, better) for i, better in rank_columns]
    needed = min(MIN_RANKED_FIGURES, len(rank_columns))
    for row in rows:
        own = [r[row.department.pk] for r in ranks if row.department.pk in r]
        row.ranked = len(own)
        enough = own and len(own) >= needed
        row.rank = (Decimal(sum(own)) / len(own)).quantize(Decimal("0.01")) if enough else None
    by_rank = sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.department.name))
    previous, position = None, 0
    for index, row in enumerate(by_rank, start=1):
        if row.rank is None:
            continue
        if row.rank != previous:
            position, previous = index, row.rank
        row.position = position
    if sort == "department":
        rows = sorted(rows, key=lambda r: r.department.name, reverse=descending)
    elif sort in {f.key for f in columns}:
        index = [f.key for f in columns].index(sort)
        with_value = [r for r in rows if r.cells[index].value is not None]
        without = [r for r in rows if r.cells[index].value is None]
        rows = sorted(with_value, key=lambda r: r.cells[index].value, reverse=descending) + without
    else:
        rows = list(reversed(by_rank)) if descending else by_rank
    return columns, rows


def department_link(department_id: int, period: Period) -> str:
    return f"{reverse('admin:supervision_department', args=[department_id])}?{urlencode(period.query())}"


@dataclass
class Breakdown:
    figure: Figure
    label: str
    rows: list[tuple[str, Cell]]


def breakdowns(period: Period, department: int, *, limit: int = 20) -> list[Breakdown]:
    """Per category (matter, step, template …) values of the department's figures whose measures have one."""
    out = []
    scope = Scope(False, frozenset([department]))
    for figure in figures_of():
        measure = measures.get(figure.measure)
        if not measure.category or not measure.department:
            continue
        if figure.base and measures.get(figure.base).category != measure.category:
            continue
        tallies = _tallies([figure], period, by="category", scope=scope, region_ids=None)
        groups = sorted({g for by_group in tallies.values() for g in by_group}, key=lambda g: str(g))
        if not groups:
            continue
        values = _values([figure], tallies, groups)
        rows = []
        labels = category_labels(measure)
        for group in groups[:limit]:
            cell = _cell(figure, values[figure.key], tallies, group, period, department=department)
            cell.link = records_link(figure.measure, period, department=department, category=str(group))
            if figure.base:
                cell.base_link = records_link(figure.base, period, department=department, category=str(group))
            rows.append((labels.get(str(group), str(group)), cell))
        out.append(Breakdown(figure, str(measure.label), rows))
    return out


def category_labels(measure) -> dict[str, str]:
    """{stored category text: label} when the category is a field with choices (rating levels, channels …)."""
    try:
        field = compute._field(measure.model(), measure.category)
    except Exception:  # a path through an annotation: shown as stored
        return {}
    return {str(value): str(label) for value, label in (getattr(field, "flatchoices", None) or [])}


def refreshed_at():
    return compute.freshness()
