"""Mainland mobile numbers (手机号): one normal form, one validator, one Chinese message.

The folding itself (full-width digits, spaces, separators, +86) is the
kernel's `portal.core.normalize.phone`; this module turns its refusal into
the ValidationError that forms, services and `portal.notify` expect.
"""

from django.core.exceptions import ValidationError

from portal.core import normalize

MOBILE_RE = normalize.MOBILE


def normalize_phone(value: object) -> str:
    """The 11-digit form of a mainland mobile number, or ValidationError.

    People type "+86 138 0013 8000", "0086-13800138000", "138-0013-8000" or,
    in full-width mode, "１３８ ００１３ ８０００"; all of them are the same number
    and must find the same account.
    """
    try:
        return normalize.phone(value)
    except normalize.NormalizeError as exc:
        raise ValidationError(str(exc), code="invalid_phone") from None


def is_phone(value: str | None) -> bool:
    try:
        normalize_phone(value)
    except ValidationError:
        return False
    return True
