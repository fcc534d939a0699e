"""Time limits of publishing (§17) and of going offline (§18): clocks on the official working-day calendar."""

import datetime as dt

import pytest
from django.test import TestCase

from policies import services
from policies.models import Policy
from portal import workdays
from portal.workcalendar import clocks
from tests.factories.policies import InterpretationFactory, PolicyFactory

pytestmark = pytest.mark.django_db

S = Policy.Status


PUBLISHED_AT = dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC)


def _publish(policy, editor, approver, when=PUBLISHED_AT):
    services.submit(policy, by=editor)
    services.approve(policy, by=approver)
    services.approve_interpretation(InterpretationFactory(policy=policy), by=approver)
    return services.publish(policy, by=approver, now=when)


def _submitted(policy, editor):
    services.assign_ownership(policy)
    services.submit(policy, by=editor)
    return services.publish_clock(policy)


def test_the_publish_clock_starts_on_submission_counted_from_the_issue_date(policy, editor_a):
    policy.issue_date = policy.effective_date = dt.date(2026, 9, 30)
    policy.save()
    assert services.publish_clock(policy) is None
    clock = _submitted(policy, editor_a)
    # 9-30 issued; 10-1…10-7 holiday; 10-8, 10-9 and the make-up Saturday 10-10 are the 3 working days.
    assert (clock.started_on, clock.limit_days, clock.due_on, clock.provisional) == (
        dt.date(2026, 9, 30),
        3,
        dt.date(2026, 10, 10),
        False,
    )


def test_provincial_deadline_counts_from_the_outside_publication(dept_a, editor_a):
    policy = PolicyFactory(
        lead_department=dept_a,
        level=Policy.Level.PROVINCIAL,
        issuing_authority="湖北省人民政府办公厅",
        issue_date=dt.date(2026, 9, 10),
        outside_publication_date=dt.date(2026, 9, 29),
    )
    assert _submitted(policy, editor_a).due_on == dt.date(2026, 10, 9)


def test_deadline_in_a_year_without_a_calendar_is_provisional(dept_a, editor_a):
    policy = PolicyFactory(
        lead_department=dept_a, issue_date=dt.date(2027, 12, 29), effective_date=dt.date(2027, 12, 29)
    )
    assert _submitted(policy, editor_a).provisional is True


def test_a_corrected_issue_date_counts_from_the_corrected_day(dept_a, editor_a):
    # Corrected while a draft: the clock starts only when the text is submitted, from the day then recorded.
    policy = PolicyFactory(lead_department=dept_a, issue_date=dt.date(2026, 9, 29))
    policy.issue_date = policy.effective_date = dt.date(2026, 9, 30)
    policy.save()
    assert _submitted(policy, editor_a).due_on == dt.date(2026, 10, 10)


def test_publication_stops_the_clock_and_records_whether_it_was_late(policy, editor_a, approver_a):
    published = _publish(policy, editor_a, approver_a, when=dt.datetime(2026, 3, 5, 10, tzinfo=dt.UTC))
    clock = services.publish_clock(policy)
    # Issued Monday 2026-03-02: due Thursday 03-05.
    assert (clock.state, clock.due_on, clock.stopped_late, published.published_late) == (
        "stopped",
        dt.date(2026, 3, 5),
        False,
        False,
    )


def test_a_revised_policy_published_again_keeps_its_first_publish_clock(policy, editor_a, approver_a):
    _publish(policy, editor_a, approver_a)
    services.repeal(policy, by=approver_a, on=dt.date(2026, 6, 1))
    services.take_offline(policy, by=approver_a)
    services.revise(policy, by=editor_a)
    services.submit(policy, by=editor_a)
    assert clocks.of(policy, services.PUBLISH_CLOCK).count() == 1


def test_daily_run_expires_a_policy_past_its_expiry_date(policy, editor_a, approver_a):
    policy.expiry_date = dt.date(2026, 9, 29)
    policy.save()
    _publish(policy, editor_a, approver_a)
    result = services.expire_policies(today=dt.date(2026, 9, 30))
    policy.refresh_from_db()
    assert result == {"expired": 1, "offline": 0, "failed": 0}
    assert (policy.status, services.offline_clock(policy).started_on, services.offline_clock(policy).due_on) == (
        S.EXPIRED,
        dt.date(2026, 9, 29),
        dt.date(2026, 10, 9),
    )


