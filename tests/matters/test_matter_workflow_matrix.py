"""Every (state × transition × role) of the matter lifecycle: allowed, or refused with a Chinese message.

The expectations are written here by hand from the rules (宜昌 §20–24, 无锡 §11, "谁梳理、谁发布"), not
read from `matters.workflow` or `portal/org/roles.py`, so a wrong table or a wrong role fails this test.
The users are real members of real departments with only the permissions roles.py gives their role.
公布申报期限 (announce_window) needs a decided 期限待定 window, which none of these matters has: it is
refused to everyone here and tested with a decided window in test_matter_admin.py.
"""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from matters.models import Matter
from matters.services import assign_matter_ownership
from portal.core.workflow import TransitionNotAllowed, available, perform
from portal.org.models import Department, Role
from tests.factories.matters import complete_matter
from tests.factories.org import CityFactory, DepartmentFactory
from tests.factories.policies import EnterpriseUserFactory, PolicyFactory, member

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

CHINESE = re.compile(r"[\u4e00-\u9fff]")


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


def _outcome(matter, name, user) -> str:
    """ "allowed", or "refused" with a Chinese message; the attempt is rolled back either way."""
    with transaction.atomic():
        try:
            perform(matter, name, by=user, reason=REASON)
        except (TransitionNotAllowed, PermissionDenied, ValidationError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            assert all(CHINESE.search(m) for m in messages), messages
            return "refused"
        else:
            return "allowed"
        finally:
            transaction.set_rollback(True)


@pytest.mark.parametrize("name", list(WHO))
@pytest.mark.parametrize("state", list(S.values))
def test_who_may_perform_what_from_which_state(state, name, people):
    matter = _in_state(state, people)
    expected = {role: "allowed" if state in FROM[name] and role in WHO[name] else "refused" for role in ROLES}
    assert {role: _outcome(matter, name, people[role]) for role in ROLES} == expected


@pytest.mark.parametrize("state", list(S.values))
def test_each_role_is_offered_exactly_what_it_may_perform(state, people):
    matter = _in_state(state, people)
    for role in ROLES[:-1]:
        offered = {t.name for t in available(matter, people[role])}
        assert offered == {n for n in WHO if state in FROM[n] and role in WHO[n]}, role
