"""Passwords may not contain the phone; old verification codes are purged."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.accounts import services, verification
from portal.accounts.models import User, VerificationCode
from portal.accounts.tasks import purge_verification_codes

pytestmark = pytest.mark.django_db


def test_a_password_containing_the_phone_is_refused():
    with pytest.raises(ValidationError, match="密码不能包含手机号"):
        services.create_enterprise_user("13866667777", "Ab#13866667777", "张三")

    assert not User.objects.filter(phone_digest__isnull=False).exists()


def test_enterprise_usernames_are_generated_and_never_the_phone():
    user = services.create_enterprise_user("13866667777", "Hq#2026-mima", "张三")

    assert user.username.startswith("u")
    assert "66667777" not in user.username


def test_codes_older_than_thirty_days_are_purged(sms_template):
    old = verification.issue_code("13866667777", VerificationCode.Purpose.REGISTER)
    VerificationCode.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=31), expires_at=timezone.now() - timedelta(days=30, hours=23)
    )
    recent = verification.issue_code("13866668888", VerificationCode.Purpose.REGISTER)

    assert purge_verification_codes() == 1
    assert list(VerificationCode.objects.all()) == [recent]