def test_an_expired_policy_is_offline_within_3_working_days(policy, editor_a, approver_a):
    policy.expiry_date = dt.date(2026, 9, 29)
    policy.save()
    _publish(policy, editor_a, approver_a)
    day, runs = dt.date(2026, 9, 30), []
    while Policy.objects.get(pk=policy.pk).status != S.OFFLINE:
        runs.append(services.expire_policies(today=day))
        day += dt.timedelta(days=1)
    offline_on = day - dt.timedelta(days=1)
    assert offline_on <= dt.date(2026, 10, 9)  # the third working day after 9-29, across National Day


def test_a_policy_still_in_force_is_left_alone(policy, editor_a, approver_a):
    policy.expiry_date = dt.date(2026, 12, 31)
    policy.save()
    _publish(policy, editor_a, approver_a)
    assert services.expire_policies(today=dt.date(2026, 12, 31)) == {"expired": 0, "offline": 0, "failed": 0}


def test_a_repealed_policy_goes_offline_on_its_due_day(policy, editor_a, approver_a):
    _publish(policy, editor_a, approver_a)
    services.repeal(policy, by=approver_a, on=dt.date(2026, 9, 30))
    assert services.expire_policies(today=dt.date(2026, 10, 9)) == {"expired": 0, "offline": 0, "failed": 0}
    assert services.expire_policies(today=dt.date(2026, 10, 10)) == {"expired": 0, "offline": 1, "failed": 0}


def test_the_daily_run_is_idempotent(policy, editor_a, approver_a):
    _publish(policy, editor_a, approver_a)
    services.repeal(policy, by=approver_a, on=dt.date(2026, 9, 30))
    services.expire_policies(today=dt.date(2026, 10, 12))
    assert services.expire_policies(today=dt.date(2026, 10, 12)) == {"expired": 0, "offline": 0, "failed": 0}


def test_entering_next_years_calendar_makes_a_provisional_deadline_final(dept_a, editor_a):
    from portal.celery import app
    from portal.workcalendar.models import CalendarDay, CalendarYear

    # Issued Thursday 2026-12-31: Monday–Friday would say 2027-01-05 (1-1 Fri, 1-4 Mon, 1-5 Tue).
    policy = PolicyFactory(lead_department=dept_a, issue_date=dt.date(2026, 12, 31))
    clock = _submitted(policy, editor_a)
    assert (clock.due_on, clock.provisional) == (dt.date(2027, 1, 5), True)

    app.conf.task_always_eager = True
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            CalendarYear.objects.create(year=2027, covered=True, source="国务院办公厅关于2027年部分节假日安排的通知")
            CalendarDay.objects.create(date=dt.date(2027, 1, 4), is_workday=False, name="元旦")
    finally:
        app.conf.task_always_eager = False

    clock.refresh_from_db()
    assert (clock.due_on, clock.provisional) == (dt.date(2027, 1, 6), False)
    # The process keeps the calendar it last read: forget 2027 before the rollback hides it from the next tests.
    CalendarDay.objects.filter(date=dt.date(2027, 1, 4)).delete()
    CalendarYear.objects.filter(year=2027).delete()
    workdays.reload()


def test_one_failing_policy_does_not_hold_up_the_daily_run(dept_a, editor_a, approver_a, monkeypatch):
    policies = []
    for _n in range(3):
        policy = PolicyFactory(lead_department=dept_a, expiry_date=dt.date(2026, 9, 29))
        services.assign_ownership(policy)
        policies.append(_publish(policy, editor_a, approver_a))
    broken = policies[1]
    save = Policy.save

    def save_failing_for_the_broken_one(self, *args, **kwargs):
        if self.pk == broken.pk:
            raise RuntimeError("disk full")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Policy, "save", save_failing_for_the_broken_one)
    result = services.expire_policies(today=dt.date(2026, 9, 30))
    statuses = [Policy.objects.get(pk=p.pk).status for p in policies]
    assert result == {"expired": 2, "offline": 0, "failed": 1}
    assert statuses == [S.EXPIRED, S.PUBLISHED, S.EXPIRED]
