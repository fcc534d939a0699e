"""The SMS dispatcher (短信发送): claims due outbox rows, sends them, records the answer.

Delivery guarantee, honestly: the outbox is at-least-once. A row is claimed
(`sending`, with a lease in `next_attempt_at`) and committed before the
provider is called, and the answer is recorded right after, row by row. If
the worker dies between the provider accepting a message and the answer
being recorded, the lease runs out and the row is sent again. Exactly-once
delivery therefore rests on the provider honouring our message id as an
idempotency key — the `http` gateway protocol requires it; Alibaba Cloud's
SendSms has no such key, so there a crash in that window can deliver twice.
The same dedupe key never produces a second row, so it is never queued twice.
"""

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboxMessage
from .providers import OutgoingSms, PermanentError, TemporaryError, get_provider
from .services import earliest_send_time, quiet_hours_end

log = logging.getLogger(__name__)

BATCH_SIZE = 10
Status = OutboxMessage.Status


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after the n-th failed attempt, at most a day."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 24 * 60))


def claim_due(limit: int = BATCH_SIZE) -> list[OutboxMessage]:
    """Claims up to `limit` due rows for this worker and marks them `sending`, in one short transaction.

    Due: queued rows whose time has come, and `sending` rows whose lease ran
    out (their worker died mid-send). SKIP LOCKED lets many workers claim at
    once without waiting for or double-claiming each other's rows. During
    quiet hours only urgent rows are claimed.
    """
    now = timezone.now()
    lease_until = now + dt.timedelta(seconds=settings.SMS_SENDING_LEASE_SECONDS)
    due = Q(status__in=[Status.QUEUED, Status.SENDING], next_attempt_at__lte=now)
    if quiet_hours_end(now) is not None:
        due &= Q(urgent=True)
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("template")
            .filter(due)
            .order_by("next_attempt_at")[:limit]
        )
        # A lease ran out on the last attempt: give up rather than loop forever.
        exhausted = [row.pk for row in rows if row.attempts >= settings.SMS_MAX_ATTEMPTS]
        claimed = [row for row in rows if row.attempts < settings.SMS_MAX_ATTEMPTS]
        if exhausted:
            OutboxMessage.objects.filter(pk__in=exhausted).update(
                status=Status.FAILED, last_error="发送中断且已达最大尝试次数"
            )
        if claimed:
            OutboxMessage.objects.filter(pk__in=[row.pk for row in claimed]).update(
                status=Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=lease_until
            )
        for row in claimed:
            row.status = Status.SENDING
            row.attempts += 1
            row.next_attempt_at = lease_until
    return claimed


def _record(row: OutboxMessage, **fields) -> bool:
    """Writes the outcome of the attempt this worker claimed, unless another worker took the row over."""
    return bool(OutboxMessage.objects.filter(pk=row.pk, status=Status.SENDING, attempts=row.attempts).update(**fields))


def redacted(error: str, sms: OutgoingSms) -> str:
    """A provider's error without what of ours it may echo: the phone and the parameter values (a verification code).

    Values shorter than four characters are left, so "5" (minutes) does not
    blank out "HTTP 500".
    """
    for secret in (sms.phone, *(str(value) for value in sms.params.values())):
        if len(secret) >= 4:
            error = error.replace(secret, "***")
    return error


def deliver(row: OutboxMessage, provider) -> str:
    """Sends one claimed row (outside any transaction or lock) and records the answer; returns the new status."""
    sms = OutgoingSms(
        message_id=str(row.message_id),
        phone=row.phone,
        text=row.text,
        template_code=row.template.code,
        provider_template_code=row.template.provider_template_code,
        params=row.params,
    )
    try:
        provider_id = provider.send(sms)
    except PermanentError as exc:
        error = redacted(str(exc), sms)
        _record(row, status=Status.FAILED, last_error=error[:1000], provider=provider.name)
        log.warning("sms failed", extra={"message_id": sms.message_id, "error": error})
        return Status.FAILED
    except Exception as exc:
        # TemporaryError and anything unexpected: retry later, never lose the row.
        error = redacted(str(exc) if isinstance(exc, TemporaryError) else f"{type(exc).__name__}: {exc}", sms)
        if row.attempts >= settings.SMS_MAX_ATTEMPTS:
            _record(row, status=Status.FAILED, last_error=error[:1000], provider=provider.name)
            log.warning("sms failed after retries", extra={"message_id": sms.message_id, "error": error})
            return Status.FAILED
        retry_at = earliest_send_time(timezone.now() + backoff(row.attempts), urgent=row.urgent)
        _record(row, status=Status.QUEUED, next_attempt_at=retry_at, last_error=error[:1000], provider=provider.name)
        return Status.QUEUED
    _record(
        row,
        status=Status.SENT,
        sent_at=timezone.now(),
        provider=provider.name,
        provider_message_id=provider_id[:128],
        last_error="",
    )
    return Status.SENT


def dispatch_due(max_batches: int | None = None) -> int:
    """Sends due messages batch by batch until none is due (or `max_batches` ran); returns how many were tried."""
    provider = get_provider()
    tried = batches = 0
    while max_batches is None or batches < max_batches:
        rows = claim_due()
        if not rows:
            break
        batches += 1
        for row in rows:
            deliver(row, provider)
            tried += 1
    return tried


@shared_task(name="portal.notify.tasks.dispatch_outbox", ignore_result=True)
def dispatch_outbox() -> int:
    """Started after a message is queued, and by beat every minute to sweep up rows left behind."""
    return dispatch_due()
