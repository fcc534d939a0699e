"""With Redis down, a request that queues an SMS returns at once: the work is safe in the outbox."""

import time

import pytest
from django.urls import reverse

from portal.accounts import verification
from portal.celery import app
from portal.core.tasks import publish
from portal.notify.models import OutboxMessage
from portal.notify.tasks import dispatch_outbox
from tests.throwaway_redis import ThrowawayRedis


@pytest.fixture
def broker(settings):
    server = ThrowawayRedis().start()
    previous = app.conf.broker_url
    app.conf.broker_url = server.url(0)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    yield server
    app.conf.broker_url = previous
    server.stop()


@pytest.mark.django_db(transaction=True)
def test_a_code_request_returns_at_once_and_keeps_the_sms_while_the_broker_is_down(client, broker, caplog):
    verification.ensure_sms_templates()
    # a running portal has served pages and published before (its imports are done)
    client.get(reverse("accounts:register"))
    assert publish(dispatch_outbox)
    broker.stop()

    started = time.monotonic()
    response = client.post(reverse("accounts:register_code"), {"phone": "13812345678"})
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 0.5, f"the request waited {elapsed:.2f} s on the broker"
    assert OutboxMessage.objects.filter(
        template__code=verification.SMS_TEMPLATE, status=OutboxMessage.Status.QUEUED
    ).exists()
    assert "broker unavailable" in caplog.text


@pytest.mark.django_db
def test_publishing_to_a_stopped_broker_fails_in_well_under_a_second(broker):
    broker.stop()
    publish(dispatch_outbox)  # the first attempt of a process also imports the transport

    started = time.monotonic()
    published = publish(dispatch_outbox)

    assert published is False
    assert time.monotonic() - started < 0.3


@pytest.mark.django_db
def test_a_live_broker_receives_the_message(broker):
    import redis

    assert publish(dispatch_outbox) is True
    assert redis.Redis.from_url(broker.url(0)).llen("celery") == 1
