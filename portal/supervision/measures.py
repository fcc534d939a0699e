"""What the dashboards count (计量) and show (指标), registered by the domains (督查指标登记).

A **measure** (`Measure`) is a set of records, each dated by the event that completes it, owned by a department
and placed in a region: "applications decided", "applications decided within the committed time limit", "payouts
paid, with their working days from approval". A measure may carry a value per record (money, working days, a
count) and a category (the matter, the step, the SMS moment); with `distribution=True` its value is a whole number
of working days and the facts keep how many records took each number, so a percentile is exact.

A **figure** (`Figure`) is what a page shows, computed from one or two measures: a count, a sum, a ratio in per
cent, a mean or the 90th percentile. Every figure links to the records of its measure behind it, the same
queryset that was counted (`records`), so a number and its list never disagree.

Domains register both from a `supervision` module (autodiscovered), e.g. `applications/supervision.py`:

    measures.register(Measure(
        key="applications.decided", label=_("办结件数"),
        records=lambda: Application.objects.filter(decided_at__isnull=False),
        date="decided_at", department="matter__department", category="matter__code",
        columns=(("number", _("申报编号")), ("matter__name", _("事项")), ("decided_at", _("办结时间"))),
        description=_("统计期内办结（核准、不予核准、退回）的申报件。"),
    ))
    figures.register(Figure(
        key="applications.on_time_rate", label=_("按时办结率"), section="applications",
        kind=Figure.RATIO, measure="applications.decided_on_time", base="applications.decided",
        better=Figure.HIGHER, ranking=True, headline=True, article="宜昌 §38",
    ))

Measures whose records are "now" (running overdue steps, money waiting) are `snapshot=True`: they have no date,
are counted live from the domain's table (keep an index for the filter) and are never stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core import checks
from django.db import models
from django.db.models import Expression
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.core.registry import Registry

# The sections of the dashboards, in order (key, label).
SECTIONS: list[tuple[str, Promise]] = [
    ("policies", _("政策发布")),
    ("matters", _("事项与申报指南")),
    ("applications", _("申报办理")),
    ("exemption", _("免申即享")),
    ("payouts", _("资金兑付")),
    ("appeals", _("诉求办理")),
    ("ratings", _("好差评")),
    ("platform", _("平台运行")),
]
SECTION_KEYS = [key for key, _label in SECTIONS]


def section_label(key: str):
    """The section's label; "" (no section) is 全部指标."""
    if not key:
        return _("全部指标")
    return dict(SECTIONS).get(key, key)


@dataclass(frozen=True)
class Measure:
    """A set of records counted per department, region, category and day (计量).

    key: "<app>.<name>", unique. records: a callable returning the records (a QuerySet, not yet cut to a period).
    date: path to the Date/DateTime field that dates each record (the event that completes it); None only for a
    snapshot. department / region: paths to the owning department's and the region's ids; region defaults to the
    department's region, and both may be None for platform-wide measures. value: a path or a callable returning an
    expression, summed per record (money in 元 as Decimal, working days, counts). distribution: the value is a
    whole number (working days) and the facts keep one row per value, for percentiles. category: path to a text
    (or code) the records are broken down by. columns: (path, label) pairs of the records page; the first column
    links to the record's admin page, or to that of the object at `link` (a path to a foreign key, e.g.
    "application" for a review step whose own admin lists open steps only). description: the definition
    (统计口径), shown with every number.
    """

    key: str
    label: Promise | str
    records: Callable[[], models.QuerySet]
    date: str | None
    department: str | None
    region: str | None = ""
    value: str | Callable[[], Expression] | None = None
    distribution: bool = False
    category: str | None = None
    snapshot: bool = False
    columns: tuple[tuple[str, Promise | str], ...] = ()
    order_by: tuple[str, ...] = ("-pk",)
    description: Promise | str = ""
    article: str = ""
    unit: Promise | str = field(default=_("件"))
    link: str | None = None

    @property
    def region_path(self) -> str | None:
        if self.region == "" and self.department:
            return f"{self.department}__region"
        return self.region or None

    @property
    def stored(self) -> bool:
        return not self.snapshot

    def value_expression(self):
        if self.value is None:
            return None
        if callable(self.value):
            return self.value()
        return models.F(self.value)

    def model(self):
        return self.records().model

    def check(self) -> list[checks.CheckMessage]:
        problems = []
        if "." not in self.key or len(self.key) > 64:
            problems.append(f"key {self.key!r} should be '<app>.<name>', at most 64 characters")
        if self.date is None and not self.snapshot:
            problems.append("a stored measure needs a date")
        if self.distribution and self.value is None:
            problems.append("a distribution needs a value")
        return [checks.Error(f"supervision measure {self.key}: {p}", id="supervision.E001") for p in problems]


