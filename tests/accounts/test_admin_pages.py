"""The back office's pages for users and verification codes."""

import pytest
from django.urls import reverse

from portal.accounts import verification
from portal.accounts.models import User, VerificationCode
from tests.factories.accounts import EnterpriseUserFactory, SuperuserFactory

PHONE = "13511112222"

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(SuperuserFactory())
    return client


def test_the_user_list_shows_phones_masked(admin_client):
    EnterpriseUserFactory(phone=PHONE)

    page = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()

    assert "135****2222" in page
    assert PHONE not in page


def test_a_full_phone_number_finds_its_user(admin_client):
    user = EnterpriseUserFactory(phone=PHONE)
    EnterpriseUserFactory()

    response = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "135 1111 2222"})

    assert list(response.context["cl"].result_list) == [user]


def test_an_enterprise_user_has_no_permission_fields(admin_client):
    user = EnterpriseUserFactory(phone=PHONE)

    page = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()

    assert 'name="is_superuser"' not in page
    assert 'name="groups"' not in page
    assert "135****2222" in page
    assert PHONE not in page


def test_accounts_added_in_the_back_office_are_staff(admin_client):
    admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "reviewer1",
            "name": "赵审核",
            "usable_password": "true",
            "password1": "Shenhe#2026x",
            "password2": "Shenhe#2026x",
        },
    )

    user = User.objects.get(username="reviewer1")
    assert user.kind == User.Kind.STAFF
    assert user.is_staff


def test_verification_codes_are_read_only(admin_client, sms_template):
    row = verification.issue_code(PHONE, VerificationCode.Purpose.REGISTER)

    assert admin_client.get(reverse("admin:accounts_verificationcode_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:accounts_verificationcode_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:accounts_verificationcode_delete", args=[row.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert VerificationCode.objects.filter(pk=row.pk).exists()
