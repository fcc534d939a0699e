"""SMS verification codes (短信验证码), reusable for any purpose: registration, password reset, claiming an enterprise.

    issue_code(phone, purpose)          sends a fresh 6-digit code through the SMS outbox
    check_code(phone, purpose, code)    accepts it once, or raises ValidationError in Chinese

Rules: a code lives 5 minutes and allows 5 wrong tries; one code per phone
per 60 seconds and at most `VERIFICATION_CODES_PER_PHONE_PER_DAY` per phone a
day (Asia/Shanghai); a new code for the same purpose revokes the older one;
a code is spent once accepted. The code itself exists only in the SMS
outbox's parameters and the message sent: this table keeps a keyed hash, and
nothing here ever logs it.
"""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from portal.core import crypto
from portal.notify import services as notify

from .models import CODE_MAX_ATTEMPTS, VerificationCode
from .phones import normalize_phone

log = logging.getLogger(__name__)

Purpose = VerificationCode.Purpose

CODE_LIFETIME = timedelta(minutes=5)
RESEND_INTERVAL = timedelta(seconds=60)
SMS_TEMPLATE = "verify_code"
SMS_TEMPLATE_NAME = "短信验证码"
SMS_TEMPLATE_TEXT = "您的验证码为{code}，{minutes}分钟内有效。请勿泄露给他人，工作人员不会向您索取验证码。"

WRONG_CODE = _("验证码错误")
EXPIRED = _("验证码已过期，请重新获取")
TOO_MANY_ATTEMPTS = _("尝试次数过多，请重新获取验证码")
TOO_SOON = _("发送过于频繁，请{seconds}秒后再试")
DAILY_CAP = _("发送过于频繁：该手机号今日获取验证码次数已达上限，请明天再试")


def generate_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def _hash(digest: str, purpose: str, nonce: str, code: str) -> str:
    # Six digits are a tiny space: the hash is keyed (SECRET_KEY) and salted
    # per row, so a copy of this table alone does not reveal any code.
    return salted_hmac(
        "portal.accounts.verification", f"{purpose}:{digest}:{nonce}:{code}", algorithm="sha256"
    ).hexdigest()


def _lock_phone(digest: str) -> None:
    """Serialises issuing for one phone, so two quick requests cannot both pass the rate limits."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"vcode:{digest}"])


def issue_code(phone: str, purpose: str) -> VerificationCode:
    """Sends a new verification code for `purpose` to `phone` (queued in the SMS outbox, urgent).

    Raises ValidationError for a malformed number or when the phone's rate
    limits are reached; then nothing is written and nothing is sent.
    """
    phone = normalize_phone(phone)
    purpose = Purpose(purpose)
    digest = crypto.digest(phone)
    with transaction.atomic():
        _lock_phone(digest)
        now = timezone.now()
        start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        sent = VerificationCode.objects.filter(phone_digest=digest).aggregate(
            last=Max("created_at"), today=Count("pk", filter=Q(created_at__gte=start_of_day))
        )
        if sent["last"] and now - sent["last"] < RESEND_INTERVAL:
            wait = RESEND_INTERVAL - (now - sent["last"])
            raise ValidationError(TOO_SOON.format(seconds=max(1, int(wait.total_seconds()) + 1)), code="too_soon")
        if sent["today"] >= settings.VERIFICATION_CODES_PER_PHONE_PER_DAY:
            raise ValidationError(DAILY_CAP, code="daily_cap")

        VerificationCode.objects.filter(
            phone_digest=digest, purpose=purpose, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        code, nonce = generate_code(), secrets.token_hex(8)
        row = VerificationCode.objects.create(
            phone_digest=digest,
            purpose=purpose,
            code_hash=_hash(digest, purpose, nonce, code),
            nonce=nonce,
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
        notify.queue_sms(
            phone,
            SMS_TEMPLATE,
            {"code": code, "minutes": int(CODE_LIFETIME.total_seconds() // 60)},
            dedupe_key=f"verify:{purpose}:{digest}:{nonce}",
            urgent=True,
        )
    log.info("verification code issued", extra={"purpose": str(purpose), "phone": crypto.mask_phone(phone)})
    return row


def check_code(phone: str, purpose: str, code: str) -> VerificationCode:
    """Accepts `code` for `phone` and `purpose` once and spends it; raises ValidationError otherwise.

    A wrong guess is counted and committed before the error is raised, so
    call this outside any transaction that the error would roll back.
    """
    phone = normalize_phone(phone)
    purpose = Purpose(purpose)
    digest = crypto.digest(phone)
    code = (code or "").strip()
    error = None
    with transaction.atomic():
        row = (
            VerificationCode.objects.select_for_update()
            .filter(phone_digest=digest, purpose=purpose, used_at__isnull=True, revoked_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        now = timezone.now()
        if row is None:
            error = ValidationError(WRONG_CODE, code="wrong_code")
        elif row.attempts >= CODE_MAX_ATTEMPTS:
            error = ValidationError(TOO_MANY_ATTEMPTS, code="too_many_attempts")
        elif row.expires_at <= now:
            error = ValidationError(EXPIRED, code="expired")
        elif not (code.isdigit() and constant_time_compare(row.code_hash, _hash(digest, purpose, row.nonce, code))):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            if row.attempts >= CODE_MAX_ATTEMPTS:
                error = ValidationError(TOO_MANY_ATTEMPTS, code="too_many_attempts")
            else:
                error = ValidationError(WRONG_CODE, code="wrong_code")
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
    if error is not None:
        log.info("verification code rejected", extra={"purpose": str(purpose), "reason": error.code})
        raise error
    return row


def ensure_sms_templates() -> None:
    """Makes sure the SMS template the codes are sent with exists (run by the demo loader and migrations)."""
    notify.ensure_template(SMS_TEMPLATE, SMS_TEMPLATE_NAME, SMS_TEMPLATE_TEXT, urgent=True)
