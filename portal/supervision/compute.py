"""Counting measures and computing figures, live from the domains' tables or from the stored facts (督查计算).

`tally(...)` answers "how many records, with what sum (and which distribution), per department / category /
month" for a period, either **stored** (adding up `Fact` rows; what the pages use) or **live** (one aggregate
query over the domain's table; what the facts are made from, the tests compare with, and the benchmark's naive
baseline). Both paths group the same queryset the records page lists (`records`), so they agree by construction,
and `tests/supervision/test_facts_match_live.py` proves it on generated data.

`refresh(...)` rewrites the facts of the days from `since` on, one `INSERT … SELECT` per measure, inside one
transaction per measure, and records when (`Refresh`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, models, transaction
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Cast, TruncDate, TruncMonth
from django.utils import timezone

from .measures import Figure, Measure, measures
from .models import Fact, MonthFact, Refresh, RegionFact
from .periods import Period

ONE_PLACE = Decimal("0.1")
TWO_PLACES = Decimal("0.01")


@dataclass
class Tally:
    """How many records (n), the sum of their values (total, None without a value) and, for a distribution,
    how many records took each whole number of days (histogram)."""

    n: int = 0
    total: Decimal | None = None
    histogram: dict[int, int] = field(default_factory=dict)

    def add(self, n: int, total, bucket: int | None = None) -> None:
        self.n += int(n or 0)
        if total is not None:
            self.total = (self.total or Decimal(0)) + Decimal(total)
        if bucket is not None:
            self.histogram[int(bucket)] = self.histogram.get(int(bucket), 0) + int(n or 0)


def _field(model, path: str) -> models.Field:
    """The model field at the end of a `__` path."""
    *hops, last = path.split("__")
    for hop in hops:
        model = model._meta.get_field(hop).related_model
    return model._meta.get_field(last)


def day_expression(measure: Measure):
    """The local date of each record's event (TruncDate in the current time zone for a DateTimeField)."""
    target = _field(measure.model(), measure.date)
    if isinstance(target, models.DateTimeField):
        return TruncDate(measure.date)
    return F(measure.date)


def _in_period(measure: Measure, period: Period | None, *, since: dt.date | None = None) -> Q:
    if measure.date is None or (period is None and since is None):
        return Q()
    target = _field(measure.model(), measure.date)
    if isinstance(target, models.DateTimeField):
        tz = timezone.get_current_timezone()
        if since is not None:
            return Q(**{f"{measure.date}__gte": dt.datetime.combine(since, dt.time.min, tzinfo=tz)})
        first, after = period.bounds()
        return Q(**{f"{measure.date}__gte": first, f"{measure.date}__lt": after})
    if since is not None:
        return Q(**{f"{measure.date}__gte": since})
    return Q(**{f"{measure.date}__gte": period.start, f"{measure.date}__lte": period.end})


def _where(measure: Measure, departments=None, region_ids=None, category: str | None = None) -> Q:
    condition = Q()
    if departments is not None:
        if not measure.department:
            # A platform-wide measure belongs to no department: a department's reader sees none of it.
            return Q(pk__in=[])
        condition &= Q(**{f"{measure.department}__in": list(departments)})
    if region_ids is not None:
        if not measure.region_path:
            # A measure placed in no region (platform-wide users, visits) has nothing in any one region.
            return Q(pk__in=[])
        condition &= Q(**{f"{measure.region_path}__in": list(region_ids)})
    if category is not None and measure.category:
        condition &= Q(**{measure.category: category})
    return condition


def records(
    key: str, period: Period | None = None, *, departments=None, region_ids=None, category: str | None = None
) -> models.QuerySet:
    """The records behind a number: the measure's queryset cut to the period, departments, regions and category,
    in the measure's order. A snapshot ignores the period (it is "now")."""
    measure = measures.get(key)
    queryset = measure.records().filter(_in_period(measure, period), _where(measure, departments, region_ids, category))
    return queryset.order_by(*measure.order_by)


def _category_expression(measure: Measure):
    return Cast(F(measure.category), models.CharField())


