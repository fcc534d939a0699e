"""Registration (注册): phone → SMS code → name and password → signed in."""

import logging

import pytest
from django.urls import reverse

from portal.accounts.models import User, VerificationCode
from portal.core import crypto
from portal.notify.models import OutboxMessage
from tests.factories.accounts import PASSWORD, EnterpriseUserFactory

from .conftest import CODE, tables_containing

PHONE = "13912345678"

pytestmark = pytest.mark.django_db


def request_code(client, phone=PHONE):
    return client.post(reverse("accounts:register_code"), {"phone": phone})


def confirm(client, code=CODE, password=PASSWORD, name="王小明"):
    return client.post(
        reverse("accounts:register_confirm"),
        {"code": code, "name": name, "password1": password, "password2": password},
    )


def test_registering_creates_an_enterprise_user_and_signs_in(client, known_code, caplog):
    caplog.set_level(logging.DEBUG)

    assert request_code(client, "+86 139 1234 5678").url == reverse("accounts:register_confirm")
    response = confirm(client)

    assert response.status_code == 302
    user = User.objects.get(phone_digest=crypto.digest(PHONE))
    assert user.kind == User.Kind.ENTERPRISE
    assert user.phone == PHONE
    assert user.phone_digest == crypto.digest(PHONE)
    assert user.name == "王小明"
    assert PHONE not in user.username
    assert user.check_password(PASSWORD)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert OutboxMessage.objects.get().params["code"] == CODE
    assert VerificationCode.objects.get().used_at is not None
    # Not even the SMS outbox keeps the code or the number in clear (it encrypts text and parameters).
    assert tables_containing(CODE) == []
    assert tables_containing(PHONE) == []
    assert CODE not in caplog.text
    assert PHONE not in caplog.text


def test_the_confirm_page_shows_the_phone_masked(client, known_code):
    request_code(client)

    page = client.get(reverse("accounts:register_confirm")).content.decode()

    assert "139****5678" in page
    assert PHONE not in page


def test_a_wrong_code_creates_no_account(client, known_code):
    request_code(client)

    response = confirm(client, code="000000")

    assert response.status_code == 200
    assert "验证码错误" in response.content.decode()
    assert not User.objects.filter(kind=User.Kind.ENTERPRISE, phone_digest__isnull=False).exists()


def test_a_weak_password_is_refused_in_chinese_and_keeps_the_code(client, known_code):
    request_code(client)

    response = confirm(client, password="12345678")

    assert "这个密码太常见了" in response.content.decode() or "密码全部为数字" in response.content.decode()
    assert not User.objects.filter(kind=User.Kind.ENTERPRISE, phone_digest__isnull=False).exists()
    assert VerificationCode.objects.get().used_at is None


def test_a_malformed_phone_is_refused_in_chinese_and_no_sms_is_queued(client, sms_template):
    response = request_code(client, "1234567")

    assert response.status_code == 400
    assert "请输入正确的11位中国大陆手机号码" in response.content.decode()
    assert not OutboxMessage.objects.exists()


def test_a_registered_phone_cannot_register_again(client, known_code):
    EnterpriseUserFactory(phone=PHONE)

    response = request_code(client)

    assert "该手机号已注册" in response.content.decode()
    assert not OutboxMessage.objects.exists()


def test_asking_again_within_a_minute_is_refused(client, known_code):
    request_code(client)

    response = client.post(reverse("accounts:register_code"))  # the confirm page's "resend" button

    assert response.status_code == 400
    assert "发送过于频繁" in response.content.decode()
    assert OutboxMessage.objects.count() == 1


def test_the_send_code_endpoint_requires_post_with_csrf(sms_template):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    assert strict.get(reverse("accounts:register_code")).status_code == 405
    assert strict.post(reverse("accounts:register_code"), {"phone": PHONE}).status_code == 403
    assert not OutboxMessage.objects.exists()


def test_confirm_without_a_code_request_goes_back_to_step_one(client):
    response = client.get(reverse("accounts:register_confirm"))

    assert response.url == reverse("accounts:register")
