"""Staff as the demo creates them: one account per role, each a member of a real department.

No fixture here grants a permission: what a role may do comes from portal/org/roles.py
through `sync_roles`, exactly as in production.
"""

import contextlib

import pytest
from django.contrib.auth import get_user_model

from portal.org import demo as org_demo


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    """Signing in with a TOTP code is tested in tests/accounts; here staff are already signed in."""
    settings.STAFF_OTP_REQUIRED = False


@pytest.fixture
def demo_org(db):
    """The demo regions, departments and accounts (kjj_editor, kjj_reviewer, … platform_admin, one enterprise user)."""
    org_demo.load()


@pytest.fixture
def staff(demo_org):
    """The demo staff accounts by login: staff["kjj_editor"], staff["platform_admin"] …"""
    return staff_by_login()


def staff_by_login():
    users = get_user_model().objects.filter(username__in=[login for login, *_rest in org_demo.STAFF])
    return {user.username: user for user in users}


@pytest.fixture
def enterprise_user(demo_org):
    from portal.accounts.models import User

    return User.objects.get(kind=User.Kind.ENTERPRISE, name=org_demo.ENTERPRISE_NAME)


@pytest.fixture
def kjj(demo_org):
    """宜昌市科学技术局, where the demo editor, reviewer and approver work."""
    from portal.org.models import Department

    return Department.objects.get(code="yc-kjj")


@pytest.fixture
def draft_policy(kjj):
    """A draft of 市科技局, with one interpretation, owned by the department as the admin would grant it."""
    return make_draft_policy(kjj)


def make_draft_policy(kjj):
    from policies import services
    from tests.factories.policies import InterpretationFactory, PolicyFactory

    policy = PolicyFactory(lead_department=kjj, region=kjj.region)
    services.assign_ownership(policy)
    InterpretationFactory(policy=policy)
    return policy


@pytest.fixture
def published_policy(draft_policy, staff):
    """市科技局's policy taken through the workflow: submitted, signed off, approved and published."""
    return publish(draft_policy, staff)


def publish(draft_policy, staff):
    from policies import services

    editor, approver = staff["kjj_editor"], staff["kjj_approver"]
    services.submit(draft_policy, by=editor)
    for interpretation in draft_policy.interpretations.all():
        services.approve_interpretation(interpretation, by=approver)
    services.approve(draft_policy, by=approver)
    services.publish(draft_policy, by=approver)
    draft_policy.refresh_from_db()
    return draft_policy


@contextlib.contextmanager
def kept_for_the_module(django_db_blocker):
    """Data a whole module reads, written once and rolled back after its last test.

    Each test still runs in its own savepoint inside this transaction (pytest-django's `db`), so what a
    test writes is undone before the next one, exactly as when every test built the data itself. Staff
    passwords are hashed with the tests' fast hasher here too (the per-test setting is not active yet).
    """
    from django.db import transaction
    from django.test import override_settings

    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=hashers), transaction.atomic():
        yield
        transaction.set_rollback(True)
