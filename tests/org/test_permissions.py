"""`can`, `scope` and `grant_to_department` beyond the matrix: the cases that decide who sees what."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.views.generic import DetailView

from portal.org.admin_mixins import DepartmentObjectMixin
from portal.org.models import Department, Role
from portal.org.permissions import can, grant_to_department, owning_departments, revoke_from_department, scope
from tests.factories.org import DepartmentFactory, EnterpriseUserFactory, StaffUserFactory, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def department_a():
    return DepartmentFactory(code="a")


@pytest.fixture
def department_b():
    return DepartmentFactory(code="b")


@pytest.fixture
def reviewers_may_change_departments():
    """Departments serve as the owned objects here. roles.py lets only admins change them, so the
    reviewer role is lent the model permissions for one test (rolled back with it)."""
    Group.objects.get(name=Role.REVIEWER).permissions.add(
        *Permission.objects.filter(content_type__app_label="org", codename__endswith="_department")
    )


def test_an_enterprise_user_may_do_nothing_even_in_a_role_group(department_a):
    user = EnterpriseUserFactory()
    user.groups.add(Group.objects.get(name=Role.ADMIN))
    assert not can(user, "org.view_department")
    assert not scope(user, Department.objects.all()).exists()


def test_a_superuser_may_do_everything(department_a):
    user = StaffUserFactory(is_superuser=True)
    assert can(user, "org.delete_department", department_a)
    assert scope(user, Department.objects.all(), "delete").count() == Department.objects.count()


def test_a_supervisor_sees_every_department_but_changes_none(department_a, department_b):
    supervisor = staff_member(department_a, Role.SUPERVISOR)
    assert set(scope(supervisor, Department.objects.all())) == {department_a, department_b}
    assert not scope(supervisor, Department.objects.all(), "change").exists()
    assert not can(supervisor, "org.change_department", department_a)


def test_scope_lists_only_what_the_users_department_owns(department_a, department_b):
    grant_to_department(department_a, department_a)
    grant_to_department(department_b, department_b)
    editor = staff_member(department_a, Role.EDITOR)
    assert list(scope(editor, Department.objects.all())) == [department_a]


def test_scope_ignores_ownership_without_the_roles_model_permission(department_a):
    grant_to_department(department_a, department_a, ["change"])
    editor = staff_member(department_a, Role.EDITOR)
    assert not scope(editor, Department.objects.all(), "change").exists()


def test_grant_with_named_actions_gives_only_those(department_a, department_b, reviewers_may_change_departments):
    grant_to_department(department_b, department_a, ["view"])
    reviewer = staff_member(department_a, Role.REVIEWER)
    assert can(reviewer, "org.view_department", department_b)
    assert not can(reviewer, "org.change_department", department_b)


def test_revoking_ends_ownership(department_a, department_b, reviewers_may_change_departments):
    grant_to_department(department_b, department_a)
    revoke_from_department(department_b, department_a)
    reviewer = staff_member(department_a, Role.REVIEWER)
    assert not can(reviewer, "org.view_department", department_b)
    assert not owning_departments(department_b).exists()


def test_owning_departments_names_the_owner(department_a, department_b):
    grant_to_department(department_b, department_a)
    assert list(owning_departments(department_b)) == [department_a]


def test_a_member_of_staff_leaving_the_department_loses_its_objects(department_a):
    grant_to_department(department_a, department_a)
    editor = staff_member(department_a, Role.EDITOR)
    editor.memberships.all().delete()
    assert not can(editor, "org.view_department", department_a)


def test_an_inactive_user_may_do_nothing(department_a):
    grant_to_department(department_a, department_a)
    editor = staff_member(department_a, Role.EDITOR, is_active=False)
    assert not can(editor, "org.view_department", department_a)


class DepartmentDetail(DepartmentObjectMixin, DetailView):
    model = Department
    template_name = "does-not-matter.html"


def test_the_view_mixin_refuses_another_departments_object(department_a, department_b):
    grant_to_department(department_b, department_b)
    request = RequestFactory().get("/")
    request.user = staff_member(department_a, Role.EDITOR)
    view = DepartmentDetail(request=request, kwargs={"pk": department_b.pk})
    with pytest.raises(PermissionDenied):
        view.get_object()


def test_the_view_mixin_returns_the_users_own_object(department_a):
    grant_to_department(department_a, department_a)
    request = RequestFactory().get("/")
    request.user = staff_member(department_a, Role.EDITOR)
    view = DepartmentDetail(request=request, kwargs={"pk": department_a.pk})
    assert view.get_object() == department_a
