"""Mainland mobile numbers (手机号): one normal form, one validator, one Chinese message."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
INVALID_PHONE_MESSAGE = _("请输入正确的11位中国大陆手机号码")
_SEPARATORS = re.compile(r"[\s\-()（）]")


def normalize_phone(value: str | None) -> str:
    """The 11-digit form of a mainland mobile number, or ValidationError.

    People type "+86 138 0013 8000", "0086-13800138000" or "138-0013-8000";
    all of them are the same number and must find the same account.
    """
    phone = _SEPARATORS.sub("", value or "")
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix) :]
            break
    else:
        if len(phone) == 13 and phone.startswith("86"):
            phone = phone[2:]
    if not MOBILE_RE.match(phone):
        raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone")
    return phone


def is_phone(value: str | None) -> bool:
    try:
        normalize_phone(value)
    except ValidationError:
        return False
    return True
