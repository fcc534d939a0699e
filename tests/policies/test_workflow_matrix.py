"""Every (state × transition × role) of the policy workflow: allowed, or refused with a Chinese message.

The expectations are written here by hand from the rules (宜昌 §17–§18 and
"谁制定、谁发布"), not read from `policies.workflow` or `portal/org/roles.py`,
so a wrong table or a wrong role fails this test. The users are real members
of real departments with only the permissions roles.py gives their role.
"""

import pytest

from policies import services
from policies.models import Policy
from portal.org.models import Department, Role
from tests.factories.org import CityFactory, DepartmentFactory
from tests.factories.policies import EnterpriseUserFactory, InterpretationFactory, PolicyFactory, member
from tests.workflow_matrix import assert_offered_exactly, expected_outcomes, outcome

pytestmark = pytest.mark.django_db

S = Policy.Status
REASON = "该政策已被省级新政策覆盖，继续展示会误导企业申报，特申请调整。"

# Who may perform each transition on a policy of department A (the platform itself is `platform`).
WHO = {
    "submit": {"editor", "platform_admin"},
    "approve": {"approver", "platform_admin"},
    "reject": {"approver", "platform_admin"},
    "publish": {"approver", "platform_admin"},
    "expire": {"platform"},
    "repeal": {"approver", "platform_admin"},
    "request_offline": {"approver", "platform_admin"},
    # Early offline is verified by the data bureau of the same level, not by the platform's administrators (§18).
    "approve_offline": {"data_bureau"},
    "reject_offline": {"data_bureau"},
    "take_offline": {"approver", "platform_admin", "platform"},
    "revise": {"editor", "platform_admin"},
}

# From which states each transition may happen.
FROM = {
    "submit": {S.DRAFT},
    "approve": {S.SUBMITTED},
    "reject": {S.SUBMITTED, S.APPROVED},
    "publish": {S.APPROVED},
    "expire": {S.PUBLISHED, S.OFFLINE_REQUESTED},
    "repeal": {S.PUBLISHED, S.OFFLINE_REQUESTED},
    "request_offline": {S.PUBLISHED},
    "approve_offline": {S.OFFLINE_REQUESTED},
    "reject_offline": {S.OFFLINE_REQUESTED},
    "take_offline": {S.EXPIRED, S.REPEALED},
    "revise": {S.OFFLINE},
}

ROLES = [
    "editor",
    "reviewer",
    "approver",
    "data_bureau",
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
    """One user per role: department A owns the policy; department B is another policy department."""
    city = CityFactory()
    own = DepartmentFactory(name="宜昌市科学技术局", code="kjj", region=city)
    other = DepartmentFactory(name="宜昌市商务局", code="swj", region=city)
    bureau = DepartmentFactory(
        name="宜昌市政务服务和数据管理局", code="sjj", kind=Department.Kind.DATA_BUREAU, region=city
    )
    finance = DepartmentFactory(name="宜昌市财政局", code="czj", kind=Department.Kind.FINANCE, region=city)
    hall = DepartmentFactory(name="宜昌市政务服务中心", code="zwzx", kind=Department.Kind.SERVICE_HALL, region=city)
    ops = DepartmentFactory(name="宜昌市城运中心", code="cyzx", kind=Department.Kind.OPERATIONS, region=city)
    return {
        "own": own,
        "editor": member(own, Role.EDITOR),
        "reviewer": member(own, Role.REVIEWER),
        "approver": member(own, Role.APPROVER),
        "data_bureau": member(bureau, Role.APPROVER),
        "clerk": member(hall, Role.CLERK),
        "finance": member(finance, Role.FINANCE),
        "operator": member(ops, Role.OPERATOR),
        "supervisor": member(bureau, Role.SUPERVISOR),
        "platform_admin": member(bureau, Role.ADMIN),
        "enterprise_user": EnterpriseUserFactory(),
        "other_editor": member(other, Role.EDITOR),
        "other_approver": member(other, Role.APPROVER),
        "platform": None,
    }


def _in_state(state, people) -> Policy:
    """A policy of department A brought to `state` through the workflow itself (re-read from the database)."""
    policy = _walk_to(state, people)
    policy.refresh_from_db()
    assert policy.status == state
    return policy


def _walk_to(state, people) -> Policy:
    editor, approver = people["editor"], people["approver"]
    policy = PolicyFactory(lead_department=people["own"])
    services.assign_ownership(policy)
    if state == S.DRAFT:
        return policy
    services.submit(policy, by=editor)
    if state == S.SUBMITTED:
        return policy
    services.approve(policy, by=approver)
    services.approve_interpretation(InterpretationFactory(policy=policy), by=approver)
    if state == S.APPROVED:
        return policy
    services.publish(policy, by=approver)
    if state == S.PUBLISHED:
        return policy
    if state == S.OFFLINE_REQUESTED:
        services.request_offline(policy, by=approver, reason=REASON)
    elif state == S.REPEALED:
        services.repeal(policy, by=approver)
    else:
        services.expire(policy)
        if state == S.OFFLINE:
            services.take_offline(policy)
    return policy


@pytest.mark.parametrize("name", list(WHO))
@pytest.mark.parametrize("state", list(S.values))
def test_who_may_perform_what_from_which_state(state, name, people):
    policy = _in_state(state, people)
    expected = expected_outcomes(state, name, ROLES, WHO, FROM)
    assert {role: outcome(policy, name, people[role], REASON) for role in ROLES} == expected


@pytest.mark.parametrize("state", list(S.values))
def test_each_role_is_offered_exactly_what_it_may_perform(state, people):
    policy = _in_state(state, people)
    assert_offered_exactly(policy, state, people, ROLES[:-1], WHO, FROM)
