"""A complaint from the portal through the whole loop, over the 2026 National Day holiday, every due date checked.

The 2026 calendar (国办发明电〔2025〕): 中秋 9-25…9-27 and 国庆 10-1…10-7 off, Saturday 10-10 a working day.
The expected dates below are counted by hand on that calendar, not by the code under test:

- submitted Mon 9-28 → 受理 due 9-29 (1 working day);
- dispatched to the wrong department Tue 9-29 → 签收 due 9-30; 办理 (13) due 10-22
  (9-30, 10-8, 10-9, 10-10, 10-12 … 10-16, 10-19 … 10-22);
- returned Wed 9-30, re-dispatched the same day → 签收 due 10-8; 办理 due 10-23;
- signed Thu 10-8; an extension of 5 working days asked 10-9 and approved → 办理 due 10-30;
- replied Tue 10-20 → 评价 due 10-27; 不满意 Wed 10-21 → 重办 to the same department: 签收 due 10-22, 办理 due 11-9;
- signed 10-22, replied Mon 10-26, 满意 Tue 10-27 → closed.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from appeals import services
from appeals.models import AppealState, ExtensionState
from portal.core.workflow import perform
from portal.notify.models import SiteMessage
from portal.org.models import Role
from portal.workcalendar import clocks
from tests.factories.appeals import centre_of, department, handler_of, operator_of, portal_appeal
from tests.factories.policies import member

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
S = AppealState


def at(month, day, hour=10):
    return dt.datetime(2026, month, day, hour, tzinfo=TZ)


def due(appeal, kind):
    clock = clocks.of(appeal, kind).order_by("-id").first()
    return clock.due_on


def test_complaint_over_the_national_day_holiday():
    appeal = portal_appeal(kind="complaint", at=at(9, 28))
    centre = centre_of(appeal.region.parent)
    operator = operator_of(centre)
    supervisor = member(centre, Role.SUPERVISOR)
    wrong = department("市人社局")
    right = department("市科技局")
    wrong_handler, right_handler = handler_of(wrong), handler_of(right)
    submitter = appeal.submitted_by

    assert appeal.number.startswith("SQ20260928")
    assert appeal.status == S.SUBMITTED
    assert due(appeal, "appeal_accept") == dt.date(2026, 9, 29)

    perform(appeal, "accept", by=operator, at=at(9, 29))
    perform(appeal, "dispatch", by=operator, at=at(9, 29), department=wrong)
    appeal.refresh_from_db()
    assert appeal.status == S.DISPATCHED and appeal.department == wrong
    assert due(appeal, "appeal_sign") == dt.date(2026, 9, 30)
    assert due(appeal, "appeal_handle") == dt.date(2026, 10, 22)

    # The right department may not touch a ticket not dispatched to it.
    with pytest.raises(PermissionDenied, match="未派给您所在的部门"):
        perform(appeal, "sign", by=right_handler, at=at(9, 30))

    perform(appeal, "return", by=wrong_handler, at=at(9, 30), reason="科技奖励不属人社局职责")
    appeal.refresh_from_db()
    assert appeal.status == S.RETURNED and appeal.department is None
    assert not services.visible_to(wrong_handler).filter(pk=appeal.pk).exists()

    # Back to the department that returned it: refused with the reason it gave.
    with pytest.raises(ValidationError, match="刚刚退回"):
        perform(appeal, "dispatch", by=operator, at=at(9, 30), department=wrong)
    perform(appeal, "dispatch", by=operator, at=at(9, 30), department=right, reason="请科技局办理")
    assert due(appeal, "appeal_sign") == dt.date(2026, 10, 8)
    assert due(appeal, "appeal_handle") == dt.date(2026, 10, 23)
    assert services.visible_to(right_handler).filter(pk=appeal.pk).exists()

    perform(appeal, "sign", by=right_handler, at=at(10, 8))
    reason = "需会同财政核实拨付记录"
    request = services.request_extension(appeal, days=5, reason=reason, by=right_handler, at=at(10, 9))
    assert request.due_before == dt.date(2026, 10, 23)
    with pytest.raises(PermissionDenied):
        perform(request, "approve", by=right_handler)
    perform(request, "approve", by=operator, reason="同意")
    request.refresh_from_db()
    assert request.status == ExtensionState.APPROVED
    assert due(appeal, "appeal_handle") == dt.date(2026, 10, 30)

    perform(appeal, "reply", by=right_handler, at=at(10, 20), reason="经核实，系统故障已修复，请重新上传材料。")
    appeal.refresh_from_db()
    assert appeal.status == S.REPLIED
    assert due(appeal, "appeal_evaluate") == dt.date(2026, 10, 27)
    handle = clocks.of(appeal, "appeal_handle").order_by("-id").first()
    assert handle.state == "stopped" and handle.stopped_late is False

    # Only the submitter evaluates.
    with pytest.raises(PermissionDenied, match="诉求人本人"):
        services.evaluate(appeal, satisfaction="satisfied", by=operator)
    services.evaluate(appeal, satisfaction="unsatisfied", comment="修复后仍无法上传", by=submitter, at=at(10, 21))
    appeal.refresh_from_db()
    assert appeal.status == S.DISPATCHED and appeal.department == right and appeal.reopen_count == 1
    # Reopened at 10-21: the same department signs by 10-22 and answers within 13 working days.
    perform(appeal, "sign", by=right_handler, at=at(10, 22))
    assert clocks.of(appeal, "appeal_handle").order_by("-id").first().due_on == dt.date(2026, 11, 9)
    assert SiteMessage.objects.filter(user=supervisor, title__contains=appeal.number).exists()

    perform(appeal, "reply", by=right_handler, at=at(10, 26), reason="已安排专人上门指导，材料已成功上传。")
    services.evaluate(appeal, satisfaction="satisfied", comment="问题解决了", by=submitter, at=at(10, 27))
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED and appeal.satisfaction == "satisfied"
    assert [r.round for r in appeal.replies.all()] == [1, 2]
    assert [(d.department.name, d.round, bool(d.returned_at)) for d in appeal.dispatches.all()] == [
        ("市人社局", 1, True),
        ("市科技局", 1, False),
        ("市科技局", 2, False),
    ]
    # The derivation of a due date names the holiday it skipped.
    first_handle = clocks.of(appeal, "appeal_handle").order_by("id")[1]
    text = "\n".join(clocks.explain(first_handle).lines())
    assert "国庆" in text and "2026-10-30" in text


def test_second_unsatisfied_closes_without_another_reopen():
    appeal = portal_appeal(kind="consultation")
    centre = centre_of(appeal.region.parent)
    operator = operator_of(centre)
    perform(appeal, "accept", by=operator)
    perform(appeal, "answer", by=operator, reason="该政策申报时间为每年三月，届时请关注通知。")
    services.evaluate(appeal, satisfaction="unsatisfied", comment="没有说明材料", by=appeal.submitted_by)
    appeal.refresh_from_db()
    assert appeal.status == S.DISPATCHED and appeal.department == centre
    perform(appeal, "sign", by=operator)
    perform(appeal, "reply", by=operator, reason="申报材料见申报指南第三部分，已短信发送链接。")
    services.evaluate(appeal, satisfaction="unsatisfied", comment="还是不清楚", by=appeal.submitted_by)
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED and appeal.satisfaction == "unsatisfied" and appeal.reopen_count == 1


def test_waiting_for_the_submitter_stops_the_clock_where_the_kind_allows():
    """Asked on Fri 10-9, answered on Tue 10-13: the paused working days 10-9, 10-10 (调休) and 10-12 are added,
    so the 10-22 due date moves to 10-27."""
    appeal = portal_appeal(kind="complaint", at=at(9, 28))
    operator = operator_of(centre_of(appeal.region.parent))
    science = department("市科技局")
    handler = handler_of(science)
    perform(appeal, "accept", by=operator, at=at(9, 29))
    perform(appeal, "dispatch", by=operator, at=at(9, 29), department=science)
    perform(appeal, "sign", by=handler, at=at(9, 30))
    perform(appeal, "request_info", by=handler, at=at(10, 9), reason="请提供出错页面的截图")
    assert due(appeal, "appeal_handle") is None  # unknown while waiting
    perform(appeal, "supply_info", by=appeal.submitted_by, at=at(10, 13), reason="截图已上传，出错文件为审计报告")
    assert due(appeal, "appeal_handle") == dt.date(2026, 10, 27)
    # Question and answer are kept whole, however long (the history keeps a 100-character summary).
    (exchange,) = appeal.information_requests.all()
    assert exchange.question == "请提供出错页面的截图" and exchange.department == science
    assert exchange.answer == "截图已上传，出错文件为审计报告" and exchange.answered_by == appeal.submitted_by


def test_a_consultation_does_not_stop_its_clock():
    appeal = portal_appeal(kind="consultation")
    operator = operator_of(centre_of(appeal.region.parent))
    science = department("市科技局")
    handler = handler_of(science)
    perform(appeal, "accept", by=operator)
    perform(appeal, "dispatch", by=operator, department=science)
    perform(appeal, "sign", by=handler)
    with pytest.raises(ValidationError, match="不能暂停计时"):
        perform(appeal, "request_info", by=handler, reason="请说明企业规模")
    appeal.refresh_from_db()
    assert appeal.status == S.HANDLING


def test_notices_name_the_department_of_their_own_transition_when_the_ticket_has_moved_on():
    """A dispatch's notice that runs after the ticket was already returned (effects of transitions committed
    together, as in the demo) still names the department the dispatch went to, and its own history row."""
    import copy

    appeal = portal_appeal(kind="consultation")
    operator = operator_of(centre_of(appeal.region.parent))
    science = department("市科技局")
    handler = handler_of(science)
    perform(appeal, "accept", by=operator)
    dispatched = perform(appeal, "dispatch", by=operator, department=science)
    as_dispatched = copy.copy(dispatched)
    perform(appeal, "return", by=handler, reason="不属本部门职责范围")
    SiteMessage.objects.all().delete()
    services.after_transition(as_dispatched, "dispatch")
    assert SiteMessage.objects.filter(user=handler, title__contains="新派诉求待签收").exists()
    assert SiteMessage.objects.filter(user=appeal.submitted_by, body="已派市科技局办理。").exists()