def _live_rows(measure: Measure, period: Period | None, by: str | None, departments, region_ids, category):
    queryset = records(measure.key, period, departments=departments, region_ids=region_ids, category=category)
    groups: dict = {}
    if by == "department":
        groups["sv_group"] = F(measure.department) if measure.department else Value(None, models.IntegerField())
    elif by == "category":
        groups["sv_group"] = _category_expression(measure) if measure.category else Value("", models.CharField())
    elif by == "month":
        if measure.date is None:
            return []
        groups["sv_group"] = TruncMonth(measure.date)
    value = measure.value_expression()
    if measure.distribution:
        groups["sv_bucket"] = value
    queryset = queryset.order_by().annotate(**groups).values(*groups) if groups else queryset.order_by()
    aggregates = {"sv_n": Count("pk")}
    if value is not None and not measure.distribution:
        aggregates["sv_total"] = Sum(value)
    if groups:
        rows = []
        for row in queryset.annotate(**aggregates):
            total, bucket = row.get("sv_total"), row.get("sv_bucket")
            if measure.distribution and bucket is not None:
                total = Decimal(bucket) * row["sv_n"]
            rows.append((row.get("sv_group"), row["sv_n"], total, bucket))
        return rows
    row = queryset.aggregate(**aggregates)
    return [(None, row["sv_n"], row.get("sv_total"), None)]


