"""Webhooks (推送) through the outbox: signed, retried until acknowledged, in order per ordering key."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError

from portal.notify.channels import (
    EVENT_HEADER,
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    channels,
    verify_webhook,
)
from portal.notify.models import OutboxMessage, WebhookEndpoint
from portal.notify.services import queue_webhook
from portal.notify.tasks import dispatch_due

pytestmark = pytest.mark.django_db

SECRET = "endpoint-secret"
Status = OutboxMessage.Status


class Receiver:
    """A receiving system: checks signatures, answers each request with the next scripted status (default 200)."""

    def __init__(self):
        self.requests = []
        self.statuses = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": json.loads(body), "raw": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("X-Request-Id", f"r-{len(receiver.requests)}")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self):
        return [request["body"]["data"]["step"] for request in self.requests]


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


@pytest.fixture
def endpoint(receiver):
    return WebhookEndpoint.objects.create(code="hotline-12345", name="12345热线", url=receiver.url, secret=SECRET)


def _queue(step, *, ticket="T-1", key=None):
    return queue_webhook(
        "hotline-12345",
        "appeal.replied",
        {"ticket": ticket, "step": step},
        dedupe_key=key or f"hook-{ticket}-{step}",
        ordering_key=f"12345:{ticket}",
    )


def test_the_webhook_channel_is_registered_beside_sms():
    assert {"sms", "webhook"} <= set(channels.keys())


def test_a_webhook_is_posted_signed_with_our_id_as_idempotency_key(clock, endpoint, receiver):
    message = _queue("受理")

    dispatch_due()

    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.provider == "hotline-12345"
    assert message.provider_message_id == "r-1"
    (request,) = receiver.requests
    headers = request["headers"]
    assert headers[IDEMPOTENCY_HEADER] == str(message.message_id)
    assert headers[EVENT_HEADER] == "appeal.replied"
    assert verify_webhook(SECRET, headers[TIMESTAMP_HEADER], request["raw"], headers[SIGNATURE_HEADER])
    assert request["body"]["data"] == {"ticket": "T-1", "step": "受理"}
    assert request["body"]["ordering_key"] == "12345:T-1"


def test_a_signature_made_with_another_secret_does_not_verify(clock, endpoint, receiver):
    _queue("受理")
    dispatch_due()

    headers = receiver.requests[0]["headers"]
    assert not verify_webhook(
        "another", headers[TIMESTAMP_HEADER], receiver.requests[0]["raw"], headers[SIGNATURE_HEADER]
    )


def test_the_payload_is_stored_encrypted(clock, endpoint):
    from django.db import connection

    message = _queue("受理")

    with connection.cursor() as cursor:
        cursor.execute("SELECT params FROM notify_outboxmessage WHERE id = %s", [message.pk])
        (stored,) = cursor.fetchone()
    assert "受理" not in stored


@pytest.mark.parametrize("status", [500, 503, 404, 400])
def test_anything_but_a_2xx_is_retried_with_backoff(clock, endpoint, receiver, status):
    message = _queue("受理")
    receiver.statuses = [status]

    dispatch_due()

    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert message.next_attempt_at == clock.now + dt.timedelta(minutes=1)
    assert f"HTTP {status}" in message.last_error


def test_a_webhook_is_retried_until_acknowledged_however_many_attempts_it_takes(clock, endpoint, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 0
    message = _queue("受理")
    receiver.statuses = [503] * 12

    for _ in range(13):
        dispatch_due()
        message.refresh_from_db()
        clock.now = message.next_attempt_at

    assert message.status == Status.SENT
    assert message.attempts == 13


def test_an_unreachable_endpoint_is_retried(clock, receiver):
    WebhookEndpoint.objects.create(code="hotline-12345", name="12345热线", url="http://127.0.0.1:9/", secret=SECRET)
    message = _queue("受理")

    dispatch_due()

    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert "unreachable" in message.last_error


def test_a_later_delivery_of_a_ticket_waits_while_an_earlier_one_is_retried(clock, endpoint, receiver):
    first, second = _queue("受理"), _queue("办结")
    receiver.statuses = [503]

    dispatch_due()

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.QUEUED, Status.QUEUED)
    assert receiver.events() == ["受理"]

    clock.now = first.next_attempt_at
    dispatch_due()

    assert receiver.events() == ["受理", "受理", "办结"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_later_delivery_waits_while_an_earlier_one_is_being_sent(clock, endpoint, receiver):
    from portal.notify.tasks import claim_due

    _queue("受理")
    _queue("办结")

    claimed = claim_due()

    assert [row.params["data"]["step"] for row in claimed] == ["受理"]
    assert claim_due() == []


def test_deliveries_of_other_tickets_do_not_wait(clock, endpoint, receiver):
    stuck = _queue("受理", ticket="T-1")
    other = _queue("受理", ticket="T-2")
    receiver.statuses = [503]

    dispatch_due()

    stuck.refresh_from_db()
    other.refresh_from_db()
    assert (stuck.status, other.status) == (Status.QUEUED, Status.SENT)


def test_a_disabled_endpoint_keeps_its_deliveries_queued(clock, endpoint, receiver):
    endpoint.active = False
    endpoint.save()
    message = _queue("受理")

    dispatch_due()

    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert receiver.requests == []


def test_a_duplicate_dedupe_key_returns_the_first_delivery(clock, endpoint):
    first = _queue("受理", key="same")

    again = _queue("办结", key="same")

    assert again.pk == first.pk
    assert again.duplicate is True
    assert OutboxMessage.objects.count() == 1


def test_an_unknown_endpoint_is_refused_in_chinese(clock):
    with pytest.raises(ValidationError, match="推送接收端“nowhere”不存在"):
        queue_webhook("nowhere", "appeal.replied", {}, dedupe_key="k")
    assert not OutboxMessage.objects.exists()


def test_data_that_is_not_json_is_refused(clock, endpoint):
    with pytest.raises(ValidationError, match="JSON"):
        queue_webhook("hotline-12345", "appeal.replied", {"when": dt.date(2026, 1, 1)}, dedupe_key="k")


def test_webhooks_go_out_during_sms_quiet_hours(clock, endpoint, receiver):
    clock.set("2026-03-10T23:30")
    message = _queue("受理")

    dispatch_due()

    message.refresh_from_db()
    assert message.status == Status.SENT
