"""Seeding the calendar from the `chinese-calendar` package."""

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


def package_years() -> range:
    from chinese_calendar import constants

    years = {d.year for d in constants.holidays} | {d.year for d in constants.workdays}
    return range(min(years), max(years) + 1)


def exceptions_for(year: int) -> list[tuple[date, bool, str]]:
    """The days of `year` whose status differs from Monday–Friday, with their names."""
    import chinese_calendar

    days = []
    d = date(year, 1, 1)
    while d.year == year:
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
        CalendarYear.objects.update_or_create(
            year=year, defaults={"covered": True, "source": "chinese-calendar（国务院办公厅节假日安排通知）"}
        )
        written.append(year)
    return written