def _pieces(period: Period) -> tuple[list[tuple[dt.date, dt.date]], tuple[dt.date, dt.date] | None]:
    """The period as day ranges at its ragged ends and a range of whole months in between (first days of the
    first and last whole month), so a long period reads month facts and only its edges read day facts."""
    first_whole = (
        period.start if period.start.day == 1 else (period.start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    )
    after = period.end + dt.timedelta(days=1)
    last_whole_end = period.end if after.day == 1 else after.replace(day=1) - dt.timedelta(days=1)
    if first_whole > last_whole_end:
        return [(period.start, period.end)], None
    days = []
    if period.start < first_whole:
        days.append((period.start, first_whole - dt.timedelta(days=1)))
    if last_whole_end < period.end:
        days.append((last_whole_end + dt.timedelta(days=1), period.end))
    return days, (first_whole, last_whole_end.replace(day=1))


def _stored_rows(chosen: list[Measure], period: Period, by: str | None, departments, region_ids, category):
    """(measure key, group, n, total, bucket) rows of the stored facts of the measures, one query per piece of
    the period (day facts at its edges, month facts for its whole months) for all of them together."""
    if departments is not None:
        chosen = [m for m in chosen if m.department]
    if region_ids is not None:
        chosen = [m for m in chosen if m.region_path]
    if not chosen:
        return []
    keys = [m.key for m in chosen]
    condition = Q(measure__in=keys)
    if departments is not None:
        condition &= Q(department_id__in=list(departments))
    if region_ids is not None:
        condition &= Q(region_id__in=list(region_ids))
    if category is not None:
        categorised = [m.key for m in chosen if m.category]
        condition &= Q(measure__in=categorised, category=category) | ~Q(measure__in=categorised)
    days, months = _pieces(period)
    if departments is None and category is None and by in (None, "month"):
        # Over all departments and categories: the region facts, the same sums at a coarser grain.
        queries = [
            (RegionFact.objects.filter(condition, grain=RegionFact.DAY, day__gte=a, day__lte=b), "day") for a, b in days
        ]
        if months:
            month_facts = RegionFact.objects.filter(condition, grain=RegionFact.MONTH)
            queries.append((month_facts.filter(day__gte=months[0], day__lte=months[1]), "month_day"))
    else:
        queries = [(Fact.objects.filter(condition, day__gte=a, day__lte=b), "day") for a, b in days]
        if months:
            queries.append((MonthFact.objects.filter(condition, month__gte=months[0], month__lte=months[1]), "month"))
    out = []
    for facts, date_field in queries:
        if date_field == "month_day":  # a region fact of grain "month": its day is the month's first day
            date_field = "month"
            facts = facts.annotate(month=F("day"))
        groups = {"sv_measure": F("measure"), "sv_bucket": F("bucket")}
        if by == "department":
            groups["sv_group"] = F("department_id")
        elif by == "category":
            groups["sv_group"] = F("category")
        elif by == "month":
            groups["sv_group"] = TruncMonth(date_field) if date_field == "day" else F("month")
        rows = facts.order_by().annotate(**groups).values(*groups).annotate(sv_n=Sum("n"), sv_total=Sum("total"))
        out.extend((r["sv_measure"], r.get("sv_group"), r["sv_n"], r["sv_total"], r["sv_bucket"]) for r in rows)
    return out


def tally(
    keys,
    period: Period,
    *,
    by: str | None = None,
    departments=None,
    region_ids=None,
    category: str | None = None,
    live: bool = False,
) -> dict[str, dict]:
    """{measure key: {group: Tally}} for the period.

    by: None (one group, None), "department" (department id; None for platform-wide measures), "category"
    (the category text) or "month" (the first day of the month, a date). departments / region_ids: restrict to
    these ids (a platform-wide measure has no rows for a department's reader). live: aggregate the domain's
    tables instead of the stored facts; snapshot measures are always live.
    """
    chosen = [measures.get(key) for key in keys]
    rows = []
    stored = [m for m in chosen if not (live or m.snapshot)]
    rows.extend(_stored_rows(stored, period, by, departments, region_ids, category))
    for measure in chosen:
        if live or measure.snapshot:
            rows.extend(
                (measure.key, *row) for row in _live_rows(measure, period, by, departments, region_ids, category)
            )
    out: dict[str, dict] = {m.key: defaultdict(Tally) for m in chosen}
    by_key = {m.key: m for m in chosen}
    for key, group, n, total, bucket in rows:
        measure = by_key[key]
        if by == "month" and isinstance(group, dt.datetime):
            group = timezone.localtime(group).date() if timezone.is_aware(group) else group.date()
        out[key][group].add(n, total if measure.value is not None else None, bucket if measure.distribution else None)
    return {key: dict(groups) for key, groups in out.items()}


def percentile(histogram: dict[int, int], q: float = 0.9) -> int | None:
    """The nearest-rank q-th percentile of a histogram {value: count}: the smallest value with at least q of the
    records at or below it. None for no records."""
    count = sum(histogram.values())
    if not count:
        return None
    rank = max(1, -(-int(q * 1000) * count // 1000))  # ceil(q × count) without floats
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return max(histogram)


def value(figure: Figure, tallies: dict[str, Tally | None]):
    """The figure's number from the tallies of its measures ({measure key: Tally}); None when undefined (no
    records for a ratio, mean or percentile). Counts are int; sums, ratios (per cent, one decimal) and means (two
    decimals) Decimal; percentiles int working days."""
    own = tallies.get(figure.measure) or Tally()
    if figure.kind == Figure.COUNT:
        return own.n
    if figure.kind == Figure.SUM:
        total = own.total or Decimal(0)
        if str(figure.display_unit()) == "元":
            return total.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        return int(total)
    if figure.kind == Figure.RATIO:
        base = tallies.get(figure.base) or Tally()
        if not base.n:
            return None
        return (Decimal(own.n) * 100 / Decimal(base.n)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
    if figure.kind == Figure.MEAN:
        if not own.n or own.total is None:
            return None
        return (own.total / Decimal(own.n)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    if figure.kind == Figure.P90:
        return percentile(own.histogram)
    raise ValueError(figure.kind)


def figure_values(figure_list, period: Period, *, by=None, departments=None, region_ids=None, live=False):
    """{figure key: {group: value}} for the figures, with one tally per measure involved."""
    keys = sorted({key for figure in figure_list for key in figure.measures()})
    tallies = tally(keys, period, by=by, departments=departments, region_ids=region_ids, live=live)
    out = {}
    for figure in figure_list:
        groups = set()
        for key in figure.measures():
            groups |= set(tallies[key])
        if by is None:
            groups = {None}
        out[figure.key] = group_values(figure, tallies, groups)
    return out


def group_values(figure: Figure, tallies: dict[str, dict], groups) -> dict:
    """{group: the figure's value} from tallies ({measure key: {group: Tally}}) for each of `groups`."""
    return {group: value(figure, {key: tallies[key].get(group) for key in figure.measures()}) for group in groups}


# ------------------------------------------------------------------------------------------------- refreshing


def _fact_select(measure: Measure, since: dt.date | None):
    """The measure's records from `since` on, grouped into fact rows (SQL and params)."""
    queryset = measure.records().filter(_in_period(measure, None, since=since)).order_by()
    value = measure.value_expression()
    groups = {
        "sv_day": day_expression(measure),
        "sv_department": F(measure.department) if measure.department else Value(None, models.BigIntegerField()),
        "sv_region": F(measure.region_path) if measure.region_path else Value(None, models.BigIntegerField()),
        "sv_category": _category_expression(measure) if measure.category else Value("", models.CharField()),
        "sv_bucket": value if measure.distribution else Value(None, models.IntegerField()),
    }
    aggregates = {"sv_n": Count("pk")}
    # A distribution's total is its bucket × n (computed in the INSERT), so its value is evaluated once per row.
    aggregates["sv_total"] = (
        Sum(value)
        if value is not None and not measure.distribution
        else Value(None, models.DecimalField(max_digits=20, decimal_places=2))
    )
    grouped = queryset.annotate(**groups).values(*groups).annotate(**aggregates)
    return grouped.query.sql_with_params()


def refresh_measure(measure: Measure, since: dt.date | None = None) -> int:
    """Rewrites the measure's facts from `since` on (all of them for None); returns the number of fact rows."""
    started = time.monotonic()
    sql, params = _fact_select(measure, since)
    table = connection.ops.quote_name(Fact._meta.db_table)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # A grouped scan compiled by PostgreSQL's JIT costs 1–2 s of compilation and saves nothing here.
            cursor.execute("SET LOCAL jit = off")
        facts = Fact.objects.filter(measure=measure.key)
        if since is not None:
            facts = facts.filter(day__gte=since)
        facts._raw_delete(facts.db)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {table} (measure, day, department_id, region_id, category, bucket, n, total)
                SELECT %s, s.sv_day, s.sv_department::bigint, s.sv_region::bigint,
                       LEFT(COALESCE(s.sv_category::text, ''), 128), s.sv_bucket::integer, s.sv_n,
                       COALESCE(s.sv_total::numeric, s.sv_bucket::numeric * s.sv_n)
                FROM ({sql}) s WHERE s.sv_day IS NOT NULL""",  # noqa: S608 - compiled queryset; values are parameters
                (measure.key, *params),
            )
            rows = cursor.rowcount
            month_table = connection.ops.quote_name(MonthFact._meta.db_table)
            first_month = since.replace(day=1) if since is not None else None
            months = MonthFact.objects.filter(measure=measure.key)
            if first_month is not None:
                months = months.filter(month__gte=first_month)
            months._raw_delete(months.db)
            cursor.execute(
                f"""INSERT INTO {month_table} (measure, month, department_id, region_id, category, bucket, n, total)
                SELECT measure, date_trunc('month', day)::date, department_id, region_id, category, bucket,
                       SUM(n), SUM(total)
                FROM {table} WHERE measure = %s AND (%s::date IS NULL OR day >= %s::date)
                GROUP BY 1, 2, 3, 4, 5, 6""",  # noqa: S608 - quoted table names; values are parameters
                (measure.key, first_month, first_month),
            )
            regions = RegionFact.objects.filter(measure=measure.key)
            if since is not None:
                recent = Q(grain=RegionFact.DAY, day__gte=since) | Q(grain=RegionFact.MONTH, day__gte=first_month)
                regions = regions.filter(recent)
            regions._raw_delete(regions.db)
            region_table = connection.ops.quote_name(RegionFact._meta.db_table)
            for grain, source, date_column, first in (
                (RegionFact.DAY, table, "day", since),
                (RegionFact.MONTH, month_table, "month", first_month),
            ):
                cursor.execute(
                    f"""INSERT INTO {region_table} (measure, grain, day, region_id, bucket, n, total)
                    SELECT measure, %s::varchar, {date_column}, region_id, bucket, SUM(n), SUM(total)
                    FROM {source} WHERE measure = %s AND (%s::date IS NULL OR {date_column} >= %s::date)
                    GROUP BY measure, {date_column}, region_id, bucket""",  # noqa: S608 - quoted names; values are parameters
                    (grain, measure.key, first, first),
                )
        Refresh.objects.update_or_create(
            measure=measure.key,
            defaults={
                "refreshed_at": timezone.now(),
                "since": since,
                "rows": max(rows, 0),
                "seconds": Decimal(str(round(time.monotonic() - started, 3))),
            },
        )
    return rows


def refresh(keys=None, *, since: dt.date | None = None) -> dict[str, int]:
    """Rewrites the stored measures' facts (all registered ones, or `keys`) from `since` on; {key: rows}."""
    chosen = [measures.get(key) for key in keys] if keys else list(measures)
    return {measure.key: refresh_measure(measure, since) for measure in chosen if measure.stored}


def freshness(keys=None):
    """The oldest refresh time of the stored measures (or of `keys`), None when one was never refreshed."""
    chosen = [k for k in (keys or measures.keys()) if measures.get(k).stored]
    if not chosen:
        return timezone.now()
    times = dict(Refresh.objects.filter(measure__in=chosen).values_list("measure", "refreshed_at"))
    if len(times) < len(chosen):
        return None
    return min(times.values())
