"""Working-day arithmetic (工作日) on the official calendar: holidays and 调休 make-up days.

Every "within N working days" of the rules goes through these functions, never
through Monday–Friday arithmetic. The calendar lives in the database
(`workcalendar.CalendarYear` / `CalendarDay`, editable in the admin) and is
held in memory by each process as a sorted array of working-day ordinals, so
one call is a binary search, not a query. A process re-reads the table when
its version changes (checked at most every `RELOAD_SECONDS`), and at once in
the process that saved a change.

For a year whose official schedule is not in the table (see `covered`) the
functions fall back to Monday–Friday; a clock or deadline computed over such
a year is provisional (`portal.workcalendar.clocks`) and
recomputed when the year is entered.
"""

import threading
import time
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

RELOAD_SECONDS = 60
# Days outside the array's span (far past or future) are handled by stepping
# day by day with the same rules.
_SPAN_BEFORE_YEARS = 1
_SPAN_AFTER_YEARS = 6


@dataclass(frozen=True)
class _Calendar:
    version: tuple
    covered_years: frozenset[int]
    exceptions: dict[int, bool]  # ordinal -> is working day, for days that differ from Mon–Fri
    first: int  # ordinal of the first day the array spans
    last: int  # ordinal of the last day it spans
    workdays: list[int]  # sorted ordinals of every working day in [first, last]

    def is_workday(self, ordinal: int) -> bool:
        found = self.exceptions.get(ordinal)
        if found is not None:
            return found
        return date.fromordinal(ordinal).weekday() < 5


_lock = threading.Lock()
_state: dict = {"calendar": None, "checked_at": 0.0}


def _read_version() -> tuple:
    from django.db.models import Count, Max

    from portal.workcalendar.models import CalendarDay, CalendarYear

    years = CalendarYear.objects.aggregate(n=Count("year"), at=Max("updated_at"))
    days = CalendarDay.objects.aggregate(n=Count("date"))
    return (years["n"], years["at"], days["n"])


def _build(version: tuple) -> _Calendar:
    from portal.workcalendar.models import CalendarDay, CalendarYear

    covered = frozenset(CalendarYear.objects.filter(covered=True).values_list("year", flat=True))
    exceptions = {
        d.toordinal(): is_workday
        for d, is_workday in CalendarDay.objects.filter(date__year__in=covered).values_list("date", "is_workday")
    }
    today = date.today()
    low = min([*covered, today.year]) - _SPAN_BEFORE_YEARS
    high = max([*covered, today.year]) + _SPAN_AFTER_YEARS
    first, last = date(low, 1, 1).toordinal(), date(high, 12, 31).toordinal()
    calendar = _Calendar(version, covered, exceptions, first, last, [])
    calendar.workdays.extend(o for o in range(first, last + 1) if calendar.is_workday(o))
    return calendar


def _calendar() -> _Calendar:
    calendar = _state["calendar"]
    now = time.monotonic()
    if calendar is not None and now - _state["checked_at"] < RELOAD_SECONDS:
        return calendar
    with _lock:
        version = _read_version()
        if _state["calendar"] is None or _state["calendar"].version != version:
            _state["calendar"] = _build(version)
        _state["checked_at"] = now
        return _state["calendar"]


def reload() -> None:
    """Forgets the in-memory calendar; the next call reads the table again."""
    with _lock:
        _state["calendar"] = None
        _state["checked_at"] = 0.0


def is_workday(d: date) -> bool:
    return _calendar().is_workday(d.toordinal())


def covered(year: int) -> bool:
    """Whether `year`'s official schedule is in the table (otherwise Monday–Friday is assumed)."""
    return year in _calendar().covered_years


def add_workdays(d: date, n: int) -> date:
    """The n-th working day after `d` (`d` itself never counts); n < 0 counts backwards, n = 0 gives `d`."""
    if n == 0:
        return d
    calendar = _calendar()
    o = d.toordinal()
    days = calendar.workdays
    if n > 0:
        i = bisect_right(days, o) + n - 1
        if calendar.first <= o and i < len(days):
            return date.fromordinal(days[i])
    else:
        i = bisect_right(days, o - 1) + n
        if o <= calendar.last and i >= 0:
            return date.fromordinal(days[i])
    return _step(calendar, o, n)


def workdays_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is before `start`."""
    if end < start:
        return -workdays_between(end, start)
    calendar = _calendar()
    a, b = start.toordinal(), end.toordinal()
    if calendar.first <= a and b <= calendar.last:
        return bisect_right(calendar.workdays, b) - bisect_right(calendar.workdays, a)
    return sum(1 for o in range(a + 1, b + 1) if calendar.is_workday(o))


def years_covered(start: date, end: date) -> bool:
    """Whether every year from `start` to `end` has its official schedule (a deadline over them is final)."""
    low, high = sorted((start.year, end.year))
    return all(covered(y) for y in range(low, high + 1))


def _step(calendar: _Calendar, o: int, n: int) -> date:
    step = 1 if n > 0 else -1
    remaining = abs(n)
    while remaining:
        o += step
        if calendar.is_workday(o):
            remaining -= 1
    return date.fromordinal(o)


def next_uncovered_warning(today: date) -> str | None:
    """From 1 November, a warning when next year's official schedule is not entered yet."""
    if today.month >= 11 and not covered(today.year + 1):
        return _(
            "%(year)s年的节假日和调休安排尚未录入工作日历：该年的办理时限暂按周一至周五计算并标记为“暂定”，"
            "请在国务院办公厅公布安排后及时录入。"
        ) % {"year": today.year + 1}
    return None
