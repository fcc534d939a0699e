"""Password reset by SMS code (找回密码) and password change (修改密码)."""

import pytest
from django.urls import reverse

from portal.accounts.models import User
from portal.notify.models import OutboxMessage
from tests.factories.accounts import PASSWORD, EnterpriseUserFactory, StaffUserFactory

from .conftest import CODE

PHONE = "15800005555"
NEW_PASSWORD = "Xin#mima2026"

pytestmark = pytest.mark.django_db


def request_reset(client, phone=PHONE):
    return client.post(reverse("accounts:password_reset_code"), {"phone": phone})


def confirm_reset(client, code=CODE, password=NEW_PASSWORD):
    return client.post(
        reverse("accounts:password_reset_confirm"), {"code": code, "password1": password, "password2": password}
    )


def test_a_password_is_reset_with_the_sms_code(client, known_code):
    user = EnterpriseUserFactory(phone=PHONE)

    assert request_reset(client).url == reverse("accounts:password_reset_confirm")
    response = confirm_reset(client)

    assert response.url == reverse("accounts:login")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert OutboxMessage.objects.get().params["code"] == CODE


def test_a_wrong_reset_code_changes_nothing(client, known_code):
    user = EnterpriseUserFactory(phone=PHONE)
    request_reset(client)

    response = confirm_reset(client, code="111111")

    assert "验证码错误" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_an_unregistered_phone_looks_the_same_but_gets_no_sms(client, known_code):
    response = request_reset(client)

    assert response.url == reverse("accounts:password_reset_confirm")
    assert not OutboxMessage.objects.exists()
    assert "验证码错误" in confirm_reset(client).content.decode()


def test_staff_passwords_cannot_be_reset_by_sms(client, known_code):
    staff = StaffUserFactory()
    staff.set_phone(PHONE)
    staff.save()

    request_reset(client)

    assert not OutboxMessage.objects.exists()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_a_signed_in_user_changes_the_password_and_stays_signed_in(client):
    user = EnterpriseUserFactory(phone=PHONE)
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    assert int(client.session["_auth_user_id"]) == user.pk


def test_changing_the_password_needs_the_old_one(client):
    user = EnterpriseUserFactory(phone=PHONE)
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert "旧密码不正确" in response.content.decode()
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_password_change_requires_sign_in(client):
    response = client.get(reverse("accounts:password_change"))

    assert response.url.startswith(reverse("accounts:login"))
