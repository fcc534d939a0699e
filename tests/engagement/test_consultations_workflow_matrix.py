"""Every (state × transition × role) of the consultation workflow: allowed, or refused with a Chinese message.

Written by hand from the rules (无锡 §22（一）（二）; the department's roles as for its policies: the editor drafts
and opens, the editor or the approver publishes the summary, the approver withdraws; the platform closes when the
period ends), not read from `engagement.consultations` or `portal/org/roles.py`.
"""

import pytest

from engagement import consultations as service
from engagement.models import Consultation, ConsultationQuestion
from portal.core.workflow import perform
from tests.engagement.cast import cast
from tests.workflow_matrix import assert_offered_exactly, expected_outcomes, outcome

pytestmark = pytest.mark.django_db

S = Consultation.Status
REASON = "上级政策调整，本征求意见稿暂缓出台。"

WHO = {
    "open": {"editor", "platform_admin"},
    "close": {"platform"},
    "publish_summary": {"editor", "approver", "platform_admin"},
    "withdraw": {"approver", "platform_admin"},
}
FROM = {
    "open": {S.DRAFT},
    "close": {S.OPEN},
    "publish_summary": {S.CLOSED},
    "withdraw": {S.DRAFT, S.OPEN, S.CLOSED},
}
ROLES = [
    "editor",
    "reviewer",
    "approver",
    "clerk",
    "finance",
    "operator",
    "supervisor",
    "platform_admin",
    "enterprise_user",
    "other_editor",
    "other_approver",
    "platform",
]


@pytest.fixture
def people():
    return cast()


def _in_state(state, people) -> Consultation:
    consultation = Consultation.objects.create(
        title="关于促进科技成果转化的若干措施（征求意见稿）",
        department=people["own"],
        draft_text="<p>第一条</p>",
        summary="未收到意见。",
    )
    service.assign_ownership(consultation)
    ConsultationQuestion.objects.create(consultation=consultation, position=1, text="奖励标准是否合适？")
    if state != S.DRAFT:
        if state == S.WITHDRAWN:
            perform(consultation, "withdraw", by=people["approver"], reason=REASON)
        else:
            perform(consultation, "open", by=people["editor"])
            if state in (S.CLOSED, S.PUBLISHED):
                perform(consultation, "close", by=None)
            if state == S.PUBLISHED:
                perform(consultation, "publish_summary", by=people["editor"])
    consultation.refresh_from_db()
    assert consultation.status == state
    return consultation


@pytest.mark.parametrize("name", list(WHO))
@pytest.mark.parametrize("state", list(S.values))
def test_who_may_perform_what_from_which_state(state, name, people):
    consultation = _in_state(state, people)
    expected = expected_outcomes(state, name, ROLES, WHO, FROM)
    assert {role: outcome(consultation, name, people[role], REASON) for role in ROLES} == expected


@pytest.mark.parametrize("state", list(S.values))
def test_each_role_is_offered_exactly_what_it_may_perform(state, people):
    consultation = _in_state(state, people)
    assert_offered_exactly(consultation, state, people, ROLES[:-1], WHO, FROM)
