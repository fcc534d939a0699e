"""Published matters ready to be applied for, and applications on them."""

from decimal import Decimal

from matters.models import DeliveryKind, MatterStatus
from matters.services import assign_matter_ownership
from portal.core.workflow import perform
from portal.org.roles import Role
from tests.factories.enterprises import AnnualFigureFactory, EnterpriseFactory, EnterpriseMemberFactory
from tests.factories.matters import CriterionFactory, MaterialFactory, MatterFactory, ProcessStepFactory, RuleSetFactory
from tests.factories.org import DepartmentFactory
from tests.factories.policies import member


def published_matter(*, steps=1, delivery_kind=DeliveryKind.REVIEWED, materials=1, shared=0, criteria=None, **fields):
    """A published matter: one rule version (营业收入 ≥ 2000万 by default), `materials` required electronic
    materials plus `shared` 免提交 ones, and `steps` process steps (the second one in a second department) —
    or `steps` as a list of ProcessStep fields, one dict per step."""
    matter = MatterFactory(delivery_kind=delivery_kind, **fields)
    rule_set = RuleSetFactory(matter=matter, code=matter.code.lower(), name=f"{matter.name}申报条件")
    for spec in criteria or [{}]:
        CriterionFactory(rule_set=rule_set, **spec)
    for n in range(materials):
        MaterialFactory(matter=matter, name=f"申报材料{n + 1}", position=n + 1)
    for n in range(shared):
        MaterialFactory(matter=matter, name=f"共享材料{n + 1}", position=50 + n, shared=True, source="市场监管局")
    second = None
    if not isinstance(steps, int):
        for n, spec in enumerate(steps):
            ProcessStepFactory(matter=matter, position=n + 1, **{"days": 5, "department": matter.department, **spec})
        steps = 0
    for n in range(steps):
        department = matter.department
        if n == 1:
            second = DepartmentFactory(region=matter.region, name="宜昌市财政局")
            department = second
        ProcessStepFactory(matter=matter, position=n + 1, name=f"第{n + 1}环节审核", department=department, days=5)
    assign_matter_ownership(matter, matter.department)
    editor = member(matter.department, Role.EDITOR)
    approver = member(matter.department, Role.APPROVER)
    perform(matter, "submit", by=editor)
    perform(matter, "publish", by=approver)
    matter.refresh_from_db()
    assert matter.status == MatterStatus.PUBLISHED
    matter.second_department = second
    return matter


def enterprise_with_user(revenue=Decimal("5000.00"), **fields):
    """An enterprise with last year's figures (statistics bureau) and its 法定代表人's login."""
    enterprise = EnterpriseFactory(**fields)
    from django.utils import timezone

    AnnualFigureFactory(enterprise=enterprise, year=timezone.localdate().year - 1, revenue_wan=revenue)
    membership = EnterpriseMemberFactory(enterprise=enterprise)
    enterprise.user = membership.user
    return enterprise
