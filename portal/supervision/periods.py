"""The period a dashboard, export or report covers (统计期间): local dates, both ends included."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Period:
    """[start, end], local dates. `bounds()` gives the matching half-open datetime range in the current time zone."""

    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = dt.date(year, month, 1)
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return cls(first, following - dt.timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = cls.month(year, 3 * quarter - 2)
        return cls(first.start, cls.month(year, 3 * quarter).end)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def this_year(cls, today: dt.date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(dt.date(today.year, 1, 1), today)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start 00:00, the day after end 00:00) in the current time zone."""
        tz = timezone.get_current_timezone()
        first = dt.datetime.combine(self.start, dt.time.min, tzinfo=tz)
        after = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return first, after

    def months(self) -> list[Period]:
        """The calendar months the period touches, each cut to the period."""
        out, year, month = [], self.start.year, self.start.month
        while dt.date(year, month, 1) <= self.end:
            whole = Period.month(year, month)
            out.append(Period(max(whole.start, self.start), min(whole.end, self.end)))
            year, month = year + month // 12, month % 12 + 1
        return out

    def previous(self) -> Period:
        """The period just before this one (for 环比): as many whole calendar months before a period of whole
        months (September's is August, the third quarter's the second), otherwise as many days before."""
        if self.start.day == 1 and (self.end + dt.timedelta(days=1)).day == 1:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            first = self.start.year * 12 + self.start.month - 1 - months
            return Period(dt.date(first // 12, first % 12 + 1, 1), self.start - dt.timedelta(days=1))
        length = self.end - self.start
        end = self.start - dt.timedelta(days=1)
        return Period(end - length, end)

    def query(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}

    def __str__(self):
        return _("%(start)s 至 %(end)s") % {"start": self.start.isoformat(), "end": self.end.isoformat()}


def presets(today: dt.date | None = None) -> list[tuple[str, Period]]:
    """The periods offered as one click (本月、上月、本季度、上季度、本年、上年)."""
    today = today or timezone.localdate()
    this_month = Period.month(today.year, today.month)
    last_month_end = this_month.start - dt.timedelta(days=1)
    quarter = (today.month - 1) // 3 + 1
    last_quarter = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    return [
        (_("本月"), Period(this_month.start, today)),
        (_("上月"), Period.month(last_month_end.year, last_month_end.month)),
        (_("本季度"), Period(Period.quarter(today.year, quarter).start, today)),
        (_("上季度"), Period.quarter(*last_quarter)),
        (_("本年"), Period(dt.date(today.year, 1, 1), today)),
        (_("上年"), Period.year(today.year - 1)),
    ]


FIRST_YEAR, LAST_YEAR = 2000, 2099
_NUMERIC_DATE = re.compile(r"^\d{4}\D\d{1,2}\D\d{1,2}\D?$")


def parse(request_get, *, default: Period | None = None) -> tuple[Period, list[str]]:
    """The period in `?from=YYYY-MM-DD&to=YYYY-MM-DD` (full-width digits and 2026/3/8 accepted), with Chinese
    messages for what was wrong; this year so far (or `default`) when absent, and the whole default when either
    date is wrong, so a mistake never silently narrows the period."""
    from portal.core import normalize

    errors: list[str] = []
    default = default or Period.this_year()
    values = {}
    for name, label in (("from", _("起始日期")), ("to", _("截止日期"))):
        raw = (request_get.get(name) or "").strip()
        if not raw:
            continue
        try:
            values[name] = normalize.date(raw)
        except Exception:
            if _NUMERIC_DATE.match(normalize.fold(raw)):
                errors.append(_("%(label)s“%(value)s”不是日历上存在的日期。") % {"label": label, "value": raw[:20]})
            else:
                errors.append(
                    _("%(label)s“%(value)s”无法识别，请按 2026-03-08 的格式填写。")
                    % {"label": label, "value": raw[:20]}
                )
            continue
        if values[name] and not FIRST_YEAR <= values[name].year <= LAST_YEAR:
            errors.append(
                _("%(label)s应在%(first)d年至%(last)d年之间。")
                % {"label": label, "first": FIRST_YEAR, "last": LAST_YEAR}
            )
    if errors:
        return default, errors
    start, end = values.get("from") or default.start, values.get("to") or default.end
    if end < start:
        errors.append(_("截止日期不能早于起始日期。"))
        return default, errors
    if (end - start).days > 366 * 5:
        errors.append(_("统计期间不能超过五年。"))
        return default, errors
    return Period(start, end), errors
