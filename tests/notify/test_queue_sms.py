"""queue_sms: the rules a message meets before it enters the outbox."""

import pytest
from django.core.exceptions import ValidationError

from portal.notify.models import OutboxMessage
from portal.notify.services import queue_sms

pytestmark = pytest.mark.django_db

PARAMS = {"matter": "研发费用补助", "step": "审核"}


def test_a_queued_message_is_rendered_and_due_now(clock, progress_template):
    message = queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="app-1-review")

    assert message.status == OutboxMessage.Status.QUEUED
    assert message.text == "【惠企服务平台】您申报的研发费用补助已进入审核环节。"
    assert message.next_attempt_at == clock.now
    assert message.duplicate is False


def test_the_phone_is_stored_encrypted(clock, progress_template):
    from django.db import connection

    message = queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="app-1-review")

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM notify_outboxmessage WHERE id = %s", [message.pk])
        (stored,) = cursor.fetchone()
    assert "13812345678" not in stored
    assert OutboxMessage.objects.get(pk=message.pk).phone == "13812345678"


def test_a_duplicate_dedupe_key_returns_the_first_message_untouched(clock, progress_template):
    first = queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="app-1-review")

    again = queue_sms(
        "13900000000", "application-progress", {"matter": "别的", "step": "别的"}, dedupe_key="app-1-review"
    )

    assert again.pk == first.pk
    assert again.duplicate is True
    assert again.text == first.text
    assert OutboxMessage.objects.count() == 1


def test_a_suppressed_message_stays_suppressed_when_queued_again(clock, progress_template, settings):
    settings.SMS_DAILY_CAP_PER_PHONE = 0
    suppressed = queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="app-1-review")
    settings.SMS_DAILY_CAP_PER_PHONE = 10

    again = queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="app-1-review")

    assert again.pk == suppressed.pk
    assert again.status == OutboxMessage.Status.SUPPRESSED


@pytest.mark.parametrize("phone", ["138 1234 5678", "+86 138-1234-5678", "008613812345678"])
def test_common_spellings_of_a_mobile_number_are_accepted(clock, progress_template, phone):
    message = queue_sms(phone, "application-progress", PARAMS, dedupe_key=f"k-{phone}")

    assert message.phone == "13812345678"


@pytest.mark.parametrize("phone", ["", "1381234567", "23812345678", "12812345678", "0712-1234567", "1381234567a"])
def test_a_malformed_phone_is_refused_in_chinese_and_nothing_is_written(clock, progress_template, phone):
    with pytest.raises(ValidationError) as refused:
        queue_sms(phone, "application-progress", PARAMS, dedupe_key="k")

    assert refused.value.messages[0] == "请输入正确的11位中国大陆手机号码。"
    assert not OutboxMessage.objects.exists()


def test_a_missing_parameter_is_refused(clock, progress_template):
    with pytest.raises(ValidationError) as refused:
        queue_sms("13812345678", "application-progress", {"matter": "研发费用补助"}, dedupe_key="k")

    assert "缺少参数：step" in refused.value.messages[0]
    assert not OutboxMessage.objects.exists()


def test_an_extra_parameter_is_refused(clock, progress_template):
    with pytest.raises(ValidationError) as refused:
        queue_sms("13812345678", "application-progress", {**PARAMS, "amount": "1"}, dedupe_key="k")

    assert "多余参数：amount" in refused.value.messages[0]


def test_an_unknown_template_is_refused(clock, db):
    with pytest.raises(ValidationError, match="不存在"):
        queue_sms("13812345678", "no-such-template", {}, dedupe_key="k")


def test_an_inactive_template_is_refused(clock, progress_template):
    progress_template.active = False
    progress_template.save()

    with pytest.raises(ValidationError, match="已停用"):
        queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="k")


def test_a_message_queued_at_23_00_is_due_at_08_00_next_morning(clock, progress_template):
    clock.set("2026-03-10T23:00")

    message = queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="k")

    assert message.next_attempt_at == clock.set("2026-03-11T08:00")


def test_a_message_queued_after_midnight_is_due_at_08_00_the_same_morning(clock, progress_template):
    clock.set("2026-03-11T01:30")

    message = queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="k")

    assert message.next_attempt_at == clock.set("2026-03-11T08:00")


def test_quiet_hours_end_at_08_00_exclusive_and_start_at_22_00_inclusive(clock, progress_template):
    clock.set("2026-03-11T08:00")
    morning = queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="a")
    clock.set("2026-03-11T22:00")
    evening = queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="b")

    assert morning.next_attempt_at == clock.set("2026-03-11T08:00")
    assert evening.next_attempt_at == clock.set("2026-03-12T08:00")


def test_an_urgent_message_is_not_held_by_quiet_hours(clock, code_template):
    clock.set("2026-03-10T23:00")

    message = queue_sms("13812345678", "login-code", {"code": "123456"}, dedupe_key="k")

    assert message.next_attempt_at == clock.now


def test_quiet_hours_are_configurable(clock, progress_template, settings):
    settings.SMS_QUIET_HOURS = "21:00-07:30"
    clock.set("2026-03-10T21:15")

    message = queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="k")

    assert message.next_attempt_at == clock.set("2026-03-11T07:30")


