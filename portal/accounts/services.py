"""Creating and changing accounts (账号). One function per use case; each runs in a transaction."""

import secrets
import string

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal.core import crypto

from .models import User
from .phones import normalize_phone

PHONE_TAKEN = _("该手机号已注册，请直接登录")
_USERNAME_ALPHABET = string.ascii_lowercase + string.digits


def generate_username() -> str:
    """A meaningless login name for an enterprise user: the phone number must never appear in clear."""
    while True:
        username = "u" + "".join(secrets.choice(_USERNAME_ALPHABET) for _ in range(11))
        if not User.objects.filter(username=username).exists():
            return username


def phone_registered(phone: str) -> bool:
    return User.objects.filter(phone_digest=crypto.digest(normalize_phone(phone))).exists()


@transaction.atomic
def create_enterprise_user(phone: str, password: str | None, name: str) -> User:
    """Registers an enterprise user (企业用户) who signs in with `phone` and `password`.

    `password=None` makes an account without a usable password (one that
    signs in through the unified identity login only). The password is
    checked against AUTH_PASSWORD_VALIDATORS.
    """
    phone = normalize_phone(phone)
    if phone_registered(phone):
        raise ValidationError({"phone": PHONE_TAKEN}, code="phone_taken")
    user = User(username=generate_username(), kind=User.Kind.ENTERPRISE, name=name.strip())
    user.set_phone(phone)
    if password is None:
        user.set_unusable_password()
    else:
        password_validation.validate_password(password, user)
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def create_staff_user(username: str, password: str, name: str, *, phone: str | None = None) -> User:
    """Creates a member of staff (工作人员) who signs in to the back office; roles are granted separately."""
    user = User(username=username.strip(), kind=User.Kind.STAFF, is_staff=True, name=name.strip())
    if phone:
        phone = normalize_phone(phone)
        if phone_registered(phone):
            raise ValidationError({"phone": _("该手机号已被其他账号使用")}, code="phone_taken")
        user.set_phone(phone)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def _resettable(phone: str):
    """The active enterprise user with this phone: the only kind of account SMS may reset."""
    return User.objects.filter(
        phone_digest=crypto.digest(normalize_phone(phone)), kind=User.Kind.ENTERPRISE, is_active=True
    )


def can_reset_password(phone: str) -> bool:
    return _resettable(phone).exists()


@transaction.atomic
def reset_password(phone: str, password: str) -> User:
    """Sets a new password for the enterprise user with this phone (after its SMS code was checked).

    Staff passwords are reset by an administrator, never by SMS: the back
    office must not be one text message away.
    """
    user = _resettable(phone).select_for_update().get()
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user
