"""Every (state × transition × role) of the payout and batch lifecycles: allowed, or refused with a Chinese message.

Written by hand from the rules, not read from `payouts.workflow`: the batch steps (编入批次, 复核, 报送, 回单) are
the platform's, applied by the services for the finance officer who acts; holds, releases, cancellations and
corrections are the paying finance department's; a batch is checked by an officer of its department other than
its maker (四眼原则); nobody else — the matter's department, another finance department, supervisors, platform
admins, enterprises — moves money.
"""

import pytest

from payouts import services
from payouts.models import BatchState, Payout, PayoutBatch, PayoutState
from payouts.workflow import BATCH, PAYOUT
from portal.org.roles import Role
from tests.factories.accounts import SuperuserFactory
from tests.factories.applications import published_matter
from tests.factories.org import CountyFactory
from tests.factories.payouts import finance_of, finance_officers, to_payout
from tests.factories.policies import member
from tests.workflow_matrix import assert_offered_exactly, expected_outcomes, outcome

pytestmark = pytest.mark.django_db

P, B = PayoutState, BatchState
PAYER = {"maker", "checker"}
ROLES = [
    "maker",
    "checker",
    "other_finance",
    "matter_approver",
    "supervisor",
    "platform_admin",
    "enterprise_user",
    "platform",
]

PAYOUT_WHO = {
    # whole batches and result files only, through the services (tests/payouts/test_services.py): one payout alone,
    # never — not even by the platform
    "batch": set(),
    "approve": set(),
    "send": set(),
    "unbatch": set(),
    "pay": set(),
    "fail": set(),
    "correct": PAYER | {"platform"},
    "hold": PAYER,
    "release": PAYER,
    "cancel": PAYER,
}
PAYOUT_FROM = {
    "batch": {P.PENDING, P.CORRECTED},
    "approve": {P.BATCHED},
    "send": {P.APPROVED},
    "unbatch": {P.BATCHED},
    "pay": {P.SENT},
    "fail": {P.SENT},
    "correct": {P.FAILED},
    "hold": {P.PENDING, P.CORRECTED},
    "release": {P.HELD},
    "cancel": {P.PENDING, P.HELD, P.FAILED},
}
BATCH_WHO = {"approve": {"checker"}, "send": PAYER, "settle": {"platform"}, "cancel": PAYER}
BATCH_FROM = {"approve": {B.DRAFT}, "send": {B.APPROVED}, "settle": {B.SENT}, "cancel": {B.DRAFT}}


@pytest.fixture
def world():
    matter = published_matter()
    finance = finance_of(matter.region)
    maker, checker = finance_officers(finance)
    application = to_payout(matter)
    services.open_payouts()
    payout = Payout.objects.get(application=application)
    # the account the bank returned differs from the enterprise's current one, so 更正 has something to correct
    Payout.objects.filter(pk=payout.pk).update(payee_name="被退回的户名")
    batch = PayoutBatch.objects.create(
        number="PC-MATRIX", department=finance, funding_source=payout.funding_source, created_by=maker
    )
    people = {
        "maker": maker,
        "checker": checker,
        "other_finance": finance_officers(finance_of(CountyFactory()), 1)[0],
        "matter_approver": member(matter.department, Role.APPROVER),
        "supervisor": member(finance, Role.SUPERVISOR),
        "platform_admin": SuperuserFactory(),
        "enterprise_user": application.enterprise.members.get().user,
        "platform": None,
    }
    return payout, batch, people


def _as(state, obj, field="state", **extra):
    type(obj).objects.filter(pk=obj.pk).update(**{field: state}, **extra)
    obj.refresh_from_db()
    return obj


@pytest.mark.parametrize("state", list(P))
def test_every_payout_transition_from_every_state_for_every_role(world, state):
    payout, batch, people = world
    paid = {"paid_on": payout.approved_on, "bank_reference": "BK0001"} if state == P.PAID else {}
    payout = _as(state, payout, batch=batch if state in (P.BATCHED, P.APPROVED, P.SENT, P.PAID) else None, **paid)
    for name in PAYOUT_WHO:
        expected = expected_outcomes(state, name, ROLES, PAYOUT_WHO, PAYOUT_FROM)
        actual = {role: outcome(payout, name, people[role], "核实后办理，理由充分") for role in ROLES}
        assert actual == expected, (state, name)
    assert_offered_exactly(
        payout, state, {r: people[r] for r in ROLES if r != "platform"}, ROLES[:-1], _manual(PAYOUT_WHO), PAYOUT_FROM
    )


@pytest.mark.parametrize("state", list(B))
def test_every_batch_transition_from_every_state_for_every_role(world, state):
    _payout, batch, people = world
    Payout.objects.update(state=P.PENDING, batch=None)
    batch = _as(state, batch)
    for name in BATCH_WHO:
        expected = expected_outcomes(state, name, ROLES, BATCH_WHO, BATCH_FROM)
        actual = {role: outcome(batch, name, people[role], "金额待复核") for role in ROLES}
        assert actual == expected, (state, name)
    assert_offered_exactly(
        batch, state, {r: people[r] for r in ROLES if r != "platform"}, ROLES[:-1], _manual(BATCH_WHO), BATCH_FROM
    )


def _manual(who):
    """What people are offered: the transitions people may do (the platform's are never offered)."""
    return {name: roles - {"platform"} for name, roles in who.items()}


def test_the_tables_name_every_transition():
    assert set(PAYOUT_WHO) == set(PAYOUT.transitions) and set(BATCH_WHO) == set(BATCH.transitions)
