"""Departments, their staff with the policy roles' permissions, and a policy owned by department A."""

import pytest
from django.contrib.auth.models import Group, Permission

from policies import services
from portal.org.models import Department, Role
from tests.factories.org import CityFactory, DepartmentFactory
from tests.factories.policies import PolicyFactory, member

# The model permissions the policy roles need (mirrored in the report to engineer B for portal/org/roles.py).
ROLE_POLICY_PERMISSIONS = {
    Role.EDITOR: [
        "view_policy",
        "add_policy",
        "change_policy",
        "submit_policy",
        "view_interpretation",
        "add_interpretation",
        "change_interpretation",
        "view_policyattachment",
        "add_policyattachment",
        "change_policyattachment",
        "delete_policyattachment",
        "view_policytagsuggestion",
        "change_policytagsuggestion",
    ],
    Role.APPROVER: [
        "view_policy",
        "change_policy",
        "approve_policy",
        "decide_offline",
        "view_interpretation",
        "change_interpretation",
        "view_policyofflinerequest",
    ],
}


@pytest.fixture(autouse=True)
def policy_role_permissions(db):
    for role, codenames in ROLE_POLICY_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="policies", codename__in=codenames))


@pytest.fixture
def dept_a():
    return DepartmentFactory(name="宜昌市科学技术局", code="kjj")


@pytest.fixture
def dept_b():
    return DepartmentFactory(name="宜昌市商务局", code="swj")


@pytest.fixture
def data_bureau():
    return DepartmentFactory(
        name="宜昌市政务服务和数据管理局", code="sjj", kind=Department.Kind.DATA_BUREAU, region=CityFactory()
    )


@pytest.fixture
def editor_a(dept_a):
    return member(dept_a, Role.EDITOR)


@pytest.fixture
def approver_a(dept_a):
    return member(dept_a, Role.APPROVER)


@pytest.fixture
def editor_b(dept_b):
    return member(dept_b, Role.EDITOR)


@pytest.fixture
def approver_b(dept_b):
    return member(dept_b, Role.APPROVER)


@pytest.fixture
def data_officer(data_bureau):
    return member(data_bureau, Role.APPROVER)


@pytest.fixture
def policy(dept_a):
    policy = PolicyFactory(lead_department=dept_a)
    services.assign_ownership(policy)
    return policy