@dataclass(frozen=True)
class Figure:
    """A number the dashboards show (指标), computed from measures; see the module's docstring.

    kind: COUNT (records of `measure`), SUM (sum of its value), RATIO (records of `measure` ÷ records of `base`,
    in per cent, one decimal), MEAN (sum ÷ count of `measure`, two decimals), P90 (the 90th percentile of a
    distribution measure, nearest-rank). better: HIGHER or LOWER is better (the ranking's order and the colour of a
    missed `target`), None when neither. headline: on the overview's cards; ranking: a column of the department
    ranking; trend: charted per month on the overview.
    """

    COUNT, SUM, RATIO, MEAN, P90 = "count", "sum", "ratio", "mean", "p90"
    HIGHER, LOWER = "higher", "lower"

    key: str
    label: Promise | str
    section: str
    kind: str
    measure: str
    base: str | None = None
    unit: Promise | str | None = None
    better: str | None = None
    target: float | None = None
    headline: bool = False
    ranking: bool = False
    trend: bool = False
    description: Promise | str = ""
    article: str = ""

    def measures(self) -> list[str]:
        return [self.measure] + ([self.base] if self.base else [])

    @property
    def departmental(self) -> bool:
        """Told per department: every measure it reads has an owning department (visits and users have none)."""
        return all(measures.get(key).department for key in self.measures())

    @property
    def regional(self) -> bool:
        """Told per region: every measure it reads is placed in a region."""
        return all(measures.get(key).region_path for key in self.measures())

    @property
    def snapshot(self) -> bool:
        """A figure of now (running overdue, money waiting): one of its measures is a snapshot."""
        return any(measures.get(key).snapshot for key in self.measures())

    def display_unit(self):
        if self.unit is not None:
            return self.unit
        return {
            Figure.RATIO: "%",
            Figure.MEAN: _("工作日"),
            Figure.P90: _("工作日"),
            Figure.SUM: _("元"),
        }.get(self.kind, _("件"))

    def check(self) -> list[checks.CheckMessage]:
        problems = []
        if self.section not in SECTION_KEYS:
            problems.append(f"section {self.section!r} is not one of {', '.join(SECTION_KEYS)}")
        if self.kind not in (Figure.COUNT, Figure.SUM, Figure.RATIO, Figure.MEAN, Figure.P90):
            problems.append(f"kind {self.kind!r} is unknown")
        if (self.kind == Figure.RATIO) != bool(self.base):
            problems.append("a ratio, and only a ratio, has a base")
        for key in self.measures():
            if key not in measures:
                problems.append(f"measure {key!r} is not registered")
        if self.kind == Figure.P90 and self.measure in measures and not measures.get(self.measure).distribution:
            problems.append("a percentile needs a distribution measure")
        if (
            self.kind in (Figure.SUM, Figure.MEAN)
            and self.measure in measures
            and measures.get(self.measure).value is None
        ):
            problems.append("a sum or mean needs a measure with a value")
        return [checks.Error(f"supervision figure {self.key}: {p}", id="supervision.E002") for p in problems]


class _Registry(Registry):
    def register(self, obj, *, order: int | None = None):  # type: ignore[override]
        """Registers a `Measure` or `Figure` under its key; they are listed in the order they were registered."""
        self.add(obj.key, obj, label=obj.label, order=len(self) if order is None else order)
        return obj


measures: _Registry = _Registry("supervision_measures", label="督查计量")
figures: _Registry = _Registry("supervision_figures", label="督查指标")


def figures_of(section: str | None = None, **flags) -> list[Figure]:
    """The registered figures, in section order then registration order, optionally of one section and with the
    given flags (headline=True, ranking=True, trend=True)."""
    chosen = [
        f
        for f in figures
        if (section is None or f.section == section) and all(getattr(f, k) == v for k, v in flags.items())
    ]
    return sorted(chosen, key=lambda f: SECTION_KEYS.index(f.section) if f.section in SECTION_KEYS else 99)
