"""Enterprise users sign in with phone + password; django-axes locks out repeated failures."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from portal.core import crypto
from tests.factories.accounts import PASSWORD, EnterpriseUserFactory, StaffUserFactory

PHONE = "13700001111"

pytestmark = pytest.mark.django_db


def login(client, phone=PHONE, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"phone": phone, "password": password})


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_an_enterprise_user_signs_in_with_phone_and_password(client):
    user = EnterpriseUserFactory(phone=PHONE)

    response = login(client, phone="+86 137-0000-1111")

    assert response.status_code == 302
    assert int(signed_in_user_id(client)) == user.pk


def test_a_wrong_password_is_refused_in_chinese(client):
    EnterpriseUserFactory(phone=PHONE)

    response = login(client, password="wrong-password")

    assert "手机号或密码错误" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_an_unknown_phone_gets_the_same_message(client):
    response = login(client, phone="13700002222")

    assert "手机号或密码错误" in response.content.decode()


def test_a_staff_account_cannot_sign_in_by_phone(client):
    staff = StaffUserFactory()
    staff.set_phone(PHONE)
    staff.save()

    response = login(client)

    assert "手机号或密码错误" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_after_the_failure_limit_even_the_right_password_is_locked_out(client, settings):
    EnterpriseUserFactory(phone=PHONE)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, password="wrong-password").status_code == 200

    assert login(client, password="wrong-password").status_code == 429
    response = login(client)

    assert response.status_code == 429
    assert signed_in_user_id(client) is None


def test_axes_counts_every_spelling_of_a_number_together_and_never_stores_it(client, settings):
    EnterpriseUserFactory(phone=PHONE)
    login(client, phone="137 0000 1111", password="wrong-password")
    login(client, phone="+8613700001111", password="wrong-password")

    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == 2
    assert attempt.username == "phone:" + crypto.digest(PHONE)
    assert PHONE not in attempt.post_data


def test_signing_in_resets_the_failure_count(client):
    EnterpriseUserFactory(phone=PHONE)
    login(client, password="wrong-password")

    login(client)

    assert not AccessAttempt.objects.exists()


def test_logout_is_post_only(client):
    user = EnterpriseUserFactory(phone=PHONE)
    client.force_login(user)

    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))

    assert signed_in_user_id(client) is None


def test_the_login_page_links_to_the_staff_back_office(client):
    page = client.get(reverse("accounts:login")).content.decode()

    assert reverse("admin:login") in page
    assert reverse("accounts:register") in page
