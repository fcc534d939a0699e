"""Every (state × transition × role) of the consultation-session workflow: allowed, or refused with a Chinese message.

The expectations are written here by hand from the rules (the department that holds the session: its editors
schedule and submit, its approvers publish, return and cancel, its reviewers and approvers record the session
and its recording), not read from `engagement.sessions` or `portal/org/roles.py`.
"""

import datetime as dt

import pytest
from django.utils import timezone

from engagement import sessions as services
from engagement.models import ConsultationSession, SessionState
from tests.engagement.cast import cast
from tests.factories.policies import PolicyFactory
from tests.workflow_matrix import assert_offered_exactly, expected_outcomes, outcome

pytestmark = pytest.mark.django_db

S = SessionState
REASON = "主讲人临时有公务，改期另行通知。"

WHO = {
    "submit": {"editor", "platform_admin"},
    "return": {"approver", "platform_admin"},
    "publish": {"approver", "platform_admin"},
    "hold": {"reviewer", "approver", "platform_admin"},
    "replay": {"reviewer", "approver", "platform_admin"},
    "cancel": {"approver", "platform_admin"},
}

FROM = {
    "submit": {S.DRAFT},
    "return": {S.SUBMITTED},
    "publish": {S.SUBMITTED},
    "hold": {S.PUBLISHED},
    "replay": {S.HELD},
    "cancel": {S.DRAFT, S.SUBMITTED, S.PUBLISHED},
}

ROLES = [
    "editor",
    "reviewer",
    "approver",
    "finance",
    "operator",
    "supervisor",
    "platform_admin",
    "enterprise_user",
    "other_editor",
    "other_reviewer",
    "other_approver",
    "platform",
]


@pytest.fixture
def people():
    return cast()


def _in_state(state, people) -> ConsultationSession:
    starts = timezone.now() + dt.timedelta(days=3)
    policy = PolicyFactory(lead_department=people["own"], region=people["own"].region)
    session = ConsultationSession.objects.create(
        department=people["own"],
        policy=policy,
        topic="高企认定政策线上咨询会",
        host="政策法规科",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        capacity=20,
        booking_deadline=starts - dt.timedelta(days=1),
        conference_url="https://meeting.yichang.gov.cn/room/9",
        recording_url="https://meeting.yichang.gov.cn/replay/9",
        status=state,
    )
    services.assign_ownership(session)
    return session


def _when(session, name):
    """The moment of the attempt: recording that it was held comes after the start, everything else now."""
    return session.starts_at + dt.timedelta(hours=2) if name == "hold" else timezone.now()


@pytest.mark.parametrize("name", list(WHO))
@pytest.mark.parametrize("state", list(S.values))
def test_who_may_perform_what_from_which_state(state, name, people):
    session = _in_state(state, people)
    expected = expected_outcomes(state, name, ROLES, WHO, FROM)
    at = _when(session, name)
    assert {role: outcome(session, name, people[role], REASON, at=at) for role in ROLES} == expected


@pytest.mark.parametrize("state", list(S.values))
def test_each_role_is_offered_exactly_what_it_may_perform(state, people):
    session = _in_state(state, people)
    assert_offered_exactly(session, state, people, ROLES[:-1], WHO, FROM)


def test_the_guards_say_why(people):
    session = _in_state(S.PUBLISHED, people)
    assert outcome(session, "hold", people["reviewer"], "", at=timezone.now()) == "refused"  # not started yet
    held = _in_state(S.HELD, people)
    ConsultationSession.objects.filter(pk=held.pk).update(recording_url="")
    held.refresh_from_db()
    assert outcome(held, "replay", people["reviewer"], "") == "refused"  # no recording yet
    late = _in_state(S.SUBMITTED, people)
    ConsultationSession.objects.filter(pk=late.pk).update(booking_deadline=timezone.now() - dt.timedelta(hours=1))
    late.refresh_from_db()
    assert outcome(late, "publish", people["approver"], "") == "refused"  # the deadline has passed
