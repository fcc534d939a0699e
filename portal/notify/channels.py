"""Delivery channels (投递渠道): how one outbox row reaches its receiver.

The outbox (`OutboxMessage`) is one table for every outbound delivery; the
dispatcher (`tasks`) claims, leases and retries rows the same way whatever
their channel, and hands each row to its channel to be sent. A channel is
registered in the kernel's registry type:

    channels.add("sms", SmsChannel(), label="短信")

and says when its rows are due, how long a lease lasts, how many attempts it
makes, when to retry, and how to send one row. A channel raises
`TemporaryError` (retried with back-off) or `PermanentError` (failed at once).

- `sms`: through the configured SMS provider (`providers`), held back during
  quiet hours unless urgent, given up after `SMS_MAX_ATTEMPTS`.
- `webhook`: an HTTP POST of the event to a `WebhookEndpoint`, signed with
  HMAC-SHA256 and carrying our message id as idempotency key; anything but a
  2xx acknowledgement is retried with back-off (for ever unless
  `WEBHOOK_MAX_ATTEMPTS` says otherwise). The request:

      POST {endpoint.url}
      Content-Type: application/json; charset=utf-8
      Idempotency-Key: {message id}
      X-Portal-Event: {event}
      X-Portal-Timestamp: {unix seconds}
      X-Portal-Signature: sha256=hex(HMAC-SHA256(endpoint.secret, "{timestamp}." + raw body))

      {"id": message id, "event": …, "ordering_key": …, "created_at": ISO 8601, "data": {…}}

  The receiver must answer a repeated Idempotency-Key with success without
  acting again: a retry after a lost answer is then harmless.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time

import requests
from django.conf import settings
from django.core import checks
from django.db.models import Q

from portal.core.registry import Registry

from . import providers
from .errors import PermanentError, TemporaryError
from .models import OutboxMessage, WebhookEndpoint
from .services import earliest_send_time, quiet_hours_end

SIGNATURE_HEADER = "X-Portal-Signature"
TIMESTAMP_HEADER = "X-Portal-Timestamp"
EVENT_HEADER = "X-Portal-Event"
IDEMPOTENCY_HEADER = "Idempotency-Key"

__all__ = ["Channel", "PermanentError", "TemporaryError", "backoff", "channels", "get_channel"]


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after the n-th failed attempt, at most a day."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 24 * 60))


class Channel:
    """A delivery channel: the defaults suit a receiver that is always open and retried for ever."""

    def due(self, now: dt.datetime) -> Q:
        """Which of this channel's rows whose time has come may be claimed now (beyond status and time)."""
        return Q()

    def max_attempts(self) -> int | None:
        """After this many attempts a failing row is given up (`failed`); None retries until it is acknowledged."""
        return None

    def lease(self) -> dt.timedelta:
        """How long a claimed row stays `sending` before another worker may take it over."""
        return dt.timedelta(seconds=300)

    def retry_at(self, row: OutboxMessage, now: dt.datetime) -> dt.datetime:
        return now + backoff(row.attempts)

    def open(self):
        """What `send` sends with (a provider, an HTTP session), opened once per dispatcher run."""
        return None

    def send(self, row: OutboxMessage, transport) -> str:
        """Delivers one claimed row; returns the receiver's reference, or raises a `DeliveryError`."""
        raise NotImplementedError

    def sender(self, row: OutboxMessage, transport) -> str:
        """What is recorded as the row's `provider`."""
        return ""

    def redact(self, row: OutboxMessage, error: str) -> str:
        """The error text as it may be stored and logged."""
        return error


channels: Registry[Channel] = Registry("delivery_channels", label="投递渠道")


def get_channel(key: str) -> Channel:
    return channels.get(key)


