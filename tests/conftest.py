import pytest


@pytest.fixture(scope="session", autouse=True)
def _roles_as_declared(django_db_setup, django_db_blocker):
    """A reused test database keeps the role groups of the day it was created; bring them up to roles.py."""
    from portal.org.services import sync_roles

    with django_db_blocker.unblock():
        sync_roles()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests hash many passwords; the production hasher would take a noticeable time for each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads in tests go to a temporary folder, never into var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": tmp_path / "media"}},
    }