def test_beyond_the_daily_cap_a_phone_gets_suppressed_messages_with_a_reason(clock, progress_template, settings):
    settings.SMS_DAILY_CAP_PER_PHONE = 3
    for n in range(3):
        queue_sms("13812345678", "application-progress", PARAMS, dedupe_key=f"k{n}")

    extra = queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="k3")

    assert extra.status == OutboxMessage.Status.SUPPRESSED
    assert "每日3条" in extra.last_error


def test_the_daily_cap_counts_per_phone(clock, progress_template, settings):
    settings.SMS_DAILY_CAP_PER_PHONE = 1
    queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="a")

    other = queue_sms("13900001111", "application-progress", PARAMS, dedupe_key="b")

    assert other.status == OutboxMessage.Status.QUEUED


def test_the_daily_cap_starts_again_at_midnight_shanghai_time(clock, progress_template, settings):
    settings.SMS_DAILY_CAP_PER_PHONE = 1
    clock.set("2026-03-10T21:00")
    queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="a")
    clock.set("2026-03-11T09:00")

    next_day = queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="b")

    assert next_day.status == OutboxMessage.Status.QUEUED


def test_urgent_messages_are_not_suppressed_by_the_cap(clock, code_template, settings):
    settings.SMS_DAILY_CAP_PER_PHONE = 0

    message = queue_sms("13812345678", "login-code", {"code": "123456"}, dedupe_key="k")

    assert message.status == OutboxMessage.Status.QUEUED


def test_the_dispatcher_is_enqueued_after_commit(
    clock, progress_template, django_capture_on_commit_callbacks, monkeypatch
):
    from portal.notify.tasks import dispatch_outbox

    calls = []
    monkeypatch.setattr(dispatch_outbox, "apply_async", lambda *args, **kwargs: calls.append(kwargs))

    with django_capture_on_commit_callbacks(execute=True):
        queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="k")

    assert len(calls) == 1


def test_a_message_held_for_quiet_hours_is_left_to_the_sweep(
    clock, progress_template, django_capture_on_commit_callbacks, monkeypatch
):
    from portal.notify.tasks import dispatch_outbox

    calls = []
    monkeypatch.setattr(dispatch_outbox, "apply_async", lambda *args, **kwargs: calls.append(kwargs))
    clock.set("2026-03-10T23:00")

    with django_capture_on_commit_callbacks(execute=True):
        queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="k")

    assert calls == []


def test_a_refused_message_leaves_the_callers_transaction_usable(clock, progress_template):
    from django.db import transaction

    with transaction.atomic():
        with pytest.raises(ValidationError):
            queue_sms("12345", "application-progress", PARAMS, dedupe_key="bad")
        message = queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="good")

    assert OutboxMessage.objects.get().pk == message.pk


@pytest.fixture
def dispatcher_starts(monkeypatch):
    """Each element is one broker message that would have started the dispatcher."""
    from portal.notify.tasks import dispatch_outbox

    calls = []
    monkeypatch.setattr(dispatch_outbox, "apply_async", lambda *args, **kwargs: calls.append(kwargs))
    return calls


def test_a_transaction_queuing_fifty_messages_starts_the_dispatcher_once(
    clock, progress_template, django_capture_on_commit_callbacks, dispatcher_starts
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        for n in range(50):
            queue_sms(f"1381234{n:04d}", "application-progress", PARAMS, dedupe_key=f"k{n}")
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    assert OutboxMessage.objects.count() == 50
    assert len(callbacks) == 1
    assert len(dispatcher_starts) == 1


@pytest.mark.django_db(transaction=True)
def test_each_committed_transaction_starts_the_dispatcher_once(clock, progress_template, dispatcher_starts):
    from django.db import transaction

    with transaction.atomic():
        queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="a")
        queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="b")
    assert len(dispatcher_starts) == 1

    queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="c")
    assert len(dispatcher_starts) == 2


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_the_next_one_its_own_start(clock, progress_template, dispatcher_starts):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="undone")
        raise RuntimeError("the caller failed after queuing")
    queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="kept")

    assert list(OutboxMessage.objects.values_list("dedupe_key", flat=True)) == ["kept"]
    assert len(dispatcher_starts) == 1


def test_a_message_queued_after_a_rolled_back_savepoint_still_starts_the_dispatcher(
    clock, progress_template, django_capture_on_commit_callbacks, dispatcher_starts
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="undone")
            raise RuntimeError("the inner block failed after queuing")
        queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="kept")

    assert list(OutboxMessage.objects.values_list("dedupe_key", flat=True)) == ["kept"]
    assert len(dispatcher_starts) == 1


def test_resending_many_failed_messages_in_one_transaction_starts_the_dispatcher_once(
    clock, django_capture_on_commit_callbacks, dispatcher_starts
):
    from django.db import transaction

    from portal.notify.services import resend
    from tests.factories.notify import OutboxMessageFactory

    failed = OutboxMessageFactory.create_batch(5, status=OutboxMessage.Status.FAILED, attempts=8)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert all(resend(message) for message in failed)

    assert len(dispatcher_starts) == 1
