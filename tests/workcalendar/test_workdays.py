"""The working-day calendar: holidays and 调休 make-up days, never plain Monday–Friday."""

from datetime import date

import pytest
from django.utils import timezone

from portal import workdays
from portal.workcalendar.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def test_national_day_then_saturday_make_up_day():
    assert workdays.add_workdays(date(2026, 9, 30), 3) == date(2026, 10, 10)


def test_make_up_saturday_is_a_working_day_and_holiday_weekday_is_not():
    assert workdays.is_workday(date(2026, 10, 10))
    assert not workdays.is_workday(date(2026, 10, 5))


def test_the_start_day_never_counts():
    assert workdays.add_workdays(date(2026, 11, 23), 1) == date(2026, 11, 24)


def test_zero_working_days_is_the_day_itself():
    assert workdays.add_workdays(date(2026, 10, 1), 0) == date(2026, 10, 1)


def test_counting_backwards_skips_the_holiday():
    assert workdays.add_workdays(date(2026, 10, 8), -1) == date(2026, 9, 30)


def test_spring_festival_2026_saturday_before_is_worked():
    assert workdays.add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)


def test_spring_festival_2026_holiday_is_skipped():
    assert workdays.add_workdays(date(2026, 2, 14), 1) == date(2026, 2, 24)


def test_spring_festival_2026_working_days_between():
    # Feb 14 (Sat, make-up), 24, 25, 26, 27 and Feb 28 (Sat, make-up)
    assert workdays.workdays_between(date(2026, 2, 13), date(2026, 2, 28)) == 6


def test_new_year_2026_sunday_make_up_day():
    assert workdays.add_workdays(date(2025, 12, 31), 1) == date(2026, 1, 4)


def test_working_days_between_is_negative_backwards():
    assert workdays.workdays_between(date(2026, 10, 10), date(2026, 9, 30)) == -3


def test_working_days_between_agrees_with_add_workdays():
    start = date(2026, 1, 1)
    for n in range(1, 300, 7):
        assert workdays.workdays_between(start, workdays.add_workdays(start, n)) == n


def test_far_future_beyond_the_cached_span_still_counts():
    # 2040 is outside the in-memory array: stepping gives the Monday–Friday answer.
    assert workdays.add_workdays(date(2040, 6, 1), 1) == date(2040, 6, 4)


def test_2026_is_covered_and_2027_is_not():
    assert workdays.covered(2026)
    assert not workdays.covered(2027)


def test_uncovered_year_falls_back_to_monday_to_friday():
    # 1 January 2027 is a Friday; the fallback ignores the (unknown) New Year holiday.
    assert workdays.add_workdays(date(2027, 1, 1), 1) == date(2027, 1, 4)


def test_entering_next_year_changes_the_answer_at_once():
    CalendarYear.objects.create(year=2027, covered=True, source="测试")
    CalendarDay.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")
    CalendarDay.objects.create(date=date(2027, 1, 4), is_workday=False, name="元旦")
    assert workdays.covered(2027)
    assert workdays.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 5)
    assert workdays.add_workdays(date(2026, 12, 30), 3) == date(2027, 1, 6)


def test_another_process_sees_the_change_after_the_reload_interval(monkeypatch):
    assert not workdays.is_workday(date(2026, 10, 5))
    # A change written by another process (no signal here) moves the year's version on.
    CalendarDay.objects.filter(date=date(2026, 10, 5)).update(is_workday=True)
    CalendarYear.objects.filter(year=2026).update(updated_at=timezone.now())
    monkeypatch.setattr(workdays, "RELOAD_SECONDS", 0)
    assert workdays.is_workday(date(2026, 10, 5))


def test_warning_from_first_of_november_when_next_year_missing():
    assert workdays.next_uncovered_warning(date(2026, 10, 31)) is None
    assert "2027年" in workdays.next_uncovered_warning(date(2026, 11, 1))


def test_no_warning_once_next_year_is_entered():
    CalendarYear.objects.create(year=2027, covered=True)
    assert workdays.next_uncovered_warning(date(2026, 11, 21)) is None


def test_exception_day_that_matches_the_weekday_rule_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="无需登记为例外"):
        CalendarDay(date=date(2026, 11, 23), is_workday=True).full_clean()