class SmsChannel(Channel):
    """短信: through the configured provider; ordinary messages wait out quiet hours."""

    def due(self, now):
        return Q(urgent=True) if quiet_hours_end(now) is not None else Q()

    def max_attempts(self):
        return settings.SMS_MAX_ATTEMPTS

    def lease(self):
        return dt.timedelta(seconds=settings.SMS_SENDING_LEASE_SECONDS)

    def retry_at(self, row, now):
        # a retry of an ordinary message never falls in quiet hours
        return earliest_send_time(now + backoff(row.attempts), urgent=row.urgent)

    def open(self):
        return providers.get_provider()

    def send(self, row, transport):
        return transport.send(self.outgoing(row))

    def sender(self, row, transport):
        return transport.name

    @staticmethod
    def outgoing(row: OutboxMessage) -> providers.OutgoingSms:
        return providers.OutgoingSms(
            message_id=str(row.message_id),
            phone=row.phone,
            text=row.text,
            template_code=row.template.code,
            provider_template_code=row.template.provider_template_code,
            params=row.params,
        )

    def redact(self, row, error):
        """Without what of ours a provider may echo: the phone and the parameter values (a verification code).

        Values shorter than four characters are left, so "5" (minutes) does not
        blank out "HTTP 500".
        """
        for secret in (row.phone, *(str(value) for value in row.params.values())):
            if len(secret) >= 4:
                error = error.replace(secret, "***")
        return error

    def check(self):
        if settings.SMS_PROVIDER not in providers.providers:
            return [
                checks.Error(
                    f"SMS_PROVIDER {settings.SMS_PROVIDER!r} is not a registered SMS provider",
                    hint=f"registered: {', '.join(providers.providers.keys())}",
                    id="notify.E001",
                )
            ]
        return []


def sign_webhook(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value: sha256=hex(HMAC-SHA256(secret, "{timestamp}." + body))."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_webhook(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does with a request (used by the tests' receiver)."""
    try:
        expected = sign_webhook(secret, int(timestamp), body)
    except (TypeError, ValueError):
        return False
    return hmac.compare_digest(expected, signature or "")


def build_webhook_request(row: OutboxMessage, secret: str, *, timestamp: int | None = None) -> tuple[bytes, dict]:
    """The body and headers of one webhook request (separate from sending, so it can be tested)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    event = row.params.get("event", "")
    payload = {
        "id": str(row.message_id),
        "event": event,
        "ordering_key": row.ordering_key,
        "created_at": row.created_at.isoformat() if row.created_at else "",
        "data": row.params.get("data", {}),
    }
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        IDEMPOTENCY_HEADER: str(row.message_id),
        EVENT_HEADER: event,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign_webhook(secret, timestamp, body),
    }
    return body, headers


class WebhookChannel(Channel):
    """推送: an HTTP POST to a registered endpoint, retried until a 2xx acknowledgement."""

    def max_attempts(self):
        return settings.WEBHOOK_MAX_ATTEMPTS or None

    def lease(self):
        return dt.timedelta(seconds=settings.WEBHOOK_SENDING_LEASE_SECONDS)

    def open(self):
        return requests.Session()

    def send(self, row, transport):
        endpoint = WebhookEndpoint.objects.filter(code=row.target).first()
        # kept queued, not failed: staff may configure or re-enable the endpoint, and the order must hold
        if endpoint is None:
            raise TemporaryError(f"webhook endpoint {row.target!r} is not configured")
        if not endpoint.active:
            raise TemporaryError(f"webhook endpoint {row.target!r} is disabled")
        body, headers = build_webhook_request(row, endpoint.secret)
        try:
            response = transport.post(endpoint.url, data=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT)
        except requests.RequestException as exc:
            raise TemporaryError(f"webhook endpoint unreachable: {type(exc).__name__}") from exc
        if not 200 <= response.status_code < 300:
            raise TemporaryError(f"webhook not acknowledged: HTTP {response.status_code}")
        return response.headers.get("X-Request-Id", "")[:128] or f"HTTP {response.status_code}"

    def sender(self, row, transport):
        return row.target


channels.add("sms", SmsChannel(), label="短信")
channels.add("webhook", WebhookChannel(), label="推送")
