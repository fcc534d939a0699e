"""Every (state × transition × role) of the application lifecycle: allowed, or refused with a Chinese message.

The expectations are written here by hand from the rules (无锡 §19–21: the matter's department pre-reviews and
accepts; each process step is decided by its own department and role; only the enterprise submits, supplements and
withdraws; the platform alone approves at once, publicizes and ends publicity), not read from
`applications.workflow` or `portal/org/roles.py`, so a wrong table or a wrong role fails this test.

The matter has two steps in department A: 初审 by a reviewer, then 复核 by the approver. `ACCEPTED` is the case at
the first step, `REVIEWING` at the second (the last). `APPROVED` lasts only until the after-commit effect publicizes
it, so it is set directly. `SUPPLEMENT` was requested during pre-review: the enterprise returns it to pre-review
(`resubmit`), never to a step (`resubmit_to_step` is refused to everyone there).
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from applications import services
from applications.models import Application, Status
from applications.workflow import APPLICATION, available, perform
from matters.models import StepRole
from portal.org.models import Department, Role
from tests.factories import files
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.org import DepartmentFactory
from tests.factories.policies import member
from tests.workflow_matrix import CHINESE

pytestmark = pytest.mark.django_db

S = Status
REASON = "经审核，材料与事实相符，同意办理。"
DEPARTMENT = {"reviewer", "approver", "platform_admin"}
APPROVER = {"approver", "platform_admin"}

# Who may perform each transition, per state it may leave (absent: refused to all from that state).
WHO = {
    "submit": {S.DRAFT: {"enterprise_user"}},
    "auto_approve": {},  # a 申报审批 matter is never approved automatically
    "start_pre_review": {S.SUBMITTED: DEPARTMENT},
    "request_supplement": {
        S.SUBMITTED: DEPARTMENT,
        S.PRE_REVIEW: DEPARTMENT,
        S.ACCEPTED: DEPARTMENT,
        S.REVIEWING: APPROVER,
    },
    "resubmit": {S.SUPPLEMENT: {"enterprise_user"}},
    "resubmit_to_step": {},
    "not_accept": {S.SUBMITTED: DEPARTMENT, S.PRE_REVIEW: DEPARTMENT},
    "accept": {S.SUBMITTED: DEPARTMENT, S.PRE_REVIEW: DEPARTMENT},
    "pass_step": {S.ACCEPTED: DEPARTMENT},
    "approve": {S.REVIEWING: APPROVER},
    "reject": {S.ACCEPTED: DEPARTMENT, S.REVIEWING: APPROVER},
    "publicize": {S.APPROVED: {"platform"}},
    "skip_publicity": {},  # only for a confidential matter
    "end_publicity": {},  # only once the publicity period has passed
    "raise_objection": {S.PUBLICITY: {"platform"}},
    "dismiss_objection": {S.OBJECTION: APPROVER},
    "uphold_objection": {S.OBJECTION: APPROVER},
    "mark_paid": {S.TO_PAYOUT: {"platform"}},
    "close": {S.PAID: {"platform"}},
    "withdraw": {
        state: {"enterprise_user"} for state in (S.SUBMITTED, S.PRE_REVIEW, S.SUPPLEMENT, S.ACCEPTED, S.REVIEWING)
    },
}

ROLES = [
    "editor",
    "reviewer",
    "approver",
    "other_reviewer",
    "other_approver",
    "clerk",
    "finance",
    "supervisor",
    "platform_admin",
    "enterprise_user",
    "other_enterprise_user",
    "platform",
]

OPTIONS = {
    "approve": {"approved_amount": "200000"},
    "request_supplement": {"items": [{"subject": "申报表", "problem": "defective", "detail": "联系电话有误"}]},
}


def test_the_table_names_every_transition():
    assert set(WHO) == set(APPLICATION.transitions)


@pytest.fixture
def world():
    own = DepartmentFactory(name="宜昌市科学技术局", code="kjj")
    other = DepartmentFactory(name="宜昌市商务局", code="swj", region=own.region)
    bureau = DepartmentFactory(name="宜昌市数据局", code="sjj", kind=Department.Kind.DATA_BUREAU, region=own.region)
    finance = DepartmentFactory(name="宜昌市财政局", code="czj", kind=Department.Kind.FINANCE, region=own.region)
    hall = DepartmentFactory(
        name="宜昌市政务服务中心", code="zwzx", kind=Department.Kind.SERVICE_HALL, region=own.region
    )
    from tests.factories.policies import PolicyFactory

    matter = published_matter(
        steps=[{"name": "初审", "role": StepRole.REVIEWER}, {"name": "复核", "role": StepRole.APPROVER, "days": 3}],
        policy=PolicyFactory(lead_department=own, region=own.region),
        department=own,
        region=own.region,
    )
    enterprise = enterprise_with_user()
    people = {
        "editor": member(own, Role.EDITOR),
        "reviewer": member(own, Role.REVIEWER),
        "approver": member(own, Role.APPROVER),
        "other_reviewer": member(other, Role.REVIEWER),
        "other_approver": member(other, Role.APPROVER),
        "clerk": member(hall, Role.CLERK),
        "finance": member(finance, Role.FINANCE),
        "supervisor": member(bureau, Role.SUPERVISOR),
        "platform_admin": member(bureau, Role.ADMIN),
        "enterprise_user": enterprise.user,
        "other_enterprise_user": enterprise_with_user().user,
        "platform": None,
    }
    return {"matter": matter, "enterprise": enterprise, "people": people}


PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [("submit", "enterprise_user")],
    S.PRE_REVIEW: [("submit", "enterprise_user"), ("start_pre_review", "reviewer")],
    S.SUPPLEMENT: [("submit", "enterprise_user"), ("start_pre_review", "reviewer"), ("request_supplement", "reviewer")],
    S.NOT_ACCEPTED: [("submit", "enterprise_user"), ("not_accept", "reviewer")],
    S.ACCEPTED: [("submit", "enterprise_user"), ("accept", "reviewer")],
    S.REVIEWING: [("submit", "enterprise_user"), ("accept", "reviewer"), ("pass_step", "reviewer")],
    S.REJECTED: [("submit", "enterprise_user"), ("accept", "reviewer"), ("reject", "reviewer")],
    S.PUBLICITY: [
        ("submit", "enterprise_user"),
        ("accept", "reviewer"),
        ("pass_step", "reviewer"),
        ("approve", "approver"),
    ],
}
PATHS[S.APPROVED] = PATHS[S.REVIEWING]
PATHS[S.OBJECTION] = [*PATHS[S.PUBLICITY], ("raise_objection", "platform")]
PATHS[S.TO_PAYOUT] = [*PATHS[S.PUBLICITY], ("end_publicity", "platform")]
PATHS[S.PAID] = [*PATHS[S.TO_PAYOUT], ("mark_paid", "platform")]
PATHS[S.CLOSED] = [*PATHS[S.PAID], ("close", "platform")]
PATHS[S.WITHDRAWN] = [("submit", "enterprise_user"), ("withdraw", "enterprise_user")]


def _in_state(state, world) -> Application:
    people = world["people"]
    user = people["enterprise_user"]
    application = services.start(world["enterprise"], world["matter"], by=user)
    services.update_form(application, {"contact_name": "李四", "contact_phone": "13800138000"}, by=user)
    for material in world["matter"].materials.filter(shared=False):
        services.attach(application, material, files.upload("材料.pdf", files.pdf()), by=user)
    for name, role in PATHS[state]:
        if name == "end_publicity":
            Application.objects.filter(pk=application.pk).update(publicity_to="2000-01-01")
        perform(application, name, by=people[role], reason=REASON, **OPTIONS.get(name, {}))
    if state == S.APPROVED:
        Application.objects.filter(pk=application.pk).update(status=S.APPROVED)
    application.refresh_from_db()
    assert application.status == state
    return application


def _outcome(application, name, user) -> str:
    with transaction.atomic():
        try:
            perform(application, name, by=user, reason=REASON, **OPTIONS.get(name, {}))
        except (PermissionDenied, ValidationError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            assert all(CHINESE.search(str(m)) for m in messages), messages
            return "refused"
        else:
            return "allowed"
        finally:
            transaction.set_rollback(True)


@pytest.mark.parametrize("state", list(S.values))
def test_who_may_perform_what_from_which_state(state, world):
    application = _in_state(state, world)
    people = world["people"]
    for name in WHO:
        expected = {role: "allowed" if role in WHO[name].get(state, set()) else "refused" for role in ROLES}
        actual = {role: _outcome(application, name, people[role]) for role in ROLES}
        assert actual == expected, name
    for role in ROLES[:-1]:
        offered = {t.name for t in available(application, people[role])}
        assert offered == {n for n in WHO if role in WHO[n].get(state, set())}, role
