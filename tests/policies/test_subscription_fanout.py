"""The subscription fan-out (订阅群发) works in chunks, each its own transaction, and resumes after a crash."""

import pytest

from policies import services
from policies import tasks as policy_tasks
from policies.models import Policy
from portal.notify.models import FanOut, OutboxMessage, SiteMessage
from tests.factories.policies import InterpretationFactory, SubscriptionFactory, category

pytestmark = pytest.mark.django_db


def _publish(policy, editor, approver):
    services.submit(policy, by=editor)
    services.approve(policy, by=approver)
    services.approve_interpretation(InterpretationFactory(policy=policy), by=approver)
    return services.publish(policy, by=approver)


@pytest.fixture
def subscribers():
    def make(n):
        subscriptions = SubscriptionFactory.create_batch(n)
        for subscription in subscriptions:
            subscription.categories.set([category("keji")])
        return subscriptions

    return make


def test_subscribers_are_told_in_chunks_of_the_configured_size(policy, editor_a, approver_a, subscribers, settings):
    settings.NOTIFY_FANOUT_CHUNK_SIZE = 2
    subscribers(5)
    _publish(policy, editor_a, approver_a)

    assert services.notify_subscribers(policy.pk) == 5

    fanout = FanOut.objects.get(key=f"policy-subscribers:{policy.pk}")
    assert (fanout.chunks, fanout.recipients) == (3, 5)
    assert fanout.finished_at is not None
    assert (SiteMessage.objects.count(), OutboxMessage.objects.count()) == (5, 5)


def test_each_chunk_commits_on_its_own(policy, editor_a, approver_a, subscribers, settings, monkeypatch):
    settings.NOTIFY_FANOUT_CHUNK_SIZE = 2
    subscribers(5)
    _publish(policy, editor_a, approver_a)
    from django.db import connection

    depths = []
    import portal.notify.services as notify

    original = notify.queue_sms_batch

    def spy(*args, **kwargs):
        depths.append(len(connection.savepoint_ids))
        return original(*args, **kwargs)

    monkeypatch.setattr(notify, "queue_sms_batch", spy)

    services.notify_subscribers(policy.pk)

    # every chunk ran in a block of its own (one savepoint deep under the test's transaction)
    assert depths == [1, 1, 1]


def test_a_crash_in_the_middle_resumes_after_the_last_committed_chunk_and_sends_nothing_twice(
    policy, editor_a, approver_a, subscribers, settings, monkeypatch
):
    settings.NOTIFY_FANOUT_CHUNK_SIZE = 2
    subscribers(5)
    _publish(policy, editor_a, approver_a)
    import portal.notify.services as notify

    original = notify.send_site_message_batch
    calls = []

    def crash_on_the_second_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker died")
        return original(*args, **kwargs)

    monkeypatch.setattr(notify, "send_site_message_batch", crash_on_the_second_chunk)
    with pytest.raises(RuntimeError):
        services.notify_subscribers(policy.pk)
    assert (SiteMessage.objects.count(), OutboxMessage.objects.count()) == (2, 2)
    assert FanOut.objects.get().cursor > 0

    assert services.notify_subscribers(policy.pk) == 3

    assert (SiteMessage.objects.count(), OutboxMessage.objects.count()) == (5, 5)
    assert Policy.objects.get(pk=policy.pk).subscribers_notified_at is not None


def test_a_chunk_done_again_writes_nothing_twice(policy, editor_a, approver_a, subscribers, settings):
    settings.NOTIFY_FANOUT_CHUNK_SIZE = 2
    subscribers(3)
    _publish(policy, editor_a, approver_a)
    services.notify_subscribers(policy.pk)
    # as if the bookmark had been lost: every chunk is done again
    FanOut.objects.update(cursor=0, finished_at=None)
    Policy.objects.filter(pk=policy.pk).update(subscribers_notified_at=None)

    services.notify_subscribers(policy.pk)

    assert (SiteMessage.objects.count(), OutboxMessage.objects.count()) == (3, 3)


def test_a_subscriber_with_a_malformed_phone_gets_the_site_message_and_does_not_stop_the_rest(
    policy, editor_a, approver_a, subscribers
):
    first, _second = subscribers(2)
    first.user.phone = "12345"
    first.user.save(update_fields=["phone"])
    _publish(policy, editor_a, approver_a)

    assert services.notify_subscribers(policy.pk) == 2

    assert SiteMessage.objects.count() == 2
    assert OutboxMessage.objects.count() == 1


def test_the_sweep_isolates_a_failing_policy_and_processes_the_rest(
    policy, editor_a, approver_a, subscribers, monkeypatch, caplog
):
    subscribers(1)
    _publish(policy, editor_a, approver_a)
    original = services.notify_subscribers

    def failing_for_the_first(pk, **kwargs):
        if pk == -1:
            raise RuntimeError("broken policy")
        return original(pk, **kwargs)

    monkeypatch.setattr(services, "pending_subscription_notices", lambda: [-1, policy.pk])
    monkeypatch.setattr(services, "notify_subscribers", failing_for_the_first)

    assert policy_tasks.sweep_subscription_notices() == 1

    assert SiteMessage.objects.count() == 1
    assert "subscription notices failed" in caplog.text
