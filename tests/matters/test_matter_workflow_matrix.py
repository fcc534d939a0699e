"""Every (state × transition × role) of the matter lifecycle: allowed, or refused with a Chinese message.

The expectations are written here by hand from the rules (宜昌 §20–24, 无锡 §11, "谁梳理、谁发布"), not
read from `matters.workflow` or `portal/org/roles.py`, so a wrong table or a wrong role fails this test.
The users are real members of real departments with only the permissions roles.py gives their role.
公布申报期限 (announce_window) needs a decided 期限待定 window, which none of these matters has: it is
refused to everyone here and tested with a decided window in test_matter_admin.py.
"""

import pytest

from matters.models import Matter
from matters.services import assign_matter_ownership
from portal.core.workflow import perform
from portal.org.models import Department, Role
from tests.factories.matters import complete_matter
from tests.factories.org import CityFactory, DepartmentFactory
from tests.factories.policies import EnterpriseUserFactory, PolicyFactory, member
from tests.workflow_matrix import assert_offered_exactly, expected_outcomes, outcome

pytestmark = pytest.mark.django_db

S = Matter.Status
REASON = "政策调整，该事项暂停受理，待新指南发布后重新上架。"

# Who may perform each transition on a matter of department A (the platform itself is `platform`).
WHO = {
    "submit": {"editor", "platform_admin"},
    "publish": {"approver", "platform_admin"},
    "reject": {"approver", "platform_admin"},
    "close": {"approver", "platform_admin", "platform"},
    "withdraw": {"approver", "platform_admin"},
    "revise": {"editor", "platform_admin"},
    "announce_window": set(),
}

FROM = {
    "submit": {S.DRAFT},
    "publish": {S.SUBMITTED},
    "reject": {S.SUBMITTED},
    "close": {S.PUBLISHED},
    "withdraw": {S.PUBLISHED, S.CLOSED},
    "revise": {S.CLOSED, S.WITHDRAWN},
    "announce_window": {S.PUBLISHED},
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
    """One user per role: department A implements the matter; department B is another department."""
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


def _in_state(state, people) -> Matter:
    """A matter of department A brought to `state` through the workflow itself (re-read from the database)."""
    own = people["own"]
    matter = complete_matter(
        policy=PolicyFactory(lead_department=own, region=own.region), department=own, region=own.region
    )
    assign_matter_ownership(matter, own)
    steps = {
        S.SUBMITTED: [("submit", "editor")],
        S.PUBLISHED: [("submit", "editor"), ("publish", "approver")],
        S.CLOSED: [("submit", "editor"), ("publish", "approver"), ("close", "platform")],
        S.WITHDRAWN: [("submit", "editor"), ("publish", "approver"), ("withdraw", "approver")],
    }
    for name, role in steps.get(state, []):
        perform(matter, name, by=people[role], reason=REASON)
    matter.refresh_from_db()
    assert matter.status == state
    return matter


@pytest.mark.parametrize("name", list(WHO))
@pytest.mark.parametrize("state", list(S.values))
def test_who_may_perform_what_from_which_state(state, name, people):
    matter = _in_state(state, people)
    expected = expected_outcomes(state, name, ROLES, WHO, FROM)
    assert {role: outcome(matter, name, people[role], REASON) for role in ROLES} == expected


@pytest.mark.parametrize("state", list(S.values))
def test_each_role_is_offered_exactly_what_it_may_perform(state, people):
    matter = _in_state(state, people)
    assert_offered_exactly(matter, state, people, ROLES[:-1], WHO, FROM)
