"""预警 before a due date, 督办 after it, 超时限三倍 counted, and unevaluated tickets closed — each exactly once.

A complaint dispatched on Tue 2026-09-29 has 13 working days to answer: due Thu 10-22 (National Day skipped, the
调休 Saturday 10-10 counted). Three times the limit, 39 working days, ends Fri 11-27 (9-30; 18 in October from 10-8;
5 a week in November from 11-2), so from Sat 11-28 it is 超时限三倍.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from appeals import services
from appeals.models import Appeal, AppealState
from portal.core.workflow import perform
from portal.notify.models import SiteMessage
from portal.org.roles import Role
from tests.factories.appeals import centre_of, department, handler_of, operator_of, portal_appeal

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(month, day):
    return dt.datetime(2026, month, day, 10, tzinfo=TZ)


@pytest.fixture
def dispatched():
    appeal = portal_appeal(kind="complaint", at=at(9, 28))
    centre = centre_of(appeal.region.parent)
    operator = operator_of(centre)
    science = department("市科技局")
    handler, approver = handler_of(science), handler_of(science, Role.APPROVER)
    perform(appeal, "accept", by=operator, at=at(9, 29))
    perform(appeal, "dispatch", by=operator, at=at(9, 29), department=science)
    perform(appeal, "sign", by=handler, at=at(9, 30))
    return appeal, operator, handler, approver


def test_warned_the_working_day_before_and_escalated_the_day_after(dispatched):
    appeal, operator, handler, approver = dispatched
    assert services.watch_deadlines(today=dt.date(2026, 10, 20)) == {"warned": 0, "escalated": 0, "triple": 0}
    # 10-21: the next working day is the due date.
    assert services.watch_deadlines(today=dt.date(2026, 10, 21))["warned"] == 1
    assert SiteMessage.objects.filter(user=handler, title__contains="即将到期").count() == 1
    services.watch_deadlines(today=dt.date(2026, 10, 21))
    assert SiteMessage.objects.filter(user=handler, title__contains="即将到期").count() == 1  # once
    counts = services.watch_deadlines(today=dt.date(2026, 10, 23))
    assert counts["escalated"] == 1
    appeal.refresh_from_db()
    assert appeal.escalated_on == dt.date(2026, 10, 23)
    assert SiteMessage.objects.filter(user=operator, title__contains="超期督办").count() == 1
    assert SiteMessage.objects.filter(user=approver, title__contains="超期督办").count() == 1
    assert services.watch_deadlines(today=dt.date(2026, 10, 26))["escalated"] == 0


def test_three_times_over_the_limit_is_dated_once(dispatched):
    appeal, *_ = dispatched
    assert services.watch_deadlines(today=dt.date(2026, 11, 27))["triple"] == 0
    assert services.watch_deadlines(today=dt.date(2026, 11, 28))["triple"] == 1
    appeal.refresh_from_db()
    assert appeal.triple_overdue_on == dt.date(2026, 11, 28)
    assert services.watch_deadlines(today=dt.date(2026, 11, 30))["triple"] == 0


def test_a_late_reply_still_counts_when_it_came_after_three_times_the_limit(dispatched):
    appeal, _operator, handler, _approver = dispatched
    perform(appeal, "reply", by=handler, at=at(11, 30), reason="经核实，已按规定办理并告知企业。")
    assert services.watch_deadlines(today=dt.date(2026, 12, 1))["triple"] == 1
    assert Appeal.objects.get(pk=appeal.pk).triple_overdue_on == dt.date(2026, 11, 28)


def test_unevaluated_tickets_close_after_five_working_days(dispatched):
    appeal, _operator, handler, _approver = dispatched
    perform(appeal, "reply", by=handler, at=at(10, 20), reason="经核实，已按规定办理并告知企业。")
    # 评价 period: 10-21, 22, 23, 26, 27.
    assert services.close_unevaluated(now=at(10, 27)) == 0
    assert services.close_unevaluated(now=at(10, 28)) == 1
    appeal.refresh_from_db()
    assert appeal.status == AppealState.CLOSED and appeal.evaluation_source == "lapsed" and not appeal.satisfaction
    assert services.close_unevaluated(now=at(10, 29)) == 0
