import pytest

from portal.org.services import sync_roles


@pytest.fixture(scope="session", autouse=True)
def _roles_as_declared(django_db_setup, django_db_blocker):
    """A reused test database keeps the role groups of the day it was created; bring them up to roles.py."""
    with django_db_blocker.unblock():
        sync_roles()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The demo and login tests hash real passwords; the production hasher would take seconds each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
