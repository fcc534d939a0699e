"""Personal and financial data encrypted at rest, looked up by a keyed digest, masked on screen.

Phone numbers, ID numbers and bank accounts are stored with
`EncryptedCharField` (Fernet, keys from `FIELD_ENCRYPTION_KEYS`, newest first
so keys can be rotated). Because ciphertext cannot be searched, a model that
must find a row by such a value also stores `digest(value)` — an HMAC keyed
with SECRET_KEY-independent key material — in an indexed column.
"""

import hashlib
import hmac
import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.db import models


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.FIELD_ENCRYPTION_KEYS])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("无法解密：密钥不匹配或数据已损坏") from exc


@cache
def _digest_key(material: str) -> bytes:
    return hashlib.sha256(b"portal-digest:" + material.encode()).digest()


def digest(value: str) -> str:
    """A stable keyed hash of `value`, for exact-match lookups of encrypted data."""
    # Keyed by the key material itself, so a changed setting never meets a stale key.
    key = _digest_key(settings.FIELD_ENCRYPTION_KEYS[-1])
    return hmac.new(key, value.strip().encode(), hashlib.sha256).hexdigest()


class EncryptedCharField(models.TextField):
    """A text value stored encrypted; reads give the clear text back.

    It cannot be filtered on (store a `digest` beside it for that) and is
    never shown unmasked in a list: use the `mask_*` helpers.
    """

    description = "Encrypted text"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)


class EncryptedJSONField(models.Field):
    """A JSON value (dict, list, string, number…) stored encrypted as a whole; reads give the value back.

    The column is text holding one Fernet token, so unlike `JSONField` it
    cannot be filtered on, not even by key.
    """

    description = "Encrypted JSON"

    def get_internal_type(self):
        return "TextField"

    def get_lookup(self, lookup_name):
        # an equality lookup would compare with a fresh random ciphertext and silently match nothing
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return json.loads(decrypt(value))

    def get_prep_value(self, value):
        if value is None:
            return value
        return encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def value_to_string(self, obj):
        # serializers embed the value itself, as they do for JSONField
        return self.value_from_object(obj)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.JSONField, **kwargs})


def mask_phone(phone: str | None) -> str:
    """138****5678."""
    if not phone:
        return ""
    phone = phone.strip()
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"


def mask_id_number(number: str | None) -> str:
    """Resident ID: first 6 and last 4 kept, 420502********1234."""
    if not number:
        return ""
    number = number.strip()
    return number[:6] + "*" * max(len(number) - 10, 4) + number[-4:] if len(number) > 10 else "****"


def mask_bank_account(account: str | None) -> str:
    """Bank account: only the last 4 digits, **** **** **** 1234."""
    if not account:
        return ""
    digits = account.replace(" ", "")
    return "**** **** **** " + digits[-4:] if len(digits) > 4 else "****"


def mask_name(name: str | None) -> str:
    """Personal name: the surname kept, 张** / 欧阳*."""
    if not name:
        return ""
    name = name.strip()
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else name
