"""The outbox dispatcher (发件箱投递): claims due rows of every channel, sends them, records the answer.

Delivery guarantee, honestly: the outbox is at-least-once. A row is claimed
(`sending`, with a lease in `next_attempt_at`) and committed before the
channel is called, and the answer is recorded right after, row by row. If
the worker dies between the receiver accepting a message and the answer
being recorded, the lease runs out and the row is sent again. Exactly-once
delivery therefore rests on the receiver honouring our message id as an
idempotency key — the `http` SMS gateway protocol and the webhook protocol
require it; Alibaba Cloud's SendSms has no such key, so there a crash in that
window can deliver twice. The same dedupe key never produces a second row,
so it is never queued twice.
"""

import logging

from celery import shared_task
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from .channels import backoff, channels, get_channel
from .errors import PermanentError, TemporaryError
from .models import OutboxMessage

log = logging.getLogger(__name__)

__all__ = ["backoff", "claim_due", "deliver", "dispatch_due", "dispatch_outbox"]

BATCH_SIZE = 10
Status = OutboxMessage.Status
PENDING = [Status.QUEUED, Status.SENDING]


def _due(now) -> Q:
    """Due rows of every channel: queued rows whose time has come, and `sending` rows whose lease ran out.

    A row with an ordering key is due only when no earlier row (lower id) of
    that key is still queued or sending, so one key has at most one row in
    flight and its rows go out in the order they were queued.
    """
    by_channel = Q(pk__in=[])
    for entry in channels.entries():
        by_channel |= Q(channel=entry.key) & entry.obj.due(now)
    earlier_pending = OutboxMessage.objects.filter(
        ordering_key=OuterRef("ordering_key"), pk__lt=OuterRef("pk"), status__in=PENDING
    )
    return (
        Q(status__in=PENDING, next_attempt_at__lte=now) & by_channel & (Q(ordering_key="") | ~Exists(earlier_pending))
    )


def claim_due(limit: int = BATCH_SIZE) -> list[OutboxMessage]:
    """Claims up to `limit` due rows for this worker and marks them `sending`, in one short transaction.

    Due: see `_due`. SKIP LOCKED lets many workers claim at once without
    waiting for or double-claiming each other's rows. A row whose lease ran
    out on its channel's last attempt is given up (`failed`).
    """
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("template")
            .filter(_due(now))
            .order_by("next_attempt_at", "pk")[:limit]
        )
        claimed = []
        for row in rows:
            channel = get_channel(row.channel)
            limit_ = channel.max_attempts()
            if limit_ is not None and row.attempts >= limit_:
                OutboxMessage.objects.filter(pk=row.pk).update(
                    status=Status.FAILED, last_error="发送中断且已达最大尝试次数"
                )
                continue
            lease_until = now + channel.lease()
            OutboxMessage.objects.filter(pk=row.pk).update(
                status=Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=lease_until
            )
            row.status = Status.SENDING
            row.attempts += 1
            row.next_attempt_at = lease_until
            claimed.append(row)
    return claimed


def _record(row: OutboxMessage, **fields) -> bool:
    """Writes the outcome of the attempt this worker claimed, unless another worker took the row over."""
    return bool(OutboxMessage.objects.filter(pk=row.pk, status=Status.SENDING, attempts=row.attempts).update(**fields))


def deliver(row: OutboxMessage, transport=None) -> str:
    """Sends one claimed row (outside any transaction or lock) through its channel and records the answer.

    `transport` is what the channel sends with (for SMS the provider); by
    default the channel opens its own. Returns the row's new status.
    """
    channel = get_channel(row.channel)
    if transport is None:
        transport = channel.open()
    sender = channel.sender(row, transport)[:64]
    try:
        reference = channel.send(row, transport)
    except PermanentError as exc:
        error = channel.redact(row, str(exc))
        _record(row, status=Status.FAILED, last_error=error[:1000], provider=sender)
        log.warning(
            "delivery failed", extra={"channel": row.channel, "message_id": str(row.message_id), "error": error}
        )
        return Status.FAILED
    except Exception as exc:
        # TemporaryError and anything unexpected: retry later, never lose the row.
        text = str(exc) if isinstance(exc, TemporaryError) else f"{type(exc).__name__}: {exc}"
        error = channel.redact(row, text)
        limit = channel.max_attempts()
        if limit is not None and row.attempts >= limit:
            _record(row, status=Status.FAILED, last_error=error[:1000], provider=sender)
            log.warning(
                "delivery failed after retries",
                extra={"channel": row.channel, "message_id": str(row.message_id), "error": error},
            )
            return Status.FAILED
        retry_at = channel.retry_at(row, timezone.now())
        _record(row, status=Status.QUEUED, next_attempt_at=retry_at, last_error=error[:1000], provider=sender)
        return Status.QUEUED
    _record(
        row,
        status=Status.SENT,
        sent_at=timezone.now(),
        provider=sender,
        provider_message_id=str(reference or "")[:128],
        last_error="",
    )
    return Status.SENT


def dispatch_due(max_batches: int | None = None) -> int:
    """Sends due rows batch by batch until none is due (or `max_batches` ran); returns how many were tried.

    Each channel's transport (SMS provider, HTTP session) is opened once per run, when first needed.
    """
    transports = {}
    tried = batches = 0
    while max_batches is None or batches < max_batches:
        rows = claim_due()
        if not rows:
            break
        batches += 1
        for row in rows:
            if row.channel not in transports:
                transports[row.channel] = get_channel(row.channel).open()
            deliver(row, transports[row.channel])
            tried += 1
    return tried


@shared_task(name="portal.notify.tasks.dispatch_outbox", ignore_result=True)
def dispatch_outbox() -> int:
    """Started after a message is queued, and by beat every minute to sweep up rows left behind."""
    return dispatch_due()
