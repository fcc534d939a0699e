"""The dispatcher: claims due rows, sends them, records the answer, retries with back-off."""

import datetime as dt

import pytest

from portal.notify.models import OutboxMessage
from portal.notify.providers import PermanentError, Provider, TemporaryError
from portal.notify.tasks import backoff, claim_due, deliver, dispatch_due
from tests.factories.notify import OutboxMessageFactory, SmsTemplateFactory

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status


class ScriptedProvider(Provider):
    """Answers each send with the next scripted outcome: an id, or an exception to raise."""

    name = "scripted"

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.sent = []

    def send(self, sms):
        self.sent.append(sms)
        outcome = self.outcomes.pop(0) if self.outcomes else "provider-id"
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


@pytest.fixture
def provider(monkeypatch):
    scripted = ScriptedProvider()
    monkeypatch.setattr("portal.notify.providers.get_provider", lambda: scripted)
    return scripted


def test_a_due_message_is_sent_and_the_answer_recorded(clock, provider):
    message = OutboxMessageFactory(phone="13812345678")

    dispatch_due()

    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.sent_at == clock.now
    assert message.provider_message_id == "provider-id"
    assert message.attempts == 1
    assert provider.sent[0].phone == "13812345678"
    assert provider.sent[0].message_id == str(message.message_id)


def test_a_message_not_yet_due_is_left_alone(clock, provider):
    message = OutboxMessageFactory(next_attempt_at=clock.now + dt.timedelta(minutes=1))

    dispatch_due()

    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert provider.sent == []


def test_suppressed_sent_and_failed_messages_are_never_sent(clock, provider):
    for status in (Status.SUPPRESSED, Status.FAILED):
        OutboxMessageFactory(status=status)
    OutboxMessageFactory(status=Status.SENT, sent_at=clock.now)

    dispatch_due()

    assert provider.sent == []


def test_a_claimed_row_is_marked_sending_with_a_lease(clock, settings):
    settings.SMS_SENDING_LEASE_SECONDS = 300
    message = OutboxMessageFactory()

    (claimed,) = claim_due()

    message.refresh_from_db()
    assert claimed.pk == message.pk
    assert message.status == Status.SENDING
    assert message.next_attempt_at == clock.now + dt.timedelta(seconds=300)


def test_a_row_whose_lease_has_not_run_out_is_not_claimed_again(clock):
    OutboxMessageFactory()
    claim_due()

    assert claim_due() == []


def test_a_row_left_sending_by_a_dead_worker_is_due_again_after_the_lease(clock, settings, provider):
    settings.SMS_SENDING_LEASE_SECONDS = 300
    message = OutboxMessageFactory()
    claim_due()  # the worker that claimed it dies here
    clock.advance(seconds=301)

    dispatch_due()

    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 2
    assert [sms.message_id for sms in provider.sent] == [str(message.message_id)]


def test_a_late_answer_from_a_worker_whose_row_was_taken_over_is_not_recorded(clock, settings, provider):
    settings.SMS_SENDING_LEASE_SECONDS = 300
    OutboxMessageFactory()
    (slow,) = claim_due()
    clock.advance(seconds=301)
    (taken_over,) = claim_due()
    provider.outcomes = [PermanentError("refused")]

    deliver(slow, provider)

    taken_over.refresh_from_db()
    assert taken_over.status == Status.SENDING
    assert taken_over.attempts == 2


def test_a_temporary_error_is_retried_with_exponential_backoff(clock, provider):
    message = OutboxMessageFactory()
    provider.outcomes = [TemporaryError("timeout"), TemporaryError("timeout"), TemporaryError("timeout")]
    started = clock.now
    retry_times = []
    for _ in range(3):
        dispatch_due()
        message.refresh_from_db()
        retry_times.append(message.next_attempt_at - clock.now)
        clock.now = message.next_attempt_at

    assert retry_times == [dt.timedelta(minutes=1), dt.timedelta(minutes=2), dt.timedelta(minutes=4)]
    assert message.status == Status.QUEUED
    assert message.last_error == "timeout"
    assert message.attempts == 3
    assert clock.now - started == dt.timedelta(minutes=7)


def test_backoff_doubles_and_is_capped_at_a_day():
    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4, 5)] == [1, 2, 4, 8, 16]
    assert backoff(30) == dt.timedelta(days=1)


def test_after_the_last_attempt_a_temporary_error_fails_the_message(clock, provider, settings):
    settings.SMS_MAX_ATTEMPTS = 2
    message = OutboxMessageFactory(attempts=1)
    provider.outcomes = [TemporaryError("timeout")]

    dispatch_due()

    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.attempts == 2


def test_a_permanent_error_fails_the_message_at_once(clock, provider):
    message = OutboxMessageFactory()
    provider.outcomes = [PermanentError("空号")]

    dispatch_due()

    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.last_error == "空号"


def test_an_unexpected_exception_is_retried_not_lost(clock, provider):
    message = OutboxMessageFactory()
    provider.outcomes = [RuntimeError("bug")]

    dispatch_due()

    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert "RuntimeError" in message.last_error


def test_during_quiet_hours_only_urgent_messages_are_claimed(clock, provider):
    clock.set("2026-03-10T23:30")
    ordinary = OutboxMessageFactory(urgent=False)
    urgent = OutboxMessageFactory(urgent=True, template=SmsTemplateFactory(urgent=True))

    dispatch_due()

    ordinary.refresh_from_db()
    urgent.refresh_from_db()
    assert ordinary.status == Status.QUEUED
    assert urgent.status == Status.SENT


def test_a_retry_of_an_ordinary_message_never_falls_in_quiet_hours(clock, provider):
    clock.set("2026-03-10T21:59")
    message = OutboxMessageFactory()
    provider.outcomes = [TemporaryError("timeout")]

    dispatch_due()

    message.refresh_from_db()
    assert message.next_attempt_at == clock.set("2026-03-11T08:00")


def test_the_dispatcher_works_through_several_batches(clock, provider):
    OutboxMessageFactory.create_batch(25)

    assert dispatch_due() == 25
    assert OutboxMessage.objects.filter(status=Status.SENT).count() == 25


def test_the_real_provider_is_the_configured_one(clock, settings):
    settings.SMS_PROVIDER = "console"
    message = OutboxMessageFactory()

    dispatch_due()

    message.refresh_from_db()
    assert message.provider == "console"
    assert message.provider_message_id.startswith("console-")
