"""Clocks (办理时限) as rows: started, paused for 补正, extended and stopped on any object, on the official calendar."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.workcalendar import clocks
from portal.workcalendar.models import Clock
from tests.factories.org import DepartmentFactory, StaffUserFactory
from tests.factories.workcalendar import clock_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def obj():
    # Any business object with an integer key carries clocks; a department is the simplest one.
    return DepartmentFactory()


@pytest.fixture
def approver():
    return StaffUserFactory(username="approver")


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def test_a_clock_without_pauses_is_due_on_the_nth_working_day_after_the_start(obj, review):
    # 2026-09-28 (Mon): 29 (1), 30 (2), National Day 1–7 October, 8 (3), 9 (4), Saturday 10 (5, 调休 make-up day).
    clock = clocks.start(obj, review, on=date(2026, 9, 28))
    assert (clock.limit_days, clock.due_on, clock.provisional) == (5, date(2026, 10, 10), False)


def test_the_issue_example_over_the_2026_national_day_holiday(obj, review, approver):
    clock = clocks.start(obj, "test_review", on=date(2026, 9, 28))
    clocks.pause(obj, "test_review", on=date(2026, 10, 8), reason="补正：营业执照副本", by=approver)
    clocks.resume(obj, "test_review", on=date(2026, 10, 12), by=approver)
    clocks.extend(obj, "test_review", days=2, reason="需现场核查", by=approver)
    clock.refresh_from_db()
    # 5 + 2 = 7 working days counted after Mon 2026-09-28 (the start day does not count):
    #   Tue 09-29 (1), Wed 09-30 (2);
    #   Thu 10-01 … Wed 10-07 National Day holiday (Sat 10-03, Sun 10-04 within it) — not counted;
    #   paused for 补正 on [10-08, 10-12): Thu 10-08, Fri 10-09 and Sat 10-10 (调休 make-up working day) — 3 days;
    #   Sun 10-11 weekend; resumed Mon 10-12 (3), Tue 10-13 (4), Wed 10-14 (5), Thu 10-15 (6), Fri 10-16 (7).
    assert clock.due_on == date(2026, 10, 16)
    assert clock.state == Clock.State.RUNNING
    assert not clock.provisional


def test_the_issue_example_explains_holidays_make_up_day_pause_and_extension(obj, review, approver):
    clock = clocks.start(obj, review, on=date(2026, 9, 28))
    clocks.pause(obj, review, on=date(2026, 10, 8), reason="补正：营业执照副本", by=approver)
    clocks.resume(obj, review, on=date(2026, 10, 12), by=approver)
    clocks.extend(obj, review, days=2, reason="需现场核查", by=approver)
    clock.refresh_from_db()
    explanation = clock.explain()
    by_day = {d.day: d for d in explanation.days}
    assert [d.day for d in explanation.days if d.status == "holiday"] == [
        date(2026, 10, 1),
        date(2026, 10, 2),
        date(2026, 10, 5),
        date(2026, 10, 6),
        date(2026, 10, 7),
    ]
    assert {by_day[date(2026, 10, d)].name for d in (1, 2, 3, 4, 5, 6, 7)} == {"国庆节"}
    # The 调休 Saturday falls inside the pause: a working day, named, not counted.
    assert (by_day[date(2026, 10, 10)].status, by_day[date(2026, 10, 10)].name) == ("paused", "国庆节调休上班")
    assert [(d.day, d.count) for d in explanation.days if d.status == "counted"][-1] == (date(2026, 10, 16), 7)
    assert [(p.working_days, p.reason) for p in explanation.pauses] == [(3, "补正：营业执照副本")]
    assert [(e.days, e.reason) for e in explanation.extensions] == [(2, "需现场核查")]
    assert (explanation.total_days, explanation.due_on, explanation.provisional) == (7, date(2026, 10, 16), False)
    text = "\n".join(explanation.lines())
    assert "2026-10-01（周四） 法定节假日（国庆节），不计入" in text
    assert "2026-10-10（周六） 调休上班（国庆节调休上班），暂停计时，不计入" in text
    assert "2026-10-03（周六） 周末休息（国庆节假期）" in text
    assert "截止日期：2026-10-16（周五）" in text


def test_the_explanation_names_a_make_up_working_day_that_counts(obj, review):
    clock = clocks.start(obj, review, on=date(2026, 9, 28))
    explanation = clock.explain()
    assert [(d.day, d.status, d.name, d.count) for d in explanation.days if d.status == "makeup"] == [
        (date(2026, 10, 10), "makeup", "国庆节调休上班", 5)
    ]
    assert "2026-10-10（周六） 调休上班（国庆节调休上班），工作日，第5个" in explanation.lines()


def test_one_object_carries_several_clocks_of_different_kinds(obj, review):
    with clock_kind("test_payout", label="拨付时限", days=10, article="宜昌 §21", pausable=False):
        clocks.start(obj, review, on=date(2026, 11, 2))
        clocks.start(obj, "test_payout", on=date(2026, 11, 2))
        assert sorted(clocks.of(obj).values_list("kind", flat=True)) == ["test_payout", "test_review"]
        assert clocks.of(obj, "test_payout").get().due_on == date(2026, 11, 16)


def test_a_second_clock_of_the_same_kind_is_refused_while_one_runs(obj, review):
    clocks.start(obj, review, on=date(2026, 11, 2))
    with pytest.raises(ValidationError, match="已在计时，不能重复开始"):
        clocks.start(obj, review, on=date(2026, 11, 3))


def test_the_database_allows_one_clock_of_a_kind_per_object_that_is_not_stopped(obj, review):
    first = clocks.start(obj, review, on=date(2026, 11, 2))
    first.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        first.save()


def test_a_stopped_clock_makes_room_for_a_new_one_of_the_same_kind(obj, review):
    clocks.start(obj, review, on=date(2026, 11, 2))
    clocks.stop(obj, review, at=at(date(2026, 11, 3)))
    clocks.start(obj, review, on=date(2026, 11, 4))
    assert list(clocks.of(obj, review).values_list("state", flat=True)) == ["stopped", "running"]


def test_the_limit_is_copied_at_start_so_a_changed_limit_moves_no_running_clock(obj):
    limits = {"days": 5}
    with clock_kind("test_matter", days=lambda o: limits["days"]):
        clock = clocks.start(obj, "test_matter", on=date(2026, 11, 2))
        limits["days"] = 20
        assert clocks.of(obj, "test_matter").get().limit_days == 5
        assert clocks.start(DepartmentFactory(), "test_matter", on=date(2026, 11, 2)).limit_days == 20
    assert clock.due_on == date(2026, 11, 9)


def test_a_limit_given_at_start_overrides_the_kind(obj, review):
    assert clocks.start(obj, review, on=date(2026, 11, 2), days=1).due_on == date(2026, 11, 3)


def test_a_limit_of_zero_days_is_refused(obj, review):
    with pytest.raises(ValidationError, match="必须是正整数个工作日"):
        clocks.start(obj, review, on=date(2026, 11, 2), days=0)


def test_stopping_on_the_due_date_is_on_time(obj, review):
    clocks.start(obj, review, on=date(2026, 11, 2))  # due Mon 2026-11-09
    clock = clocks.stop(obj, review, at=at(date(2026, 11, 9), 17))
    assert (clock.state, clock.stopped_late, clock.overdue_since) == (Clock.State.STOPPED, False, None)


def test_stopping_after_the_due_date_is_late_and_overdue_from_the_next_day(obj, review):
    clocks.start(obj, review, on=date(2026, 11, 2))
    clock = clocks.stop(obj, review, at=at(date(2026, 11, 11)))
    assert (clock.stopped_late, clock.overdue_since) == (True, date(2026, 11, 10))


def test_stopping_without_a_running_clock_does_nothing(obj, review):
    assert clocks.stop(obj, review, at=at(date(2026, 11, 11))) is None


def test_pausing_a_stopped_clock_is_refused(obj, review):
    clocks.start(obj, review, on=date(2026, 11, 2))
    clocks.stop(obj, review, at=at(date(2026, 11, 3)))
    with pytest.raises(ValidationError, match="已停止"):
        clocks.pause(obj, review, on=date(2026, 11, 4), reason="补正")


def test_pausing_is_refused_when_the_kind_forbids_it(obj):
    with clock_kind("test_fixed", label="公示期", pausable=False):
        clocks.start(obj, "test_fixed", on=date(2026, 11, 2))
        with pytest.raises(ValidationError, match=r"公示期.*不能暂停计时"):
            clocks.pause(obj, "test_fixed", on=date(2026, 11, 3), reason="补正")


def test_pausing_needs_a_reason(obj, review):
    clocks.start(obj, review, on=date(2026, 11, 2))
    with pytest.raises(ValidationError, match="须填写原因"):
        clocks.pause(obj, review, on=date(2026, 11, 3), reason="  ")


def test_pausing_twice_is_refused(obj, review):
    clocks.start(obj, review, on=date(2026, 11, 2))
    clocks.pause(obj, review, on=date(2026, 11, 3), reason="补正")
    with pytest.raises(ValidationError, match="已暂停计时"):
        clocks.pause(obj, review, on=date(2026, 11, 4), reason="补正")


def test_resuming_a_running_clock_is_refused(obj, review):
    clocks.start(obj, review, on=date(2026, 11, 2))
    with pytest.raises(ValidationError, match="没有暂停"):
        clocks.resume(obj, review, on=date(2026, 11, 4))


def test_resuming_before_the_pause_began_is_refused(obj, review):
    clocks.start(obj, review, on=date(2026, 11, 2))
    clocks.pause(obj, review, on=date(2026, 11, 4), reason="补正")
    with pytest.raises(ValidationError, match="恢复日期不能早于暂停日期"):
        clocks.resume(obj, review, on=date(2026, 11, 3))


def test_a_paused_clock_has_no_due_date_until_it_resumes(obj, review):
    clocks.start(obj, review, on=date(2026, 11, 2))
    clocks.pause(obj, review, on=date(2026, 11, 4), reason="补正")
    clock = clocks.of(obj, review).get()
    assert (clock.state, clock.due_on) == (Clock.State.PAUSED, None)
    # Tue 11-03 counted (1); paused Wed 11-04 … Fri 11-13; from Mon 11-16: 16 (2), 17 (3), 18 (4), 19 (5).
    assert clocks.resume(obj, review, on=date(2026, 11, 16)).due_on == date(2026, 11, 19)


def test_a_pause_after_the_due_date_moves_nothing(obj, review):
    clocks.start(obj, review, on=date(2026, 11, 2))  # due 11-09
    clocks.pause(obj, review, on=date(2026, 11, 12), reason="补正")
    assert clocks.of(obj, review).get().due_on == date(2026, 11, 9)


def test_a_pause_resumed_the_same_day_reads_as_not_moving_the_due_date(obj, review, approver):
    clocks.start(obj, review, on=date(2026, 11, 27))
    clocks.pause(obj, review, on=date(2026, 11, 30), reason="补正：营业执照副本", by=approver)
    clock = clocks.resume(obj, review, on=date(2026, 11, 30), by=approver)
    lines = clocks.explain(clock).lines()
    assert "暂停计时：2026-11-30（周一）当日恢复（补正：营业执照副本），不影响截止日期" in lines
    assert not any("顺延0" in line or "至2026-11-30（周一）恢复" in line for line in lines)
    # Fri 11-27 + 5 working days: 11-30 (1), 12-01 (2), 12-02 (3), 12-03 (4), 12-04 (5).
    assert clock.due_on == date(2026, 12, 4)


def test_a_pause_over_a_weekend_only_says_no_working_day_was_added(obj, review, approver):
    clocks.start(obj, review, on=date(2026, 11, 2))
    clocks.pause(obj, review, on=date(2026, 11, 7), reason="补正", by=approver)
    clock = clocks.resume(obj, review, on=date(2026, 11, 9), by=approver)
    lines = clocks.explain(clock).lines()
    assert "暂停计时：2026-11-07（周六）至2026-11-09（周一）恢复（补正），其间没有工作日，不影响截止日期" in lines
    assert clock.due_on == date(2026, 11, 9)


def test_a_same_day_pause_in_english(obj, review, approver):
    from django.utils import translation

    clocks.start(obj, review, on=date(2026, 11, 27))
    clocks.pause(obj, review, on=date(2026, 11, 30), reason="补正", by=approver)
    clock = clocks.resume(obj, review, on=date(2026, 11, 30), by=approver)
    with translation.override("en"):
        lines = clocks.explain(clock).lines()
    assert any(line.startswith("Paused and resumed on 2026-11-30") for line in lines), lines


@pytest.mark.parametrize("days", [0, -1])
def test_extending_by_no_days_is_refused(obj, review, approver, days):
    clocks.start(obj, review, on=date(2026, 11, 2))
    with pytest.raises(ValidationError, match="延长的天数必须是正整数"):
        clocks.extend(obj, review, days=days, reason="情况复杂", by=approver)


def test_extending_without_a_reason_is_refused(obj, review, approver):
    clocks.start(obj, review, on=date(2026, 11, 2))
    with pytest.raises(ValidationError, match="须填写理由"):
        clocks.extend(obj, review, days=2, reason="", by=approver)


def test_extending_without_an_approver_is_refused(obj, review):
    clocks.start(obj, review, on=date(2026, 11, 2))
    with pytest.raises(ValidationError, match="须由批准人批准"):
        clocks.extend(obj, review, days=2, reason="情况复杂", by=None)


def test_extending_a_stopped_clock_is_refused(obj, review, approver):
    clocks.start(obj, review, on=date(2026, 11, 2))
    clocks.stop(obj, review, at=at(date(2026, 11, 3)))
    with pytest.raises(ValidationError, match="已停止"):
        clocks.extend(obj, review, days=2, reason="情况复杂", by=approver)


def test_extending_moves_the_due_date_by_working_days(obj, review, approver):
    clocks.start(obj, review, on=date(2026, 11, 2))  # due Mon 11-09
    clocks.extend(obj, review, days=2, reason="情况复杂", by=approver)
    assert clocks.of(obj, review).get().due_on == date(2026, 11, 11)


def test_every_change_is_in_the_clock_history(obj, review, approver):
    clocks.start(obj, review, on=date(2026, 11, 2), by=approver)
    clocks.extend(obj, review, days=2, reason="情况复杂", by=approver)
    clock = clocks.of(obj, review).get()
    assert [h.due_on for h in clock.history.order_by("history_date")] == [date(2026, 11, 9), date(2026, 11, 11)]


def test_transition_effects_start_pause_resume_and_stop_a_clock(obj, review, approver):
    effects = [
        clocks.Start("test_review", on=lambda o: date(2026, 9, 28)),
        clocks.Pause("test_review"),
        clocks.Resume("test_review"),
        clocks.Stop("test_review"),
    ]
    days = [date(2026, 9, 29), date(2026, 10, 8), date(2026, 10, 12), date(2026, 10, 16)]
    for effect, day in zip(effects, days, strict=True):
        effect.apply(obj, at=at(day), by=approver, reason="补正")
    clock = clocks.of(obj, review).get()
    # 09-29 (1), 09-30 (2), paused 10-08 … 10-11, 10-12 (3), 13 (4), 14 (5): due Wed 10-14, stopped Fri 10-16.
    assert (clock.due_on, clock.stopped_late, clock.pauses.get().reason) == (date(2026, 10, 14), True, "补正")


def test_a_start_effect_without_a_day_counts_from_the_transition_and_may_take_the_limit_from_the_object(obj, review):
    clock = clocks.Start("test_review", days=lambda o: 1).apply(obj, at=at(date(2026, 11, 2)), by=None, reason="")
    assert (clock.started_on, clock.limit_days, clock.due_on) == (date(2026, 11, 2), 1, date(2026, 11, 3))


def test_effects_describe_themselves_in_chinese(review):
    assert str(clocks.Pause("test_review")) == "暂停计时：受理审查时限"


def test_a_start_racing_another_is_refused_by_the_database_in_chinese(obj, review, monkeypatch):
    clocks.start(obj, review, on=date(2026, 11, 2))
    # The other request's check ran before this clock existed: only the unique index stops it.
    monkeypatch.setattr(clocks, "_active", lambda *args, **kwargs: None)
    with pytest.raises(ValidationError, match="已在计时，不能重复开始"):
        clocks.start(obj, review, on=date(2026, 11, 3))
    assert clocks.of(obj, review).count() == 1


def test_the_history_names_who_acted_even_outside_a_request(obj, review, approver):
    clocks.start(obj, review, on=date(2026, 11, 2), by=approver)
    clocks.extend(obj, review, days=2, reason="情况复杂", by=approver)
    clock = clocks.of(obj, review).get()
    assert [(h.history_user, h.history_change_reason) for h in clock.history.order_by("history_date")] == [
        (approver, "开始计时"),
        (approver, "延长办理时限"),
    ]
    assert clock.extensions.get().history.get().history_user == approver
