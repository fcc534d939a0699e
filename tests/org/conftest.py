import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The demo and login tests hash real passwords; the production hasher would take seconds each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
