"""The back office: staff only, and with a TOTP second factor when STAFF_OTP_REQUIRED."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories.accounts import PASSWORD, EnterpriseUserFactory, StaffUserFactory, SuperuserFactory

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"


def current_token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def admin_login(client, user, token=""):
    return client.post(
        reverse("admin:login"), {"username": user.username, "password": PASSWORD, "otp_token": token, "next": ADMIN}
    )


@pytest.fixture
def otp_on(settings):
    settings.STAFF_OTP_REQUIRED = True


def test_an_enterprise_user_is_turned_away_from_the_admin(client):
    client.force_login(EnterpriseUserFactory())

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_an_enterprise_user_cannot_sign_in_to_the_admin(client):
    user = EnterpriseUserFactory()

    response = admin_login(client, user)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_enterprise_user_cannot_open_the_totp_page(client):
    client.force_login(EnterpriseUserFactory())

    assert client.get(reverse("accounts:otp_setup")).status_code == 403


def test_without_the_otp_requirement_staff_sign_in_with_a_password(client):
    staff = StaffUserFactory()

    admin_login(client, staff)

    assert client.get(ADMIN).status_code == 200


def test_with_the_otp_requirement_a_password_alone_does_not_open_the_admin(client, otp_on):
    staff = StaffUserFactory(totp=True)

    response = admin_login(client, staff)

    assert "请输入身份验证器中的动态验证码" in response.content.decode()
    assert client.get(ADMIN).status_code == 302


def test_a_wrong_token_is_refused(client, otp_on):
    staff = StaffUserFactory(totp=True)
    token = current_token(staff.totpdevice_set.get())
    wrong = f"{(int(token) + 1) % 1000000:06d}"

    response = admin_login(client, staff, wrong)

    assert "动态验证码错误" in response.content.decode()
    assert client.get(ADMIN).status_code == 302


def test_a_verified_device_lets_staff_in(client, otp_on):
    staff = SuperuserFactory(totp=True)

    admin_login(client, staff, current_token(staff.totpdevice_set.get()))

    assert client.get(ADMIN).status_code == 200


def test_a_session_signed_in_without_a_device_reaches_only_enrolment(client, otp_on):
    staff = StaffUserFactory()
    client.force_login(staff)

    assert client.get(ADMIN).status_code == 302
    assert client.get(reverse("admin:login")).url == reverse("accounts:otp_setup")


def test_staff_enrol_a_device_with_its_first_token_and_are_then_verified(client, otp_on):
    staff = SuperuserFactory()
    admin_login(client, staff)

    page = client.get(reverse("accounts:otp_setup"))
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    response = client.post(reverse("accounts:otp_setup"), {"token": current_token(device)})

    assert response.url == reverse("admin:index")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(ADMIN).status_code == 200


def test_a_wrong_first_token_does_not_confirm_the_device(client, otp_on):
    staff = StaffUserFactory()
    client.force_login(staff)
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=staff)

    response = client.post(
        reverse("accounts:otp_setup"), {"token": "000000" if current_token(device) != "000000" else "111111"}
    )

    assert "动态验证码错误" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_an_unverified_session_cannot_add_a_second_device(client, otp_on):
    staff = StaffUserFactory(totp=True)
    client.force_login(staff)

    assert client.get(reverse("accounts:otp_setup")).status_code == 403


@pytest.mark.parametrize("name", ["周建华", ""])
def test_an_enterprise_user_at_the_back_office_is_named_by_name_or_masked_phone_never_username(client, name):
    user = EnterpriseUserFactory(name=name, phone="13800138000")
    client.force_login(user)

    page = client.get(reverse("admin:login")).content.decode()

    assert user.username not in page
    assert (name or "138****8000") in page
