"""Clocks follow the calendar: a year entered or corrected moves them, and the daily task marks them overdue."""

from datetime import date

import pytest
from django.db import DatabaseError
from django.db.models import QuerySet
from django.utils import timezone

from portal.workcalendar import clocks, tasks
from portal.workcalendar.models import CalendarDay, CalendarYear
from tests.factories.org import DepartmentFactory
from tests.factories.workcalendar import clock_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(monkeypatch):
    """Sets the day `timezone.localdate()` answers (with no argument) for the code under test."""
    original = timezone.localdate

    def set_today(day: date):
        monkeypatch.setattr(timezone, "localdate", lambda value=None, **kw: day if value is None else original(value))

    set_today(date(2026, 11, 2))
    return set_today


@pytest.fixture
def broker(monkeypatch):
    """The calendar tasks run at once when the transaction commits, as a worker would run them."""
    for task in (tasks.recompute_clocks,):
        monkeypatch.setattr(
            task, "apply_async", lambda args=(), kwargs=None, _t=task, **kw: _t(*args, **(kwargs or {}))
        )


def test_a_clock_reaching_into_a_year_without_data_is_provisional(review, today):
    # From Mon 2026-12-28: 29 (1), 30 (2), 31 (3), Fri 2027-01-01 (4, Monday–Friday assumed), Mon 01-04 (5).
    clock = clocks.start(DepartmentFactory(), review, on=date(2026, 12, 28))
    assert (clock.due_on, clock.provisional) == (date(2027, 1, 4), True)


def test_the_explanation_says_why_a_clock_is_provisional(review, today):
    clock = clocks.start(DepartmentFactory(), review, on=date(2026, 12, 28))
    explanation = clock.explain()
    assert explanation.provisional_years == [2027]
    assert any(line.startswith("暂定：2027年的节假日安排尚未录入工作日历") for line in explanation.lines())


def test_entering_the_missing_year_makes_the_clock_final_with_the_real_holidays(
    review, today, broker, django_capture_on_commit_callbacks
):
    clock = clocks.start(DepartmentFactory(), review, on=date(2026, 12, 28))
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")
        CalendarYear.objects.create(year=2027, covered=True, source="国办发明电〔2026〕")
    clock.refresh_from_db()
    # New Year's Day 2027 is a holiday now: 29 (1), 30 (2), 31 (3), Mon 01-04 (4), Tue 01-05 (5).
    assert (clock.due_on, clock.provisional) == (date(2027, 1, 5), False)


def test_correcting_a_covered_year_moves_a_final_running_clock(
    review, today, broker, django_capture_on_commit_callbacks
):
    clock = clocks.start(DepartmentFactory(), review, on=date(2026, 11, 2))
    assert (clock.due_on, clock.provisional) == (date(2026, 11, 9), False)
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=date(2026, 11, 5), is_workday=False, name="更正测试")
    clock.refresh_from_db()
    assert clock.due_on == date(2026, 11, 10)
    assert clock.history.first().history_change_reason == "工作日历变更，重新计算截止日期"


def test_a_calendar_change_leaves_stopped_clocks_as_they_ended(
    review, today, broker, django_capture_on_commit_callbacks
):
    obj = DepartmentFactory()
    clocks.start(obj, review, on=date(2026, 11, 2))
    clocks.stop(obj, review, at=timezone.make_aware(timezone.datetime(2026, 11, 9, 16)))
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=date(2026, 11, 5), is_workday=False, name="更正测试")
    assert clocks.of(obj, review).get().due_on == date(2026, 11, 9)


def test_a_calendar_change_in_another_year_touches_no_clock(review, today):
    clocks.start(DepartmentFactory(), review, on=date(2026, 11, 2))
    assert clocks.recompute_for_years([2030]) == 0


def test_recomputing_twice_changes_nothing_the_second_time(review, today):
    clocks.start(DepartmentFactory(), review, on=date(2026, 11, 2))
    CalendarDay.objects.create(date=date(2026, 11, 5), is_workday=False, name="更正测试")
    assert clocks.recompute_for_years([2026]) == 1
    assert clocks.recompute_for_years([2026]) == 0


def test_the_daily_task_marks_running_clocks_past_due_as_overdue_from_the_next_day(review, today):
    late, on_time = DepartmentFactory(), DepartmentFactory()
    clocks.start(late, review, on=date(2026, 11, 2))  # due 11-09
    clocks.start(on_time, review, on=date(2026, 11, 6))  # due 11-13
    today(date(2026, 11, 12))
    assert tasks.mark_overdue_clocks() == 1
    assert clocks.of(late).get().overdue_since == date(2026, 11, 10)
    assert clocks.of(on_time).get().overdue_since is None


def test_the_daily_task_is_idempotent(review, today):
    clocks.start(DepartmentFactory(), review, on=date(2026, 11, 2))
    today(date(2026, 11, 12))
    tasks.mark_overdue_clocks()
    assert tasks.mark_overdue_clocks() == 0


def test_the_daily_task_leaves_paused_and_stopped_clocks_alone(review, today):
    paused, stopped = DepartmentFactory(), DepartmentFactory()
    clocks.start(paused, review, on=date(2026, 11, 2))
    clocks.pause(paused, review, on=date(2026, 11, 4), reason="补正")
    clocks.start(stopped, review, on=date(2026, 11, 2))
    clocks.stop(stopped, review, at=timezone.make_aware(timezone.datetime(2026, 11, 6, 9)))
    today(date(2026, 11, 30))
    assert tasks.mark_overdue_clocks() == 0


def test_a_failure_for_one_kind_does_not_hold_up_the_others(review, today, monkeypatch):
    with clock_kind("test_broken", label="出错的时限"):
        good, bad = DepartmentFactory(), DepartmentFactory()
        clocks.start(good, review, on=date(2026, 11, 2))
        clocks.start(bad, "test_broken", on=date(2026, 11, 2))
        original = QuerySet.update

        def update(self, **kwargs):
            if "test_broken" in str(self.query):
                raise DatabaseError("simulated")
            return original(self, **kwargs)

        monkeypatch.setattr(QuerySet, "update", update)
        today(date(2026, 11, 12))
        assert tasks.mark_overdue_clocks() == 1
        assert clocks.of(good).get().overdue_since == date(2026, 11, 10)
        assert clocks.of(bad).get().overdue_since is None


def test_the_task_is_in_the_beat_schedule(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "workcalendar.mark_overdue_clocks" in tasks_scheduled
