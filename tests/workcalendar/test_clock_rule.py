"""The due-date rule of clocks, alone: working days after the start day, minus those inside pauses."""

from datetime import date, datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal import workdays
from portal.workcalendar import clocks
from portal.workcalendar.clocks import compute_due
from portal.workcalendar.models import ClockExtension, ClockPause
from tests.factories.org import DepartmentFactory, StaffUserFactory
from tests.factories.workcalendar import clock_kind

pytestmark = pytest.mark.django_db


def test_without_pauses_the_rule_is_add_workdays():
    assert compute_due(date(2026, 9, 28), 7, []) == workdays.add_workdays(date(2026, 9, 28), 7)


def test_a_pause_covering_only_holidays_moves_nothing():
    # Paused over National Day itself (10-01 … 10-07 are all days off): no working day is suspended.
    assert compute_due(date(2026, 9, 28), 5, [(date(2026, 10, 1), date(2026, 10, 8))]) == date(2026, 10, 10)


def test_a_pause_from_the_start_day_suspends_from_the_first_day():
    # Mon 11-02 start, paused the same day until Thu 11-05: 11-03 and 11-04 suspended; 05 (1), 06 (2).
    assert compute_due(date(2026, 11, 2), 2, [(date(2026, 11, 2), date(2026, 11, 5))]) == date(2026, 11, 6)


def test_two_pauses_add_up():
    # 11-03 (1); paused 11-04 → 11-06 (04, 05); 11-06 (2); paused 11-09 → 11-10 (09); 11-10 (3), 11-11 (4).
    pauses = [(date(2026, 11, 4), date(2026, 11, 6)), (date(2026, 11, 9), date(2026, 11, 10))]
    assert compute_due(date(2026, 11, 2), 4, pauses) == date(2026, 11, 11)


def test_a_pause_beginning_on_the_due_date_shifts_it():
    # Due 11-09 without the pause; paused 11-09 → 11-10: 11-09 no longer counts, so due 11-10.
    assert compute_due(date(2026, 11, 2), 5, [(date(2026, 11, 9), date(2026, 11, 10))]) == date(2026, 11, 10)


def test_an_open_pause_before_the_due_date_leaves_it_unknown():
    assert compute_due(date(2026, 11, 2), 5, [(date(2026, 11, 4), None)]) is None


def test_an_open_pause_after_the_due_date_leaves_it_known():
    assert compute_due(date(2026, 11, 2), 5, [(date(2026, 11, 10), None)]) == date(2026, 11, 9)


def test_stopping_a_paused_clock_ends_the_pause_on_the_stop_day():
    with clock_kind("test_review"):
        obj = DepartmentFactory()
        clocks.start(obj, "test_review", on=date(2026, 11, 2))
        clocks.pause(obj, "test_review", on=date(2026, 11, 4), reason="补正")
        clock = clocks.stop(obj, "test_review", at=timezone.make_aware(datetime(2026, 11, 20, 9)))
    # 11-03 (1); paused 11-04 → 11-20; 11-20 (2), 23 (3), 24 (4), 25 (5).
    assert (clock.pauses.get().resumed_on, clock.due_on, clock.stopped_late) == (
        date(2026, 11, 20),
        date(2026, 11, 25),
        False,
    )


def test_the_database_refuses_an_extension_of_no_days():
    with clock_kind("test_review"):
        obj = DepartmentFactory()
        clock = clocks.start(obj, "test_review", on=date(2026, 11, 2))
        with pytest.raises(IntegrityError), transaction.atomic():
            ClockExtension.objects.create(clock=clock, days=0, reason="情况复杂", approved_by=StaffUserFactory())


def test_the_database_refuses_a_second_open_pause():
    with clock_kind("test_review"):
        clock = clocks.start(DepartmentFactory(), "test_review", on=date(2026, 11, 2))
        ClockPause.objects.create(clock=clock, paused_on=date(2026, 11, 3), reason="补正")
        with pytest.raises(IntegrityError), transaction.atomic():
            ClockPause.objects.create(clock=clock, paused_on=date(2026, 11, 4), reason="补正")


def test_a_kind_with_no_limit_fails_the_system_check():
    with clock_kind("test_broken_limit", days=0):
        assert [m.id for m in clocks.kinds.check()] == ["clocks.E001"]
