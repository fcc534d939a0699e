"""The matter lifecycle on the workflow kernel: submit, publish (上架), close, withdraw, revise; guide lead time."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from matters.models import Matter, WindowKind
from portal import workdays
from portal.core.workflow import TransitionNotAllowed, perform
from portal.org.roles import Role
from tests.factories.matters import complete_matter
from tests.factories.policies import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def matter():
    matter = complete_matter()
    from matters.services import assign_matter_ownership

    assign_matter_ownership(matter, matter.department)
    return matter


def test_submit_publish_close_withdraw_revise(matter):
    editor = member(matter.department, Role.EDITOR)
    approver = member(matter.department, Role.APPROVER)
    perform(matter, "submit", by=editor)
    perform(matter, "publish", by=approver)
    matter.refresh_from_db()
    assert matter.status == Matter.Status.PUBLISHED
    assert matter.published_at is not None
    rule_set = matter.rule_sets.get()
    assert rule_set.is_published
    perform(matter, "close", by=None)
    perform(matter, "withdraw", by=approver, reason="政策调整")
    perform(matter, "revise", by=editor)
    matter.refresh_from_db()
    assert matter.status == Matter.Status.DRAFT


def test_editor_cannot_publish(matter):
    editor = member(matter.department, Role.EDITOR)
    perform(matter, "submit", by=editor)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        perform(matter, "publish", by=editor)


def test_cannot_publish_a_draft(matter):
    approver = member(matter.department, Role.APPROVER)
    with pytest.raises(TransitionNotAllowed):
        perform(matter, "publish", by=approver)


def test_window_opening_in_three_working_days_is_refused(matter):
    today = dt.date.today()
    matter.window_kind = WindowKind.FIXED
    matter.window_opens = workdays.add_workdays(today, 3)
    matter.window_closes = matter.window_opens + dt.timedelta(days=30)
    with pytest.raises(ValidationError) as refused:
        matter.full_clean()
    assert "5个工作日" in str(refused.value.message_dict["window_opens"])
    matter.window_opens = workdays.add_workdays(today, 6)
    matter.full_clean()


def test_incomplete_guide_is_refused_on_submit(matter):
    matter.steps.all().delete()
    editor = member(matter.department, Role.EDITOR)
    with pytest.raises(ValidationError) as refused:
        perform(matter, "submit", by=editor)
    assert "申报流程" in " ".join(refused.value.messages)
