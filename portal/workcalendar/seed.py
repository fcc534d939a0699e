"""Seeding the calendar from the `chinese-calendar` package, with the project's known corrections to it."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争胜利70周年纪念日",
}

PACKAGE_SOURCE = "chinese-calendar（国务院办公厅节假日安排通知）"


@dataclass(frozen=True)
class Correction:
    """A day the package gets wrong (已知错误更正), with the official notice that settles it.

    `is_workday` and `name` are what the day really is; `source` names the
    State Council notice (国务院办公厅通知, its 文号) so staff and readers can check it.
    """

    date: date
    is_workday: bool
    name: str
    source: str


# Days chinese-calendar states wrongly. Add a row when another one is found; the
# seed applies these over the package, and a data migration applies new rows to
# calendars already loaded (see migrations/0004_known_corrections.py).
KNOWN_CORRECTIONS: tuple[Correction, ...] = (
    # The package marks Saturday 2005-12-31 as a rest day. The 2006 New Year
    # arrangement made it a working day: "12月31日（星期六）上班".
    Correction(
        date=date(2005, 12, 31),
        is_workday=True,
        name="元旦调休上班",
        source="国办发明电〔2005〕35号（国务院办公厅关于2006年部分节假日安排的通知）",
    ),
)


def corrections_for(year: int, corrections=KNOWN_CORRECTIONS) -> list[Correction]:
    return [c for c in corrections if c.date.year == year]


def year_source(year: int, corrections=KNOWN_CORRECTIONS) -> str:
    """The `CalendarYear.source` text: the package, plus the notice behind each correction in that year."""
    sources = sorted({c.source for c in corrections_for(year, corrections)})
    if not sources:
        return PACKAGE_SOURCE
    return f"{PACKAGE_SOURCE}；已按{'、'.join(sources)}更正"


def package_years() -> range:
    from chinese_calendar import constants

    years = {d.year for d in constants.holidays} | {d.year for d in constants.workdays}
    return range(min(years), max(years) + 1)


def exceptions_for(year: int) -> list[tuple[date, bool, str]]:
    """The days of `year` whose status differs from Monday–Friday, with their names, known corrections applied."""
    import chinese_calendar

    corrected = {c.date: c for c in corrections_for(year)}
    days = []
    d = date(year, 1, 1)
    while d.year == year:
        if d in corrected:
            if corrected[d].is_workday != (d.weekday() < 5):
                days.append((d, corrected[d].is_workday, corrected[d].name))
            d += timedelta(days=1)
            continue
        is_holiday, holiday = chinese_calendar.get_holiday_detail(d)
        on_duty = not is_holiday
        if (not on_duty) != (d.weekday() >= 5):
            name = HOLIDAY_NAMES.get(getattr(holiday, "value", holiday), "") if holiday else ""
            if on_duty and name:
                name += "调休上班"
            days.append((d, on_duty, name or ("调休上班" if on_duty else "休息")))
        d += timedelta(days=1)
    return days


@transaction.atomic
def seed_from_package(years=None, *, overwrite: bool = False) -> list[int]:
    """Loads the years the package knows; a year already in the table is kept unless `overwrite`.

    Returns the years written.
    """
    from .models import CalendarDay, CalendarYear

    written = []
    for year in years or package_years():
        existing = CalendarYear.objects.filter(pk=year).first()
        if existing and existing.covered and not overwrite:
            continue
        CalendarDay.objects.filter(date__year=year).delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(date=d, is_workday=on_duty, name=name) for d, on_duty, name in exceptions_for(year)
        )
        CalendarYear.objects.update_or_create(year=year, defaults={"covered": True, "source": year_source(year)})
        written.append(year)
    return written


def apply_corrections(calendar_day, calendar_year, corrections=KNOWN_CORRECTIONS) -> list[date]:
    """Writes the corrections into a calendar already loaded (models passed in, so a migration can use it).

    Only years present in the table are touched: a year loaded later gets the
    correction from `exceptions_for`. Returns the dates changed.
    """
    changed = []
    for correction in corrections:
        year = calendar_year.objects.filter(pk=correction.date.year).first()
        if year is None:
            continue
        if correction.is_workday == (correction.date.weekday() < 5):
            deleted, _ = calendar_day.objects.filter(date=correction.date).delete()
            if deleted:
                changed.append(correction.date)
        else:
            day, created = calendar_day.objects.get_or_create(
                date=correction.date, defaults={"is_workday": correction.is_workday, "name": correction.name}
            )
            if created or (day.is_workday, day.name) != (correction.is_workday, correction.name):
                day.is_workday, day.name = correction.is_workday, correction.name
                day.save(update_fields=["is_workday", "name"])
                changed.append(correction.date)
        if correction.source not in year.source:
            year.source = year_source(correction.date.year, corrections)[:200]
            year.save(update_fields=["source"])
    return changed
