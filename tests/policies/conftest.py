"""Departments, their staff (with exactly the permissions roles.py gives their role), and a policy of department A."""

import pytest

from policies import services
from portal.org.models import Department, Role
from tests.factories.org import CityFactory, DepartmentFactory
from tests.factories.policies import PolicyFactory, member


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
