"""Every (state × transition × role) of the appeal lifecycle: allowed, or refused with a Chinese message.

Written by hand from the rules (宜昌 §36, 常州 §29), not read from `appeals.workflow`: the operators of the ticket's
own operations centre accept, reject, dispatch and answer consultations directly; the reviewers and approvers of the
department it is dispatched to sign, return, ask for information and reply; the submitter (and the platform, relaying
a 12345 caller or a signed SMS link) evaluates, reopens once and supplies information, which an operator may also
record for a caller; the platform alone closes a ticket nobody evaluated. Nobody else — another centre, another
department, another enterprise, supervisors, platform admins — moves a ticket. Each state is reached by the real
transitions, so its clocks are those the loop leaves.
"""

import pytest

from appeals.models import AppealState, ExtensionState
from appeals.services import request_extension
from appeals.workflow import APPEAL, EXTENSION
from portal.core.workflow import perform
from portal.org.roles import Role
from tests.factories.accounts import SuperuserFactory
from tests.factories.appeals import centre_of, department, handler_of, operator_of, portal_appeal
from tests.factories.applications import enterprise_with_user
from tests.factories.org import CityFactory, ProvinceFactory
from tests.factories.policies import member
from tests.workflow_matrix import assert_offered_exactly, expected_outcomes, outcome

pytestmark = pytest.mark.django_db

S = AppealState
ROLES = [
    "operator",
    "other_operator",
    "handler",
    "approver",
    "other_handler",
    "submitter",
    "other_enterprise",
    "supervisor",
    "platform_admin",
    "platform",
]
HANDLERS = {"handler", "approver"}

WHO = {
    "accept": {"operator"},
    "reject": {"operator"},
    "dispatch": {"operator"},
    "answer": {"operator"},
    "sign": HANDLERS,
    "return": HANDLERS,
    "request_info": HANDLERS,
    "supply_info": {"operator", "submitter", "platform"},
    "reply": HANDLERS,
    "evaluate": {"submitter", "platform"},
    "reopen": {"submitter", "platform"},
    "lapse": {"platform"},
    "withdraw": {"submitter", "platform"},
}
FROM = {
    "accept": {S.SUBMITTED},
    "reject": {S.SUBMITTED},
    "dispatch": {S.ACCEPTED, S.RETURNED},
    "answer": {S.ACCEPTED},
    "sign": {S.DISPATCHED},
    "return": {S.DISPATCHED, S.HANDLING},
    "request_info": {S.HANDLING},
    "supply_info": {S.WAITING},
    "reply": {S.HANDLING},
    "evaluate": {S.REPLIED},
    "reopen": {S.REPLIED},
    "lapse": {S.REPLIED},
    "withdraw": {S.SUBMITTED, S.ACCEPTED},
}
# The path that reaches each state, from a fresh portal complaint.
PATH = {
    S.SUBMITTED: [],
    S.REJECTED: ["reject"],
    S.WITHDRAWN: ["withdraw"],
    S.ACCEPTED: ["accept"],
    S.DISPATCHED: ["accept", "dispatch"],
    S.RETURNED: ["accept", "dispatch", "return"],
    S.HANDLING: ["accept", "dispatch", "sign"],
    S.WAITING: ["accept", "dispatch", "sign", "request_info"],
    S.REPLIED: ["accept", "dispatch", "sign", "reply"],
    S.CLOSED: ["accept", "dispatch", "sign", "reply", "evaluate"],
}
REASON = "经核实，情况如下：已按规定办理完毕。"


@pytest.fixture
def world():
    appeal = portal_appeal(kind="complaint")
    centre = centre_of(appeal.region.parent)
    dept, other_dept = department("市科技局"), department("市经信局")
    other_city = CityFactory(code="420600", name="襄阳市", parent=ProvinceFactory())
    people = {
        "operator": operator_of(centre),
        "other_operator": operator_of(centre_of(other_city)),
        "handler": handler_of(dept),
        "approver": handler_of(dept, Role.APPROVER),
        "other_handler": handler_of(other_dept),
        "submitter": appeal.submitted_by,
        "other_enterprise": enterprise_with_user().user,
        "supervisor": member(centre, Role.SUPERVISOR),
        "platform_admin": SuperuserFactory(),
        "platform": None,
    }
    return appeal, dept, other_dept, people


def _options(name, other_dept):
    if name == "dispatch":
        return {"department": other_dept}
    if name in {"evaluate", "reopen"}:
        return {"satisfaction": "satisfied" if name == "evaluate" else "unsatisfied"}
    return {}


def _reach(appeal, state, dept, people):
    by = {
        "accept": people["operator"],
        "reject": people["operator"],
        "dispatch": people["operator"],
        "sign": people["handler"],
        "return": people["handler"],
        "request_info": people["handler"],
        "reply": people["handler"],
        "evaluate": people["submitter"],
        "withdraw": people["submitter"],
    }
    for name in PATH[state]:
        options = {"department": dept} if name == "dispatch" else {}
        if name == "evaluate":
            options = {"satisfaction": "satisfied"}
        perform(appeal, name, by=by[name], reason=REASON, **options)
    appeal.refresh_from_db()
    assert appeal.status == state
    return appeal


@pytest.mark.parametrize("state", list(S))
def test_every_appeal_transition_from_every_state_for_every_role(world, state):
    appeal, dept, other_dept, people = world
    appeal = _reach(appeal, state, dept, people)
    for name in WHO:
        expected = expected_outcomes(state, name, ROLES, WHO, FROM)
        actual = {role: outcome(appeal, name, people[role], REASON, **_options(name, other_dept)) for role in ROLES}
        assert actual == expected, (state, name)
    manual = {name: roles - {"platform"} for name, roles in WHO.items()}
    assert_offered_exactly(appeal, state, {r: people[r] for r in ROLES[:-1]}, ROLES[:-1], manual, FROM)


EXTENSION_WHO = {"approve": {"operator"}, "refuse": {"operator"}}
EXTENSION_FROM = {"approve": {ExtensionState.PENDING}, "refuse": {ExtensionState.PENDING}}


@pytest.mark.parametrize("state", list(ExtensionState))
def test_every_extension_decision_from_every_state_for_every_role(world, state):
    appeal, dept, _other, people = world
    appeal = _reach(appeal, S.HANDLING, dept, people)
    request = request_extension(appeal, days=3, reason="需要调取历年拨付记录", by=people["handler"])
    type(request).objects.filter(pk=request.pk).update(status=state)
    request.refresh_from_db()
    for name in EXTENSION_WHO:
        expected = expected_outcomes(state, name, ROLES, EXTENSION_WHO, EXTENSION_FROM)
        actual = {role: outcome(request, name, people[role], "同意延期三个工作日") for role in ROLES}
        assert actual == expected, (state, name)
    people_ = {r: people[r] for r in ROLES[:-1]}
    assert_offered_exactly(request, state, people_, ROLES[:-1], EXTENSION_WHO, EXTENSION_FROM)


def test_the_tables_name_every_transition():
    assert set(WHO) == set(APPEAL.transitions) and set(FROM) == set(WHO)
    assert set(EXTENSION_WHO) == set(EXTENSION.transitions)
    assert set(PATH) == set(S)
