"""The province's unified identity login (OIDC): off by default, an adapter when enabled."""

import importlib

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

from portal.accounts.models import User
from portal.accounts.signals import identity_verified
from portal.core import crypto
from tests.factories.accounts import EnterpriseUserFactory

OIDC_SETTINGS = {
    "OIDC_ENABLED": True,
    "OIDC_RP_CLIENT_ID": "portal",
    "OIDC_RP_CLIENT_SECRET": "test-secret",
    "OIDC_RP_SIGN_ALGO": "HS256",
    "OIDC_RP_SCOPES": "openid profile phone",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://sso.example.gov.cn/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://sso.example.gov.cn/token",
    "OIDC_OP_USER_ENDPOINT": "https://sso.example.gov.cn/userinfo",
    "OIDC_CLAIM_PHONE": "phone_number",
    "OIDC_CLAIM_NAME": "name",
    "OIDC_CLAIM_USCC": "uscc",
    "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc_authentication_callback",
}


def reload_urls():
    import portal.accounts.urls
    import portal.urls

    importlib.reload(portal.accounts.urls)
    importlib.reload(portal.urls)
    clear_url_caches()


@pytest.fixture
def oidc_enabled():
    with override_settings(**OIDC_SETTINGS):
        reload_urls()
        yield
    reload_urls()


def test_the_oidc_urls_do_not_exist_by_default():
    with pytest.raises(NoReverseMatch):
        reverse("accounts:oidc_authentication_init")


@pytest.mark.django_db
def test_when_enabled_the_login_starts_at_the_provinces_identity_provider(client, oidc_enabled):
    response = client.get(reverse("accounts:oidc_authentication_init"))

    assert response.status_code == 302
    assert response.url.startswith("https://sso.example.gov.cn/authorize?")
    assert "client_id=portal" in response.url
    assert "redirect_uri=http%3A%2F%2Ftestserver%2Faccounts%2Foidc%2Fcallback%2F" in response.url


@pytest.mark.django_db
def test_when_enabled_the_login_page_offers_the_unified_login(client, oidc_enabled):
    page = client.get(reverse("accounts:login")).content.decode()

    assert reverse("accounts:oidc_authentication_init") in page


@pytest.mark.django_db
@override_settings(**OIDC_SETTINGS)
def test_a_new_identity_becomes_an_enterprise_user_without_a_local_password():
    from portal.accounts.oidc import ProvinceOIDCBackend

    received = []
    identity_verified.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="test-oidc")
    try:
        user = ProvinceOIDCBackend().create_user(
            {"sub": "x1", "phone_number": "+86 13612345678", "name": "李四", "uscc": "91420500ma4abcde1x"}
        )
    finally:
        identity_verified.disconnect(dispatch_uid="test-oidc")

    assert user.kind == User.Kind.ENTERPRISE
    assert user.phone == "13612345678"
    assert user.name == "李四"
    assert not user.has_usable_password()
    assert received[0]["uscc"] == "91420500MA4ABCDE1X"


@pytest.mark.django_db
@override_settings(**OIDC_SETTINGS)
def test_an_identity_with_a_registered_phone_finds_that_user():
    from portal.accounts.oidc import ProvinceOIDCBackend

    user = EnterpriseUserFactory(phone="13612345678")

    found = ProvinceOIDCBackend().filter_users_by_claims({"phone_number": "136 1234 5678"})

    assert list(found) == [user]
    assert user.phone_digest == crypto.digest("13612345678")


@pytest.mark.django_db
@override_settings(**OIDC_SETTINGS)
def test_claims_without_a_valid_phone_are_refused():
    from portal.accounts.oidc import ProvinceOIDCBackend

    assert not ProvinceOIDCBackend().verify_claims({"phone_number": "12345", "name": "王五"})
