"""Departments have their own groups; memberships put users into the department's and the role's group."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from portal.org.models import Membership, Role
from tests.factories.org import DepartmentFactory, EnterpriseUserFactory, MembershipFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def group_names(user):
    return set(user.groups.values_list("name", flat=True))


def test_creating_a_department_creates_its_group():
    department = DepartmentFactory(code="yc-kjj")
    assert department.group.name == "dept:yc-kjj"


def test_changing_a_department_code_renames_its_group():
    department = DepartmentFactory(code="yc-kjj")
    department.code = "yc-kjj2"
    department.save()
    department.group.refresh_from_db()
    assert department.group.name == "dept:yc-kjj2"


def test_deleting_a_department_deletes_its_group():
    department = DepartmentFactory(code="yc-tmp")
    department.delete()
    assert not Group.objects.filter(name="dept:yc-tmp").exists()


def test_membership_puts_the_user_in_the_department_group_and_the_role_group():
    membership = MembershipFactory(department=DepartmentFactory(code="yc-kjj"), role=Role.REVIEWER)
    assert group_names(membership.user) == {"dept:yc-kjj", "reviewer"}


def test_removing_a_membership_takes_the_user_out_of_both_groups():
    membership = MembershipFactory(department=DepartmentFactory(code="yc-kjj"), role=Role.REVIEWER)
    user = membership.user
    membership.delete()
    assert group_names(user) == set()


def test_changing_a_membership_role_moves_the_user_to_the_new_role_group():
    membership = MembershipFactory(role=Role.EDITOR)
    membership.role = Role.APPROVER
    membership.save()
    assert "approver" in group_names(membership.user)
    assert "editor" not in group_names(membership.user)


def test_same_role_in_two_departments_keeps_the_role_group_until_both_are_gone():
    user = StaffUserFactory()
    first = MembershipFactory(user=user, department=DepartmentFactory(code="a"), role=Role.EDITOR)
    MembershipFactory(user=user, department=DepartmentFactory(code="b"), role=Role.EDITOR)
    first.delete()
    assert group_names(user) == {"dept:b", "editor"}


def test_groups_the_portal_does_not_manage_are_left_alone():
    user = StaffUserFactory()
    user.groups.add(Group.objects.create(name="培训班"))
    MembershipFactory(user=user, role=Role.CLERK).delete()
    assert group_names(user) == {"培训班"}


def test_an_enterprise_user_cannot_be_a_department_member():
    membership = Membership(user=EnterpriseUserFactory(), department=DepartmentFactory(), role=Role.EDITOR)
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "只有工作人员账号" in str(error.value)


def test_the_same_role_twice_in_one_department_is_refused_by_the_database():
    membership = MembershipFactory()
    with pytest.raises(ValidationError):
        Membership(user=membership.user, department=membership.department, role=membership.role).full_clean()
